/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "chunk_gaps.h"
#include "chunk_source_impl.h"
#include "output_buffer_size.h"
#include "pmt_values.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/spead/gr_log_bridge.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <gnuradio/spead/recv/ringbuffer_errors.h>
#include <boost/thread/thread.hpp>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

std::int64_t checked(const char* parameter, std::int64_t value, std::int64_t low)
{
    if (value < low)
        throw std::invalid_argument(std::string(parameter) + " must be " +
                                    std::to_string(low) + " or more, not " +
                                    std::to_string(value));
    return value;
}

protocol::dtype wire_type(const std::string& text)
{
    try {
        return protocol::parse_dtype_string(text);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("wire must be a numpy type such as '|i1', '<i2' or "
                                    "'>f4', not '" +
                                    text + "' (" + e.what() + ")");
    }
}

std::optional<recv::chunk_stream_group_config::eviction_mode>
parse_group_mode(const std::string& mode, const receiver_config& config)
{
    using eviction = recv::chunk_stream_group_config::eviction_mode;
    if (mode.empty())
        return std::nullopt;
    if (mode != "lossy" && mode != "lossless")
        throw std::invalid_argument("group_mode must be '' (one stream), 'lossy' or "
                                    "'lossless', not '" +
                                    mode + "'");
    if (config.transport != "udp")
        throw std::invalid_argument("group_mode '" + mode +
                                    "' (one stream per endpoint) needs transport 'udp', "
                                    "not '" +
                                    config.transport + "'");
    return mode == "lossy" ? eviction::LOSSY : eviction::LOSSLESS;
}

recv::timestamp_placement placement_of(std::uint64_t timestamp_id,
                                       std::int64_t heap_timestamp_step,
                                       std::int64_t heaps_per_chunk,
                                       std::int64_t heap_size,
                                       std::uint64_t index_id,
                                       std::int64_t index_step,
                                       std::int64_t index_count)
{
    recv::timestamp_placement p(
        timestamp_id,
        std::uint64_t(checked("heap_timestamp_step", heap_timestamp_step, 1)),
        std::size_t(checked("heaps_per_chunk", heaps_per_chunk, 1)),
        std::size_t(checked("heap_size", heap_size, 1)));
    if (index_id != 0)
        p.set_index(index_id,
                    std::uint64_t(checked("index_step", index_step, 1)),
                    std::size_t(checked("index_count", index_count, 1)));
    return p;
}

/// How long work() waits for a chunk before returning to the scheduler.
constexpr auto wait_for_chunk = std::chrono::milliseconds(100);
/// The scheduler's pause after a work() call that produced nothing (250 ms by
/// default): work() has waited already, so a long pause only adds latency.
constexpr unsigned int blocked_input_timer_ms = 5;

const pmt::pmt_t& key(const char* name)
{
    // Interned once per name: the keys of the chunk tags.
    static std::map<std::string, pmt::pmt_t> keys;
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = keys.find(name);
    if (it == keys.end())
        it = keys.emplace(name, pmt::intern(name)).first;
    return it->second;
}

} // namespace

chunk_source::sptr chunk_source::make(const receiver_config& config,
                                      const std::string& type,
                                      std::int64_t vlen,
                                      const std::string& wire,
                                      double scale,
                                      std::int64_t heap_size,
                                      std::uint64_t timestamp_id,
                                      std::int64_t heap_timestamp_step,
                                      std::int64_t heaps_per_chunk,
                                      std::uint64_t index_id,
                                      std::int64_t index_step,
                                      std::int64_t index_count,
                                      const std::string& layout,
                                      const std::string& select,
                                      std::int64_t max_chunks,
                                      std::int64_t ring_chunks,
                                      double sample_rate,
                                      double sync_time,
                                      std::uint64_t select_item,
                                      const std::vector<std::int64_t>& select_values,
                                      const std::string& group_mode)
{
    return gnuradio::make_block_sptr<chunk_source_impl>(config,
                                                        type,
                                                        vlen,
                                                        wire,
                                                        scale,
                                                        heap_size,
                                                        timestamp_id,
                                                        heap_timestamp_step,
                                                        heaps_per_chunk,
                                                        index_id,
                                                        index_step,
                                                        index_count,
                                                        layout,
                                                        select,
                                                        max_chunks,
                                                        ring_chunks,
                                                        sample_rate,
                                                        sync_time,
                                                        select_item,
                                                        select_values,
                                                        group_mode);
}

