/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pmt_values.h"
#include "sink_impl.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <boost/thread/thread.hpp>
#include <algorithm>
#include <set>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

std::vector<int> input_sizes(const std::vector<input_config>& inputs)
{
    if (inputs.empty())
        throw std::invalid_argument("inputs: at least one input is needed");
    std::vector<int> sizes;
    for (std::size_t i = 0; i < inputs.size(); i++) {
        const std::string name = "inputs[" + std::to_string(i) + "]";
        if (inputs[i].vlen < 1 || inputs[i].vlen > (1 << 24))
            throw std::invalid_argument(name + ".vlen must be 1..16777216");
        sizes.push_back(
            int(sample_size(parse_sample_type(inputs[i].type, name + ".type")) *
                std::size_t(inputs[i].vlen)));
    }
    return sizes;
}

const pmt::pmt_t& key_rx_time()
{
    static const pmt::pmt_t k = pmt::intern("rx_time");
    return k;
}

} // namespace

sink::sptr sink::make(const sender_config& config,
                      const std::vector<input_config>& inputs,
                      std::int64_t items_per_heap,
                      const std::string& timestamp_item,
                      std::uint64_t timestamp_id,
                      std::int64_t timestamp_step,
                      const std::string& timestamp_source,
                      double sample_rate,
                      double sync_time,
                      std::int64_t descriptors_every,
                      bool start_heap,
                      bool stop_heap,
                      const constants& constant_items)
{
    return gnuradio::make_block_sptr<sink_impl>(config,
                                                inputs,
                                                items_per_heap,
                                                timestamp_item,
                                                timestamp_id,
                                                timestamp_step,
                                                timestamp_source,
                                                sample_rate,
                                                sync_time,
                                                descriptors_every,
                                                start_heap,
                                                stop_heap,
                                                constant_items);
}

sink_impl::sink_impl(const sender_config& config,
                     const std::vector<input_config>& inputs,
                     std::int64_t items_per_heap,
                     const std::string& timestamp_item,
                     std::uint64_t timestamp_id,
                     std::int64_t timestamp_step,
                     const std::string& timestamp_source,
                     double sample_rate,
                     double sync_time,
                     std::int64_t descriptors_every,
                     bool start_heap,
                     bool stop_heap,
                     const constants& constant_items)
    : gr::sync_block("spead_sink",
                     gr::io_signature::makev(
                         int(inputs.size()), int(inputs.size()), input_sizes(inputs)),
                     gr::io_signature::make(0, 0, 0)),
      d_config(config),
      d_items_per_heap(std::size_t(std::max<std::int64_t>(items_per_heap, 0))),
      d_timestamp_item(timestamp_item),
      d_timestamp_id(timestamp_id),
      d_timestamp_step(std::uint64_t(std::max<std::int64_t>(timestamp_step, 0))),
      d_from_rx_time(timestamp_source == "rx_time"),
      d_clock(sample_rate, sync_time),
      d_descriptors_every(std::uint64_t(std::max<std::int64_t>(descriptors_every, 0))),
      d_start_heap(start_heap),
      d_stop_heap(stop_heap)
{
    d_config.validate();
    if (items_per_heap < 1 || items_per_heap > (std::int64_t(1) << 30))
        throw std::invalid_argument("items_per_heap must be 1..1073741824");
    if (timestamp_step < 0)
        throw std::invalid_argument("timestamp_step must be 0 or more ticks per item");
    if (descriptors_every < 0)
        throw std::invalid_argument("descriptors_every must be 0 (first heap only) or "
                                    "more heaps");
    if (timestamp_source != "counter" && timestamp_source != "rx_time")
        throw std::invalid_argument("timestamp_source must be one of 'counter', "
                                    "'rx_time', not '" +
                                    timestamp_source + "'");
    if (d_from_rx_time && !d_clock.active())
        throw std::invalid_argument("sample_rate must be positive when "
                                    "timestamp_source is 'rx_time'");
    const protocol::flavour flavour(4, 64, config.heap_address_bits);
    auto check_id = [&](std::uint64_t id, const std::string& parameter) {
        if (id < 0x400 || id > flavour.max_id())
            throw std::invalid_argument(
                parameter + " must be 0x400.." + std::to_string(flavour.max_id()) +
                " (below 0x400 are SPEAD's own items), not " + std::to_string(id));
    };
    // Two items of one ID or name in a heap would be read as one by a receiver.
    std::set<std::uint64_t> ids;
    std::set<std::string> names;
    auto check_unique = [&](std::uint64_t id,
                            const std::string& item,
                            const std::string& parameter) {
        if (!ids.insert(id).second)
            throw std::invalid_argument(parameter + " (" + std::to_string(id) +
                                        ") is the ID of another item: IDs must differ");
        if (!names.insert(item).second)
            throw std::invalid_argument(parameter + ": the name '" + item +
                                        "' is another item's: names must differ");
    };
    if (!timestamp_item.empty()) {
        check_id(timestamp_id, "timestamp_id");
        check_unique(timestamp_id, timestamp_item, "timestamp_id");
    }
    for (const auto& kv : constant_items) {
        const std::string name = "constant_items['" + kv.first + "']";
        if (kv.first.empty())
            throw std::invalid_argument("constant_items: a name must not be empty");
        check_id(kv.second.first, name + " ID");
        check_unique(kv.second.first, kv.first, name + " ID");
        if (kv.second.second > flavour.max_address())
            throw std::invalid_argument(
                name + " value must be 0.." + std::to_string(flavour.max_address()) +
                " (heap_address_bits wide), not " + std::to_string(kv.second.second));
        d_constants.push_back({ kv.first, kv.second.first, kv.second.second });
    }
    for (std::size_t i = 0; i < inputs.size(); i++) {
        const std::string name = "inputs[" + std::to_string(i) + "]";
        check_id(inputs[i].id, name + ".id");
        if (inputs[i].name.empty())
            throw std::invalid_argument(name + ".name must not be empty");
        check_unique(inputs[i].id, inputs[i].name, name + ".id");
        d_inputs.push_back(
            { inputs[i],
              sample_packer(parse_sample_type(inputs[i].type, name + ".type"),
                            std::size_t(inputs[i].vlen),
                            parse_wire_choice(inputs[i].wire, name + ".wire"),
                            inputs[i].scale,
                            name) });
    }
    // rx_time tags re-anchor the timestamp: they must not be passed on as heap tags.
    set_tag_propagation_policy(TPP_DONT);
    d_stats_port = pmt::mp("stats");
    message_port_register_out(d_stats_port);
    message_port_register_in(pmt::mp("stats_request"));
    set_msg_handler(pmt::mp("stats_request"),
                    [this](const pmt::pmt_t&) { d_publisher.request(); });
}

