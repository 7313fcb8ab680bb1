/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "item_integer.h"
#include "output_buffer_size.h"
#include "output_lease.h"
#include "pmt_values.h"
#include "source_impl.h"
#include <gnuradio/block_detail.h>
#include <gnuradio/buffer.h>
#include <gnuradio/io_signature.h>
#include <gnuradio/spead/gr_log_bridge.h>
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <boost/thread/thread.hpp>
#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

// Tag and dict keys, interned once.
const pmt::pmt_t& key_heap_cnt()
{
    static const pmt::pmt_t k = pmt::intern("heap_cnt");
    return k;
}
const pmt::pmt_t& key_incomplete()
{
    static const pmt::pmt_t k = pmt::intern("incomplete_heap");
    return k;
}
const pmt::pmt_t& key_lost()
{
    static const pmt::pmt_t k = pmt::intern("lost_heaps");
    return k;
}
const pmt::pmt_t& key_zero_fill()
{
    static const pmt::pmt_t k = pmt::intern("zero_fill");
    return k;
}
const pmt::pmt_t& key_zero_filled_bytes()
{
    static const pmt::pmt_t k = pmt::intern("zero_filled_bytes");
    return k;
}
const pmt::pmt_t& key_bad()
{
    static const pmt::pmt_t k = pmt::intern("bad_heap");
    return k;
}
const pmt::pmt_t& key_late()
{
    static const pmt::pmt_t k = pmt::intern("late_heap");
    return k;
}
const pmt::pmt_t& key_heap_length()
{
    static const pmt::pmt_t k = pmt::intern("heap_length");
    return k;
}
const pmt::pmt_t& key_received_length()
{
    static const pmt::pmt_t k = pmt::intern("received_length");
    return k;
}
const pmt::pmt_t& key_item()
{
    static const pmt::pmt_t k = pmt::intern("item");
    return k;
}
const pmt::pmt_t& key_reason()
{
    static const pmt::pmt_t k = pmt::intern("reason");
    return k;
}
const pmt::pmt_t& key_rx_time()
{
    static const pmt::pmt_t k = pmt::intern("rx_time");
    return k;
}

/// How long work() waits for a heap before returning to the scheduler (which then
/// handles messages and notices a stop request).
constexpr auto wait_for_heap = std::chrono::milliseconds(100);
/// The scheduler's pause after a work() call that produced nothing (see the
/// constructor).
constexpr unsigned int blocked_input_timer_ms = 5;
/// How often work() looks again at a unit waiting for a heap being received.
constexpr auto held_poll = std::chrono::microseconds(200);
/// How long the output waits for a heap being received in the way before moving it.
constexpr auto relocate_after = std::chrono::milliseconds(5);
/// How often work(), waiting for a heap, tells d_lease how much room the output has.
constexpr auto lease_refresh = std::chrono::microseconds(200);


std::vector<int> output_sizes(const std::vector<output_config>& outputs)
{
    if (outputs.empty())
        throw std::invalid_argument("outputs must list at least one output");
    std::vector<int> sizes;
    for (std::size_t i = 0; i < outputs.size(); i++) {
        const std::string where = "outputs[" + std::to_string(i) + "]";
        const sample_type t = parse_sample_type(outputs[i].type, where + ".type");
        if (outputs[i].vlen < 1 || outputs[i].vlen > (1 << 20))
            throw std::invalid_argument(where + ".vlen must be 1..1048576, not " +
                                        std::to_string(outputs[i].vlen));
        sizes.push_back(int(sample_size(t)) * outputs[i].vlen);
    }
    return sizes;
}

const char* problem_name(int p)
{
    static const char* names[] = { "none", "missing", "size", "immediate", "unresolved" };
    return names[p];
}

} // namespace

source::sptr source::make(const receiver_config& config,
                          const std::vector<output_config>& outputs,
                          const std::vector<std::string>& tag_items,
                          std::int64_t heap_cnt_step,
                          const std::string& timestamp_item,
                          std::int64_t timestamp_step,
                          bool zero_fill,
                          std::int64_t max_fill_heaps,
                          const std::string& select_item,
                          const std::vector<std::int64_t>& select_values,
                          double sample_rate,
                          double sync_time)
{
    return gnuradio::make_block_sptr<source_impl>(config,
                                                  outputs,
                                                  tag_items,
                                                  heap_cnt_step,
                                                  timestamp_item,
                                                  timestamp_step,
                                                  zero_fill,
                                                  max_fill_heaps,
                                                  select_item,
                                                  select_values,
                                                  sample_rate,
                                                  sync_time);
}

