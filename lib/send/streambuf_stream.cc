/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "packet_writer.h"
#include <gnuradio/spead/send/streambuf_stream.h>
#include <cerrno>

namespace gr {
namespace spead {
namespace send {

namespace {

class streambuf_writer : public packet_writer
{
public:
    explicit streambuf_writer(std::streambuf& sb) : d_streambuf(sb) {}

    std::size_t num_substreams() const override { return 1; }

    void write(packet_batch& batch) override
    {
        for (batch_packet& p : batch.packets) {
            for (std::size_t i = 0; i < p.n_buffers; i++) {
                const packet_buffer& b = batch.buffers[p.first_buffer + i];
                const auto n = std::streamsize(b.size);
                if (d_streambuf.sputn(reinterpret_cast<const char*>(b.data), n) != n) {
                    p.error = EIO;
                    break;
                }
            }
        }
    }

private:
    std::streambuf& d_streambuf;
};

} // namespace

streambuf_stream::streambuf_stream(std::streambuf& streambuf, const stream_config& config)
    : stream(std::make_unique<streambuf_writer>(streambuf), config)
{
}

} // namespace send
} // namespace spead
} // namespace gr
