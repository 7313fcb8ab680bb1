/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_STREAM_SUPPORT_H
#define INCLUDED_SPEAD_QA_STREAM_SUPPORT_H

// Test helpers for the receive engine end to end: packet sequences made with the
// protocol encoder, a ring_stream fed from a memory buffer and drained, exact checks of
// the statistics, a thread-safe recording allocator and a watchdog that turns a hang
// into a failure.
//
// Packet geometry used throughout (so that tests can state byte ranges by hand): with
// max_packet_size 96 and HEAP_LENGTH in every packet, a packet has an 8-byte header and
// 4 packet pointers (40 bytes) before its heap pointers and payload. A data_heap has two
// heap pointers (TAG_ID immediate, DATA_ID addressed), both in the first packet, so the
// first packet carries 96 - 56 = 40 payload bytes and every later one 96 - 40 = 56.
// A 152-byte heap is therefore three packets: [0, 40), [40, 96), [96, 152).
// Without HEAP_LENGTH (unsized) there are 3 packet pointers: 96 - 48 = 48 bytes in the
// first packet, 64 in the others: [0, 48), [48, 112), [112, 152).

#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/recv/heap.h>
#include <gnuradio/spead/recv/mem_reader.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <condition_variable>
#include <cppunit/extensions/HelperMacros.h>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

using namespace gr::spead::protocol;
using namespace gr::spead::recv;

using packet_list = std::vector<std::vector<std::uint8_t>>;

/// The addressed item every data_heap carries.
constexpr std::uint64_t DATA_ID = 0x1000;
/// The immediate item every data_heap carries: TAG_BASE + cnt.
constexpr std::uint64_t TAG_ID = 0x1001;
constexpr std::uint64_t TAG_BASE = 5000;

/// Packet size that gives the geometry described at the top of this file.
constexpr std::size_t PACKET_SIZE = 96;
/// A heap size that takes exactly three packets, sized or unsized.
constexpr std::size_t THREE_PACKET_HEAP = 152;
/// A heap size that fits one packet.
constexpr std::size_t ONE_PACKET_HEAP = 16;

/// Bounds a whole stream test: generous, reached only when something hangs.
constexpr std::chrono::seconds POP_TIMEOUT{ 10 };

/// Payload bytes of heap \p cnt: a pattern that differs from heap to heap and byte to
/// byte, so that a misplaced or mixed-up byte shows.
inline std::vector<std::uint8_t> pattern(std::uint64_t cnt, std::size_t size)
{
    std::vector<std::uint8_t> bytes(size);
    for (std::size_t i = 0; i < size; i++)
        bytes[i] = std::uint8_t(cnt * 37 + i * 7 + 1);
    return bytes;
}

inline encoder_options options(bool heap_length = true, int address_bits = 40)
{
    encoder_options opts;
    opts.flav = flavour(4, 64, address_bits);
    opts.max_packet_size = PACKET_SIZE;
    opts.include_heap_length = heap_length;
    return opts;
}

/// A heap with TAG_ID = TAG_BASE + cnt (immediate) and DATA_ID = pattern(cnt, size).
inline packet_list data_heap(std::uint64_t cnt,
                             std::size_t size,
                             const encoder_options& opts = options(),
                             std::int64_t stream_ctrl = -1)
{
    heap_contents contents;
    contents.cnt = cnt;
    contents.items.push_back(encoder_item::make_immediate(TAG_ID, TAG_BASE + cnt));
    contents.items.push_back(encoder_item::make_addressed(DATA_ID, pattern(cnt, size)));
    contents.stream_ctrl = stream_ctrl;
    return encode_heap(contents, opts);
}