source_impl::source_impl(const receiver_config& config,
                         const std::vector<output_config>& outputs,
                         const std::vector<std::string>& tag_items,
                         std::int64_t heap_cnt_step,
                         const std::string& timestamp_item,
                         std::int64_t timestamp_step,
                         bool zero_fill,
                         std::int64_t max_fill_heaps,
                         const std::string& select_item,
                         const std::vector<std::int64_t>& select_values,
                         double sample_rate,
                         double sync_time)
    : gr::block("spead_source",
                gr::io_signature::make(0, 0, 0),
                gr::io_signature::makev(
                    int(outputs.size()), int(outputs.size()), output_sizes(outputs))),
      d_receiver(config),
      d_catalog(config.bug_compat),
      d_cnt_gaps(heap_cnt_step > 0 ? std::uint64_t(heap_cnt_step) : 0),
      d_timestamp_gaps(timestamp_step > 0 ? std::uint64_t(timestamp_step) : 0),
      d_selection(select_item, select_values),
      d_clock(sample_rate, sync_time),
      d_zero_fill(zero_fill),
      d_max_fill_heaps(max_fill_heaps > 0 ? std::uint64_t(max_fill_heaps) : 0)
{
    if (heap_cnt_step < 0)
        throw std::invalid_argument("heap_cnt_step must be 0 (off) or more, not " +
                                    std::to_string(heap_cnt_step));
    if (timestamp_step < 0)
        throw std::invalid_argument("timestamp_step must be 0 (off) or more, not " +
                                    std::to_string(timestamp_step));
    if (!timestamp_item.empty() && timestamp_step == 0 && !d_clock.active())
        throw std::invalid_argument(
            "timestamp_step must be 1 or more when timestamp_item is set (unless "
            "sample_rate is, for rx_time only)");
    if (timestamp_item.empty() && d_clock.active())
        throw std::invalid_argument("timestamp_item must name the timestamp item "
                                    "(name or ID) when sample_rate is set (rx_time)");
    if (max_fill_heaps < 0)
        throw std::invalid_argument("max_fill_heaps must be 0 or more, not " +
                                    std::to_string(max_fill_heaps));
    if (!timestamp_item.empty())
        d_timestamp_item = item_ref::parse(timestamp_item, "timestamp_item");
    for (std::size_t i = 0; i < tag_items.size(); i++) {
        d_tag_items.push_back(
            item_ref::parse(tag_items[i], "tag_items[" + std::to_string(i) + "]"));
        d_tag_keys.push_back(pmt::intern(tag_items[i]));
    }
    for (std::size_t i = 0; i < outputs.size(); i++) {
        const std::string where = "outputs[" + std::to_string(i) + "]";
        output_state out;
        out.config = outputs[i];
        out.ref = item_ref::parse(outputs[i].item, where + ".item");
        out.type = parse_sample_type(outputs[i].type, where + ".type");
        out.vlen = std::size_t(outputs[i].vlen);
        if (outputs[i].wire != "auto") {
            try {
                out.explicit_wire = protocol::parse_dtype_string(outputs[i].wire);
            } catch (const protocol::decode_error& e) {
                throw std::invalid_argument(where +
                                            ".wire must be 'auto' or a numpy type "
                                            "string such as '|i1', '<i2', '>c8' "
                                            "(" +
                                            std::string(e.what()) + ")");
            }
        }
        if (!(outputs[i].scale != 0.0))
            throw std::invalid_argument(where + ".scale must be a non-zero number");
        if (out.explicit_wire) {
            try {
                out.converter.emplace(out.type, *out.explicit_wire, outputs[i].scale);
            } catch (const std::invalid_argument& e) {
                throw std::invalid_argument(where + ".wire: " + e.what());
            }
        }
        out.layout = axis_layout::parse(outputs[i].layout, outputs[i].select, where);
        d_outputs.push_back(std::move(out));
    }
    if (zero_fill)
        d_receiver.force_payload_ranges();
    // GNU Radio's thread-per-block scheduler parks a source whose work() produced
    // nothing for this long (250 ms by default) before calling it again. work() has
    // already waited for a heap by then (wait_for_heap), so the park only adds latency
    // for a heap arriving during it: keep it short. Idle, the block still sleeps.
    set_blkd_input_timer_value(blocked_input_timer_ms);
    // Heaps are large (often a MiB or more): with GNU Radio's default buffers (64 KiB)
    // a heap takes dozens of work() calls and as many thread hand-offs downstream.
    // Each output buffers two heaps' samples when the heap size is known (see
    // preferred_output_items), at least a MiB (docs/blocks.md has the figures).
    // GRC's "Min Output Buffer" overrides it.
    // A single output whose heaps may be emitted where they were received: heaps get
    // memory in the output buffer (see output_lease.h).
    const bool lease =
        config.receive_into_output && d_outputs.size() == 1 &&
        d_outputs[0].layout.empty() &&
        (!d_outputs[0].converter || d_outputs[0].converter->is_plain_copy());
    if (lease) {
        d_receiver.wrap_allocator([this](std::shared_ptr<recv::memory_allocator> base) {
            d_lease = std::make_shared<output_lease_allocator>(std::move(base));
            return d_lease;
        });
    }
    for (std::size_t i = 0; i < outputs.size(); i++) {
        const output_state& out = d_outputs[i];
        const std::size_t item_size = sample_size(out.type) * out.vlen;
        // Without an explicit wire type, the fewest wire bytes an item can take: one
        // per scalar (a complex sample is a pair).
        const std::size_t min_wire = out.converter
                                         ? out.converter->wire_bytes_per_item(out.vlen)
                                         : scalars_per_sample(out.type) * out.vlen;
        const std::size_t heap_items =
            max_items_per_heap(std::size_t(config.heap_size), min_wire);
        set_min_output_buffer(int(i),
                              long(lease
                                       ? in_place_output_items(item_size, heap_items)
                                       : preferred_output_items(item_size, heap_items)));
    }

    route_engine_log_to_gnuradio();
    d_srcid = pmt::intern(alias());
    d_stats_port = pmt::mp("stats");
    message_port_register_out(d_stats_port);
    message_port_register_in(pmt::mp("stats_request"));
    set_msg_handler(pmt::mp("stats_request"),
                    [this](const pmt::pmt_t&) { d_publisher.request(); });
}

