/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_MEM_READER_H
#define INCLUDED_SPEAD_RECV_MEM_READER_H

#include <gnuradio/spead/recv/offline_reader.h>
#include <cstddef>
#include <cstdint>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief Feeds a contiguous buffer of packets (stream framing) through a stream on the
 * stream's thread pool (spead2's add_buffer_reader). As in spead2 the whole buffer is one
 * batch, and the stream ends at the end of the buffer or at the first packet that does
 * not decode (nothing then says where the next one starts). stop() still takes effect
 * at the next packet. The buffer must outlive the reader: the stream does not copy it.
 */
class mem_reader : public offline_reader
{
public:
    mem_reader(stream& owner, const std::uint8_t* data, std::size_t length);

protected:
    bool read_batch(stream_batch& batch) override;

private:
    const std::uint8_t* d_data;
    std::size_t d_length;
    std::size_t d_position = 0; ///< used only by read_batch(), one call at a time
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_MEM_READER_H */
