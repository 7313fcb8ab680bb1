/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_LOG_H
#define INCLUDED_SPEAD_PROTOCOL_LOG_H

#include <functional>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

enum class log_level { debug, info, warning, error };

/// Receives every message the engine logs. Must be thread-safe: readers call it from
/// their own threads.
using log_function = std::function<void(log_level, const std::string&)>;

/**
 * \brief Routes the engine's log messages (the engine has no logger of its own, so it
 * stays free of GNU Radio). The GNU Radio blocks install a function that forwards to
 * GNU Radio's logger, the Python module one that forwards to the `gnuradio.spead`
 * Python logger. The default prints warnings and errors to stderr.
 * Passing an empty function restores the default.
 */
void set_log_function(log_function function);

/// Sends one message to the installed log function.
void log_message(log_level level, const std::string& message);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_LOG_H */
