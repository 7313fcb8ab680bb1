/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_LOG_RECORDER_H
#define INCLUDED_SPEAD_QA_LOG_RECORDER_H

// Test helper: records what the engine logs while it is alive, then restores the
// default log function.

#include <gnuradio/spead/protocol/log.h>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

class log_recorder
{
public:
    struct entry {
        protocol::log_level level;
        std::string message;
    };

    log_recorder() : d_state(std::make_shared<state>())
    {
        // The function holds the state by shared_ptr: a worker thread that fetched the
        // function just before the recorder is destroyed may still call it afterwards.
        auto captured = d_state;
        protocol::set_log_function(
            [captured](protocol::log_level level, const std::string& message) {
                std::lock_guard<std::mutex> lock(captured->mutex);
                captured->entries.push_back({ level, message });
            });
    }
    ~log_recorder() { protocol::set_log_function(nullptr); }
    log_recorder(const log_recorder&) = delete;
    log_recorder& operator=(const log_recorder&) = delete;

    std::vector<entry> entries() const
    {
        std::lock_guard<std::mutex> lock(d_state->mutex);
        return d_state->entries;
    }

    /// Messages at \p level that contain \p part.
    std::size_t count(protocol::log_level level, const std::string& part = "") const
    {
        std::size_t n = 0;
        for (const auto& e : entries())
            if (e.level == level && e.message.find(part) != std::string::npos)
                n++;
        return n;
    }

    std::size_t size() const { return entries().size(); }

private:
    struct state {
        std::mutex mutex;
        std::vector<entry> entries;
    };
    std::shared_ptr<state> d_state;
};

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_LOG_RECORDER_H */
