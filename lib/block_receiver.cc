/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "block_receiver.h"
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/recv/inproc_queue.h>
#include <gnuradio/spead/recv/inproc_reader.h>
#include <gnuradio/spead/recv/memory_pool.h>
#include <gnuradio/spead/recv/pcap_reader.h>
#include <gnuradio/spead/recv/tcp_reader.h>
#include <gnuradio/spead/recv/udp_endpoint.h>
#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <boost/asio/ip/address.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

receiver_config validated(const receiver_config& config)
{
    config.validate();
    if (config.transport == "pcap") {
        // Reported when the block is made, not only when the flowgraph starts (where
        // GNU Radio can only log it).
        std::ifstream probe(config.pcap_file, std::ios::binary);
        if (!probe)
            throw std::invalid_argument("pcap_file: cannot open '" + config.pcap_file +
                                        "': " + std::strerror(errno));
    }
    return config;
}

} // namespace

block_receiver::block_receiver(const receiver_config& config)
    : d_config(validated(config))
{
}

block_receiver::~block_receiver() { stop(); }

void block_receiver::make_allocator(recv::stream_config& sc)
{
    const receiver_config& c = d_config;
    std::shared_ptr<recv::memory_allocator> base;
    if (c.allocator == "mmap")
        base = std::make_shared<recv::mmap_allocator>(0, false);
    else if (c.allocator == "mmap_huge")
        base = std::make_shared<recv::mmap_allocator>(0, true);
    else
        base = std::make_shared<recv::memory_allocator>();

    const bool pool = c.memory_pool == "on" ||
                      (c.memory_pool == "auto" && (c.heap_size > 0 || c.pool_upper > 0));
    if (!pool) {
        sc.set_memory_allocator(d_wrap_allocator ? d_wrap_allocator(base) : base);
        return;
    }
    // Buffers of the expected heap size serve heaps from half that size up: the data
    // heaps, while small descriptor and control heaps go to the plain allocator. Enough
    // buffers are kept for every heap that can be alive at once: the live window of
    // every substream, the ring, and a few held by the block and the worker.
    const std::size_t upper = std::size_t(c.pool_upper >= 0 ? c.pool_upper : c.heap_size);
    const std::size_t lower = std::size_t(c.pool_lower >= 0 ? c.pool_lower : upper / 2);
    const std::size_t in_flight = std::size_t(c.max_heaps) * std::size_t(c.substreams) +
                                  std::size_t(c.effective_ring_heaps()) + 4;
    const std::size_t max_free =
        std::size_t(c.pool_max_free >= 0 ? c.pool_max_free : std::int64_t(in_flight));
    const std::size_t initial =
        std::size_t(c.pool_initial >= 0 ? c.pool_initial : std::int64_t(max_free));
    const std::size_t low_water = std::size_t(
        c.pool_low_water >= 0 ? c.pool_low_water : std::int64_t(max_free / 2));
    if (lower > upper)
        throw std::invalid_argument("pool_lower (" + std::to_string(lower) +
                                    ") must not exceed pool_upper (" +
                                    std::to_string(upper) + ")");
    if (initial > max_free)
        throw std::invalid_argument("pool_initial (" + std::to_string(initial) +
                                    ") must not exceed pool_max_free (" +
                                    std::to_string(max_free) + ")");
    if (low_water > max_free)
        throw std::invalid_argument("pool_low_water (" + std::to_string(low_water) +
                                    ") must not exceed pool_max_free (" +
                                    std::to_string(max_free) + ")");
    std::shared_ptr<recv::memory_allocator> pooled = std::make_shared<recv::memory_pool>(
        *d_pool, lower, upper, max_free, initial, low_water, base);
    sc.set_memory_allocator(d_wrap_allocator ? d_wrap_allocator(pooled) : pooled);
}

std::optional<std::size_t>
block_receiver::try_relocate_payloads(const recv::stream::payload_relocator& relocate)
{
    std::lock_guard<std::mutex> lock(d_use_mutex);
    if (!d_ring)
        return std::nullopt;
    return d_ring->try_relocate_payloads(relocate);
}