/// Packets \p a followed by packets \p b.
inline packet_list operator+(packet_list a, const packet_list& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// The packets of \p heap at \p indices, in that order (drop, repeat or reorder).
inline packet_list pick(const packet_list& heap, const std::vector<std::size_t>& indices)
{
    packet_list out;
    for (std::size_t i : indices)
        out.push_back(heap.at(i));
    return out;
}

/// Heaps interleaved packet by packet: packet 0 of each heap, then packet 1 of each...
inline packet_list interleave(const std::vector<packet_list>& heaps)
{
    packet_list out;
    for (std::size_t p = 0;; p++) {
        bool any = false;
        for (const auto& h : heaps) {
            if (p < h.size()) {
                out.push_back(h[p]);
                any = true;
            }
        }
        if (!any)
            return out;
    }
}

using expected_stats = std::map<std::string, std::uint64_t>;

/**
 * \p others plus what a mem_reader that fed \p packets decoded packets produces:
 * "packets", and one batch of them all ("batches" 1, "max_batch" \p packets), as
 * spead2's buffer reader.
 */
inline expected_stats fed(std::uint64_t packets, expected_stats others)
{
    if (packets > 0) {
        others["packets"] = packets;
        others["batches"] = 1;
        others["max_batch"] = packets;
    }
    return others;
}

/**
 * Checks every statistic of \p stats: those named in \p expected must have that value,
 * every other one must be zero. search_dist, whose exact value depends on the window
 * search, is only checked to be at most \p max_search_dist when that is given.
 */
inline void check_stats(const stream_stats& stats,
                        const expected_stats& expected,
                        std::uint64_t max_search_dist = UINT64_MAX)
{
    for (const auto& e : expected)
        CPPUNIT_ASSERT_MESSAGE("no statistic named " + e.first, stats.contains(e.first));
    std::string mismatches;
    for (const auto& item : stats.items()) {
        if (item.first == "search_dist") {
            if (item.second > max_search_dist)
                mismatches += " search_dist=" + std::to_string(item.second) +
                              " (at most " + std::to_string(max_search_dist) + ")";
            continue;
        }
        const auto it = expected.find(item.first);
        const std::uint64_t want = it == expected.end() ? 0 : it->second;
        if (item.second != want)
            mismatches += " " + item.first + "=" + std::to_string(item.second) +
                          " (expected " + std::to_string(want) + ")";
    }
    CPPUNIT_ASSERT_MESSAGE("statistics differ:" + mismatches, mismatches.empty());
}

/// Pops until the stream ends; fails (instead of hanging) when a heap takes too long.
inline std::vector<heap> drain(ring_stream& s)
{
    std::vector<heap> heaps;
    while (true) {
        try {
            auto h = s.pop_for(POP_TIMEOUT);
            CPPUNIT_ASSERT_MESSAGE("no heap and no end of stream within the time-out",
                                   h.has_value());
            heaps.push_back(std::move(*h));
        } catch (const ringbuffer_stopped&) {
            return heaps;
        }
    }
}

struct run_result {
    std::vector<heap> heaps;
    stream_stats stats;
};

/**
 * Feeds \p buffer through a ring_stream on a one-thread pool (so that the order of
 * events is deterministic) and pops every heap until the stream ends. The statistics
 * are read once the consumer has seen the end: they must be final by then. The ring
 * capacity of \p ring is replaced by one that never fills.
 */
inline run_result run_stream(const std::vector<std::uint8_t>& buffer,
                             const stream_config& config = stream_config(),
                             const ring_stream_config& ring = ring_stream_config())
{
    // A ring that never fills: whether the worker had to wait for the consumer
    // (worker_blocked) would otherwise depend on timing. Tests of the ring itself build
    // their own stream.
    ring_stream_config roomy = ring;
    roomy.set_heaps(1024);
    thread_pool pool(1);
    ring_stream s(pool, config, roomy);
    s.emplace_reader<mem_reader>(buffer.data(), buffer.size());
    run_result result;
    result.heaps = drain(s);
    result.stats = s.get_all_stats();
    CPPUNIT_ASSERT(s.is_stopped());
    return result;
}

inline run_result run_stream(const packet_list& packets,
                             const stream_config& config = stream_config(),
                             const ring_stream_config& ring = ring_stream_config())
{
    return run_stream(concatenate_packets(packets), config, ring);
}

/// The item of \p h with \p id; fails when there is not exactly one.
inline heap_item find_item(const heap& h, std::uint64_t id)
{
    const heap_item* found = nullptr;
    for (const auto& item : h.get_items()) {
        if (item.id == id) {
            CPPUNIT_ASSERT_MESSAGE("item " + std::to_string(id) + " appears twice",
                                   found == nullptr);
            found = &item;
        }
    }
    CPPUNIT_ASSERT_MESSAGE("no item " + std::to_string(id) + " in heap " +
                               std::to_string(h.get_cnt()),
                           found != nullptr);
    return *found;
}

/// Bytes [offset, offset + length) of \p h's payload.
inline std::vector<std::uint8_t>
payload_bytes(const heap& h, std::size_t offset, std::size_t length)
{
    CPPUNIT_ASSERT(offset + length <= h.payload_size());
    return std::vector<std::uint8_t>(h.payload() + offset, h.payload() + offset + length);
}

/// Checks that \p h is the complete data_heap \p cnt of \p size bytes.
inline void check_data_heap(const heap& h, std::uint64_t cnt, std::size_t size)
{
    CPPUNIT_ASSERT_EQUAL(cnt, h.get_cnt());
    CPPUNIT_ASSERT(h.is_complete());
    CPPUNIT_ASSERT_EQUAL(std::size_t(2), h.get_items().size());
    const heap_item tag = find_item(h, TAG_ID);
    CPPUNIT_ASSERT(tag.immediate);
    CPPUNIT_ASSERT_EQUAL(TAG_BASE + cnt, tag.value);
    const heap_item data = find_item(h, DATA_ID);
    CPPUNIT_ASSERT(!data.immediate);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), data.offset);
    CPPUNIT_ASSERT_EQUAL(size, data.length);
    CPPUNIT_ASSERT(pattern(cnt, size) == payload_bytes(h, 0, size));
    CPPUNIT_ASSERT_EQUAL(size, h.get_received_length());
    CPPUNIT_ASSERT(h.get_payload_ranges().empty());
    CPPUNIT_ASSERT(!h.is_start_of_stream());
    CPPUNIT_ASSERT(!h.is_end_of_stream());
}