source_impl::~source_impl()
{
    d_publisher.stop();
    d_receiver.stop();
}

bool source_impl::start()
{
    // A new stream (after a stop, the flowgraph may be started again): its heap
    // counters start afresh, and so do the block's counters.
    d_units.clear();
    d_held_since.reset();
    d_pending_tags.clear();
    d_cnt_gaps = heap_gap_detector(d_cnt_gaps.step());
    d_timestamp_gaps = heap_gap_detector(d_timestamp_gaps.step());
    d_last_timestamp.reset();
    for (auto* c : { &d_heaps_emitted,
                     &d_heaps_lost,
                     &d_heaps_zero_filled,
                     &d_heaps_incomplete,
                     &d_heaps_bad,
                     &d_heaps_late,
                     &d_heaps_skipped,
                     &d_heaps_skipped_by_selection,
                     &d_heaps_emitted_in_place })
        *c = 0;
    d_ended = false;
    d_final_published = false;
    try {
        d_receiver.start();
    } catch (const std::exception& e) {
        // GNU Radio calls start() on the block's thread, where an exception cannot
        // reach the caller of top_block.start(): log it and end the stream at once.
        d_logger->error("cannot start receiving: {}", e.what());
        d_ended = true;
        return block::start();
    }
    d_publisher.start(d_receiver.config().stats_interval, [this] { publish_stats(); });
    return block::start();
}

bool source_impl::stop()
{
    d_publisher.stop();
    d_receiver.stop();
    if (!d_final_published.exchange(true))
        publish_stats();
    return block::stop();
}

std::vector<std::pair<std::string, std::uint64_t>> source_impl::block_counters() const
{
    return { { "heaps_emitted", d_heaps_emitted.load() },
             { "heaps_lost", d_heaps_lost.load() },
             { "heaps_zero_filled", d_heaps_zero_filled.load() },
             { "heaps_incomplete", d_heaps_incomplete.load() },
             { "heaps_bad_item", d_heaps_bad.load() },
             { "heaps_late", d_heaps_late.load() },
             { "heaps_skipped", d_heaps_skipped.load() },
             { "heaps_skipped_by_selection", d_heaps_skipped_by_selection.load() },
             { "heaps_emitted_in_place", d_heaps_emitted_in_place.load() } };
}