void block_receiver::request_relocation(recv::stream::payload_relocator relocate)
{
    std::lock_guard<std::mutex> lock(d_use_mutex);
    if (d_ring)
        d_ring->request_relocation(std::move(relocate));
}

recv::stream_config block_receiver::prepare()
{
    stop();
    const receiver_config& c = d_config;
    d_pool = c.affinity.empty()
                 ? std::make_unique<recv::thread_pool>(c.threads)
                 : std::make_unique<recv::thread_pool>(c.threads, c.affinity);

    recv::stream_config sc;
    sc.set_max_heaps(std::size_t(c.max_heaps))
        .set_substreams(std::size_t(c.substreams))
        .set_bug_compat(c.bug_compat)
        .set_memcpy(c.memcpy_nontemporal ? recv::memcpy_function::nontemporal
                                         : recv::memcpy_function::standard)
        .set_stop_on_stop_item(c.stop_on_stop_item)
        .set_allow_unsized_heaps(c.allow_unsized_heaps)
        .set_allow_out_of_order(c.allow_out_of_order)
        .set_stream_id(std::uintptr_t(c.stream_id));
    if (c.max_heap_size > 0)
        sc.set_max_heap_size(std::size_t(c.max_heap_size));
    return sc;
}

void block_receiver::open(std::unique_ptr<recv::stream> stream)
{
    std::lock_guard<std::mutex> lock(d_use_mutex);
    d_final_stats.reset();
    d_stream = std::move(stream);
    d_local_port = -1;
    try {
        add_reader();
    } catch (...) {
        d_stream->stop();
        d_stream.reset();
        d_ring = nullptr;
        d_pool.reset();
        throw;
    }
}

void block_receiver::start()
{
    recv::stream_config sc = prepare();
    make_allocator(sc);
    const receiver_config& c = d_config;
    recv::ring_stream_config rc;
    rc.set_heaps(std::size_t(c.effective_ring_heaps()))
        .set_max_spin(std::chrono::microseconds(c.ring_max_spin_us))
        .set_contiguous_only(c.contiguous_only)
        .set_incomplete_keep_payload_ranges(c.incomplete_keep_payload_ranges ||
                                            d_force_payload_ranges);
    auto ring = std::make_unique<recv::ring_stream>(*d_pool, sc, rc);
    d_ring = ring.get();
    open(std::move(ring));
}

void block_receiver::start_chunks(const recv::chunk_stream_config& chunk_config,
                                  std::shared_ptr<recv::chunk_ringbuffer> data_ring,
                                  std::shared_ptr<recv::chunk_ringbuffer> free_ring,
                                  const std::vector<std::string>& custom_stats)
{
    // Payload goes straight into chunks: no heap memory to allocate or pool.
    recv::stream_config sc = prepare();
    for (const std::string& name : custom_stats)
        sc.add_stat(name);
    d_ring = nullptr;
    open(std::make_unique<recv::chunk_ring_stream>(
        *d_pool, sc, chunk_config, std::move(data_ring), std::move(free_ring)));
}

