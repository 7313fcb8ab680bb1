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
#include <gnuradio/spead/recv/chunk_placement.h>
#include <gnuradio/spead/recv/chunk_ring_stream.h>
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/thread_pool.h>
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

constexpr std::uint64_t TIMESTAMP_ID = 0x1600, FREQUENCY_ID = 0x4103;

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

std::uint64_t receive_heaps(const chunk_udp_setup& s)
{
    recv::thread_pool workers(1);
    recv::stream_config config;
    config.set_memory_allocator(
        std::make_shared<recv::memory_pool>(s.heap_size / 2, s.heap_size, 16, 16));
    recv::ring_stream_config ring;
    ring.set_heaps(8);
    recv::ring_stream stream(workers, config, ring);
    stream.emplace_reader<recv::udp_reader>(local(s.port));
    stop_on_stdin(stream);
    std::cout << "ready" << std::endl;
    std::uint64_t heaps = 0;
    try {
        for (;;) {
            const recv::heap h = stream.pop();
            if (h.is_complete() && h.payload_size() == s.heap_size)
                heaps++;
        }
    } catch (const recv::ringbuffer_stopped&) {
    }
    forget_stop_target();
    return heaps;
}

std::uint64_t receive_chunks(const chunk_udp_setup& s)
{
    recv::thread_pool workers(1);
    recv::timestamp_placement placement(
        TIMESTAMP_ID, s.groups, s.chunk_spectra, s.heap_size);
    placement.set_index(FREQUENCY_ID, s.heap_size / 2, s.groups);
    recv::chunk_stream_config chunk_config;
    chunk_config.set_max_chunks(s.max_chunks);
    placement.apply(chunk_config);
    const std::size_t chunks = s.max_chunks + s.ring_chunks;
    auto data_ring = std::make_shared<recv::chunk_ringbuffer>(chunks);
    recv::chunk_ring_stream stream(workers,
                                   recv::stream_config(),
                                   chunk_config,
                                   data_ring,
                                   std::make_shared<recv::chunk_ringbuffer>(chunks));
    for (std::size_t i = 0; i < chunks; i++)
        stream.add_free_chunk(placement.make_chunk());
    stream.emplace_reader<recv::udp_reader>(local(s.port));
    stop_on_stdin(stream);
    std::cout << "ready" << std::endl;
    const std::size_t per_chunk = placement.chunk_heaps();
    std::uint64_t heaps = 0;
    try {
        for (;;) {
            std::unique_ptr<recv::chunk> c = data_ring->pop();
            const std::uint8_t* present = c->present.get();
            heaps += std::uint64_t(std::count_if(
                present, present + per_chunk, [](std::uint8_t p) { return p != 0; }));
            stream.add_free_chunk(std::move(c));
        }
    } catch (const recv::ringbuffer_stopped&) {
    }
    forget_stop_target();
    return heaps;
}

} // namespace

int run_chunk_udp(const chunk_udp_setup& setup)
{
    try {
        const double cpu0 = process_cpu_seconds();
        const std::uint64_t heaps =
            setup.path == "heap" ? receive_heaps(setup) : receive_chunks(setup);
        std::cout << "{\"path\": \"" << setup.path << "\", \"heaps\": " << heaps
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
