/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "packet_writer.h"
#include <gnuradio/spead/recv/ringbuffer_errors.h>
#include <gnuradio/spead/send/inproc_stream.h>
#include <cerrno>
#include <stdexcept>

namespace gr {
namespace spead {
namespace send {

namespace {

class inproc_writer : public packet_writer
{
public:
    explicit inproc_writer(std::vector<std::shared_ptr<recv::inproc_queue>> queues)
        : d_queues(std::move(queues))
    {
    }

    std::size_t num_substreams() const override { return d_queues.size(); }

    void write(packet_batch& batch) override
    {
        for (batch_packet& p : batch.packets) {
            linearize(batch, p, d_scratch);
            try {
                d_queues[p.substream]->add_packet(d_scratch);
            } catch (const recv::ringbuffer_stopped&) {
                p.error = ECANCELED;
            }
        }
    }

private:
    std::vector<std::shared_ptr<recv::inproc_queue>> d_queues;
    std::vector<std::uint8_t> d_scratch;
};

const std::vector<std::shared_ptr<recv::inproc_queue>>&
checked(const std::vector<std::shared_ptr<recv::inproc_queue>>& queues)
{
    if (queues.empty())
        throw std::invalid_argument("inproc stream: the queue list must not be empty");
    for (const auto& q : queues)
        if (!q)
            throw std::invalid_argument("inproc stream: a queue is null");
    return queues;
}

} // namespace

inproc_stream::inproc_stream(
    const std::vector<std::shared_ptr<recv::inproc_queue>>& queues,
    const stream_config& config)
    : stream(std::make_unique<inproc_writer>(checked(queues)), config), d_queues(queues)
{
}

} // namespace send
} // namespace spead
} // namespace gr
