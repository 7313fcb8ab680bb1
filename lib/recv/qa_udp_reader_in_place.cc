/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Receiving payload straight into heap memory: whatever the packets (in order, lost,
// repeated, swapped, interleaved, malformed, with headers that change size), a UDP
// reader hands out exactly the heaps and statistics a mem_reader makes of the same
// packets, and the in-place path is taken where it should be and nowhere else.

#include "qa_udp_support.h"
#include <gnuradio/spead/recv/udp_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <optional>
#include <random>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;
using boost::asio::ip::make_address;

namespace {

/// Streams are assembled in in-order mode (where the reader plans) and hand out
/// incomplete heaps too, so that what was received of every heap can be compared.
stream_config compared_config() { return stream_config(); }
ring_stream_config compared_ring()
{
    return ring_stream_config().set_contiguous_only(false).set_heaps(4096);
}

struct run {
    std::vector<heap> heaps;
    stream_stats stats;
    std::uint64_t in_place = 0;
    std::uint64_t gathered = 0;
};

run summarise(ring_stream& s)
{
    run r;
    r.heaps = drain(s);
    r.stats = s.get_all_stats();
    return r;
}

run through_memory(const packet_list& packets)
{
    run_result result = run_stream(packets, compared_config(), compared_ring());
    run r;
    r.heaps = std::move(result.heaps);
    r.stats = result.stats;
    return r;
}

/// How the packets are sent: one datagram each, or each heap's packets in GSO trains
/// of GSO_TRAIN packets (each coalesced into one datagram for a GRO reader), or in
/// trains of the lengths in VARIED_TRAINS in turn (as a paced sender's packets reach a
/// GRO reader: a few at a time, more after a stall).
enum class sending { datagrams, gso_trains, varied_trains };
constexpr std::size_t GSO_TRAIN = 32;
constexpr std::size_t VARIED_TRAINS[] = { 1, 2, 7, 1, 5, 32, 3, 1, 1, 16, 4 };

/**
 * Sends \p heaps (each a list of packets) and a stop heap to a UDP reader before the
 * stream starts (explicit start), so that the reader finds them all queued and reads
 * full batches; then drains the stream. \p readers > 1 adds idle readers on other
 * ports. With in_place false the environment turns receiving in place off. Returns
 * nothing in \p out and sets \p send_error when the kernel refuses a GSO send.
 */
run through_udp(const std::vector<packet_list>& heaps,
                bool in_place,
                sending how,
                int& send_error,
                std::size_t readers = 1)
{
    watchdog guard("in-place run", std::chrono::seconds(60));
    thread_pool pool(1);
    ring_stream s(pool, stream_config().set_explicit_start(true), compared_ring());
    udp_reader* r;
    {
        scoped_env env(udp_reader::in_place_environment_variable,
                       in_place ? std::nullopt : std::optional<std::string>("off"));
        const udp::endpoint bind_to(make_address("127.0.0.1"), 0);
        r = &s.emplace_reader<udp_reader>(bind_to, DEFAULT_UDP_MAX_SIZE, 8 << 20);
        for (std::size_t i = 1; i < readers; i++)
            s.emplace_reader<udp_reader>(bind_to, DEFAULT_UDP_MAX_SIZE, 0);
    }
    CPPUNIT_ASSERT_EQUAL(in_place, r->receives_in_place());
    udp_sender sender(false);
    const udp::endpoint to = r->get_local_endpoint();
    std::uint64_t sent = 0;
    send_error = 0;
    for (const packet_list& packets : heaps) {
        if (how != sending::datagrams) {
            std::size_t next_train = 0;
            for (std::size_t first = 0; first < packets.size();) {
                const std::size_t length =
                    how == sending::gso_trains
                        ? GSO_TRAIN
                        : VARIED_TRAINS[next_train++ % std::size(VARIED_TRAINS)];
                // A train is packets of one size, the last maybe shorter (as GSO
                // sends them).
                const std::size_t segment = packets[first].size();
                std::size_t last = first + 1;
                while (last < packets.size() && last - first < length &&
                       packets[last].size() <= segment)
                    if (packets[last++].size() < segment)
                        break;
                const packet_list train(packets.begin() + std::ptrdiff_t(first),
                                        packets.begin() + std::ptrdiff_t(last));
                send_error = sender.send_segmented(train, train.front().size(), to);
                if (send_error != 0) {
                    s.stop();
                    return run();
                }
                first = last;
            }
        } else {
            sender.send_all(packets, to);
        }
        sent += packets.size();
    }
    sender.send_all(encode_stop_heap(1 << 20, options()), to);
    s.start();
    run result = summarise(s);
    // Everything was queued before the reader read: a shortfall is the kernel's (a
    // receive buffer too small), not the reader's; say so rather than compare.
    // Datagrams that do not decode are no packets: they are counted by reason.
    std::uint64_t seen = result.stats["packets"];
    for (std::size_t i = 1; i < packet_status_count(); i++)
        seen +=
            result.stats[std::string("packets_rejected_") + to_string(packet_status(i))];
    CPPUNIT_ASSERT_EQUAL_MESSAGE("datagrams dropped by the kernel", sent + 1, seen);
    result.in_place = r->get_in_place_packets();
    result.gathered = r->get_gathered_messages();
    return result;
}

run through_udp(const std::vector<packet_list>& heaps, bool in_place)
{
    int send_error = 0;
    return through_udp(heaps, in_place, sending::datagrams, send_error);
}

/// Whether a run in trains could not be made: then it reports \p test as skipped.
bool gso_refused(int send_error, const std::string& test)
{
    if (send_error == 0)
        return false;
    skip_test("qa_udp_reader_in_place::" + test,
              std::string("the kernel refused a UDP_SEGMENT send: ") +
                  std::strerror(send_error));
    return true;
}

packet_list joined(const std::vector<packet_list>& heaps)
{
    packet_list out;
    for (const auto& h : heaps)
        out = out + h;
    return out + encode_stop_heap(1 << 20, options());
}

/// The bytes of \p h that were received (in in-order mode, the first
/// get_received_length()).
std::vector<std::uint8_t> received_bytes(const heap& h)
{
    return std::vector<std::uint8_t>(h.payload(), h.payload() + h.get_received_length());
}

/// The two runs made the same heaps (counter, state, sizes, items, bytes received) and
/// statistics (but for how packets were batched).
void check_same(const run& expected, const run& actual, const std::string& what)
{
    CPPUNIT_ASSERT_EQUAL_MESSAGE(
        what + ": heap count", expected.heaps.size(), actual.heaps.size());
    for (std::size_t i = 0; i < expected.heaps.size(); i++) {
        const heap& e = expected.heaps[i];
        const heap& a = actual.heaps[i];
        const std::string where = what + ": heap " + std::to_string(i);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(where + " cnt", e.get_cnt(), a.get_cnt());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            where + " complete", e.is_complete(), a.is_complete());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            where + " heap_length", e.get_heap_length(), a.get_heap_length());
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            where + " received", e.get_received_length(), a.get_received_length());
        CPPUNIT_ASSERT_MESSAGE(where + " items",
                               e.get_items().to_vector() == a.get_items().to_vector());
        CPPUNIT_ASSERT_MESSAGE(where + " bytes", received_bytes(e) == received_bytes(a));
    }
    for (const auto& item : expected.stats.items()) {
        if (item.first == "batches" || item.first == "max_batch")
            continue;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            what + ": statistic " + item.first, item.second, actual.stats[item.first]);
    }
}

