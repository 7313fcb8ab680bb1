/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SEND_RUN_H
#define INCLUDED_SPEAD_APPS_SEND_RUN_H

#include "send_config.h"
#include "send_transport.h"
#include <atomic>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief Sends what \p config describes through \p out and returns what was done.
 *
 * Packets go out in batches of config.batch. With a rate, the run is paced by the
 * clock: before each batch the sender waits until the time at which that many bytes
 * are due since the start (so a late batch is caught up at once, and the long-run rate
 * is exact whatever the sleep granularity). \p cancel, when set, ends the data as the
 * end of a timed run does (current heaps complete, then the stop heap).
 * \throws std::runtime_error from the transport, std::invalid_argument from the encoder.
 */
send_summary run_sender(const send_config& config,
                        transport& out,
                        const std::atomic<bool>* cancel = nullptr);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SEND_RUN_H */
