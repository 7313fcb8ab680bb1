/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_MEM_READER_H
#define INCLUDED_SPEAD_RECV_MEM_READER_H

#include <gnuradio/spead/recv/reader.h>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace gr {
namespace spead {

/**
 * \brief Feeds a contiguous buffer of packets (stream framing) through a stream, in
 * batches, on the stream's thread pool (spead2's add_buffer_reader). The stream ends at
 * the end of the buffer; a malformed packet that leaves no way to find the next one
 * (bad header) also ends it. The buffer must outlive the reader: the stream does not copy
 * it.
 */
class mem_reader : public reader
{
public:
    mem_reader(stream& owner, const std::uint8_t* data, std::size_t length);
    void start() override;
    void stop() override;

    /// Packets fed per batch (one stream lock and one statistics update each).
    static constexpr std::size_t batch_packets = 64;

private:
    void run();
    const std::uint8_t* d_data;
    std::size_t d_length;
    std::size_t d_position = 0;
    void finish();
    std::atomic<bool> d_stop_requested{ false };
    /// Guards d_started and d_done, never held during a batch (stop() may be called
    /// from inside one, when a stop item arrives).
    std::mutex d_state_mutex;
    bool d_started = false;
    bool d_done = false;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_MEM_READER_H */
