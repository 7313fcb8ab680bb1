/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The UDP reader's waits for its socket: a burst of datagrams is taken whole, with no
// later datagram to wake the reader, whether it waits with a plain wait (a pool of one
// thread) or with a peek (more threads), and with bursts that fill recvmmsg batches
// exactly, or one datagram more or less. Each burst is queued in the socket while the
// pool's threads are held, so that the reader wakes once to all of it and must take it
// in several receives, then wait again with nothing queued.

#include "qa_udp_support.h"
#include <gnuradio/spead/recv/udp_reader.h>
#include <condition_variable>
#include <cppunit/extensions/HelperMacros.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

using namespace gr::spead::protocol;
using namespace gr::spead::recv;
using namespace gr::spead::qa;

namespace {

/// Holds every thread of a pool in a task of its own until released. The tasks share
/// their state with this object, so that they may still be waking after it is gone.
class pool_hold
{
public:
    pool_hold(thread_pool& pool, int threads) : d_state(std::make_shared<state>())
    {
        for (int i = 0; i < threads; i++)
            boost::asio::post(pool.get_io_context(), [st = d_state] {
                std::unique_lock<std::mutex> lock(st->mutex);
                st->held++;
                st->changed.notify_all();
                st->changed.wait(lock, [&st] { return st->released; });
            });
        std::unique_lock<std::mutex> lock(d_state->mutex);
        CPPUNIT_ASSERT_MESSAGE("the pool's threads were not held",
                               d_state->changed.wait_for(lock, POP_TIMEOUT, [&] {
                                   return d_state->held == threads;
                               }));
    }
    ~pool_hold()
    {
        std::lock_guard<std::mutex> lock(d_state->mutex);
        d_state->released = true;
        d_state->changed.notify_all();
    }
    pool_hold(const pool_hold&) = delete;
    pool_hold& operator=(const pool_hold&) = delete;

private:
    struct state {
        std::mutex mutex;
        std::condition_variable changed;
        int held = 0;
        bool released = false;
    };
    std::shared_ptr<state> d_state;
};

/// Sends bursts of single-packet heaps, each burst only once the one before has been
/// taken whole, through a reader on a pool of \p threads; a datagram left unnoticed in
/// the socket makes pop_heap fail, since nothing else comes to wake the reader.
void check_bursts(int threads, bool gro)
{
    watchdog guard("UDP bursts", std::chrono::seconds(60));
    scoped_env env(udp_reader::gro_environment_variable,
                   gro ? std::nullopt : std::optional<std::string>("0"));
    thread_pool pool(threads);
    ring_stream s(pool, stream_config(), ring_stream_config().set_heaps(512));
    auto& r = s.emplace_reader<udp_reader>(
        udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
        DEFAULT_UDP_MAX_SIZE,
        std::size_t(4) << 20);
    const udp::endpoint to = r.get_local_endpoint();
    udp_sender sender(false);

    const std::size_t batch = udp_reader::batch_datagrams;
    std::uint64_t cnt = 1;
    for (const std::size_t burst : { std::size_t(1),
                                     batch - 1,
                                     batch,
                                     batch + 1,
                                     2 * batch,
                                     2 * batch + 1,
                                     std::size_t(3) }) {
        const std::uint64_t first = cnt;
        {
            // Loopback delivers each datagram into the socket within the send.
            pool_hold hold(pool, threads);
            for (std::size_t i = 0; i < burst; i++, cnt++)
                sender.send_all(data_heap(cnt, ONE_PACKET_HEAP), to);
        }
        for (std::uint64_t want = first; want < cnt; want++)
            check_data_heap(pop_heap(s), want, ONE_PACKET_HEAP);
    }
    sender.send_all(encode_stop_heap(cnt, options()), to);
    CPPUNIT_ASSERT_EQUAL(std::size_t(0), drain(s).size());
}

} // namespace

class qa_udp_reader_wakeups : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_udp_reader_wakeups);
    CPPUNIT_TEST(test_one_thread);
    CPPUNIT_TEST(test_one_thread_without_gro);
    CPPUNIT_TEST(test_two_threads);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_one_thread() { check_bursts(1, true); }
    void test_one_thread_without_gro() { check_bursts(1, false); }
    void test_two_threads() { check_bursts(2, false); }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_udp_reader_wakeups);