sink_impl::~sink_impl() { d_publisher.stop(); }

bool sink_impl::start()
{
    d_slot = nullptr;
    d_filled = 0;
    d_heaps = 0;
    d_anchor_item = 0;
    d_anchor_ticks = 0;
    d_failed_to_start = false;
    d_final_published = false;
    try {
        auto sender =
            std::make_unique<block_sender>(d_config, make_send_stream(d_config));
        if (d_start_heap)
            sender->send_stream_control(true);
        std::lock_guard<std::mutex> lock(d_sender_mutex);
        d_sender = std::move(sender);
    } catch (const std::exception& e) {
        // start() runs on the block's thread: the error cannot reach top_block.start()
        // as an exception; work() then ends the flowgraph.
        d_logger->error("cannot start sending: {}", e.what());
        d_failed_to_start = true;
    }
    d_publisher.start(d_config.stats_interval, [this] { publish_stats(); });
    return sync_block::start();
}

bool sink_impl::stop()
{
    d_publisher.stop();
    {
        std::lock_guard<std::mutex> lock(d_sender_mutex);
        if (d_sender) {
            if (d_slot)
                d_items_discarded += d_filled;
            d_slot = nullptr;
            if (d_stop_heap)
                d_sender->send_stream_control(false);
            d_sender->flush();
            d_final_counters = d_sender->get_counters();
            d_sender.reset();
        }
    }
    log_failures();
    if (!d_final_published.exchange(true))
        publish_stats();
    return sync_block::stop();
}

std::uint64_t sink_impl::timestamp_at(std::uint64_t item) const
{
    return d_anchor_ticks + (item - d_anchor_item) * d_timestamp_step;
}

void sink_impl::follow_rx_time_tags(std::uint64_t from, std::uint64_t to)
{
    std::vector<gr::tag_t> tags;
    get_tags_in_range(tags, 0, from, to, key_rx_time());
    for (const gr::tag_t& tag : tags) {
        // Only UHD's (whole seconds >= 0, fraction in [0, 1)); anything else is counted
        // and left out, never allowed to stop the flowgraph.
        const pmt::pmt_t& v = tag.value;
        bool ok = pmt::is_tuple(v) && pmt::length(v) == 2;
        rx_time_value t;
        if (ok) {
            const pmt::pmt_t seconds = pmt::tuple_ref(v, 0);
            const pmt::pmt_t fraction = pmt::tuple_ref(v, 1);
            ok = (pmt::is_uint64(seconds) ||
                  (pmt::is_integer(seconds) && pmt::to_long(seconds) >= 0)) &&
                 pmt::is_real(fraction);
            if (ok) {
                t.seconds = pmt::is_uint64(seconds)
                                ? pmt::to_uint64(seconds)
                                : std::uint64_t(pmt::to_long(seconds));
                t.fraction = pmt::to_double(fraction);
                ok = t.fraction >= 0.0 && t.fraction < 1.0; // false for NaN too
            }
        }
        if (!ok) {
            d_rx_time_ignored++;
            continue;
        }
        d_anchor_ticks = d_clock.timestamp_of(t);
        d_anchor_item = tag.offset;
    }
}