void source_impl::publish_stats()
{
    message_port_pub(d_stats_port,
                     stats_to_pmt(d_receiver.get_stats(), block_counters()));
}

std::map<std::string, std::uint64_t> source_impl::statistics() const
{
    return block_statistics(d_receiver.get_stats(), block_counters());
}

void source_impl::resolve_outputs()
{
    if (d_catalog.version() == d_catalog_version)
        return;
    d_catalog_version = d_catalog.version();
    for (output_state& out : d_outputs) {
        out.id = d_catalog.resolve(out.ref);
        const item_catalog::entry* e = out.id ? d_catalog.find(*out.id) : nullptr;
        const protocol::item_type* t = e && e->type ? &*e->type : nullptr;
        if (!out.explicit_wire) {
            // The converter comes from the descriptor (an explicit wire type's was made
            // once, from the parameter).
            out.converter.reset();
            out.fixed_bytes = 0;
            if (t && !t->is_byte_aligned()) {
                d_logger->error("item '{}': its format is not byte-aligned; set the "
                                "output's wire type explicitly",
                                out.ref.text);
                t = nullptr;
            }
            if (t) {
                try {
                    out.converter.emplace(out.type, t->wire_type(), out.config.scale);
                } catch (const std::invalid_argument& ex) {
                    d_logger->error("item '{}': {}", out.ref.text, ex.what());
                }
                std::size_t elements = 1;
                bool fixed = true;
                for (std::int64_t dim : t->shape()) {
                    if (dim < 0)
                        fixed = false;
                    else
                        elements *= std::size_t(dim);
                }
                if (out.converter)
                    out.fixed_bytes = fixed ? elements * t->wire_type().itemsize : 0;
            }
        }
        plan_layout(out, t);
    }
}

void source_impl::plan_layout(output_state& out, const protocol::item_type* t)
{
    out.plan.reset();
    if (out.layout.empty() || !out.converter || !out.id)
        return;
    // One output sample's wire bytes move together (a (re, im) pair for a complex
    // output read from a real type).
    const bool pair = out.type == sample_type::complex_float &&
                      out.converter->wire().type_kind != protocol::dtype::kind::complex;
    try {
        out.plan = out.layout.plan(t ? t->shape() : std::vector<std::int64_t>(),
                                   out.converter->wire_bytes_per_item(1),
                                   pair);
    } catch (const std::invalid_argument& ex) {
        d_logger->error("item '{}': layout '{}' does not fit: {}",
                        out.ref.text,
                        out.config.layout,
                        ex.what());
    }
}

std::vector<std::uint8_t> source_impl::arrange(output_state& out,
                                               const std::uint8_t* item)
{
    std::vector<std::uint8_t> buf;
    if (!out.spare.empty()) {
        buf = std::move(out.spare.back());
        out.spare.pop_back();
    }
    buf.resize(out.plan->output_bytes());
    out.plan->run(item, buf.data());
    return buf;
}

source_impl::heap_problem source_impl::check_item(const recv::heap& h,
                                                  output_state& out,
                                                  const protocol::heap_item*& item,
                                                  std::size_t& bytes)
{
    item = nullptr;
    if (!out.id)
        return heap_problem::unresolved;
    item = find_item(h, *out.id);
    if (!item)
        return heap_problem::missing;
    if (!out.converter)
        return heap_problem::unresolved;
    if (item->immediate)
        return heap_problem::immediate;
    const std::size_t per_item = out.converter->wire_bytes_per_item(out.vlen);
    if (!out.layout.empty()) {
        if (!out.plan)
            return heap_problem::unresolved;
        // Bytes emitted: the selected values, in the output's order.
        if (out.plan->input_bytes() > item->length)
            return heap_problem::size;
        bytes = out.plan->output_bytes();
    } else {
        bytes = out.fixed_bytes ? out.fixed_bytes : item->length;
        if (bytes > item->length)
            return heap_problem::size;
    }
    if (bytes == 0 || bytes % per_item != 0)
        return heap_problem::size;
    return heap_problem::none;
}

std::optional<source_impl::unit> source_impl::zero_unit(std::uint64_t heaps)
{
    if (heaps == 0)
        return std::nullopt;
    unit u;
    for (const output_state& out : d_outputs) {
        if (out.items_per_heap == 0)
            return std::nullopt;
        unit::part p;
        p.items = out.items_per_heap * std::size_t(heaps);
        u.parts.push_back(p);
    }
    return u;
}

