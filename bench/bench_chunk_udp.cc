/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The loopback half of `spead_bench chunk`: one receiver per process, so that a sender in
// a process of its own (spead_send) and spead2's receiver (bench/spead2_chunk_bench.cpp)
// can take turns on the same port (bench/compare_chunk_loopback.py drives them).

#include "bench_chunk_udp.h"
#include "cpu_use.h"
#include "json_text.h"
#include <gnuradio/spead/recv/udp_reader.h>
#include <algorithm>
#include <exception>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

namespace gr {
namespace spead {
namespace bench {

namespace {

// The stream a line on standard input stops; null once it is gone. The reading thread is
// detached (a blocking read cannot be interrupted), so it must not outlive the stream.
std::mutex g_stop_mutex;
recv::stream* g_stop_target = nullptr;

void stop_on_stdin(recv::stream& s)
{
    {
        std::lock_guard<std::mutex> lock(g_stop_mutex);
        g_stop_target = &s;
    }
    std::thread([] {
        std::string line;
        std::getline(std::cin, line);
        std::lock_guard<std::mutex> lock(g_stop_mutex);
        if (g_stop_target)
            g_stop_target->stop();
    }).detach();
}

void forget_stop_target()
{
    std::lock_guard<std::mutex> lock(g_stop_mutex);
    g_stop_target = nullptr;
}

boost::asio::ip::udp::endpoint local(std::uint16_t port)
{
    return { boost::asio::ip::make_address("127.0.0.1"), port };
}

std::uint64_t receive_heaps(std::uint16_t port, const chunk_stream_shape& shape)
{
    recv::thread_pool workers(1);
    const auto stream = make_heap_path(workers, shape);
    stream->emplace_reader<recv::udp_reader>(local(port));
    stop_on_stdin(*stream);
    std::cout << "ready" << std::endl;
    std::uint64_t heaps = 0;
    try {
        for (;;) {
            const recv::heap h = stream->pop();
            if (h.is_complete() && h.payload_size() == shape.heap_size)
                heaps++;
        }
    } catch (const recv::ringbuffer_stopped&) {
    }
    forget_stop_target();
    return heaps;
}

std::uint64_t receive_chunks(std::uint16_t port, const chunk_stream_shape& shape)
{
    recv::thread_pool workers(1);
    chunk_path path = make_chunk_path(workers, shape);
    path.stream->emplace_reader<recv::udp_reader>(local(port));
    stop_on_stdin(*path.stream);
    std::cout << "ready" << std::endl;
    const std::size_t per_chunk = path.heaps_per_chunk;
    std::uint64_t heaps = 0;
    try {
        for (;;) {
            std::unique_ptr<recv::chunk> c = path.data_ring->pop();
            const std::uint8_t* present = c->present.get();
            heaps += std::uint64_t(std::count_if(
                present, present + per_chunk, [](std::uint8_t p) { return p != 0; }));
            path.stream->add_free_chunk(std::move(c));
        }
    } catch (const recv::ringbuffer_stopped&) {
    }
    forget_stop_target();
    return heaps;
}

} // namespace

int run_chunk_udp(std::uint16_t port,
                  const std::string& path,
                  const chunk_stream_shape& shape)
{
    try {
        const double cpu0 = process_cpu_seconds();
        const std::uint64_t heaps =
            path == "heap" ? receive_heaps(port, shape) : receive_chunks(port, shape);
        std::cout << "{\"path\": \"" << path << "\", \"heaps\": " << heaps
                  << ", \"cpu_seconds\": "
                  << apps::json_number(process_cpu_seconds() - cpu0, 3) << "}"
                  << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "spead_bench chunk --udp: error: " << e.what() << "\n";
        return 1;
    }
}

} // namespace bench
} // namespace spead
} // namespace gr
