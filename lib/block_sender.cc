/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "block_sender.h"
#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <gnuradio/spead/send/inproc_stream.h>
#include <gnuradio/spead/send/packet_generator.h>
#include <gnuradio/spead/send/pcap_stream.h>
#include <gnuradio/spead/send/tcp_stream.h>
#include <gnuradio/spead/send/udp_stream.h>
#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>

namespace gr {
namespace spead {

namespace {

bool is_multicast(const std::string& host)
{
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(host, error);
    return !error && address.is_multicast();
}

} // namespace

std::unique_ptr<send::stream> make_send_stream(const sender_config& c)
{
    c.validate();
    send::stream_config config;
    config.set_max_packet_size(std::size_t(c.max_packet_size));
    config.set_rate(c.rate_gbps * 1e9 / 8);
    config.set_max_heaps(std::size_t(c.max_heaps));
    if (c.transport == "pcap")
        return std::make_unique<send::pcap_stream>(
            c.filename, std::uint16_t(c.port), config);
    if (c.transport == "inproc")
        return std::make_unique<send::inproc_stream>(
            std::vector<std::shared_ptr<recv::inproc_queue>>{ c.queue }, config);
    std::vector<send::endpoint> endpoints;
    bool multicast = false;
    for (const auto& spec : recv::parse_endpoint_list(c.address, c.port, "address")) {
        endpoints.push_back(send::endpoint{ spec.host, std::uint16_t(spec.port) });
        multicast = multicast || is_multicast(spec.host);
    }
    if (c.transport == "tcp")
        return std::make_unique<send::tcp_stream>(endpoints, config);
    const auto buffer = std::size_t(c.socket_buffer_size);
    if (multicast)
        return std::make_unique<send::udp_stream>(
            endpoints, config, buffer, c.ttl, c.interface_address);
    return std::make_unique<send::udp_stream>(
        endpoints, config, buffer, c.interface_address);
}

block_sender::block_sender(const sender_config& config,
                           std::unique_ptr<send::stream> stream)
    : d_flavour(4, 64, config.heap_address_bits),
      d_stream(std::move(stream)),
      d_max_packet_size(std::size_t(config.max_packet_size))
{
    // One slot per heap the stream may hold: a free slot never meets a full queue.
    for (std::int64_t i = 0; i < config.max_heaps; i++)
        d_slots.push_back(std::make_unique<slot>(slot{ {}, send::heap(d_flavour), 0 }));
    d_busy.assign(d_slots.size(), false);
}

block_sender::~block_sender() { flush(); }

block_sender::slot* block_sender::try_acquire(std::chrono::milliseconds wait)
{
    std::unique_lock<std::mutex> lock(d_mutex);
    if (!d_cv.wait_for(lock, wait, [this] { return !d_busy[d_next]; }))
        return nullptr;
    slot* s = d_slots[d_next].get();
    s->heap = send::heap(d_flavour);
    return s;
}

std::uint64_t block_sender::packets_of(const send::heap& h) const
{
    std::uint64_t packets = 0;
    try {
        send::packet_generator gen(h, 1, d_max_packet_size);
        // Local: send() and send_now() may run on different threads.
        std::vector<std::uint8_t> scratch(gen.scratch_size());
        std::vector<send::packet_buffer> pieces;
        while (gen.next_packet(scratch.data(), pieces) > 0) {
            pieces.clear();
            packets++;
        }
    } catch (const std::invalid_argument&) {
        // A heap the packet size cannot carry: the stream refuses it and says why.
    }
    return packets;
}

void block_sender::send(slot& s, std::size_t substream)
{
    s.packets = packets_of(s.heap);
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_busy[d_next] = true;
        d_next = (d_next + 1) % d_slots.size();
    }
    slot* target = &s;
    d_stream->async_send_heap(
        s.heap,
        [this, target](const std::error_code& error, std::uint64_t bytes) {
            sent(target, error, bytes);
        },
        -1,
        substream);
}

void block_sender::send_now(const send::heap& h, std::size_t substream)
{
    // Queued behind the slots' heaps, in order; the queue has room once they are sent.
    flush();
    try {
        const std::uint64_t packets = packets_of(h);
        const std::uint64_t bytes = d_stream->send_heap(h, -1, substream);
        std::lock_guard<std::mutex> lock(d_mutex);
        d_counters.heaps_sent++;
        d_counters.packets_sent += packets;
        d_counters.bytes_sent += bytes;
    } catch (const std::system_error& e) {
        std::lock_guard<std::mutex> lock(d_mutex);
        d_counters.heaps_failed++;
        d_counters.last_error = e.what();
    }
}

void block_sender::sent(slot* s, const std::error_code& error, std::uint64_t bytes)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    for (std::size_t i = 0; i < d_slots.size(); i++)
        if (d_slots[i].get() == s)
            d_busy[i] = false;
    if (error) {
        d_counters.heaps_failed++;
        d_counters.last_error = error.message();
    } else {
        d_counters.heaps_sent++;
        d_counters.packets_sent += s->packets;
        d_counters.bytes_sent += bytes;
    }
    d_cv.notify_all();
}

void block_sender::flush()
{
    d_stream->flush();
    std::unique_lock<std::mutex> lock(d_mutex);
    // The handlers run after the stream counts a heap as sent: wait for them too.
    d_cv.wait(lock, [this] {
        for (bool b : d_busy)
            if (b)
                return false;
        return true;
    });
}

block_sender::counters block_sender::get_counters() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_counters;
}

void block_sender::send_stream_control(bool start)
{
    for (std::size_t s = 0; s < num_substreams(); s++) {
        send::heap h(d_flavour);
        if (start)
            h.add_start();
        else
            h.add_end();
        send_now(h, s);
    }
}

std::map<std::string, std::uint64_t> block_sender::statistics(const counters& c)
{
    return { { "heaps_sent", c.heaps_sent },
             { "packets_sent", c.packets_sent },
             { "bytes_sent", c.bytes_sent },
             { "heaps_failed", c.heaps_failed } };
}

} // namespace spead
} // namespace gr