std::size_t source_impl::zero_missing_bytes(recv::heap& h)
{
    // The heap's memory is ours alone (it was moved out of the ring), but heap only
    // hands out a const view of it: zeroing the bytes that never arrived is the one
    // write the block makes.
    auto* payload = const_cast<std::uint8_t*>(h.payload());
    std::size_t at = 0, zeroed = 0;
    auto zero = [&](std::size_t from, std::size_t to) {
        if (to > from && payload) {
            std::memset(payload + from, 0, to - from);
            zeroed += to - from;
        }
    };
    for (const auto& [begin, end] : h.get_payload_ranges()) {
        zero(at, std::min(begin, h.payload_size()));
        at = std::max(at, end);
    }
    zero(at, h.payload_size());
    return zeroed;
}

void source_impl::add_value_tags(const recv::heap& h, tag_list& tags)
{
    for (std::size_t i = 0; i < d_tag_items.size(); i++) {
        const auto id = d_catalog.resolve(d_tag_items[i]);
        if (!id)
            continue;
        const protocol::heap_item* item = find_item(h, *id);
        if (!item)
            continue;
        pmt::pmt_t v = item_to_pmt(h, *item, d_catalog.find(*id));
        if (!pmt::is_null(v))
            tags.emplace_back(d_tag_keys[i], v);
    }
}

void source_impl::add_rx_time(std::optional<std::uint64_t> timestamp,
                              tag_list& tags) const
{
    if (!d_clock.active() || !timestamp)
        return;
    const rx_time_value t = d_clock.at(*timestamp);
    tags.emplace_back(
        key_rx_time(),
        pmt::make_tuple(pmt::from_uint64(t.seconds), pmt::from_double(t.fraction)));
}

void source_impl::queue_unit(unit&& u)
{
    if (!d_pending_tags.empty()) {
        u.tags.insert(u.tags.begin(), d_pending_tags.begin(), d_pending_tags.end());
        d_pending_tags.clear();
    }
    d_units.push_back(std::move(u));
}

