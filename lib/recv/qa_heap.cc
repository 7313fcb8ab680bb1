/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// heap::get_descriptors: the DESCRIPTOR items of a delivered heap, decoded with the
// stream's bug_compat; a malformed one is logged and skipped (SPEAD-PROTOCOL.md 5).

#include "../protocol/qa_packet_builder.h"
#include "qa_live_heap_support.h"
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/heap.h>
#include <gnuradio/spead/recv/live_heap.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

constexpr int A40 = 40;

/// Collects log messages while it lives, then puts the default log function back.
class log_capture
{
public:
    log_capture()
    {
        set_log_function([this](log_level level, const std::string& message) {
            std::lock_guard<std::mutex> lock(d_mutex);
            d_messages.emplace_back(level, message);
        });
    }
    ~log_capture() { set_log_function(log_function()); }

    std::vector<std::pair<log_level, std::string>> messages()
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        return d_messages;
    }

private:
    std::mutex d_mutex;
    std::vector<std::pair<log_level, std::string>> d_messages;
};

/// One heap of one packet whose payload is the given DESCRIPTOR values back to back,
/// plus an ordinary immediate item, assembled by a live heap.
heap heap_of_descriptors(const std::vector<bytes>& values, int bug_compat)
{
    bytes payload;
    std::vector<std::uint64_t> pointers;
    for (const bytes& value : values) {
        pointers.push_back(addressed_ptr(DESCRIPTOR_ID, payload.size(), A40));
        payload.insert(payload.end(), value.begin(), value.end());
    }
    pointers.push_back(immediate_ptr(0x1002, 77, A40));
    const bytes datagram =
        build_data_packet(A40, 3, payload.size(), 0, payload, pointers);

    live_heap_options options;
    options.allocator = std::make_shared<counting_allocator>();
    options.bug_compat = bug_compat;
    live_heap h(3, options);
    CPPUNIT_ASSERT(h.add_packet(decode_valid(datagram)) ==
                   live_heap::add_result::accepted);
    CPPUNIT_ASSERT(h.is_complete());
    return h.finish(false);
}

descriptor make_descriptor(std::uint64_t id, const std::string& name)
{
    descriptor d;
    d.id = id;
    d.name = name;
    d.description = "the " + name + " item";
    d.format = { { 'u', 16 } };
    d.shape = { 3 };
    return d;
}

} // namespace

class qa_heap : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_heap);
    CPPUNIT_TEST(test_descriptors_decoded_malformed_skipped);
    CPPUNIT_TEST(test_descriptors_use_stream_bug_compat);
    CPPUNIT_TEST(test_no_descriptors);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_descriptors_decoded_malformed_skipped()
    {
        const flavour spead_64_40;
        const descriptor first = make_descriptor(0x1000, "alpha");
        descriptor second = make_descriptor(0x1001, "beta");
        second.numpy_header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}";
        const bytes junk(16, 0xAA); // not a SPEAD packet: no 0x53 magic
        // A well-formed descriptor heap without DESCRIPTOR_ID: ignored, silently.
        const bytes no_id =
            build_data_packet(A40,
                              1,
                              4,
                              0,
                              { 'n', 'a', 'm', 'e' },
                              { addressed_ptr(DESCRIPTOR_NAME_ID, 0, A40) });
        const bytes first_bytes = encode_descriptor(first, spead_64_40);
        const heap h = heap_of_descriptors(
            { first_bytes, junk, no_id, encode_descriptor(second, spead_64_40) }, 0);

        std::vector<descriptor> decoded;
        std::vector<std::pair<log_level, std::string>> logged;
        {
            log_capture capture;
            decoded = h.get_descriptors();
            logged = capture.messages();
        }
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), decoded.size());
        CPPUNIT_ASSERT(decoded[0] == first);
        // Beside a numpy header, the format and shape sent are dropped (as spead2 does).
        descriptor second_as_read = second;
        second_as_read.format.clear();
        second_as_read.shape.clear();
        CPPUNIT_ASSERT(decoded[1] == second_as_read);

        CPPUNIT_ASSERT_EQUAL(std::size_t(1), logged.size());
        CPPUNIT_ASSERT(logged[0].first == log_level::warning);
        // The message names the heap and where the bad descriptor sits.
        const std::string& message = logged[0].second;
        CPPUNIT_ASSERT_MESSAGE(message,
                               message.find("malformed descriptor") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(message, message.find("heap 3") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(
            message,
            message.find("offset " + std::to_string(first_bytes.size())) !=
                std::string::npos);
    }

    void test_descriptors_use_stream_bug_compat()
    {
        // Format fields of 4 bytes and shape fields of 8, as PySPEAD 0.5.2 writes them
        // in SPEAD-64-48 (whose own widths would be 3 and 7).
        const descriptor d = make_descriptor(0x1000, "wide");
        const bytes value =
            encode_descriptor(d, flavour(4, 64, 48, BUG_COMPAT_DESCRIPTOR_WIDTHS));
        {
            const heap h = heap_of_descriptors({ value }, BUG_COMPAT_DESCRIPTOR_WIDTHS);
            const std::vector<descriptor> decoded = h.get_descriptors();
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), decoded.size());
            CPPUNIT_ASSERT(decoded[0] == d);
        }
        {
            // Read with 64-48 widths, as spead2 reads it: one whole 3-byte format field
            // "75 00 00" and one 7-byte dimension of zeros; the byte left of each is
            // ignored.
            const heap h = heap_of_descriptors({ value }, 0);
            log_capture capture;
            const std::vector<descriptor> decoded = h.get_descriptors();
            CPPUNIT_ASSERT_EQUAL(std::size_t(1), decoded.size());
            CPPUNIT_ASSERT_EQUAL(d.name, decoded[0].name);
            CPPUNIT_ASSERT(decoded[0].format ==
                           std::vector<format_field>({ { 'u', 0 } }));
            CPPUNIT_ASSERT(decoded[0].shape == std::vector<std::int64_t>({ 0 }));
            CPPUNIT_ASSERT(capture.messages().empty());
        }
    }

    void test_no_descriptors()
    {
        const heap h = heap_of_descriptors({}, 0);
        log_capture capture;
        CPPUNIT_ASSERT(h.get_descriptors().empty());
        CPPUNIT_ASSERT(capture.messages().empty());
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), h.get_items().size());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_heap);
