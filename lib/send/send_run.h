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
 * clock (see pacer: the long-run rate is exact, and a sender that fell behind catches
 * up at no more than config.burst_rate_ratio times the rate). \p cancel, when set, ends
 * the data as the end of a timed run does (current heaps complete, then the stop heap).
 * A send that fails (the transport throws, e.g. the TCP receiver went away) ends the
 * run: the summary then counts what went out before and says why in its error field.
 * \throws std::invalid_argument from the encoder (a configuration that cannot be sent).
 */
send_summary run_sender(const send_config& config,
                        transport& out,
                        const std::atomic<bool>* cancel = nullptr);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SEND_RUN_H */