/// Counters of the heaps in \p heaps, in delivery order.
inline std::vector<std::uint64_t> cnts(const std::vector<heap>& heaps)
{
    std::vector<std::uint64_t> out;
    for (const auto& h : heaps)
        out.push_back(h.get_cnt());
    return out;
}

/// Plain memory that records every allocation and free; safe from any thread (the
/// worker allocates, the consumer frees when it drops a heap). After \a allowed
/// allocations it throws std::bad_alloc.
class recording_allocator : public memory_allocator
{
public:
    explicit recording_allocator(std::size_t allowed = SIZE_MAX) : d_allowed(allowed) {}

    pointer allocate(std::size_t size, void* hint = nullptr) override
    {
        (void)hint;
        std::lock_guard<std::mutex> lock(d_mutex);
        if (d_sizes.size() >= d_allowed) {
            d_refused++;
            throw std::bad_alloc();
        }
        d_sizes.push_back(size);
        d_live++;
        return make_pointer(new std::uint8_t[size ? size : 1]);
    }

    std::vector<std::size_t> sizes() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_sizes;
    }
    std::size_t live() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_live;
    }
    std::size_t refused() const
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_refused;
    }

protected:
    void free(std::uint8_t* ptr, void* user) override
    {
        (void)user;
        delete[] ptr;
        std::lock_guard<std::mutex> lock(d_mutex);
        d_live--;
    }

private:
    mutable std::mutex d_mutex;
    const std::size_t d_allowed;
    std::vector<std::size_t> d_sizes;
    std::size_t d_live = 0;
    std::size_t d_refused = 0;
};

/**
 * Ends the process with a message when the scope it guards runs longer than \p limit:
 * a hang (a deadlock in stop(), a reader never finishing) then fails the suite at once
 * instead of stalling it until an outside time-out.
 */
class watchdog
{
public:
    watchdog(std::string what, std::chrono::seconds limit) : d_what(std::move(what))
    {
        d_thread = std::thread([this, limit] {
            std::unique_lock<std::mutex> lock(d_mutex);
            if (!d_cv.wait_for(lock, limit, [this] { return d_done; })) {
                std::fprintf(stderr,
                             "\nwatchdog: %s did not finish within %lld s\n",
                             d_what.c_str(),
                             static_cast<long long>(limit.count()));
                std::fflush(stderr);
                std::_Exit(3);
            }
        });
    }
    ~watchdog()
    {
        {
            std::lock_guard<std::mutex> lock(d_mutex);
            d_done = true;
        }
        d_cv.notify_all();
        d_thread.join();
    }
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;

private:
    std::string d_what;
    std::mutex d_mutex;
    std::condition_variable d_cv;
    bool d_done = false;
    std::thread d_thread;
};

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_STREAM_SUPPORT_H */
