/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2's reference captures through the whole receive engine: pcap_reader ->
// ring_stream -> heaps -> descriptors -> item values, checked against what
// tests/data/captures/README.md states about them (heap counts, every value, the
// descriptions, and the packet counts spead2 itself reports), with and without a BPF
// filter.

#include "qa_stream_support.h"
#include <gnuradio/spead/protocol/item_type.h>
#include <gnuradio/spead/recv/pcap_reader.h>
#include <cppunit/extensions/HelperMacros.h>
#include <algorithm>
#include <complex>
#include <cstring>
#include <map>
#include <string>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

constexpr std::chrono::seconds TEST_LIMIT{ 120 };

constexpr std::uint64_t TIMESTAMP_ID = 0x1600;
constexpr std::uint64_t SEQ_ID = 0x1601;
constexpr std::uint64_t SAMPLES_ID = 0x1602;
constexpr std::size_t DATA_HEAPS = 20;
constexpr std::size_t SAMPLES = 4096;

/// What the README says about one capture file.
struct capture_facts {
    const char* file;
    bool multi_packet;
    std::uint64_t packets;
    /// Data items besides the timestamp (seq exists in the single-packet files only).
    bool has_seq;
    const char* data_description;
};

const capture_facts SINGLE_40 = { "spead2_64_40_single_packet.pcap",
                                  false,
                                  22,
                                  true,
                                  "4096 complex int8 samples as (re, im) pairs" };
const capture_facts SINGLE_48 = { "spead2_64_48_single_packet.pcap",
                                  false,
                                  22,
                                  true,
                                  "4096 complex int8 samples as (re, im) pairs" };
const capture_facts MULTI_40 = {
    "spead2_64_40_multi_packet.pcap", true, 462, false, "4096 complex64 samples"
};

std::string capture_path(const char* file)
{
    return std::string(SPEAD_CAPTURES_DIR) + "/" + file;
}

/// Runs \p file (through \p filter) into a ring that holds every heap, to the end.
run_result read_capture(const std::string& path, const std::string& filter = "")
{
    thread_pool pool(1);
    ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(64));
    s.emplace_reader<pcap_reader>(path, filter);
    run_result result;
    result.heaps = drain(s);
    result.stats = s.get_all_stats();
    return result;
}

/// The value field of an immediate item as the big-endian bytes item_type decodes.
std::vector<std::uint8_t> immediate_field(std::uint64_t value, int heap_address_bits)
{
    std::vector<std::uint8_t> out(std::size_t(heap_address_bits / 8));
    for (std::size_t i = out.size(); i-- > 0; value >>= 8)
        out[i] = std::uint8_t(value);
    return out;
}

decoded_value value_of(const item_type& type, const heap& h, const heap_item& item)
{
    if (item.immediate) {
        const auto field =
            immediate_field(item.value, h.get_flavour().heap_address_bits());
        return type.decode(field.data(), field.size(), true);
    }
    CPPUNIT_ASSERT(item.offset + item.length <= h.payload_size());
    return type.decode(h.payload() + item.offset, item.length, false);
}

template <typename T>
T element(const decoded_value& value, std::size_t index)
{
    CPPUNIT_ASSERT((index + 1) * sizeof(T) <= value.data.size());
    T out;
    std::memcpy(&out, value.data.data() + index * sizeof(T), sizeof(T));
    return out;
}

/// Item types by ID from the descriptor heap, after checking its names and descriptions.
std::map<std::uint64_t, item_type> check_descriptors(const heap& h,
                                                     const capture_facts& facts)
{
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), h.get_cnt());
    CPPUNIT_ASSERT(h.is_complete());
    std::map<std::uint64_t, descriptor> by_id;
    for (const descriptor& d : h.get_descriptors())
        by_id[d.id] = d;
    CPPUNIT_ASSERT_EQUAL(std::size_t(facts.has_seq ? 3 : 2), by_id.size());
    CPPUNIT_ASSERT_EQUAL(std::string("timestamp"), by_id.at(TIMESTAMP_ID).name);
    CPPUNIT_ASSERT_EQUAL(std::string("ADC sample count of first sample (immediate)"),
                         by_id.at(TIMESTAMP_ID).description);
    CPPUNIT_ASSERT_EQUAL(std::string("data"), by_id.at(SAMPLES_ID).name);
    CPPUNIT_ASSERT_EQUAL(std::string(facts.data_description),
                         by_id.at(SAMPLES_ID).description);
    if (facts.has_seq) {
        CPPUNIT_ASSERT_EQUAL(std::string("seq"), by_id.at(SEQ_ID).name);
        CPPUNIT_ASSERT_EQUAL(std::string("Heap sequence number (8-byte payload scalar)"),
                             by_id.at(SEQ_ID).description);
    }
    std::map<std::uint64_t, item_type> types;
    for (const auto& entry : by_id)
        types.emplace(entry.first, item_type::from_descriptor(entry.second, 0));
    return types;
}

dtype native(dtype::kind kind, std::size_t itemsize)
{
    return dtype::scalar(kind, itemsize, dtype::native_byte_order());
}

