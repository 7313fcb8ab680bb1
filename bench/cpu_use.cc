/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cpu_use.h"
#include <time.h>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <future>

namespace gr {
namespace spead {
namespace bench {

namespace {

double cpu_clock_seconds(clockid_t clock)
{
    timespec t{};
    clock_gettime(clock, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

} // namespace

double process_cpu_seconds() { return cpu_clock_seconds(CLOCK_PROCESS_CPUTIME_ID); }

double thread_cpu_seconds() { return cpu_clock_seconds(CLOCK_THREAD_CPUTIME_ID); }

double worker_cpu_seconds(recv::thread_pool& workers)
{
    std::promise<double> reading;
    std::future<double> result = reading.get_future();
    boost::asio::post(workers.get_io_context(),
                      [&reading] { reading.set_value(thread_cpu_seconds()); });
    return result.get();
}

double load_average()
{
    double load = -1;
    if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &load) != 1)
            load = -1;
        std::fclose(f);
    }
    return load;
}

} // namespace bench
} // namespace spead
} // namespace gr
