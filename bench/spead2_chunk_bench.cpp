/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2's side of `spead_bench chunk` (built against spead2 by
// bench/compare_chunk_spead2.sh, not by gr-spead's build): the packets written by
// `spead_bench chunk --write-stream FILE`, read from memory by one worker thread through
// spead2's ring_stream (the consumer pops every heap) and chunk_ring_stream (a place
// function with the same layout as gr-spead's timestamp_placement; the consumer pops
// every chunk), with the same pool, ring and chunk sizes as spead_bench chunk. Prints
// lines in spead_bench chunk's format.
//
//   spead2_chunk_bench FILE HEAPS HEAP_SIZE GROUPS CHUNK_SPECTRA MAX_CHUNKS RING_CHUNKS
//                      PASSES
//
// With udp:PORT:PATH (PATH heap or chunk) for FILE it receives one run from UDP on
// 127.0.0.1:PORT instead, as `spead_bench chunk --udp PORT --only PATH` does: prints
// "ready" once bound, stops at the stop heap or a line on standard input, prints one
// JSON line with the heaps taken (bench/compare_chunk_loopback.py drives it).

#include <spead2/common_defines.h>
#include <spead2/common_memory_pool.h>
#include <spead2/common_ringbuffer.h>
#include <spead2/common_thread_pool.h>
#include <spead2/recv_chunk_stream.h>
#include <spead2/recv_heap.h>
#include <spead2/recv_mem.h>
#include <spead2/recv_ring_stream.h>
#include <spead2/recv_udp.h>
#include <sys/resource.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr spead2::item_pointer_t TIMESTAMP_ID = 0x1600, FREQUENCY_ID = 0x4103;

struct options {
    std::size_t heaps, heap_size, groups, chunk_spectra, max_chunks, ring_chunks, passes;
};

struct pass_result {
    double seconds = 0;
    double cpu = 0;
    std::uint64_t heaps = 0;
};

