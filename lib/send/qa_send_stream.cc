/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The send stream's queue, cnt sequence, groups and errors, through a streambuf stream
// whose output the tests compare with packets built byte by byte.

#include "../protocol/qa_packet_builder.h"
#include <gnuradio/spead/send/streambuf_stream.h>
#include <condition_variable>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <atomic>
#include <mutex>
#include <numeric>
#include <sstream>
#include <stdexcept>

using gr::spead::protocol::flavour;
using gr::spead::send::group_mode;
using gr::spead::send::heap;
using gr::spead::send::heap_reference;
using gr::spead::send::stream_config;
using gr::spead::send::streambuf_stream;
namespace qa = gr::spead::qa;

namespace {

constexpr int BITS = 48;
const flavour FLAVOUR_48(4, 64, 48);

qa::bytes to_bytes(const std::string& s) { return qa::bytes(s.begin(), s.end()); }

qa::bytes join(const std::vector<qa::bytes>& parts)
{
    qa::bytes out;
    for (const qa::bytes& p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

/// The one packet of a heap holding only STREAM_CTRL = \p ctrl.
qa::bytes control_packet(std::uint64_t cnt, std::uint64_t ctrl)
{
    return qa::build_data_packet(
        BITS,
        cnt,
        1,
        0,
        { 0 },
        { qa::immediate_ptr(6, ctrl, BITS), qa::addressed_ptr(0, 0, BITS) });
}

std::error_code error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const std::system_error& e) {
        return e.code();
    }
    return {};
}

/// A streambuf whose writes wait until the test opens the gate.
class gated_buf : public std::stringbuf
{
public:
    void open()
    {
        {
            std::lock_guard<std::mutex> lock(d_mutex);
            d_open = true;
        }
        d_cv.notify_all();
    }

protected:
    std::streamsize xsputn(const char* s, std::streamsize n) override
    {
        std::unique_lock<std::mutex> lock(d_mutex);
        d_cv.wait(lock, [&] { return d_open; });
        return std::stringbuf::xsputn(s, n);
    }

private:
    std::mutex d_mutex;
    std::condition_variable d_cv;
    bool d_open = false;
};

/// A streambuf that accepts nothing.
class full_buf : public std::streambuf
{
protected:
    std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

/// Three heaps of one addressed item of 8, 72 and 136 bytes (IDs 0x1000..0x1002).
struct three_heaps {
    std::vector<qa::bytes> values;
    std::vector<heap> heaps;
    three_heaps()
    {
        for (std::size_t i = 0; i < 3; i++) {
            qa::bytes v(8 + 64 * i);
            std::iota(v.begin(), v.end(), std::uint8_t(i));
            values.push_back(v);
        }
        for (std::size_t i = 0; i < 3; i++) {
            heaps.emplace_back(FLAVOUR_48);
            heaps.back().add_item(0x1000 + i, values[i].data(), values[i].size(), false);
        }
    }
    /// Packet \p k of heap \p i when cut at 88 bytes (40 payload bytes, then 48).
    qa::bytes packet(std::size_t i, std::size_t k) const
    {
        const qa::bytes& v = values[i];
        const std::size_t from = k == 0 ? 0 : 40 + 48 * (k - 1);
        const std::size_t to = std::min(v.size(), k == 0 ? 40 : from + 48);
        std::vector<std::uint64_t> extra;
        if (k == 0)
            extra.push_back(qa::addressed_ptr(0x1000 + i, 0, BITS));
        return qa::build_data_packet(BITS,
                                     i + 1,
                                     v.size(),
                                     from,
                                     qa::bytes(v.begin() + from, v.begin() + to),
                                     extra);
    }
    std::vector<heap_reference> refs() const
    {
        return { heap_reference(heaps[0]),
                 heap_reference(heaps[1]),
                 heap_reference(heaps[2]) };
    }
};

} // namespace

class qa_send_stream : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_send_stream);
    CPPUNIT_TEST(test_cnt_sequence_and_explicit_cnts);
    CPPUNIT_TEST(test_cnt_too_wide_queues_nothing);
    CPPUNIT_TEST(test_zero_step_is_refused);
    CPPUNIT_TEST(test_serial_group);
    CPPUNIT_TEST(test_round_robin_group);
    CPPUNIT_TEST(test_bad_heap_in_group_queues_none);
    CPPUNIT_TEST(test_empty_group_is_refused);
    CPPUNIT_TEST(test_full_queue_refuses_and_recovers);
    CPPUNIT_TEST(test_bytes_transferred);
    CPPUNIT_TEST(test_write_error_reaches_the_caller);
    CPPUNIT_TEST(test_packet_size_too_small_is_refused);
    CPPUNIT_TEST(test_destructor_sends_what_is_queued);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_cnt_sequence_and_explicit_cnts()
    {
        std::stringbuf out;
        heap start(FLAVOUR_48);
        start.add_start();
        {
            streambuf_stream s(out);
            s.send_heap(start);
            s.set_cnt_sequence(0x1111111111, 0x1234512345);
            s.send_heap(start);
            s.send_heap(start, 0x9876543210AB); // explicit: the sequence stays
            s.send_heap(start);
            s.set_cnt_sequence((std::uint64_t(1) << 48) - 1, 1);
            s.send_heap(start);
            s.send_heap(start); // wraps to 0
        }
        const std::uint64_t cnts[] = {
            1, 0x1111111111, 0x9876543210AB, 0x2345623456, (std::uint64_t(1) << 48) - 1, 0
        };
        std::vector<qa::bytes> expected;
        for (std::uint64_t c : cnts)
            expected.push_back(control_packet(c, 0));
        CPPUNIT_ASSERT(to_bytes(out.str()) == join(expected));
    }

    void test_cnt_too_wide_queues_nothing()
    {
        std::stringbuf out;
        heap end(FLAVOUR_48);
        end.add_end();
        streambuf_stream s(out);
        const std::error_code e =
            error_of([&] { s.send_heap(end, std::int64_t(1) << 48); });
        CPPUNIT_ASSERT(e == std::errc::invalid_argument);
        s.send_heap(end);
        s.flush();
        CPPUNIT_ASSERT(to_bytes(out.str()) == control_packet(1, 2));
    }

    void test_zero_step_is_refused()
    {
        std::stringbuf out;
        streambuf_stream s(out);
        CPPUNIT_ASSERT_THROW(s.set_cnt_sequence(1, 0), std::invalid_argument);
    }

    void test_serial_group()
    {
        three_heaps t;
        std::stringbuf out;
        streambuf_stream s(out, stream_config().set_max_packet_size(88).set_max_heaps(3));
        s.send_heaps(t.refs(), group_mode::SERIAL);
        const qa::bytes expected = join({ t.packet(0, 0),
                                          t.packet(1, 0),
                                          t.packet(1, 1),
                                          t.packet(2, 0),
                                          t.packet(2, 1),
                                          t.packet(2, 2) });
        CPPUNIT_ASSERT(to_bytes(out.str()) == expected);
    }

    void test_round_robin_group()
    {
        three_heaps t;
        std::stringbuf out;
        streambuf_stream s(out, stream_config().set_max_packet_size(88).set_max_heaps(3));
        s.send_heaps(t.refs(), group_mode::ROUND_ROBIN);
        const qa::bytes expected = join({ t.packet(0, 0),
                                          t.packet(1, 0),
                                          t.packet(2, 0),
                                          t.packet(1, 1),
                                          t.packet(2, 1),
                                          t.packet(2, 2) });
        CPPUNIT_ASSERT(to_bytes(out.str()) == expected);
    }

    void test_bad_heap_in_group_queues_none()
    {
        std::stringbuf out;
        heap start(FLAVOUR_48), end(FLAVOUR_48);
        start.add_start();
        end.add_end();
        streambuf_stream s(out);
        s.send_heap(start);
        const std::error_code e = error_of([&] {
            s.send_heaps({ heap_reference(start), heap_reference(start, -1, 100) },
                         group_mode::ROUND_ROBIN);
        });
        CPPUNIT_ASSERT(e == std::errc::invalid_argument);
        s.send_heap(end); // cnt 2: the refused group took none from the sequence
        CPPUNIT_ASSERT(to_bytes(out.str()) ==
                       join({ control_packet(1, 0), control_packet(2, 2) }));
    }

    void test_empty_group_is_refused()
    {
        std::stringbuf out;
        streambuf_stream s(out);
        const std::error_code e = error_of([&] { s.send_heaps({}, group_mode::SERIAL); });
        CPPUNIT_ASSERT(e == std::errc::invalid_argument);
    }

    void test_full_queue_refuses_and_recovers()
    {
        gated_buf out;
        heap start(FLAVOUR_48);
        start.add_start();
        streambuf_stream s(out, stream_config().set_max_heaps(2));
        std::atomic<int> ok{ 0 };
        auto count = [&](const std::error_code& e, std::uint64_t) {
            if (!e)
                ok++;
        };
        CPPUNIT_ASSERT(s.async_send_heap(start, count));
        CPPUNIT_ASSERT(s.async_send_heap(start, count));
        std::error_code refused;
        bool called = false;
        CPPUNIT_ASSERT(
            !s.async_send_heap(start, [&](const std::error_code& e, std::uint64_t) {
                refused = e;
                called = true;
            }));
        // The refusal is reported before the call returns.
        CPPUNIT_ASSERT(called);
        CPPUNIT_ASSERT(refused == std::errc::operation_would_block);
        out.open();
        s.flush();
        CPPUNIT_ASSERT_EQUAL(2, ok.load());
        CPPUNIT_ASSERT(s.async_send_heap(start, count));
        s.flush();
        CPPUNIT_ASSERT_EQUAL(3, ok.load());
        CPPUNIT_ASSERT(
            to_bytes(out.str()) ==
            join({ control_packet(1, 0), control_packet(2, 0), control_packet(3, 0) }));
    }

    void test_bytes_transferred()
    {
        three_heaps t;
        std::stringbuf out;
        streambuf_stream s(out, stream_config().set_max_packet_size(88).set_max_heaps(3));
        const std::uint64_t bytes = s.send_heaps(t.refs(), group_mode::SERIAL);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(out.str().size()), bytes);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(56 + 88 + 72 + 3 * 88), bytes);
    }

    void test_write_error_reaches_the_caller()
    {
        full_buf out;
        heap end(FLAVOUR_48);
        end.add_end();
        streambuf_stream s(out);
        const std::error_code e = error_of([&] { s.send_heap(end); });
        CPPUNIT_ASSERT_EQUAL(EIO, e.value());
    }

    void test_packet_size_too_small_is_refused()
    {
        std::stringbuf out;
        heap end(FLAVOUR_48);
        end.add_end();
        streambuf_stream s(out, stream_config().set_max_packet_size(40));
        const std::error_code e = error_of([&] { s.send_heap(end); });
        CPPUNIT_ASSERT(e == std::errc::invalid_argument);
        CPPUNIT_ASSERT(out.str().empty());
    }

    void test_destructor_sends_what_is_queued()
    {
        std::stringbuf out;
        heap start(FLAVOUR_48);
        start.add_start();
        {
            streambuf_stream s(out, stream_config().set_max_heaps(3));
            for (int i = 0; i < 3; i++)
                CPPUNIT_ASSERT(s.async_send_heap(start, nullptr));
        }
        CPPUNIT_ASSERT(
            to_bytes(out.str()) ==
            join({ control_packet(1, 0), control_packet(2, 0), control_packet(3, 0) }));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_send_stream);