chunk_source_impl::chunk_source_impl(const receiver_config& config,
                                     const std::string& type,
                                     std::int64_t vlen,
                                     const std::string& wire,
                                     double scale,
                                     std::int64_t heap_size,
                                     std::uint64_t timestamp_id,
                                     std::int64_t heap_timestamp_step,
                                     std::int64_t heaps_per_chunk,
                                     std::uint64_t index_id,
                                     std::int64_t index_step,
                                     std::int64_t index_count,
                                     const std::string& layout,
                                     const std::string& select,
                                     std::int64_t max_chunks,
                                     std::int64_t ring_chunks,
                                     double sample_rate,
                                     double sync_time,
                                     std::uint64_t select_item,
                                     const std::vector<std::int64_t>& select_values,
                                     const std::string& group_mode)
    : gr::sync_block(
          "spead_chunk_source",
          gr::io_signature::make(0, 0, 0),
          gr::io_signature::make(1,
                                 1,
                                 int(sample_size(parse_sample_type(type, "type")) *
                                     std::size_t(checked("vlen", vlen, 1))))),
      d_receiver(config),
      d_type(parse_sample_type(type, "type")),
      d_vlen(std::size_t(vlen)),
      d_converter(d_type, wire_type(wire), scale),
      d_placement(placement_of(timestamp_id,
                               heap_timestamp_step,
                               heaps_per_chunk,
                               heap_size,
                               index_id,
                               index_step,
                               index_count)),
      d_max_chunks(std::size_t(checked("max_chunks", max_chunks, 1))),
      d_ring_chunks(std::size_t(checked("ring_chunks", ring_chunks, max_chunks + 2))),
      d_clock(sample_rate, sync_time),
      d_select_item(select_item),
      d_select_values(select_values.begin(), select_values.end()),
      d_group_mode(parse_group_mode(group_mode, config))
{
    if ((select_item != 0) != !select_values.empty())
        throw std::invalid_argument("select_values must list the values of select_item "
                                    "to keep (both set, or neither)");
    d_item_wire_bytes = d_converter.wire_bytes_per_item(d_vlen);
    std::size_t bytes = d_placement.chunk_data_size();
    if (!layout.empty() || !select.empty()) {
        // The chunk's axes: time steps, the index (with an index item), then the
        // heap's own axes (whose sizes the layout gives), then a (re, im) pair.
        const axis_layout l = axis_layout::parse(layout, select, "layout");
        const bool pair = d_type == sample_type::complex_float &&
                          d_converter.wire().type_kind != protocol::dtype::kind::complex;
        std::vector<std::int64_t> shape = { std::int64_t(heaps_per_chunk) };
        if (index_id != 0)
            shape.push_back(index_count);
        if (l.input_axes().size() < shape.size())
            throw std::invalid_argument(
                "layout must name the chunk's axes: time steps first" +
                std::string(index_id != 0 ? ", then the index" : "") +
                ", then the heap's own axes with their sizes");
        shape.resize(l.input_axes().size(), -1);
        if (pair)
            shape.push_back(2);
        for (std::size_t i = 0; i < (index_id != 0 ? 2u : 1u); i++) {
            const auto given = l.input_axes()[i].size;
            if (given > 0 && given != shape[i])
                throw std::invalid_argument("layout: axis '" + l.input_axes()[i].name +
                                            "' has " + std::to_string(shape[i]) +
                                            " entries in a chunk, not " +
                                            std::to_string(given));
        }
        try {
            d_plan =
                l.plan(shape,
                       d_converter.wire_scalar_size() * d_converter.scalars_per_item(),
                       pair);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("layout: ") + e.what());
        }
        if (d_plan->input_bytes() != bytes)
            throw std::invalid_argument(
                "layout: its axes hold " + std::to_string(d_plan->input_bytes()) +
                " bytes but a chunk holds " + std::to_string(bytes) + " (" +
                std::to_string(d_placement.chunk_heaps()) + " heaps of " +
                std::to_string(heap_size) + " bytes)");
        bytes = d_plan->output_bytes();
    }
    if (bytes % d_item_wire_bytes != 0)
        throw std::invalid_argument("vlen: a chunk's " + std::to_string(bytes) +
                                    " bytes are not a whole number of " +
                                    std::to_string(d_item_wire_bytes) +
                                    "-byte output items");
    d_items_per_chunk = bytes / d_item_wire_bytes;
    set_blkd_input_timer_value(blocked_input_timer_ms);
    const std::size_t item_size = sample_size(d_type) * d_vlen;
    // Chunks are large: room for two (within 1 and 16 MiB) lets a chunk go out in one
    // work() call instead of many, each a hand-off downstream.
    set_min_output_buffer(0, long(preferred_output_items(item_size, d_items_per_chunk)));
    route_engine_log_to_gnuradio();
    d_stats_port = pmt::mp("stats");
    message_port_register_out(d_stats_port);
    message_port_register_in(pmt::mp("stats_request"));
    set_msg_handler(pmt::mp("stats_request"),
                    [this](const pmt::pmt_t&) { d_publisher.request(); });
}