void source_impl::process_heap(recv::heap&& h)
{
    d_catalog.update(h);
    resolve_outputs();
    const std::uint64_t cnt = h.get_cnt();
    const pmt::pmt_t cnt_pmt = pmt::from_uint64(cnt);

    bool any_present = false;
    for (const output_state& out : d_outputs)
        any_present |= out.id && find_item(h, *out.id);
    // Heaps left out by the selection take no part in loss detection: the selected
    // heaps' counters or timestamps advance by their own step.
    const auto verdict = d_selection.check(h, d_catalog);
    if (verdict != heap_selection::verdict::selected) {
        if (verdict == heap_selection::verdict::rejected || any_present)
            d_heaps_skipped_by_selection++;
        else
            d_heaps_skipped++; // descriptors, control
        return;
    }

    // Loss detection, from the timestamp item when it has a step, else the heap counter.
    const std::optional<std::uint64_t> timestamp =
        d_timestamp_item ? heap_integer(h, d_catalog, *d_timestamp_item) : std::nullopt;
    heap_gap_detector::result gap;
    std::optional<std::uint64_t> fill_timestamp; // the first lost heap's, when known
    if (d_timestamp_item && d_timestamp_gaps.step() > 0) {
        if (timestamp) {
            gap = d_timestamp_gaps.next(*timestamp);
            if (gap.lost > 0 && d_last_timestamp)
                fill_timestamp = *d_last_timestamp + d_timestamp_gaps.step();
            if (!gap.late)
                d_last_timestamp = timestamp;
        }
    } else {
        gap = d_cnt_gaps.next(cnt);
    }

    if (!any_present && h.is_complete()) {
        // Descriptors, control, or items this block does not emit.
        d_heaps_skipped++;
        if (gap.lost > 0) {
            d_heaps_lost += gap.lost;
            d_pending_tags.emplace_back(key_lost(), pmt::from_uint64(gap.lost));
        }
        return;
    }

    if (gap.lost > 0) {
        d_heaps_lost += gap.lost;
        const std::uint64_t fill = std::min(gap.lost, d_max_fill_heaps);
        std::optional<unit> z = d_zero_fill ? zero_unit(fill) : std::nullopt;
        if (z) {
            z->tags.emplace_back(key_lost(), pmt::from_uint64(gap.lost));
            z->tags.emplace_back(key_zero_fill(), pmt::from_uint64(fill));
            add_rx_time(fill_timestamp, z->tags);
            d_heaps_zero_filled += fill;
            queue_unit(std::move(*z));
        } else {
            d_pending_tags.emplace_back(key_lost(), pmt::from_uint64(gap.lost));
        }
    }
    if (gap.late) {
        d_heaps_late++;
        if (d_zero_fill) {
            // Its place in the timeline has been filled (or skipped) already.
            d_pending_tags.emplace_back(key_late(), cnt_pmt);
            return;
        }
    }

    // Markers name the heap inside their value (heap_cnt), since a heap that is not
    // emitted leaves them on the next sample emitted; a heap that is emitted (as data
    // or as zeros) also gets its own heap_cnt tag.
    tag_list tags;
    const bool incomplete = !h.is_complete();
    if (incomplete) {
        d_heaps_incomplete++;
        pmt::pmt_t info = pmt::make_dict();
        info = pmt::dict_add(info, key_heap_cnt(), cnt_pmt);
        info =
            pmt::dict_add(info, key_heap_length(), pmt::from_long(h.get_heap_length()));
        info = pmt::dict_add(
            info, key_received_length(), pmt::from_uint64(h.get_received_length()));
        tags.emplace_back(key_incomplete(), info);
    }
    if (gap.late)
        tags.emplace_back(key_late(), cnt_pmt);

    std::vector<const protocol::heap_item*> items(d_outputs.size());
    std::vector<std::size_t> bytes(d_outputs.size(), 0);
    for (std::size_t i = 0; i < d_outputs.size(); i++) {
        const heap_problem p = check_item(h, d_outputs[i], items[i], bytes[i]);
        if (p == heap_problem::none)
            continue;
        pmt::pmt_t info = pmt::make_dict();
        info = pmt::dict_add(info, key_heap_cnt(), cnt_pmt);
        info = pmt::dict_add(info, key_item(), pmt::intern(d_outputs[i].ref.text));
        info = pmt::dict_add(info, key_reason(), pmt::intern(problem_name(int(p))));
        tags.emplace_back(key_bad(), info);
        if (!incomplete)
            d_heaps_bad++;
        std::optional<unit> z = d_zero_fill ? zero_unit(1) : std::nullopt;
        if (z) {
            z->tags.emplace_back(key_heap_cnt(), cnt_pmt);
            z->tags.insert(z->tags.end(), tags.begin(), tags.end());
            z->tags.emplace_back(key_zero_fill(), pmt::from_uint64(1));
            add_rx_time(timestamp, z->tags);
            d_heaps_zero_filled++;
            queue_unit(std::move(*z));
        } else {
            d_pending_tags.insert(d_pending_tags.end(), tags.begin(), tags.end());
        }
        return;
    }
    if (incomplete && !d_zero_fill) {
        // The missing bytes would be whatever the memory held: never emitted.
        d_pending_tags.insert(d_pending_tags.end(), tags.begin(), tags.end());
        return;
    }
    tags.insert(tags.begin(), { key_heap_cnt(), cnt_pmt });
    add_value_tags(h, tags);
    add_rx_time(timestamp, tags);
    if (incomplete)
        tags.emplace_back(key_zero_filled_bytes(),
                          pmt::from_uint64(zero_missing_bytes(h)));

    unit u;
    for (std::size_t i = 0; i < d_outputs.size(); i++) {
        output_state& out = d_outputs[i];
        unit::part p;
        p.src = h.payload() + items[i]->offset;
        if (out.plan) {
            p.arranged = arrange(out, p.src);
            p.src = p.arranged.data();
        }
        p.items = bytes[i] / out.converter->wire_bytes_per_item(out.vlen);
        out.items_per_heap = p.items;
        u.parts.push_back(std::move(p)); // src stays valid: the buffer moves
    }
    u.tags = std::move(tags);
    if (!d_lease || note_lease(u, h, *items[0]))
        u.h = std::move(h); // the parts point into its memory
    d_heaps_emitted++;
    queue_unit(std::move(u));
}

