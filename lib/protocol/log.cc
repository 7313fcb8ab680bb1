/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/log.h>
#include <iostream>
#include <memory>
#include <mutex>

namespace gr {
namespace spead {
namespace protocol {

namespace {

void log_to_stderr(log_level level, const std::string& message)
{
    if (level < log_level::warning)
        return;
    std::cerr << "spead: " << (level == log_level::error ? "error: " : "warning: ")
              << message << '\n';
}

// The function is replaced rarely and called from many threads: readers take a copy of
// the shared pointer under the mutex and call it outside, so a slow sink never blocks a
// replacement and a replacement never frees a function in use.
std::mutex& log_mutex()
{
    static std::mutex mutex;
    return mutex;
}

std::shared_ptr<const log_function>& current_log_function()
{
    static std::shared_ptr<const log_function> function =
        std::make_shared<const log_function>(log_to_stderr);
    return function;
}

} // namespace

void set_log_function(log_function function)
{
    auto replacement = std::make_shared<const log_function>(
        function ? std::move(function) : log_function(log_to_stderr));
    std::lock_guard<std::mutex> lock(log_mutex());
    current_log_function() = std::move(replacement);
}

void log_message(log_level level, const std::string& message)
{
    std::shared_ptr<const log_function> function;
    {
        std::lock_guard<std::mutex> lock(log_mutex());
        function = current_log_function();
    }
    (*function)(level, message);
}

} // namespace protocol
} // namespace spead
} // namespace gr