bool sink_impl::descriptors_due() const
{
    const std::uint64_t substreams = d_sender->num_substreams();
    const std::uint64_t round = d_heaps / substreams; // this destination's heap number
    return round == 0 || (d_descriptors_every > 0 && round % d_descriptors_every == 0);
}

void sink_impl::add_descriptors(send::heap& h) const
{
    if (!d_timestamp_item.empty()) {
        protocol::descriptor d;
        d.id = d_timestamp_id;
        d.name = d_timestamp_item;
        d.description = "Timestamp of the heap's first sample";
        d.format = { protocol::format_field{ 'u', h.get_flavour().heap_address_bits() } };
        h.add_descriptor(d);
    }
    for (const constant_item& k : d_constants) {
        protocol::descriptor d;
        d.id = k.id;
        d.name = k.name;
        d.format = { protocol::format_field{ 'u', h.get_flavour().heap_address_bits() } };
        h.add_descriptor(d);
    }
    for (const input_state& in : d_inputs) {
        protocol::descriptor d;
        d.id = in.config.id;
        d.name = in.config.name;
        d.description = in.config.description;
        d.numpy_header =
            protocol::format_numpy_header(in.packer.describe(d_items_per_heap));
        h.add_descriptor(d);
    }
}

void sink_impl::finish_heap()
{
    send::heap& h = d_slot->heap;
    if (descriptors_due())
        add_descriptors(h);
    if (!d_timestamp_item.empty()) {
        // Timestamps wrap at the flavour's width, as a counter of that width does.
        h.add_item(d_timestamp_id, d_slot_timestamp & h.get_flavour().max_address());
    }
    for (const constant_item& k : d_constants)
        h.add_item(k.id, k.value);
    for (std::size_t i = 0; i < d_inputs.size(); i++)
        h.add_item(d_inputs[i].config.id,
                   d_slot->buffers[i].data(),
                   d_slot->buffers[i].size(),
                   false);
    d_sender->send(*d_slot, d_heaps % d_sender->num_substreams());
    d_heaps++;
    d_slot = nullptr;
    d_filled = 0;
}

void sink_impl::log_failures()
{
    const auto counters = d_sender ? d_sender->get_counters() : d_final_counters;
    const auto now = std::chrono::steady_clock::now();
    if (counters.heaps_failed > d_failures_logged &&
        now - d_last_failure_log >= std::chrono::seconds(1)) {
        d_logger->warn("{} heap(s) could not be sent (last: {})",
                       counters.heaps_failed - d_failures_logged,
                       counters.last_error);
        d_failures_logged = counters.heaps_failed;
        d_last_failure_log = now;
    }
}

int sink_impl::work(int noutput_items,
                    gr_vector_const_void_star& input_items,
                    gr_vector_void_star&)
{
    if (d_failed_to_start)
        return WORK_DONE;
    const std::uint64_t first = nitems_read(0);
    std::size_t done = 0;
    while (done < std::size_t(noutput_items)) {
        if (!d_slot) {
            // Wait for a heap to leave; a short wait keeps the thread interruptible.
            while (!(d_slot = d_sender->try_acquire(std::chrono::milliseconds(20))))
                boost::this_thread::interruption_point();
            d_slot->buffers.resize(d_inputs.size());
            for (std::size_t i = 0; i < d_inputs.size(); i++)
                d_slot->buffers[i].resize(d_items_per_heap *
                                          d_inputs[i].packer.wire_bytes_per_item());
            // Tags on the heap's first item anchor its own timestamp.
            if (d_from_rx_time)
                follow_rx_time_tags(first + done, first + done + 1);
            d_slot_timestamp = timestamp_at(first + done);
        }
        const std::size_t take =
            std::min(d_items_per_heap - d_filled, std::size_t(noutput_items) - done);
        if (d_from_rx_time)
            follow_rx_time_tags(first + done + (d_filled == 0 ? 1 : 0),
                                first + done + take);
        for (std::size_t i = 0; i < d_inputs.size(); i++) {
            const input_state& in = d_inputs[i];
            const auto* src = static_cast<const std::uint8_t*>(input_items[i]) +
                              done * in.packer.input_bytes_per_item();
            in.packer.pack(src,
                           take,
                           d_slot->buffers[i].data() +
                               d_filled * in.packer.wire_bytes_per_item());
        }
        d_filled += take;
        done += take;
        if (d_filled == d_items_per_heap)
            finish_heap();
    }
    log_failures();
    return noutput_items;
}

std::map<std::string, std::uint64_t> sink_impl::statistics() const
{
    block_sender::counters c;
    {
        std::lock_guard<std::mutex> lock(d_sender_mutex);
        c = d_sender ? d_sender->get_counters() : d_final_counters;
    }
    auto stats = block_sender::statistics(c);
    stats["items_discarded"] = d_items_discarded.load();
    stats["rx_time_tags_ignored"] = d_rx_time_ignored.load();
    return stats;
}

void sink_impl::publish_stats()
{
    message_port_pub(d_stats_port, counters_to_pmt(statistics()));
}

} // namespace spead
} // namespace gr