bool source_impl::note_lease(unit& u,
                             const recv::heap& h,
                             const protocol::heap_item& item)
{
    const output_state& out = d_outputs[0];
    unit::part& p = u.parts[0];
    const std::size_t bytes = p.items * out.converter->wire_bytes_per_item(out.vlen);
    // Only a heap whose item is its whole payload, emitted as it is, lies in the output
    // as it was received; the next heaps of its size are lent output memory.
    const bool whole = !out.plan && out.converter->is_plain_copy() && item.offset == 0 &&
                       bytes == h.payload_size();
    if (whole && d_lease->lease_size() != bytes)
        d_lease->set_lease_size(bytes);
    const std::optional<std::uint64_t> id = d_lease->placed_heap(h.get_payload_memory());
    if (!id)
        return true;
    d_lease->take(*id);
    const std::optional<std::uint64_t> at = d_lease->lease_position(*id);
    if (whole) {
        p.placed = id;
        p.lease = at;
        return true;
    }
    if (!at)
        return true; // memory of its own, copied as usual
    // Lent memory, but not emitted where it lies: copied out now, and the heap (with
    // its lease) let go.
    p.arranged.assign(p.src, p.src + bytes);
    p.src = p.arranged.data();
    return false;
}

void source_impl::evacuate_lease(std::uint64_t position)
{
    for (unit& u : d_units) {
        unit::part& p = u.parts[0];
        if (p.lease != position)
            continue;
        const output_state& out = d_outputs[0];
        p.arranged.assign(p.src,
                          p.src + p.items * out.converter->wire_bytes_per_item(out.vlen));
        p.src = p.arranged.data();
        p.lease.reset();
        p.placed.reset();
        u.h.reset(); // ends the lease
        return;
    }
}

bool source_impl::emit_leased(unit::part& p,
                              std::size_t n,
                              std::size_t item_size,
                              std::uint8_t* base,
                              std::uint64_t base_at,
                              std::uint64_t at)
{
    const std::size_t bytes = n * item_size;
    // A heap the block holds in the way is copied out of it (rare: heaps completing out
    // of order); one still being received makes the caller wait.
    for (int attempt = 0;; attempt++) {
        std::uint64_t blocking = 0;
        const auto r = d_lease->claim(at, bytes, p.placed, &blocking);
        if (r == output_lease_allocator::claim_result::granted)
            break;
        if (attempt > int(d_units.size()) + 1)
            return false;
        if (r == output_lease_allocator::claim_result::held_by_output) {
            evacuate_lease(blocking);
            continue;
        }
        // A heap still being received, typically incomplete while a later one
        // completed: a busy stream soon completes or evicts it (after max_heaps newer
        // heaps), at no cost. One that keeps the output waiting (a stream gone quiet)
        // continues in memory of its own: at once when the stream's lock is free, else
        // done by the stream's next batch of packets.
        const auto now = std::chrono::steady_clock::now();
        if (!d_held_since)
            d_held_since = now;
        if (now - *d_held_since < relocate_after)
            return false;
        recv::stream::payload_relocator relocate =
            [lease = d_lease, at, bytes](const recv::memory_allocator::pointer& memory,
                                         std::size_t capacity) {
                return lease->relocate_from(memory, capacity, at, bytes);
            };
        const auto moved = d_receiver.try_relocate_payloads(relocate);
        if (!moved || *moved == 0) {
            d_receiver.request_relocation(std::move(relocate));
            return false;
        }
    }
    d_held_since.reset();
    if (!p.lease)
        return true; // the caller copies or zeroes as usual
    const std::uint64_t from = *p.lease + p.done * item_size;
    if (from == at) {
        if (p.done == 0)
            d_heaps_emitted_in_place++;
        return true;
    }
    // Moved back over a gap (a dropped heap's lease), within the same mapping of the
    // buffer so that memmove sees the overlap.
    std::memmove(base + (at - base_at), base + (from - base_at), bytes);
    return true;
}

