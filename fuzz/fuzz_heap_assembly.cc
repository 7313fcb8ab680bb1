/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Heap assembly: the input is a sequence of datagrams fed to a ring_stream through
// stream_batch (as the UDP reader feeds it), under every assembly mode in turn: in
// order, out of order, several substreams, unsized heaps refused, incomplete heaps
// delivered with their payload ranges, stop items ignored, and an allocator that runs
// out. Input format:
//   u8 config: bits 0-1 max_heaps - 1, bits 2-4 packets per batch - 1,
//              bits 5-6 max_heap_size (100, 1000, 10000, 200000 bytes),
//              bit 7 stop feeding at the first stop (as a reader would)
//   u8 allocations the failing allocator grants (mode "allocation failure")
//   then packets: big-endian u16 length + bytes (fuzz::split_packets)
// Checked after each run: every packet is accounted for once, rejected packets add up
// by reason, every heap handed out is within max_heap_size and consistent (received <=
// HEAP_LENGTH, items and ranges inside the payload), and every heap counted reached the
// consumer or was counted as dropped.

#include "fuzz_support.h"
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/stream.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <memory>
#include <new>
#include <string>

using namespace gr::spead;
using namespace gr::spead::protocol;
using namespace gr::spead::recv;
namespace idx = stream_stat_indices;
namespace rej = reject_stat_indices;

