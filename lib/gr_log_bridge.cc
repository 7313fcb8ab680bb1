/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/logger.h>
#include <gnuradio/spead/gr_log_bridge.h>
#include <gnuradio/spead/protocol/log.h>

namespace gr {
namespace spead {

void route_engine_log_to_gnuradio()
{
    // One logger for the engine; the blocks have their own (named after the block).
    static gr::logger engine_logger("spead engine");
    protocol::set_log_function([](protocol::log_level level, const std::string& message) {
        switch (level) {
        case protocol::log_level::debug:
            engine_logger.debug("{}", message);
            break;
        case protocol::log_level::info:
            engine_logger.info("{}", message);
            break;
        case protocol::log_level::warning:
            engine_logger.warn("{}", message);
            break;
        case protocol::log_level::error:
            engine_logger.error("{}", message);
            break;
        }
    });
}

} // namespace spead
} // namespace gr