/**
 * Sends \p heaps to a reader receiving in place, in trains as \p how says, and checks
 * that it makes the heaps a memory reader makes of them. Returns the run, or nothing
 * (the test reported as skipped) when the kernel refuses GSO.
 */
std::optional<run> trains_match_memory(const std::vector<packet_list>& heaps,
                                       sending how,
                                       const std::string& test)
{
    const run memory = through_memory(joined(heaps));
    int send_error = 0;
    run udp = through_udp(heaps, true, how, send_error);
    if (gso_refused(send_error, test))
        return std::nullopt;
    check_same(memory, udp, test);
    return udp;
}

/// \p count heaps of \p size bytes in packets of at most \p packet_size, counters from 1.
std::vector<packet_list>
in_order_heaps(std::size_t count, std::size_t size, std::size_t packet_size)
{
    encoder_options opts = options();
    opts.max_packet_size = packet_size;
    std::vector<packet_list> heaps;
    for (std::uint64_t cnt = 1; cnt <= count; cnt++)
        heaps.push_back(data_heap(cnt, size, opts));
    return heaps;
}

std::size_t packet_count(const std::vector<packet_list>& heaps)
{
    std::size_t n = 0;
    for (const auto& h : heaps)
        n += h.size();
    return n;
}

/**
 * A random stream of heaps as a sender with faults makes it: sized and unsized heaps
 * of varied sizes, packet sizes and item counts (so that header sizes change within a
 * heap), then packets lost, repeated, swapped, interleaved with the next heap's, heap
 * counters reused, and garbage datagrams. One list per "send unit" (datagrams mode).
 */