int source_impl::general_work(int noutput_items,
                              gr_vector_int&,
                              gr_vector_const_void_star&,
                              gr_vector_void_star& output_items)
{
    const std::size_t n_out = d_outputs.size();
    std::vector<std::size_t> produced(n_out, 0);
    // With leases (one output), the free part of the output buffer is lent from here.
    auto* const base = static_cast<std::uint8_t*>(output_items[0]);
    const std::size_t base_item_size = sample_size(d_outputs[0].type) * d_outputs[0].vlen;
    const std::uint64_t base_at = nitems_written(0) * base_item_size;
    if (d_lease)
        d_lease->publish(base, base_at, std::size_t(noutput_items) * base_item_size);

    bool waited = false;
    const auto started = std::chrono::steady_clock::now();
    // Takes the next heap from the stream into d_units; false when there is none.
    // \p held: the next unit waits for a heap being received, which the stream's next
    // batch moves out of its way: wait a little, again and again (a work() call that
    // produces nothing is parked for longer, while the ring fills).
    auto fetch = [&](bool held) -> bool {
        std::optional<recv::heap> h;
        try {
            const bool nothing_yet = produced[0] == 0;
            if (held) {
                if (std::chrono::steady_clock::now() - started > wait_for_heap)
                    return false;
                h = d_receiver.pop_for(held_poll);
                if (!h)
                    return true; // try the unit again
            } else if (nothing_yet && !waited && d_lease) {
                // The heaps placed while this thread waits need the room downstream
                // blocks free meanwhile: publish it again now and then.
                waited = true;
                while (!(h = d_receiver.pop_for(lease_refresh)) &&
                       std::chrono::steady_clock::now() - started < wait_for_heap)
                    d_lease->publish(base,
                                     base_at,
                                     std::size_t(detail()->output(0)->space_available()) *
                                         base_item_size);
            } else if (nothing_yet && !waited) {
                waited = true;
                h = d_receiver.pop_for(wait_for_heap);
            } else {
                h = d_receiver.try_pop();
            }
        } catch (const recv::ringbuffer_stopped&) {
            d_ended = true;
            return false;
        }
        if (!h)
            return false;
        process_heap(std::move(*h));
        return true;
    };

    bool room = true;
    while (room) {
        if (d_units.empty()) {
            if (d_ended || !fetch(false))
                break;
            continue;
        }
        unit& u = d_units.front();
        bool complete = true;
        bool held = false; // by a heap still being received into the output buffer
        for (std::size_t i = 0; i < n_out; i++) {
            unit::part& p = u.parts[i];
            if (p.done == p.items)
                continue;
            const std::size_t space = std::size_t(noutput_items) - produced[i];
            if (space == 0) {
                complete = false;
                continue;
            }
            const std::size_t n = std::min(space, p.items - p.done);
            output_state& out = d_outputs[i];
            const std::size_t item_size = sample_size(out.type) * out.vlen;
            auto* dest =
                static_cast<std::uint8_t*>(output_items[i]) + produced[i] * item_size;
            if (d_lease &&
                !emit_leased(
                    p, n, item_size, base, base_at, base_at + produced[i] * item_size)) {
                held = true;
                complete = false;
                break;
            }
            if (p.done == 0)
                for (const auto& [key, value] : u.tags)
                    add_item_tag(int(i),
                                 nitems_written(int(i)) + produced[i],
                                 key,
                                 value,
                                 d_srcid);
            if (p.lease) {
                // Written by emit_leased.
            } else if (p.src) {
                const std::size_t per_item = out.converter->wire_bytes_per_item(out.vlen);
                out.converter->convert(p.src + p.done * per_item,
                                       dest,
                                       n * out.vlen * out.converter->scalars_per_item());
            } else {
                std::memset(dest, 0, n * item_size);
            }
            p.done += n;
            produced[i] += n;
            if (p.done < p.items)
                complete = false;
        }
        if (held) {
            // The heap in the way leaves the stream complete or dropped: take heaps
            // until it has (or none is ready).
            if (d_ended || !fetch(true))
                break;
            continue;
        }
        if (complete) {
            // Transposed values' buffers serve the next heaps (a few per output).
            for (std::size_t i = 0; i < n_out; i++)
                if (!u.parts[i].arranged.empty() && d_outputs[i].spare.size() < 4)
                    d_outputs[i].spare.push_back(std::move(u.parts[i].arranged));
            d_units.pop_front();
        } else
            room = false;
    }

    bool any = false;
    for (std::size_t i = 0; i < n_out; i++) {
        produce(int(i), int(produced[i]));
        any |= produced[i] > 0;
    }
    if (!any && d_ended && d_units.empty()) {
        if (!d_final_published.exchange(true))
            publish_stats();
        return WORK_DONE;
    }
    if (!any)
        boost::this_thread::interruption_point();
    return WORK_CALLED_PRODUCE;
}

} // namespace spead
} // namespace gr
