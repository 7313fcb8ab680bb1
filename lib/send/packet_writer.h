/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_PACKET_WRITER_H
#define INCLUDED_SPEAD_SEND_PACKET_WRITER_H

#include <gnuradio/spead/send/packet_generator.h>
#include <cstddef>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/// One packet of a batch: a run of the batch's buffers.
struct batch_packet {
    std::size_t first_buffer;
    std::size_t n_buffers;
    std::size_t size;
    std::size_t substream;
    /// Set by the writer: 0, or the errno of the failure.
    int error;
};

/// Packets handed to a writer at once, in the order they must go. Buffers of
/// consecutive packets are consecutive, so a run of packets is one iovec range.
struct packet_batch {
    std::vector<packet_buffer> buffers;
    std::vector<batch_packet> packets;

    void clear()
    {
        buffers.clear();
        packets.clear();
    }
};

/**
 * \brief The transport under a stream: sends batches of packets, on the stream's
 * sending thread only.
 */
class packet_writer
{
public:
    virtual ~packet_writer() = default;
    virtual std::size_t num_substreams() const = 0;
    /// Most packets a batch should hold.
    virtual std::size_t max_batch() const { return 64; }
    /// Sends every packet of \p batch in order, setting each one's error. Never throws.
    virtual void write(packet_batch& batch) = 0;
};

/// Copies the packet's pieces into \p out (for transports that need it contiguous).
void linearize(const packet_batch& batch,
               const batch_packet& packet,
               std::vector<std::uint8_t>& out);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_PACKET_WRITER_H */