std::vector<packet_list> faulty_stream(std::mt19937& rng)
{
    std::uniform_real_distribution<double> chance(0, 1);
    const std::size_t packet_sizes[] = { 256, 512, 1024, 1472 };
    std::vector<packet_list> heaps;
    const std::size_t n_heaps = 6 + rng() % 8;
    for (std::uint64_t cnt = 1; cnt <= n_heaps; cnt++) {
        encoder_options opts = options(chance(rng) > 0.2, chance(rng) > 0.5 ? 40 : 48);
        opts.max_packet_size = packet_sizes[rng() % 4];
        heap_contents contents;
        contents.cnt = chance(rng) < 0.1 && cnt > 2 ? cnt - 2 : cnt; // a reused counter
        const std::size_t extra_items = chance(rng) < 0.3 ? rng() % 60 : 0;
        for (std::size_t i = 0; i < extra_items; i++)
            contents.items.push_back(encoder_item::make_immediate(0x2000 + i, i));
        contents.items.push_back(encoder_item::make_immediate(TAG_ID, TAG_BASE + cnt));
        contents.items.push_back(
            encoder_item::make_addressed(DATA_ID, pattern(cnt, 100 + rng() % 12000)));
        heaps.push_back(encode_heap(contents, opts));
    }
    // Interleave some neighbours packet by packet.
    for (std::size_t i = 0; i + 1 < heaps.size(); i++) {
        if (chance(rng) < 0.2) {
            heaps[i] = interleave({ heaps[i], heaps[i + 1] });
            heaps.erase(heaps.begin() + std::ptrdiff_t(i) + 1);
        }
    }
    for (auto& h : heaps) {
        packet_list faulty;
        for (std::size_t p = 0; p < h.size(); p++) {
            const double roll = chance(rng);
            if (roll < 0.02)
                continue; // lost
            faulty.push_back(h[p]);
            if (roll > 0.98)
                faulty.push_back(h[p]); // repeated
            else if (roll > 0.96 && p + 1 < h.size())
                std::swap(faulty.back(), h[p + 1]); // swapped with the next
            if (chance(rng) < 0.01) {
                std::vector<std::uint8_t> garbage(1 + rng() % 200);
                for (auto& b : garbage)
                    b = std::uint8_t(rng());
                if (chance(rng) < 0.5 && garbage.size() >= 8) {
                    garbage[0] = 0x53; // a SPEAD header with nonsense after it
                    garbage[1] = 4;
                    garbage[2] = 2;
                    garbage[3] = 6;
                }
                faulty.push_back(garbage);
            }
        }
        if (!faulty.empty())
            h = faulty;
    }
    return heaps;
}

/// In-order heaps of 64 KiB in 1024-byte packets, a few packets lost, repeated or
/// swapped with the next: most of each heap can be planned, and the plan meets a packet
/// it did not predict now and then, often behind packets that came earlier than planned.
std::vector<packet_list> faulty_in_order(std::mt19937& rng)
{
    std::uniform_real_distribution<double> chance(0, 1);
    std::vector<packet_list> heaps = in_order_heaps(8, 64 << 10, 1024);
    for (auto& h : heaps) {
        packet_list faulty;
        for (std::size_t p = 0; p < h.size(); p++) {
            const double roll = chance(rng);
            if (roll < 0.01)
                continue;
            faulty.push_back(h[p]);
            if (roll > 0.995)
                faulty.push_back(h[p]);
            else if (roll > 0.99 && p + 1 < h.size())
                std::swap(faulty.back(), h[p + 1]);
        }
        h = faulty;
    }
    return heaps;
}

} // namespace