chunk_source_impl::~chunk_source_impl() { d_publisher.stop(); }

bool chunk_source_impl::start()
{
    d_ended = false;
    d_final_published = false;
    d_last_chunk_id.reset();
    d_chunk.reset();
    try {
        d_data_ring = std::make_shared<recv::chunk_ringbuffer>(d_ring_chunks);
        d_free_ring = std::make_shared<recv::chunk_ringbuffer>(d_ring_chunks);
        // Every chunk is made now: memory stays what the parameters say.
        for (std::size_t i = 0; i < d_ring_chunks; i++)
            d_free_ring->push(d_placement.make_chunk());
        recv::chunk_stream_config cc;
        cc.set_max_chunks(d_max_chunks);
        d_placement.apply(cc);
        std::vector<std::string> custom_stats;
        if (d_select_item != 0) {
            // The selection runs before the placement: a heap of another antenna never
            // reaches a chunk. Its counter follows spead2's nine (and nothing else).
            custom_stats.push_back("heaps_skipped_by_selection");
            const std::size_t skipped = recv::stream_config().next_stat_index();
            cc.set_items({ d_select_item });
            cc.set_place([place = d_placement.place_function(),
                          values = d_select_values,
                          skipped](recv::chunk_place_data* data, std::size_t size) {
                if (values.count(data->items[0]) == 0) {
                    data->batch_stats[skipped]++;
                    return; // chunk_id stays -1: not placed
                }
                place(data, size);
            });
        }
        if (d_group_mode)
            d_receiver.start_chunk_group(
                cc, *d_group_mode, d_data_ring, d_free_ring, custom_stats);
        else
            d_receiver.start_chunks(cc, d_data_ring, d_free_ring, custom_stats);
    } catch (const std::exception& e) {
        // start() runs on the block's thread: log, and end the stream at once.
        d_logger->error("cannot start receiving: {}", e.what());
        d_ended = true;
        return sync_block::start();
    }
    d_publisher.start(d_receiver.config().stats_interval, [this] { publish_stats(); });
    return sync_block::start();
}

bool chunk_source_impl::stop()
{
    d_publisher.stop();
    d_receiver.stop();
    d_chunk.reset();
    if (!d_final_published.exchange(true))
        publish_stats();
    return sync_block::stop();
}

