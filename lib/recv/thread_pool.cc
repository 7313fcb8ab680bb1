/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <cxxabi.h>
#include <pthread.h>
#include <sched.h>
#include <system_error>
#include <exception>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace recv {

namespace {

int checked_num_threads(int num_threads)
{
    if (num_threads < 1)
        throw std::invalid_argument("thread_pool: num_threads must be at least 1, got " +
                                    std::to_string(num_threads));
    return num_threads;
}

void check_affinity(const std::vector<int>& affinity)
{
    for (std::size_t i = 0; i < affinity.size(); i++) {
        if (affinity[i] < 0)
            throw std::invalid_argument("thread_pool: affinity[" + std::to_string(i) +
                                        "] is CPU " + std::to_string(affinity[i]) +
                                        ", must be non-negative");
    }
}

/**
 * The body of every worker: runs the io_context until it is stopped. A handler that
 * throws would otherwise end the thread through std::terminate (the exception leaves
 * the thread function); it is logged instead and the worker goes back to work, so one
 * faulty reader does not take the whole pool down.
 */
void run_worker(boost::asio::io_context& io_context)
{
    while (true) {
        try {
            io_context.run();
            return; // run() returns normally only once the io_context is stopped
        } catch (const abi::__forced_unwind&) {
            // Thread cancellation or pthread_exit (e.g. an interpreter ending a thread
            // that was inside it) unwinds with this: it must go on, or the process
            // aborts.
            throw;
        } catch (const std::exception& e) {
            log_message(protocol::log_level::error,
                        std::string("thread_pool: a handler threw an exception: ") +
                            e.what());
        } catch (...) {
            log_message(protocol::log_level::error,
                        "thread_pool: a handler threw an exception of unknown type");
        }
    }
}

} // namespace

thread_pool::thread_pool(int num_threads) : thread_pool(num_threads, std::vector<int>())
{
}

thread_pool::thread_pool(int num_threads, const std::vector<int>& affinity)
    : d_work(boost::asio::make_work_guard(d_io_context))
{
    checked_num_threads(num_threads);
    check_affinity(affinity);
    d_threads.reserve(num_threads);
    try {
        for (int i = 0; i < num_threads; i++) {
            const int cpu = affinity.empty() ? -1 : affinity[i % affinity.size()];
            d_threads.emplace_back([this, cpu, i] {
                // Named so that top -H and perf show which threads receive (15 characters
                // at most); a failure only leaves the inherited name.
                pthread_setname_np(pthread_self(),
                                   ("spead-recv-" + std::to_string(i)).c_str());
                if (cpu >= 0)
                    set_affinity(cpu);
                run_worker(d_io_context);
            });
        }
    } catch (...) {
        // A thread could not be started: the destructor will not run, so the threads
        // already started must be stopped here or std::thread's destructor terminates.
        stop();
        throw;
    }
}

thread_pool::~thread_pool()
{
    stop();
    // Only a thread that destroyed its own pool is left unjoined (it cannot join itself);
    // it is about to leave run() and must not take the process down with it.
    for (auto& thread : d_threads) {
        if (thread.joinable())
            thread.detach();
    }
}

void thread_pool::stop()
{
    std::lock_guard<std::mutex> lock(d_stop_mutex);
    d_work.reset();
    d_io_context.stop();
    const auto self = std::this_thread::get_id();
    for (auto& thread : d_threads) {
        if (thread.joinable() && thread.get_id() != self)
            thread.join();
    }
}

void thread_pool::set_affinity(int cpu)
{
    if (cpu < 0 || cpu >= CPU_SETSIZE) {
        log_message(protocol::log_level::warning,
                    "thread_pool: cannot pin a thread to CPU " + std::to_string(cpu) +
                        ": outside 0.." + std::to_string(CPU_SETSIZE - 1));
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    const int error = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    if (error != 0)
        log_message(protocol::log_level::warning,
                    "thread_pool: cannot pin a thread to CPU " + std::to_string(cpu) +
                        ": " + std::system_category().message(error));
}

} // namespace recv
} // namespace spead
} // namespace gr