class qa_udp_reader_in_place : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_reader_in_place);
    CPPUNIT_TEST(test_in_order_heaps_are_received_in_place);
    CPPUNIT_TEST(test_faulty_streams_match_memory_reader);
    CPPUNIT_TEST(test_interleaved_heaps_seldom_planned);
    CPPUNIT_TEST(test_gso_trains_are_received_in_place);
    CPPUNIT_TEST(test_trains_of_varied_lengths_are_received_in_place);
    CPPUNIT_TEST(test_faulty_trains_match_copied);
    CPPUNIT_TEST(test_not_with_several_readers);
    CPPUNIT_TEST(test_not_in_out_of_order_mode);
    CPPUNIT_TEST(test_not_with_a_nontemporal_copy);
    CPPUNIT_TEST(test_environment_turns_it_off);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_in_order_heaps_are_received_in_place()
    {
        // 12 heaps of 64 KiB in 1472-byte packets: 46 packets each, the first with the
        // heap's own pointers (a longer header), the last shorter.
        const auto heaps = in_order_heaps(12, 64 << 10, 1472);
        const run memory = through_memory(joined(heaps));
        const run on = through_udp(heaps, true);
        const run off = through_udp(heaps, false);
        check_same(memory, on, "in place");
        check_same(memory, off, "copied");
        CPPUNIT_ASSERT_EQUAL(std::size_t(12), on.heaps.size());
        for (std::size_t i = 0; i < on.heaps.size(); i++)
            CPPUNIT_ASSERT(on.heaps[i].is_complete());
        // All but each heap's first and last packets can be planned; the batch that
        // starts a heap is not, and the first heap's plan learns the header size.
        const std::size_t packets = packet_count(heaps);
        CPPUNIT_ASSERT_MESSAGE("in place: " + std::to_string(on.in_place) + " of " +
                                   std::to_string(packets),
                               on.in_place >= packets * 3 / 4);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), off.in_place);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), off.gathered);
    }

    void test_faulty_streams_match_memory_reader()
    {
        std::uint64_t in_place = 0;
        std::uint64_t gathered = 0;
        // Against the same reader copying every packet (a mem_reader cannot take the
        // garbage datagrams: in a buffer they break its framing).
        for (unsigned seed = 1; seed <= 25; seed++) {
            std::mt19937 rng(seed);
            const auto heaps = faulty_stream(rng);
            const run copied = through_udp(heaps, false);
            const run udp = through_udp(heaps, true);
            check_same(copied, udp, "seed " + std::to_string(seed));
            in_place += udp.in_place;
            gathered += udp.gathered;
        }
        // Both paths ran: packets fed in place, and planned messages that were
        // something else, copied out and fed as usual.
        CPPUNIT_ASSERT_MESSAGE(std::to_string(in_place), in_place > 150);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(gathered), gathered > 20);
    }

    void test_interleaved_heaps_seldom_planned()
    {
        // Two senders' heaps alternating packet by packet: the next packet is never the
        // one predicted. The heaps are right, and after the first failures the reader
        // plans seldom, so few messages are copied twice.
        const auto single = in_order_heaps(16, 64 << 10, 1472);
        std::vector<packet_list> heaps;
        for (std::size_t i = 0; i + 1 < single.size(); i += 2)
            heaps.push_back(interleave({ single[i], single[i + 1] }));
        const run memory = through_memory(joined(heaps));
        const run udp = through_udp(heaps, true);
        check_same(memory, udp, "interleaved");
        const std::size_t packets = packet_count(heaps);
        CPPUNIT_ASSERT_MESSAGE("gathered " + std::to_string(udp.gathered) + " of " +
                                   std::to_string(packets),
                               udp.gathered * 20 <= packets);
    }

    void test_gso_trains_are_received_in_place()
    {
        // 256 KiB heaps in 1024-byte packets, sent in trains of 32 (32 KiB, coalesced
        // into one datagram each with GRO): the reader plans several segments per
        // message.
        const auto heaps = in_order_heaps(6, 256 << 10, 1024);
        const auto udp =
            trains_match_memory(heaps, sending::gso_trains, "test_gso_trains");
        if (!udp)
            return;
        CPPUNIT_ASSERT_MESSAGE(std::to_string(udp->in_place),
                               udp->in_place >= packet_count(heaps) / 2);
    }

    void test_trains_of_varied_lengths_are_received_in_place()
    {
        // A GRO reader plans as many segments per message as the longest it saw, but a
        // paced sender's datagrams come coalesced a few at a time: a message shorter
        // than planned still has its packets in place, and the messages after it have
        // theirs a few packets further on in the heap, from where they are moved back
        // rather than copied out twice.
        const auto heaps = in_order_heaps(6, 256 << 10, 1024);
        const auto udp = trains_match_memory(
            heaps, sending::varied_trains, "test_trains_of_varied_lengths");
        if (!udp)
            return;
        // Each message is planned room for the longest train, so a batch's plan ends
        // well before the heap does: the message after it, and each heap's first, are
        // copied (about a quarter here).
        const std::size_t packets = packet_count(heaps);
        CPPUNIT_ASSERT_MESSAGE("in place: " + std::to_string(udp->in_place) + " of " +
                                   std::to_string(packets),
                               udp->in_place >= packets * 2 / 3);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), udp->gathered);
    }

    void test_faulty_trains_match_copied()
    {
        // Faulty streams sent in trains of varied lengths: in-order heaps with packets
        // lost, repeated or swapped inside a train; and the mixed streams above (heaps
        // interleaved, sizes that change, so that a train is cut where the size
        // changes). Whatever lands where the plan expected something else, after
        // packets that came earlier than planned or not, must come out as the reader
        // copying every datagram makes it.
        std::uint64_t in_place = 0;
        std::uint64_t gathered = 0;
        std::size_t compared = 0;
        for (unsigned seed = 1; seed <= 30; seed++) {
            std::mt19937 rng(seed);
            const auto heaps = seed % 2 ? faulty_in_order(rng) : faulty_stream(rng);
            int error_copied = 0;
            int error_in_place = 0;
            const run copied =
                through_udp(heaps, false, sending::varied_trains, error_copied);
            const run udp =
                through_udp(heaps, true, sending::varied_trains, error_in_place);
            if (gso_refused(error_copied ? error_copied : error_in_place,
                            "test_faulty_trains"))
                return;
            check_same(copied, udp, "seed " + std::to_string(seed));
            in_place += udp.in_place;
            gathered += udp.gathered;
            compared++;
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(in_place) + " in place, " +
                                   std::to_string(gathered) + " gathered",
                               in_place > 200);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(gathered), gathered > 20);
    }

    void test_not_with_several_readers()
    {
        // Another reader could change the planned heap while the kernel writes to it:
        // the plan is made only for a stream's only reader.
        const auto heaps = in_order_heaps(4, 64 << 10, 1472);
        int send_error = 0;
        const run udp = through_udp(heaps, true, sending::datagrams, send_error, 2);
        check_same(through_memory(joined(heaps)), udp, "two readers");
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), udp.in_place);
    }

    void test_not_in_out_of_order_mode()
    {
        check_copied_under(stream_config().set_allow_out_of_order(true));
    }

    void test_not_with_a_nontemporal_copy()
    {
        // The kernel's copy would not keep the payload out of the caches as asked.
        check_copied_under(stream_config().set_memcpy(memcpy_function::nontemporal));
    }

    /// Under \p config, in-order heaps arrive whole and none was received in place.
    void check_copied_under(stream_config config)
    {
        watchdog guard("copied stream", std::chrono::seconds(30));
        thread_pool pool(1);
        ring_stream s(pool, config.set_explicit_start(true), compared_ring());
        auto& r = s.emplace_reader<udp_reader>(
            udp::endpoint(make_address("127.0.0.1"), 0), DEFAULT_UDP_MAX_SIZE, 8 << 20);
        udp_sender sender(false);
        const auto heaps = in_order_heaps(4, 64 << 10, 1472);
        for (const auto& h : heaps)
            sender.send_all(h, r.get_local_endpoint());
        sender.send_all(encode_stop_heap(99, options()), r.get_local_endpoint());
        s.start();
        const auto received = drain(s);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), received.size());
        for (std::size_t i = 0; i < received.size(); i++)
            check_data_heap(received[i], i + 1, 64 << 10);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), r.get_in_place_packets());
    }

    void test_environment_turns_it_off()
    {
        thread_pool pool(1);
        ring_stream s(pool);
        const udp::endpoint bind_to(make_address("127.0.0.1"), 0);
        {
            scoped_env env(udp_reader::in_place_environment_variable, std::nullopt);
            CPPUNIT_ASSERT(s.emplace_reader<udp_reader>(bind_to, DEFAULT_UDP_MAX_SIZE, 0)
                               .receives_in_place());
        }
        for (const char* value : { "0", "off", "OFF", "false", "no" }) {
            scoped_env env(udp_reader::in_place_environment_variable, std::string(value));
            auto& r = s.emplace_reader<udp_reader>(bind_to, DEFAULT_UDP_MAX_SIZE, 0);
            CPPUNIT_ASSERT_MESSAGE(value, !r.receives_in_place());
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_reader_in_place);