chunk_source_impl::next_result chunk_source_impl::next_chunk()
{
    // Waits briefly, then gives the scheduler back its thread: it runs the block's
    // message handlers (stats_request) and notices a stop between work() calls.
    const auto deadline = std::chrono::steady_clock::now() + wait_for_chunk;
    std::unique_ptr<recv::chunk> c;
    while (!c) {
        try {
            c = d_data_ring->pop_for(std::max(deadline - std::chrono::steady_clock::now(),
                                              std::chrono::steady_clock::duration(0)));
        } catch (const recv::ringbuffer_stopped&) {
            return next_result::ended;
        }
        if (!c)
            return next_result::none;
        // The window opens max_chunks - 1 chunks before the first heap's (as spead2's
        // does): a chunk before the first that received anything is not part of the
        // stream.
        const std::uint8_t* present = c->present.get();
        if (!d_last_chunk_id && std::none_of(present,
                                             present + c->present_size,
                                             [](std::uint8_t p) { return p != 0; }))
            recycle(std::move(c));
    }
    const std::uint64_t offset = nitems_written(0);
    const pmt::pmt_t src = pmt::intern(alias());
    const std::size_t heap_size = d_placement.get_heap_size();
    const auto runs = missing_runs(c->present.get(), c->present_size);
    std::uint64_t missing = 0;
    for (const heap_run& r : runs) {
        // What arrived earlier in this chunk's memory must not show through.
        std::memset(c->data.get() + r.first * heap_size, 0, r.count * heap_size);
        missing += r.count;
        if (!d_plan) {
            // The items holding the run's bytes, the first and last maybe in part.
            const std::size_t first = r.first * heap_size / d_item_wire_bytes;
            const std::size_t end =
                ((r.first + r.count) * heap_size + d_item_wire_bytes - 1) /
                d_item_wire_bytes;
            add_item_tag(
                0, offset + first, key("gap"), pmt::from_uint64(end - first), src);
        }
    }
    add_item_tag(0, offset, key("chunk_id"), pmt::from_long(c->chunk_id), src);
    const std::uint64_t timestamp = d_placement.chunk_timestamp(c->chunk_id);
    add_item_tag(0, offset, key("timestamp"), pmt::from_uint64(timestamp), src);
    if (d_clock.active()) {
        const rx_time_value t = d_clock.at(timestamp);
        add_item_tag(
            0,
            offset,
            key("rx_time"),
            pmt::make_tuple(pmt::from_uint64(t.seconds), pmt::from_double(t.fraction)),
            src);
    }
    if (missing > 0) {
        add_item_tag(0, offset, key("missing_heaps"), pmt::from_uint64(missing), src);
        add_item_tag(0,
                     offset,
                     key("present"),
                     pmt::init_u8vector(c->present_size, c->present.get()),
                     src);
    }
    if (d_last_chunk_id && c->chunk_id > *d_last_chunk_id + 1) {
        const auto lost = std::uint64_t(c->chunk_id - *d_last_chunk_id - 1);
        d_chunks_lost += lost;
        add_item_tag(0, offset, key("chunks_lost"), pmt::from_uint64(lost), src);
    }
    d_last_chunk_id = c->chunk_id;
    d_heaps_missing += missing;
    if (d_plan) {
        d_arranged.resize(d_plan->output_bytes());
        d_plan->run(c->data.get(), d_arranged.data());
        d_source = d_arranged.data();
    } else {
        d_source = c->data.get();
    }
    d_chunk = std::move(c);
    d_emitted = 0;
    return next_result::ready;
}

void chunk_source_impl::recycle(std::unique_ptr<recv::chunk>&& c)
{
    std::memset(c->present.get(), 0, c->present_size);
    try {
        d_free_ring->try_push(std::move(c));
    } catch (const std::exception&) {
        // The stream has stopped: the chunk is no longer needed.
    }
}

void chunk_source_impl::release_chunk()
{
    recycle(std::move(d_chunk));
    d_chunk.reset();
    d_chunks_emitted++;
}

int chunk_source_impl::work(int noutput_items,
                            gr_vector_const_void_star&,
                            gr_vector_void_star& output_items)
{
    if (d_ended)
        return WORK_DONE;
    if (!d_chunk) {
        const next_result r = next_chunk();
        if (r == next_result::ended) {
            d_ended = true;
            if (!d_final_published.exchange(true))
                publish_stats();
            return WORK_DONE;
        }
        if (r == next_result::none) {
            boost::this_thread::interruption_point();
            return 0;
        }
    }
    const std::size_t n =
        std::min(std::size_t(noutput_items), d_items_per_chunk - d_emitted);
    d_converter.convert(d_source + d_emitted * d_item_wire_bytes,
                        output_items[0],
                        n * d_vlen * d_converter.scalars_per_item());
    d_emitted += n;
    if (d_emitted == d_items_per_chunk)
        release_chunk();
    return int(n);
}

std::vector<std::pair<std::string, std::uint64_t>>
chunk_source_impl::block_counters() const
{
    return { { "chunks_emitted", d_chunks_emitted.load() },
             { "heaps_missing", d_heaps_missing.load() },
             { "chunks_lost", d_chunks_lost.load() } };
}

void chunk_source_impl::publish_stats()
{
    message_port_pub(d_stats_port,
                     stats_to_pmt(d_receiver.get_stats(), block_counters()));
}

std::map<std::string, std::uint64_t> chunk_source_impl::statistics() const
{
    return block_statistics(d_receiver.get_stats(), block_counters());
}

} // namespace spead
} // namespace gr