double cpu_seconds()
{
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return double(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
           double(r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e-6;
}

using clock_type = std::chrono::steady_clock;

template <typename Attach>
pass_result heap_pass(const options& o, Attach attach)
{
    spead2::thread_pool workers(1);
    spead2::recv::stream_config config;
    config.set_memory_allocator(
        std::make_shared<spead2::memory_pool>(o.heap_size / 2, o.heap_size, 16, 16));
    spead2::recv::ring_stream_config ring;
    ring.set_heaps(8);
    pass_result r;
    const double cpu0 = cpu_seconds();
    const auto start = clock_type::now();
    spead2::recv::ring_stream<> stream(workers, config, ring);
    // Declared after the stream, so released before it: a UDP run's stdin watcher lets go.
    const std::shared_ptr<void> attached = attach(stream);
    try {
        for (;;) {
            // pop() hands over contiguous heaps only (the others are dropped).
            spead2::recv::heap h = stream.pop();
            r.heaps++;
        }
    } catch (const spead2::ringbuffer_stopped&) {
    }
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    r.cpu = cpu_seconds() - cpu0;
    return r;
}

template <typename Attach>
pass_result chunk_pass(const options& o, Attach attach)
{
    using ring = spead2::ringbuffer<std::unique_ptr<spead2::recv::chunk>>;
    spead2::thread_pool workers(1);
    const std::size_t per_chunk = o.chunk_spectra * o.groups;
    const std::size_t chans = o.heap_size / 2;
    const std::size_t heap_size = o.heap_size, groups = o.groups,
                      spectra = o.chunk_spectra;
    spead2::recv::chunk_stream_config chunk_config;
    chunk_config.set_items({ TIMESTAMP_ID, FREQUENCY_ID, spead2::HEAP_LENGTH_ID })
        .set_max_chunks(o.max_chunks)
        .set_place([=](spead2::recv::chunk_place_data* data, std::size_t) {
            const auto ts = data->items[0], freq = data->items[1], len = data->items[2];
            if (ts < 0 || freq < 0 || len != spead2::s_item_pointer_t(heap_size))
                return;
            const std::size_t s = std::size_t(ts) / groups; // timestamp step: groups
            const std::size_t index = std::size_t(freq) / chans;
            if (index >= groups)
                return;
            data->chunk_id = std::int64_t(s / spectra);
            data->heap_index = (s % spectra) * groups + index;
            data->heap_offset = data->heap_index * heap_size;
        });
    const std::size_t chunks = o.max_chunks + o.ring_chunks;
    auto allocator = std::make_shared<spead2::memory_allocator>();
    pass_result r;
    const double cpu0 = cpu_seconds();
    const auto start = clock_type::now();
    auto data_ring = std::make_shared<ring>(chunks);
    spead2::recv::chunk_ring_stream<> stream(workers,
                                             spead2::recv::stream_config(),
                                             chunk_config,
                                             data_ring,
                                             std::make_shared<ring>(chunks));
    for (std::size_t i = 0; i < chunks; i++) {
        auto c = std::make_unique<spead2::recv::chunk>();
        c->present = allocator->allocate(per_chunk, nullptr);
        c->present_size = per_chunk;
        c->data = allocator->allocate(per_chunk * o.heap_size, nullptr);
        stream.add_free_chunk(std::move(c));
    }
    // Declared after the stream, so released before it: a UDP run's stdin watcher lets go.
    const std::shared_ptr<void> attached = attach(stream);
    try {
        for (;;) {
            std::unique_ptr<spead2::recv::chunk> c = data_ring->pop();
            const std::uint8_t* present = c->present.get();
            r.heaps += std::size_t(std::count_if(
                present, present + per_chunk, [](std::uint8_t p) { return p != 0; }));
            stream.add_free_chunk(std::move(c));
        }
    } catch (const spead2::ringbuffer_stopped&) {
    }
    r.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    r.cpu = cpu_seconds() - cpu0;
    return r;
}

// The stream a line on standard input stops (UDP runs); null once it is gone (cleared
// before the stream is destroyed). The reading thread is detached (a blocking read
// cannot be interrupted).
std::mutex stop_mutex;
spead2::recv::stream* stop_target = nullptr;

void stop_on_stdin(spead2::recv::stream& s)
{
    {
        std::lock_guard<std::mutex> lock(stop_mutex);
        stop_target = &s;
    }
    std::thread([] {
        std::string line;
        std::getline(std::cin, line);
        std::lock_guard<std::mutex> lock(stop_mutex);
        if (stop_target)
            stop_target->stop();
    }).detach();
}

/// One UDP run of PATH on 127.0.0.1:PORT; prints "ready", then the heaps taken.
int udp_run(const options& o, int port, const std::string& path)
{
    const auto attach = [port](spead2::recv::stream& s) {
        s.emplace_reader<spead2::recv::udp_reader>(
            boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                           std::uint16_t(port)),
            spead2::recv::udp_reader::default_max_size,
            spead2::recv::udp_reader::default_buffer_size);
        stop_on_stdin(s);
        std::cout << "ready" << std::endl;
        return std::shared_ptr<void>(nullptr, [](void*) {
            std::lock_guard<std::mutex> lock(stop_mutex);
            stop_target = nullptr;
        });
    };
    const pass_result r = path == "heap" ? heap_pass(o, attach) : chunk_pass(o, attach);
    std::printf("{\"path\": \"%s\", \"heaps\": %llu, \"cpu_seconds\": %.3f}\n",
                path.c_str(),
                static_cast<unsigned long long>(r.heaps),
                r.cpu);
    std::fflush(stdout);
    return 0;
}

template <typename Pass>
void report(const char* name, const options& o, Pass pass)
{
    pass(); // untimed, as spead_bench chunk's checking pass
    std::vector<pass_result> passes;
    for (std::size_t i = 0; i < o.passes; i++) {
        passes.push_back(pass());
        if (passes.back().heaps != o.heaps)
            throw std::runtime_error(std::string(name) +
                                     " path: " + std::to_string(passes.back().heaps) +
                                     " heaps of " + std::to_string(o.heaps));
    }
    std::sort(
        passes.begin(), passes.end(), [](const pass_result& a, const pass_result& b) {
            return a.seconds < b.seconds;
        });
    const pass_result& median = passes[passes.size() / 2];
    const double bits = double(o.heaps * o.heap_size) * 8;
    std::printf("  spead2 %s path: %.2f Gb/s best, %.2f Gb/s median (%.3f M heaps/s), "
                "%.2f CPU s/GB\n",
                name,
                bits / passes.front().seconds / 1e9,
                bits / median.seconds / 1e9,
                double(o.heaps) / median.seconds / 1e6,
                median.cpu / (bits / 8 / 1e9));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 9) {
        std::cerr
            << "usage: spead2_chunk_bench FILE HEAPS HEAP_SIZE GROUPS CHUNK_SPECTRA "
               "MAX_CHUNKS RING_CHUNKS PASSES\n";
        return 2;
    }
    options o;
    std::size_t* fields[] = { &o.heaps,      &o.heap_size,   &o.groups, &o.chunk_spectra,
                              &o.max_chunks, &o.ring_chunks, &o.passes };
    for (int i = 0; i < 7; i++)
        *fields[i] = std::strtoull(argv[i + 2], nullptr, 10);
    const std::string source = argv[1];
    if (source.rfind("udp:", 0) == 0) {
        const std::size_t colon = source.find(':', 4);
        const std::string path = colon == std::string::npos ? "" : source.substr(colon + 1);
        if (path != "heap" && path != "chunk") {
            std::cerr << "spead2_chunk_bench: udp:PORT:PATH, PATH heap or chunk\n";
            return 2;
        }
        try {
            return udp_run(o, std::atoi(source.substr(4, colon - 4).c_str()), path);
        } catch (const std::exception& e) {
            std::cerr << "spead2_chunk_bench: " << e.what() << "\n";
            return 1;
        }
    }
    std::ifstream in(argv[1], std::ios::binary);
    const std::vector<std::uint8_t> buffer((std::istreambuf_iterator<char>(in)),
                                           std::istreambuf_iterator<char>());
    if (buffer.empty()) {
        std::cerr << "spead2_chunk_bench: cannot read " << argv[1] << "\n";
        return 1;
    }
    try {
        const auto from_memory = [&buffer](spead2::recv::stream& s) {
            s.emplace_reader<spead2::recv::mem_reader>(buffer.data(), buffer.size());
            return std::shared_ptr<void>();
        };
        report("heap ", o, [&] { return heap_pass(o, from_memory); });
        report("chunk", o, [&] { return chunk_pass(o, from_memory); });
    } catch (const std::exception& e) {
        std::cerr << "spead2_chunk_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