/// Data heap k (cnt k + 2): every value as the README states it.
void check_data_heap_values(const heap& h,
                            std::size_t k,
                            const std::map<std::uint64_t, item_type>& types,
                            const capture_facts& facts)
{
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(k + 2), h.get_cnt());
    CPPUNIT_ASSERT(h.is_complete());
    std::map<std::uint64_t, decoded_value> values;
    for (const heap_item& item : h.get_items()) {
        CPPUNIT_ASSERT(types.count(item.id));
        CPPUNIT_ASSERT(values.count(item.id) == 0);
        CPPUNIT_ASSERT_EQUAL(item.id == TIMESTAMP_ID, item.immediate);
        values.emplace(item.id, value_of(types.at(item.id), h, item));
    }
    CPPUNIT_ASSERT_EQUAL(types.size(), values.size());

    const decoded_value& timestamp = values.at(TIMESTAMP_ID);
    CPPUNIT_ASSERT(timestamp.shape.empty());
    CPPUNIT_ASSERT(timestamp.type == native(dtype::kind::unsigned_int, 8)); // u40 widened
    CPPUNIT_ASSERT_EQUAL(std::uint64_t(1000000 + 8192 * k),
                         element<std::uint64_t>(timestamp, 0));

    const decoded_value& samples = values.at(SAMPLES_ID);
    if (facts.has_seq) {
        const decoded_value& seq = values.at(SEQ_ID);
        CPPUNIT_ASSERT(seq.shape.empty());
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(k), element<std::uint64_t>(seq, 0));
    }
    if (!facts.multi_packet) {
        // '|i1' (4096, 2): re = ((i + k) % 256) - 128, im = -re clipped to int8.
        CPPUNIT_ASSERT(samples.type == dtype::scalar(dtype::kind::signed_int, 1, '|'));
        CPPUNIT_ASSERT(samples.shape == (std::vector<std::size_t>{ SAMPLES, 2 }));
        for (std::size_t i = 0; i < SAMPLES; i++) {
            const int re = int((i + k) % 256) - 128;
            const int im = std::min(-re, 127);
            CPPUNIT_ASSERT_EQUAL(re, int(element<std::int8_t>(samples, 2 * i)));
            CPPUNIT_ASSERT_EQUAL(im, int(element<std::int8_t>(samples, 2 * i + 1)));
        }
    } else {
        // '<c8' (4096,): arange(4096) + 1j * k.
        CPPUNIT_ASSERT(samples.type == native(dtype::kind::complex, 8));
        CPPUNIT_ASSERT(samples.shape == std::vector<std::size_t>{ SAMPLES });
        for (std::size_t i = 0; i < SAMPLES; i++) {
            const auto z = element<std::complex<float>>(samples, i);
            CPPUNIT_ASSERT_EQUAL(float(i), z.real());
            CPPUNIT_ASSERT_EQUAL(float(k), z.imag());
        }
    }
}

/// 21 heaps (the stop heap ends the stream unseen), every value right, and the
/// statistics that follow from the README's packet counts and 64-frame batches.
void check_capture_run(const run_result& run, const capture_facts& facts)
{
    CPPUNIT_ASSERT_EQUAL(DATA_HEAPS + 1, run.heaps.size());
    const auto types = check_descriptors(run.heaps[0], facts);
    for (std::size_t k = 0; k < DATA_HEAPS; k++)
        check_data_heap_values(run.heaps[k + 1], k, types, facts);

    const std::uint64_t per_batch = pcap_reader::batch_frames;
    check_stats(run.stats,
                { { "packets", facts.packets },
                  { "heaps", DATA_HEAPS + 1 },
                  // The descriptor heap and the stop heap are one packet in every
                  // file; so are the data heaps of the single-packet files.
                  { "single_packet_heaps", facts.multi_packet ? 2 : DATA_HEAPS + 2 },
                  { "batches", (facts.packets + per_batch - 1) / per_batch },
                  { "max_batch", std::min(facts.packets, per_batch) } });
}

} // namespace

class qa_pcap_reader : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_pcap_reader);
    CPPUNIT_TEST(test_capture_64_40_single_packet);
    CPPUNIT_TEST(test_capture_64_48_single_packet);
    CPPUNIT_TEST(test_capture_64_40_multi_packet);
    CPPUNIT_TEST(test_filter_that_matches);
    CPPUNIT_TEST(test_filter_that_excludes_everything);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_capture_64_40_single_packet()
    {
        watchdog guard("test_capture_64_40_single_packet", TEST_LIMIT);
        check_capture_run(read_capture(capture_path(SINGLE_40.file)), SINGLE_40);
    }

    void test_capture_64_48_single_packet()
    {
        watchdog guard("test_capture_64_48_single_packet", TEST_LIMIT);
        const run_result run = read_capture(capture_path(SINGLE_48.file));
        check_capture_run(run, SINGLE_48);
        CPPUNIT_ASSERT_EQUAL(48, run.heaps[1].get_flavour().heap_address_bits());
    }

    void test_capture_64_40_multi_packet()
    {
        watchdog guard("test_capture_64_40_multi_packet", TEST_LIMIT);
        const run_result run = read_capture(capture_path(MULTI_40.file));
        check_capture_run(run, MULTI_40);
        CPPUNIT_ASSERT_EQUAL(40, run.heaps[1].get_flavour().heap_address_bits());
    }

    void test_filter_that_matches()
    {
        // Every frame of this file goes to port 7148: the filter keeps them all.
        watchdog guard("test_filter_that_matches", TEST_LIMIT);
        check_capture_run(read_capture(capture_path(SINGLE_40.file), "udp dst port 7148"),
                          SINGLE_40);
    }

    void test_filter_that_excludes_everything()
    {
        // Port 7149 belongs to the 64-48 file: nothing here passes, and the end of the
        // file still ends the stream.
        watchdog guard("test_filter_that_excludes_everything", TEST_LIMIT);
        const run_result run =
            read_capture(capture_path(SINGLE_40.file), "udp dst port 7149");
        CPPUNIT_ASSERT(run.heaps.empty());
        check_stats(run.stats, {});
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_pcap_reader);
