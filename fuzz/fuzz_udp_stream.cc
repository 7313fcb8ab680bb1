/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The UDP reader receiving in place: the input's datagrams are sent over loopback to a
// udp_reader twice, once receiving payload straight into heap memory (its plans) and
// once copying every packet, in groups that the reader drains before the next group is
// sent (so that batches begin where the input says, and plans are made mid-heap).
// Input format:
//   u8 config: bits 0-1 max_heaps - 1, bit 2 contiguous_only,
//              bits 3-5 datagrams per group - 1,
//              bit 6 runs of equal-sized datagrams in a group (the last of a run may be
//              shorter) go as one GSO send, which the GRO reader gets as one coalesced
//              datagram: plans then meet datagrams of fewer or more segments than
//              planned
//   then datagrams: big-endian u16 length + bytes (fuzz::split_packets)
// Checked: both runs hand out the same heaps (counter, state, lengths, items, bytes
// received) and the same statistics but for batching (and packets after a stop item).
// The kernel's writes into heap memory are not seen by AddressSanitizer: a stray one
// would show as a difference between the runs (or a crash).

#include "../lib/recv/qa_gso_send.h"
#include "fuzz_support.h"
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <sys/socket.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

using namespace gr::spead;
using namespace gr::spead::protocol;
using namespace gr::spead::recv;
namespace idx = stream_stat_indices;
using boost::asio::ip::udp;

namespace {

thread_pool* pool;

constexpr std::size_t max_datagrams = 200;
constexpr std::size_t max_heap_size = 100000;
constexpr auto time_limit = std::chrono::seconds(20);

/// What a heap is, for comparing the two runs.
struct heap_record {
    std::uint64_t cnt;
    bool complete;
    std::int64_t heap_length;
    std::size_t received;
    std::vector<heap_item> items;
    std::vector<std::uint8_t> received_bytes; ///< in-order mode: the first `received`