void block_receiver::start_chunk_group(
    const recv::chunk_stream_config& chunk_config,
    recv::chunk_stream_group_config::eviction_mode eviction,
    std::shared_ptr<recv::chunk_ringbuffer> data_ring,
    std::shared_ptr<recv::chunk_ringbuffer> free_ring,
    const std::vector<std::string>& custom_stats)
{
    if (d_config.transport != "udp")
        throw std::invalid_argument("group_mode: one stream per endpoint needs transport "
                                    "'udp', not '" +
                                    d_config.transport + "'");
    const auto endpoints =
        recv::parse_endpoint_list(d_config.address, d_config.port, "address");
    recv::stream_config sc = prepare();
    for (const std::string& name : custom_stats)
        sc.add_stat(name);
    recv::chunk_stream_group_config gc;
    gc.set_max_chunks(chunk_config.get_max_chunks()).set_eviction_mode(eviction);
    std::lock_guard<std::mutex> lock(d_use_mutex);
    d_final_stats.reset();
    d_ring = nullptr;
    d_local_port = -1;
    d_group = std::make_unique<recv::chunk_stream_ring_group>(
        gc, std::move(data_ring), std::move(free_ring));
    try {
        // One member stream per endpoint, each with its reader and a thread of its own
        // (spead2's advice for groups): a member waiting for room in the window holds
        // its thread, and a request to let go of old chunks queued for a member waits
        // for that member alone, so no member's work waits behind another's.
        const auto& affinity = d_config.affinity;
        for (std::size_t i = 0; i < endpoints.size(); i++) {
            d_member_pools.push_back(
                affinity.empty()
                    ? std::make_unique<recv::thread_pool>(1)
                    : std::make_unique<recv::thread_pool>(
                          1, std::vector<int>{ affinity[i % affinity.size()] }));
            add_udp_reader(
                d_group->emplace_back(*d_member_pools.back(), sc, chunk_config),
                endpoints[i]);
        }
    } catch (...) {
        d_group->stop();
        d_group.reset();
        d_member_pools.clear();
        d_pool.reset();
        throw;
    }
}

recv::stream_stats block_receiver::group_stats() const
{
    // Counters add up over the members; maxima take the largest (stream_stats::+).
    recv::stream_stats total = (*d_group)[0].get_all_stats();
    for (std::size_t i = 1; i < d_group->size(); i++)
        total += (*d_group)[i].get_all_stats();
    return total;
}

void block_receiver::add_udp_reader(recv::stream& target, const recv::endpoint_spec& spec)
{
    const receiver_config& c = d_config;
    const std::size_t max_size = c.max_packet_size > 0 ? std::size_t(c.max_packet_size)
                                                       : recv::DEFAULT_UDP_MAX_SIZE;
    const std::size_t buffer = c.socket_buffer_size >= 0
                                   ? std::size_t(c.socket_buffer_size)
                                   : recv::DEFAULT_UDP_BUFFER_SIZE;
    const auto endpoint = recv::make_udp_bind_endpoint(spec.host, spec.port);
    const auto group = endpoint.address();
    recv::udp_reader* r;
    if (group.is_v4() && group.is_multicast() && !c.interface_address.empty())
        r = &target.emplace_reader<recv::udp_reader>(
            endpoint,
            max_size,
            buffer,
            boost::asio::ip::make_address(c.interface_address));
    else if (group.is_v6() && group.is_multicast() && c.interface_index > 0)
        r = &target.emplace_reader<recv::udp_reader>(
            endpoint, max_size, buffer, (unsigned int)c.interface_index);
    else
        r = &target.emplace_reader<recv::udp_reader>(endpoint, max_size, buffer);
    r->set_busy_poll(std::chrono::microseconds(c.busy_poll_us));
    if (d_local_port < 0)
        d_local_port = r->get_local_endpoint().port();
}

