/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_GR_LOG_BRIDGE_H
#define INCLUDED_SPEAD_GR_LOG_BRIDGE_H

#include <gnuradio/spead/api.h>

namespace gr {
namespace spead {

/**
 * \brief Sends the engine's log messages (malformed packets, socket buffer warnings...)
 * to GNU Radio's logging system, under the logger name "spead engine".
 *
 * The blocks call it when they are made; calling it again is harmless.
 */
SPEAD_API void route_engine_log_to_gnuradio();

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_GR_LOG_BRIDGE_H */