namespace {

/// Plain memory that refuses every allocation after the first \a granted.
class failing_allocator : public memory_allocator
{
public:
    explicit failing_allocator(std::size_t granted) : d_left(granted) {}
    pointer allocate(std::size_t size, void* hint) override
    {
        if (d_left == 0)
            throw std::bad_alloc();
        d_left--;
        return memory_allocator::allocate(size, hint);
    }

private:
    std::size_t d_left;
};

struct mode {
    const char* name;
    bool out_of_order;
    std::size_t substreams;
    bool allow_unsized;
    bool contiguous_only;
    bool keep_ranges;
    bool stop_on_stop_item;
    bool failing_allocator;
};

constexpr mode modes[] = {
    { "in order", false, 1, true, true, false, true, false },
    { "out of order, incomplete delivered", true, 1, true, false, true, true, false },
    { "three substreams", true, 3, true, false, false, true, false },
    { "unsized refused", false, 1, false, false, true, true, false },
    { "stop items ignored", true, 1, false, false, true, false, false },
    { "allocation failure", false, 2, true, false, false, true, true },
};

constexpr std::size_t max_heap_sizes[] = { 100, 1000, 10000, 200000 };
/// More heaps than this many packets can make cannot reach the ring (plus the flush).
constexpr std::size_t max_packets = 1000;

thread_pool* pool;

void check_heap(const heap& h, const mode& m, const stream_config& config)
{
    SPEAD_FUZZ_CHECK(h.payload_size() <= config.get_max_heap_size());
    SPEAD_FUZZ_CHECK(h.get_received_length() <= h.payload_size());
    if (h.get_heap_length() >= 0) {
        // A complete heap holds exactly HEAP_LENGTH bytes; an incomplete one holds the
        // memory it had (none if no payload came, less than its extent when a pointer
        // lies beyond HEAP_LENGTH), which its items never pass.
        if (h.is_complete()) {
            SPEAD_FUZZ_CHECK(h.payload_size() == std::size_t(h.get_heap_length()));
            SPEAD_FUZZ_CHECK(h.get_received_length() == h.payload_size());
        }
    } else {
        SPEAD_FUZZ_CHECK(m.allow_unsized);
    }
    // A stop heap complete on arrival ends the stream unseen; any other (incomplete, or
    // unsized: whole only once flushed) is flushed like any heap (spead2's rule).
    if (m.stop_on_stop_item && h.is_complete() && h.get_heap_length() >= 0)
        SPEAD_FUZZ_CHECK(!h.is_end_of_stream());
    if (!h.is_complete())
        SPEAD_FUZZ_CHECK(!m.contiguous_only);

    std::uint64_t sum = 0;
    for (const auto& item : h.get_items()) {
        SPEAD_FUZZ_CHECK(item.id > 4);
        if (item.immediate)
            continue;
        SPEAD_FUZZ_CHECK(item.offset <= h.payload_size());
        SPEAD_FUZZ_CHECK(item.length <= h.payload_size() - item.offset);
        for (std::size_t i = 0; i < item.length; i += 64)
            sum += h.payload()[item.offset + i];
    }
    volatile std::uint64_t sink = sum;
    (void)sink;

    const auto& ranges = h.get_payload_ranges();
    if (h.is_complete() || !m.keep_ranges) {
        SPEAD_FUZZ_CHECK(ranges.empty());
    } else {
        std::size_t total = 0;
        std::size_t previous_end = 0;
        for (std::size_t i = 0; i < ranges.size(); i++) {
            SPEAD_FUZZ_CHECK(ranges[i].first < ranges[i].second);
            SPEAD_FUZZ_CHECK(ranges[i].second <= h.payload_size());
            // Merged: a range starts after a gap behind the previous one.
            if (i > 0)
                SPEAD_FUZZ_CHECK(ranges[i].first > previous_end);
            previous_end = ranges[i].second;
            total += ranges[i].second - ranges[i].first;
        }
        SPEAD_FUZZ_CHECK(total == h.get_received_length());
    }
    // Malformed descriptors are logged and skipped, never thrown.
    (void)h.get_descriptors();
}

void run(const mode& m,
         std::uint8_t config_byte,
         std::size_t granted,
         const std::vector<fuzz::bytes>& packets)
{
    stream_config config;
    config.set_max_heaps(1 + (config_byte & 3))
        .set_substreams(m.substreams)
        .set_allow_out_of_order(m.out_of_order)
        .set_allow_unsized_heaps(m.allow_unsized)
        .set_stop_on_stop_item(m.stop_on_stop_item)
        .set_max_heap_size(max_heap_sizes[(config_byte >> 5) & 3]);
    if (m.failing_allocator)
        config.set_memory_allocator(std::make_shared<failing_allocator>(granted));
    ring_stream_config ring;
    ring.set_heaps(max_packets + 64)
        .set_contiguous_only(m.contiguous_only)
        .set_incomplete_keep_payload_ranges(m.keep_ranges);
    const std::size_t per_batch = 1 + ((config_byte >> 2) & 7);
    const bool stop_at_stop = config_byte & 0x80;

    ring_stream s(*pool, config, ring);
    std::size_t fed = 0;
    bool running = true;
    for (std::size_t i = 0; i < packets.size() && running;) {
        stream_batch batch(s);
        for (std::size_t k = 0; k < per_batch && i < packets.size(); k++, i++) {
            fed++;
            if (!batch.add_packet(packets[i].data(), packets[i].size()) && stop_at_stop) {
                running = false;
                break;
            }
        }
    }
    {
        stream_batch batch(s);
        batch.end_of_stream(); // flushes what is left, as at the end of a capture
    }

    std::size_t popped = 0;
    std::size_t popped_incomplete = 0;
    while (true) {
        try {
            heap h = s.try_pop();
            check_heap(h, m, config);
            popped++;
            popped_incomplete += !h.is_complete();
        } catch (const ringbuffer_stopped&) {
            break;
        } catch (const ringbuffer_empty&) {
            SPEAD_FUZZ_CHECK(!"the ring was not stopped at the end of the stream");
        }
    }

    const stream_stats stats = s.get_stats();
    const stream_stats rejects = s.get_reject_stats();
    // Packets refused before heap assembly (undecodable, after the stop) are counted by
    // reason only, as spead2 leaves them out of `packets`.
    SPEAD_FUZZ_CHECK(stats[idx::packets] + fuzz::rejected_before_assembly(rejects) ==
                     fed);
    std::uint64_t by_reason = 0;
    for (std::size_t i = rej::packets_rejected_malformed_first;
         i <= rej::packets_rejected_allocation_failed;
         i++)
        by_reason += rejects[i];
    SPEAD_FUZZ_CHECK(rejects[rej::packets_rejected] == by_reason);
    SPEAD_FUZZ_CHECK(rejects[rej::packets_rejected] <= fed);
    SPEAD_FUZZ_CHECK(stats[idx::heaps] ==
                     popped + rejects[rej::heaps_dropped_incomplete]);
    SPEAD_FUZZ_CHECK(rejects[rej::heaps_dropped_ring_stopped] == 0);
    SPEAD_FUZZ_CHECK(popped_incomplete + rejects[rej::heaps_dropped_incomplete] <=
                     stats[idx::incomplete_heaps_evicted] +
                         stats[idx::incomplete_heaps_flushed]);
    // Each heap handed out took at least one accepted packet.
    SPEAD_FUZZ_CHECK(stats[idx::heaps] <= fed - rejects[rej::packets_rejected]);
    // Single-packet heaps are counted before anything can refuse them (as in spead2):
    // all are handed out except a complete stop heap (which ends the stream) and those
    // refused for their size or their memory.
    SPEAD_FUZZ_CHECK(stats[idx::single_packet_heaps] <=
                     stats[idx::heaps] + 1 +
                         rejects[rej::packets_rejected_heap_too_large] +
                         rejects[rej::packets_rejected_allocation_failed]);
    if (!m.failing_allocator)
        SPEAD_FUZZ_CHECK(rejects[rej::packets_rejected_allocation_failed] == 0 &&
                         rejects[rej::heaps_dropped_allocation_failed] == 0);
    SPEAD_FUZZ_CHECK(stats[idx::worker_blocked] == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::byte_reader in(data, size);
    const std::uint8_t config_byte = in.u8();
    const std::size_t granted = in.u8() % 8;
    const std::vector<fuzz::bytes> packets = fuzz::split_packets(in, max_packets);
    for (const mode& m : modes)
        run(m, config_byte, granted, packets);
    return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::silence_log();
    // Streams need a pool; packets are fed from the fuzzer's thread, so it stays idle.
    pool = new thread_pool(1);
    return 0;
}
