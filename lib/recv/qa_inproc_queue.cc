/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The in-process packet queue on its own: order, copies, stop, and its readiness
// signal.

#include "ringbuffer.h"
#include <gnuradio/spead/recv/inproc_queue.h>
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <cstdint>
#include <vector>

using namespace gr::spead::recv;

namespace {

using packets = std::vector<std::vector<std::uint8_t>>;

/// Whether \p fd is readable right now.
bool readable(int fd)
{
    pollfd p{ fd, POLLIN, 0 };
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

} // namespace

class qa_inproc_queue : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_inproc_queue);
    CPPUNIT_TEST(test_packets_come_out_in_order);
    CPPUNIT_TEST(test_add_packet_copies);
    CPPUNIT_TEST(test_take_packets_bounded);
    CPPUNIT_TEST(test_stop_ends_after_queued_packets);
    CPPUNIT_TEST(test_add_after_stop_throws);
    CPPUNIT_TEST(test_fd_readable_while_packets_or_stopped);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_packets_come_out_in_order()
    {
        inproc_queue q;
        q.add_packet({ 1, 2, 3 });
        q.add_packet({});
        q.add_packet({ 4 });
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), q.size());
        packets out;
        CPPUNIT_ASSERT(!q.take_packets(out, 10));
        CPPUNIT_ASSERT((packets{ { 1, 2, 3 }, {}, { 4 } }) == out);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), q.size());
    }

    void test_add_packet_copies()
    {
        inproc_queue q;
        std::vector<std::uint8_t> bytes{ 9, 8, 7 };
        q.add_packet(bytes.data(), bytes.size());
        bytes[0] = 0;
        packets out;
        q.take_packets(out, 1);
        CPPUNIT_ASSERT((packets{ { 9, 8, 7 } }) == out);
    }

    void test_take_packets_bounded()
    {
        inproc_queue q;
        for (std::uint8_t i = 0; i < 5; i++)
            q.add_packet({ i });
        packets out;
        q.take_packets(out, 2);
        CPPUNIT_ASSERT((packets{ { 0 }, { 1 } }) == out);
        q.take_packets(out, 2); // appends
        CPPUNIT_ASSERT((packets{ { 0 }, { 1 }, { 2 }, { 3 } }) == out);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), q.size());
    }

    void test_stop_ends_after_queued_packets()
    {
        inproc_queue q;
        q.add_packet({ 1 });
        q.add_packet({ 2 });
        q.stop();
        q.stop(); // idempotent
        CPPUNIT_ASSERT(q.is_stopped());
        packets out;
        CPPUNIT_ASSERT(!q.take_packets(out, 1)); // one still queued: not the end yet
        CPPUNIT_ASSERT(q.take_packets(out, 1));  // the last one, and the end
        CPPUNIT_ASSERT((packets{ { 1 }, { 2 } }) == out);
        CPPUNIT_ASSERT(q.take_packets(out, 1)); // and it stays the end
    }

    void test_add_after_stop_throws()
    {
        inproc_queue q;
        q.stop();
        CPPUNIT_ASSERT_THROW(q.add_packet({ 1 }), ringbuffer_stopped);
        CPPUNIT_ASSERT_EQUAL(std::size_t(0), q.size());
    }

    void test_fd_readable_while_packets_or_stopped()
    {
        inproc_queue q;
        CPPUNIT_ASSERT(q.get_fd() >= 0);
        CPPUNIT_ASSERT(!readable(q.get_fd()));
        q.add_packet({ 1 });
        q.add_packet({ 2 });
        CPPUNIT_ASSERT(readable(q.get_fd()));
        packets out;
        q.take_packets(out, 1);
        CPPUNIT_ASSERT(readable(q.get_fd())); // one left
        q.renew_signal();
        CPPUNIT_ASSERT(readable(q.get_fd()));
        q.take_packets(out, 1);
        CPPUNIT_ASSERT(!readable(q.get_fd())); // empty
        q.renew_signal();                      // nothing to signal
        CPPUNIT_ASSERT(!readable(q.get_fd()));
        q.stop();
        CPPUNIT_ASSERT(readable(q.get_fd()));
        q.take_packets(out, 1);
        CPPUNIT_ASSERT(readable(q.get_fd())); // stays readable once stopped
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_inproc_queue);
