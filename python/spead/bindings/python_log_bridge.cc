/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The engine's log, delivered to the Python logger "gnuradio.spead" without reader
// threads ever taking the GIL (see install_python_log_bridge in recv_python.h).

#include "recv_python.h"

#include <gnuradio/spead/protocol/log.h>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <utility>

namespace gr {
namespace spead {
namespace python {

namespace {

/// Messages kept while Python has not taken them; beyond this they are counted only
/// (the engine rate-limits its own floods, so this is a last guard).
constexpr std::size_t max_queued_messages = 1000;

struct log_queue {
    std::mutex mutex;
    std::deque<std::pair<protocol::log_level, std::string>> messages;
    std::size_t dropped = 0;
    bool call_pending = false;
    bool enabled = false; ///< false before install and once the interpreter is exiting
};

log_queue& queue()
{
    // Never destroyed: reader threads may log while the process exits.
    static log_queue* q = new log_queue;
    return *q;
}

int python_log_level(protocol::log_level level)
{
    switch (level) {
    case protocol::log_level::debug:
        return 10;
    case protocol::log_level::info:
        return 20;
    case protocol::log_level::warning:
        return 30;
    case protocol::log_level::error:
        break;
    }
    return 40;
}

void to_stderr(protocol::log_level level, const std::string& message)
{
    if (level >= protocol::log_level::warning)
        std::fprintf(stderr, "spead: %s\n", message.c_str());
}

/// With the GIL held.
void log_now(protocol::log_level level, const std::string& message)
{
    try {
        py::module::import("logging")
            .attr("getLogger")("gnuradio.spead")
            .attr("log")(python_log_level(level), "%s", message);
    } catch (py::error_already_set& e) {
        // A failing handler must not break the caller (a receive call, a flush).
        e.discard_as_unraisable("gnuradio.spead log handler");
    }
}

/// Run by the interpreter's main thread, with the GIL, soon after a reader queued a
/// message.
int pending_flush(void*)
{
    flush_python_log();
    return 0;
}

void log_from_engine(protocol::log_level level, const std::string& message)
{
    log_queue& q = queue();
    {
        std::lock_guard<std::mutex> lock(q.mutex);
        if (!q.enabled) {
            to_stderr(level, message);
            return;
        }
    }
    if (PyGILState_Check()) {
        // A Python thread holding the GIL (e.g. decoding descriptors): log in order with
        // what it does.
        log_now(level, message);
        return;
    }
    std::lock_guard<std::mutex> lock(q.mutex);
    if (q.messages.size() >= max_queued_messages) {
        q.dropped++;
        return;
    }
    q.messages.emplace_back(level, message);
    // Py_AddPendingCall needs neither the GIL nor a thread state.
    if (!q.call_pending && Py_AddPendingCall(pending_flush, nullptr) == 0)
        q.call_pending = true;
}

} // namespace

void flush_python_log()
{
    std::deque<std::pair<protocol::log_level, std::string>> messages;
    std::size_t dropped = 0;
    {
        log_queue& q = queue();
        std::lock_guard<std::mutex> lock(q.mutex);
        messages.swap(q.messages);
        std::swap(dropped, q.dropped);
        q.call_pending = false;
    }
    for (const auto& entry : messages)
        log_now(entry.first, entry.second);
    if (dropped)
        log_now(protocol::log_level::warning,
                std::to_string(dropped) +
                    " engine log messages dropped (Python did not take them in time)");
}

void install_python_log_bridge()
{
    {
        log_queue& q = queue();
        std::lock_guard<std::mutex> lock(q.mutex);
        q.enabled = true;
    }
    set_log_function(log_from_engine);
    // At exit, what is queued still reaches Python logging; later messages go to stderr.
    py::module::import("atexit").attr("register")(py::cpp_function([]() {
        flush_python_log();
        log_queue& q = queue();
        std::lock_guard<std::mutex> lock(q.mutex);
        q.enabled = false;
    }));
}

} // namespace python
} // namespace spead
} // namespace gr
