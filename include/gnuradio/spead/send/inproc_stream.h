/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_INPROC_STREAM_H
#define INCLUDED_SPEAD_SEND_INPROC_STREAM_H

#include <gnuradio/spead/recv/inproc_queue.h>
#include <gnuradio/spead/send/stream.h>
#include <memory>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief A send stream into in-process queues (spead2's InprocStream), one per
 * substream, that inproc readers of receive streams take packets from. Nothing is
 * lost; a heap sent to a stopped queue fails with std::errc::operation_canceled.
 */
class inproc_stream : public stream
{
public:
    /// \throws std::invalid_argument when \p queues is empty or holds a null queue.
    inproc_stream(const std::vector<std::shared_ptr<recv::inproc_queue>>& queues,
                  const stream_config& config = stream_config());

    const std::vector<std::shared_ptr<recv::inproc_queue>>& get_queues() const
    {
        return d_queues;
    }

private:
    std::vector<std::shared_ptr<recv::inproc_queue>> d_queues;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_INPROC_STREAM_H */
