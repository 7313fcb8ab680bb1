/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_PLACING_PACKET_H
#define INCLUDED_SPEAD_RECV_CHUNK_PLACING_PACKET_H

#include <gnuradio/spead/protocol/packet.h>

namespace gr {
namespace spead {
namespace recv {
namespace detail {

/// The decoded packet whose heap chunk_stream::place_heap is placing, on the thread
/// that calls the place function (null at any other time): the built-in placement reads
/// its items from it instead of decoding the raw packet of chunk_place_data again.
extern thread_local const protocol::packet_view* placing_packet;

/// Sets placing_packet for one call of the place function.
class placing_packet_scope
{
public:
    explicit placing_packet_scope(const protocol::packet_view& packet)
    {
        placing_packet = &packet;
    }
    ~placing_packet_scope() { placing_packet = nullptr; }
    placing_packet_scope(const placing_packet_scope&) = delete;
    placing_packet_scope& operator=(const placing_packet_scope&) = delete;
};

} // namespace detail
} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_PLACING_PACKET_H */