    explicit heap_record(const heap& h)
        : cnt(h.get_cnt()),
          complete(h.is_complete()),
          heap_length(h.get_heap_length()),
          received(h.get_received_length()),
          items(h.get_items().to_vector()),
          received_bytes(h.payload(), h.payload() + h.get_received_length())
    {
    }
    bool operator==(const heap_record& o) const
    {
        return cnt == o.cnt && complete == o.complete && heap_length == o.heap_length &&
               received == o.received && items == o.items &&
               received_bytes == o.received_bytes;
    }
};

struct outcome {
    std::vector<heap_record> heaps;
    stream_stats stats;
};

/// Packets the stream has taken in: those that reached heap assembly (spead2's
/// `packets`) and those refused before it.
std::uint64_t packets_taken(const ring_stream& s)
{
    return s.get_stats()[idx::packets] +
           fuzz::rejected_before_assembly(s.get_reject_stats());
}

/// Waits until the stream has taken \p packets packets, or has stopped (a stop item:
/// the reader then reads no further).
void wait_for_packets(const ring_stream& s, std::uint64_t packets)
{
    const auto deadline = std::chrono::steady_clock::now() + time_limit;
    while (packets_taken(s) < packets && !s.is_stopped()) {
        SPEAD_FUZZ_CHECK(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
}

/// Where the run of datagrams from \p first (before \p end) that can go as one GSO
/// send ends: equal sizes, the last maybe shorter, within the kernel's limits.
std::size_t
train_end(const std::vector<fuzz::bytes>& datagrams, std::size_t first, std::size_t end)
{
    constexpr std::size_t max_segments = 64;
    constexpr std::size_t max_bytes = 65507;
    const std::size_t segment = datagrams[first].size();
    std::size_t last = first + 1;
    std::size_t bytes = segment;
    while (last < end && last - first < max_segments &&
           datagrams[last].size() <= segment &&
           bytes + datagrams[last].size() <= max_bytes) {
        bytes += datagrams[last].size();
        if (datagrams[last++].size() < segment)
            break;
    }
    return last;
}

/// Sends datagrams [first, last) from \p fd: one GSO send when there are several and
/// the kernel takes it, else one by one.
void send_datagrams(int fd,
                    const std::vector<fuzz::bytes>& datagrams,
                    std::size_t first,
                    std::size_t last,
                    const udp::endpoint& to)
{
    if (last - first > 1) {
        fuzz::bytes joined;
        for (std::size_t i = first; i < last; i++)
            joined.insert(joined.end(), datagrams[i].begin(), datagrams[i].end());
        if (qa::send_gso_train(fd,
                               joined.data(),
                               joined.size(),
                               datagrams[first].size(),
                               to.data(),
                               socklen_t(to.size())) == 0)
            return;
    }
    for (std::size_t i = first; i < last; i++) {
        const auto& d = datagrams[i];
        const ssize_t n = ::sendto(fd, d.data(), d.size(), 0, to.data(), to.size());
        SPEAD_FUZZ_CHECK(n == ssize_t(d.size()));
    }
}

outcome run(const std::vector<fuzz::bytes>& datagrams,
            std::size_t group,
            bool trains,
            const stream_config& config,
            const ring_stream_config& ring,
            bool in_place)
{
    ring_stream s(*pool, config, ring);
    if (in_place)
        ::unsetenv(udp_reader::in_place_environment_variable);
    else
        ::setenv(udp_reader::in_place_environment_variable, "off", 1);
    auto& reader = s.emplace_reader<udp_reader>(
        udp::endpoint(boost::asio::ip::address_v4::loopback(), 0), 65535, 1 << 20);
    ::unsetenv(udp_reader::in_place_environment_variable);
    SPEAD_FUZZ_CHECK(reader.receives_in_place() == in_place);
    const udp::endpoint to = reader.get_local_endpoint();

    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    SPEAD_FUZZ_CHECK(fd >= 0);
    std::uint64_t sent = 0;
    for (std::size_t start = 0; start < datagrams.size(); start += group) {
        const std::size_t end = std::min(start + group, datagrams.size());
        for (std::size_t first = start; first < end;) {
            const std::size_t last =
                trains ? train_end(datagrams, first, end) : first + 1;
            send_datagrams(fd, datagrams, first, last, to);
            first = last;
        }
        sent += end - start;
        wait_for_packets(s, sent);
    }
    ::close(fd);
    wait_for_packets(s, sent);
    s.stop();

    outcome out;
    while (true) {
        try {
            auto h = s.pop_for(time_limit);
            SPEAD_FUZZ_CHECK(h.has_value());
            SPEAD_FUZZ_CHECK(h->payload_size() <= max_heap_size);
            SPEAD_FUZZ_CHECK(h->get_received_length() <= h->payload_size());
            out.heaps.emplace_back(*h);
        } catch (const ringbuffer_stopped&) {
            break;
        }
    }
    out.stats = s.get_all_stats();
    SPEAD_FUZZ_CHECK(out.stats[idx::packets] <= sent);
    return out;
}

void print_heaps(const char* what, const std::vector<heap_record>& heaps)
{
    std::fprintf(stderr, "%s: %zu heaps\n", what, heaps.size());
    for (const heap_record& h : heaps)
        std::fprintf(stderr,
                     "  cnt %llu %s heap_length %lld received %zu items %zu\n",
                     static_cast<unsigned long long>(h.cnt),
                     h.complete ? "complete" : "incomplete",
                     static_cast<long long>(h.heap_length),
                     h.received,
                     h.items.size());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::silence_log();
    pool = new thread_pool(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::byte_reader in(data, size);
    const std::uint8_t choice = in.u8();
    const std::vector<fuzz::bytes> datagrams = fuzz::split_packets(in, max_datagrams);
    if (datagrams.empty())
        return 0;
    for (const auto& d : datagrams) {
        // An empty datagram is no packet to count; IPv4 carries at most 65507 bytes.
        if (d.empty() || d.size() > 65507)
            return 0;
    }
    const std::size_t group = 1 + ((choice >> 3) & 7);
    const bool trains = (choice & 0x40) != 0;
    stream_config config;
    config.set_max_heaps(1 + (choice & 3)).set_max_heap_size(max_heap_size);
    ring_stream_config ring;
    ring.set_heaps(max_datagrams + 1).set_contiguous_only((choice & 4) != 0);

    const outcome copied = run(datagrams, group, trains, config, ring, false);
    const outcome in_place = run(datagrams, group, trains, config, ring, true);
    if (!(copied.heaps == in_place.heaps)) {
        print_heaps("copied", copied.heaps);
        print_heaps("in place", in_place.heaps);
    }
    SPEAD_FUZZ_CHECK(copied.heaps == in_place.heaps);
    // Batches differ (a plan bounds its batch), and so may how many packets after a
    // stop item were read in the same batch as it and counted as rejected after stop
    // (never in `packets`).
    const std::uint64_t copied_after_stop = copied.stats["packets_rejected_after_stop"];
    const std::uint64_t in_place_after_stop =
        in_place.stats["packets_rejected_after_stop"];
    SPEAD_FUZZ_CHECK(copied.stats[idx::packets] == in_place.stats[idx::packets]);
    SPEAD_FUZZ_CHECK(copied.stats["packets_rejected"] - copied_after_stop ==
                     in_place.stats["packets_rejected"] - in_place_after_stop);
    for (std::size_t i = 0; i < copied.stats.size(); i++) {
        const std::string& name = (*copied.stats.get_config())[i].get_name();
        if (i == idx::batches || i == idx::max_batch || i == idx::packets ||
            name == "packets_rejected" || name == "packets_rejected_after_stop")
            continue;
        if (copied.stats[i] != in_place.stats[i])
            std::fprintf(stderr,
                         "statistic %zu: copied %llu, in place %llu\n",
                         i,
                         static_cast<unsigned long long>(copied.stats[i]),
                         static_cast<unsigned long long>(in_place.stats[i]));
        SPEAD_FUZZ_CHECK(copied.stats[i] == in_place.stats[i]);
    }
    return 0;
}