void block_receiver::add_reader()
{
    const receiver_config& c = d_config;
    if (c.transport == "udp") {
        // One reader per endpoint, all on the stream's thread pool.
        for (const auto& spec : recv::parse_endpoint_list(c.address, c.port, "address"))
            add_udp_reader(*d_stream, spec);
    } else if (c.transport == "tcp") {
        const auto spec = recv::parse_endpoint_list(c.address, c.port, "address").at(0);
        const auto address =
            spec.host.empty()
                ? boost::asio::ip::address(boost::asio::ip::address_v4::any())
                : boost::asio::ip::make_address(spec.host);
        const std::size_t max_size = c.max_packet_size > 0
                                         ? std::size_t(c.max_packet_size)
                                         : recv::DEFAULT_TCP_MAX_SIZE;
        const std::size_t buffer = c.socket_buffer_size >= 0
                                       ? std::size_t(c.socket_buffer_size)
                                       : recv::DEFAULT_TCP_BUFFER_SIZE;
        auto& r = d_stream->emplace_reader<recv::tcp_reader>(
            boost::asio::ip::tcp::endpoint(address, (unsigned short)spec.port),
            max_size,
            buffer);
        d_local_port = r.local_endpoint().port();
    } else if (c.transport == "pcap") {
        if (c.pcap_rate > 0.0) {
            // Read (and check) the whole capture now, so a bad file or filter fails
            // start(); the pacer then feeds it at the asked rate.
            auto datagrams = std::make_shared<std::vector<protocol::udp_datagram>>(
                protocol::read_pcap_udp(
                    c.pcap_file, c.pcap_filter, c.pcap_extended_frames));
            d_paced_queue = std::make_shared<recv::inproc_queue>();
            d_stream->emplace_reader<recv::inproc_reader>(d_paced_queue);
            {
                std::lock_guard<std::mutex> lock(d_pacer_mutex);
                d_pacer_stop = false;
            }
            d_pacer = std::thread([this, datagrams] {
                const auto begin = std::chrono::steady_clock::now();
                const double period = 1.0 / d_config.pcap_rate;
                std::size_t i = 0;
                for (const auto& d : *datagrams) {
                    const auto due =
                        begin +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(period * double(i++)));
                    std::unique_lock<std::mutex> lock(d_pacer_mutex);
                    if (d_pacer_cv.wait_until(lock, due, [this] { return d_pacer_stop; }))
                        break;
                    lock.unlock();
                    d_paced_queue->add_packet(d.payload);
                }
                d_paced_queue->stop();
            });
        } else {
            d_stream->emplace_reader<recv::pcap_reader>(
                c.pcap_file, c.pcap_filter, c.pcap_extended_frames);
        }
    } else {
        d_stream->emplace_reader<recv::inproc_reader>(c.queue);
    }
}

void block_receiver::stop()
{
    if (d_pacer.joinable()) {
        {
            std::lock_guard<std::mutex> lock(d_pacer_mutex);
            d_pacer_stop = true;
        }
        d_pacer_cv.notify_all();
        d_pacer.join();
    }
    if (d_stream) {
        // Stopping the ring first wakes a consumer waiting in pop_for, which holds
        // d_use_mutex only for its (bounded) wait.
        d_stream->stop();
        std::lock_guard<std::mutex> lock(d_use_mutex);
        d_final_stats = d_stream->get_all_stats();
        d_stream.reset();
        d_ring = nullptr;
    }
    if (d_group) {
        d_group->stop();
        std::lock_guard<std::mutex> lock(d_use_mutex);
        if (!d_group->empty())
            d_final_stats = group_stats();
        d_group.reset();
    }
    for (auto& pool : d_member_pools)
        pool->stop();
    d_member_pools.clear();
    d_paced_queue.reset();
    if (d_pool) {
        d_pool->stop();
        d_pool.reset();
    }
}

std::optional<recv::heap>
block_receiver::pop_for(std::chrono::steady_clock::duration timeout)
{
    std::lock_guard<std::mutex> lock(d_use_mutex);
    if (!d_ring)
        throw recv::ringbuffer_stopped();
    return d_ring->pop_for(timeout);
}

std::optional<recv::heap> block_receiver::try_pop()
{
    std::lock_guard<std::mutex> lock(d_use_mutex);
    if (!d_ring)
        throw recv::ringbuffer_stopped();
    return d_ring->pop_if_ready();
}

recv::stream_stats block_receiver::get_stats() const
{
    std::lock_guard<std::mutex> lock(d_use_mutex);
    if (d_final_stats)
        return *d_final_stats;
    if (d_stream)
        return d_stream->get_all_stats();
    if (d_group && !d_group->empty())
        return group_stats();
    return recv::stream_stats().joined(recv::stream_stats(recv::reject_stream_stats()));
}

std::map<std::string, std::uint64_t>
block_statistics(const recv::stream_stats& stream,
                 const std::vector<std::pair<std::string, std::uint64_t>>& block_counters)
{
    std::map<std::string, std::uint64_t> out;
    for (const auto& [name, value] : stream.items())
        out[name] = value;
    for (const auto& [name, value] : block_counters)
        out[name] = value;
    return out;
}

} // namespace spead
} // namespace gr
