/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pdu_sink_impl.h"
#include "pmt_values.h"
#include <gnuradio/io_signature.h>
#include <boost/thread/thread.hpp>
#include <complex>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

/// The numpy type of a uniform vector's elements, or empty for anything else.
std::string numpy_type_of(const pmt::pmt_t& v)
{
    if (pmt::is_u8vector(v))
        return "|u1";
    if (pmt::is_s8vector(v))
        return "|i1";
    if (pmt::is_u16vector(v))
        return "<u2";
    if (pmt::is_s16vector(v))
        return "<i2";
    if (pmt::is_u32vector(v))
        return "<u4";
    if (pmt::is_s32vector(v))
        return "<i4";
    if (pmt::is_u64vector(v))
        return "<u8";
    if (pmt::is_s64vector(v))
        return "<i8";
    if (pmt::is_f32vector(v))
        return "<f4";
    if (pmt::is_f64vector(v))
        return "<f8";
    if (pmt::is_c32vector(v))
        return "<c8";
    if (pmt::is_c64vector(v))
        return "<c16";
    return "";
}

std::string header(const std::string& descr, const std::string& shape)
{
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + "}";
}

} // namespace

pdu_sink::sptr pdu_sink::make(const sender_config& config,
                              const std::string& data_item,
                              std::uint64_t data_id,
                              const std::map<std::string, std::uint64_t>& meta_items,
                              std::int64_t descriptors_every,
                              bool start_heap,
                              bool stop_heap)
{
    return gnuradio::make_block_sptr<pdu_sink_impl>(
        config, data_item, data_id, meta_items, descriptors_every, start_heap, stop_heap);
}

pdu_sink_impl::pdu_sink_impl(const sender_config& config,
                             const std::string& data_item,
                             std::uint64_t data_id,
                             const std::map<std::string, std::uint64_t>& meta_items,
                             std::int64_t descriptors_every,
                             bool start_heap,
                             bool stop_heap)
    : gr::block("spead_pdu_sink",
                gr::io_signature::make(0, 0, 0),
                gr::io_signature::make(0, 0, 0)),
      d_config(config),
      d_data_item(data_item),
      d_data_id(data_id),
      d_meta_items(meta_items),
      d_descriptors_every(std::uint64_t(descriptors_every < 0 ? 0 : descriptors_every)),
      d_start_heap(start_heap),
      d_stop_heap(stop_heap)
{
    d_config.validate();
    if (data_item.empty())
        throw std::invalid_argument("data_item must name the item of the PDU's vector");
    if (descriptors_every < 0)
        throw std::invalid_argument("descriptors_every must be 0 (first heap only) or "
                                    "more heaps");
    const protocol::flavour flavour(4, 64, config.heap_address_bits);
    auto check_id = [&](std::uint64_t id, const std::string& parameter) {
        if (id < 0x400 || id > flavour.max_id())
            throw std::invalid_argument(
                parameter + " must be 0x400.." + std::to_string(flavour.max_id()) +
                " (below 0x400 are SPEAD's own items), not " + std::to_string(id));
    };
    check_id(data_id, "data_id");
    for (const auto& kv : meta_items) {
        check_id(kv.second, "meta_items['" + kv.first + "']");
        if (kv.first == data_item || kv.second == data_id)
            throw std::invalid_argument("meta_items['" + kv.first +
                                        "'] repeats the data item's name or ID");
    }
    message_port_register_in(pmt::mp("pdus"));
    set_msg_handler(pmt::mp("pdus"),
                    [this](const pmt::pmt_t& msg) { handle_message(msg); });
    d_stats_port = pmt::mp("stats");
    message_port_register_out(d_stats_port);
    message_port_register_in(pmt::mp("stats_request"));
    set_msg_handler(pmt::mp("stats_request"),
                    [this](const pmt::pmt_t&) { d_publisher.request(); });
}

pdu_sink_impl::~pdu_sink_impl() { d_publisher.stop(); }

bool pdu_sink_impl::start()
{
    d_heaps = 0;
    d_described.clear();
    d_final_published = false;
    try {
        auto sender =
            std::make_unique<block_sender>(d_config, make_send_stream(d_config));
        d_describe.assign(sender->num_substreams(), true);
        if (d_start_heap)
            sender->send_stream_control(true);
        std::lock_guard<std::mutex> lock(d_sender_mutex);
        d_sender = std::move(sender);
    } catch (const std::exception& e) {
        // start() runs on the block's thread: the error cannot reach top_block.start();
        // every message is then dropped and counted.
        d_logger->error("cannot start sending: {}", e.what());
    }
    d_publisher.start(d_config.stats_interval, [this] { publish_stats(); });
    return block::start();
}

bool pdu_sink_impl::stop()
{
    d_publisher.stop();
    {
        std::lock_guard<std::mutex> lock(d_sender_mutex);
        if (d_sender) {
            if (d_stop_heap)
                d_sender->send_stream_control(false);
            d_sender->flush();
            d_final_counters = d_sender->get_counters();
            d_sender.reset();
        }
    }
    if (!d_final_published.exchange(true))
        publish_stats();
    return block::stop();
}

bool pdu_sink_impl::entry_of(const std::string& name,
                             std::uint64_t id,
                             const pmt::pmt_t& value,
                             std::vector<entry>& out)
{
    entry e{ id, name, false, 0, nullptr, 0, "" };
    const std::uint64_t max_immediate =
        protocol::flavour(4, 64, d_config.heap_address_bits).max_address();
    if (pmt::is_uint64(value) || pmt::is_integer(value)) {
        const bool negative = pmt::is_integer(value) && pmt::to_long(value) < 0;
        const std::uint64_t v = negative ? 0 : pmt::to_uint64(value);
        if (!negative && v <= max_immediate) {
            e.immediate = true;
            e.value = v;
            e.numpy_header = "u" + std::to_string(d_config.heap_address_bits);
            out.push_back(e);
            return true;
        }
        // Too wide for an immediate, or negative: an 8-byte scalar.
        e.numpy_header = header(negative ? "<i8" : "<u8", "()");
        e.value = negative ? std::uint64_t(pmt::to_long(value)) : v;
        e.length = 8;
        out.push_back(e);
        return true;
    }
    if (pmt::is_real(value)) {
        const double d = pmt::to_double(value);
        std::memcpy(&e.value, &d, 8);
        e.length = 8;
        e.numpy_header = header("<f8", "()");
        out.push_back(e);
        return true;
    }
    if (pmt::is_symbol(value)) {
        // A string (SPEAD Heap Source gives string items as symbols): characters, c8.
        e.text = true;
        e.characters = pmt::symbol_to_string(value);
        e.length = e.characters.size();
        e.numpy_header = "c8 (" + std::to_string(e.length) + ",)"; // tells changes
        out.push_back(e);
        return true;
    }
    const std::string type = pmt::is_uniform_vector(value) ? numpy_type_of(value) : "";
    if (type.empty())
        return false;
    std::size_t bytes = 0;
    e.data = pmt::uniform_vector_elements(value, bytes);
    e.length = bytes;
    e.numpy_header = header(type, "(" + std::to_string(pmt::length(value)) + ",)");
    out.push_back(e);
    return true;
}

bool pdu_sink_impl::entries_of(const pmt::pmt_t& msg,
                               std::vector<entry>& out,
                               std::string& why)
{
    pmt::pmt_t items;
    if (pmt::is_pair(msg) && !pmt::is_dict(msg)) {
        // A PDU: (metadata . vector).
        if (!pmt::is_dict(pmt::car(msg)) && !pmt::is_null(pmt::car(msg))) {
            why = "a PDU's metadata must be a dict";
            return false;
        }
        if (pmt::is_symbol(pmt::cdr(msg)) ||
            !entry_of(d_data_item, d_data_id, pmt::cdr(msg), out)) {
            why = "a PDU's data must be a uniform vector";
            return false;
        }
        items = pmt::is_null(pmt::car(msg)) ? pmt::make_dict() : pmt::car(msg);
    } else if (pmt::is_dict(msg)) {
        items = msg;
        const pmt::pmt_t data =
            pmt::dict_ref(msg, pmt::intern(d_data_item), pmt::PMT_NIL);
        if (!pmt::is_null(data) && !entry_of(d_data_item, d_data_id, data, out)) {
            why = "the dict's '" + d_data_item +
                  "' is not a number, string or uniform vector";
            return false;
        }
    } else {
        why = "the message is neither a PDU nor a dict";
        return false;
    }
    for (const auto& kv : d_meta_items) {
        const pmt::pmt_t v = pmt::dict_ref(items, pmt::intern(kv.first), pmt::PMT_NIL);
        if (!pmt::is_null(v) && !entry_of(kv.first, kv.second, v, out)) {
            why = "metadata '" + kv.first + "' is not a number, string or uniform vector";
            return false;
        }
    }
    if (out.empty()) {
        why = "the message holds none of the items to send";
        return false;
    }
    return true;
}

void pdu_sink_impl::drop(const std::string& why)
{
    d_messages_dropped++;
    const auto now = std::chrono::steady_clock::now();
    if (now - d_last_drop_log >= std::chrono::seconds(1)) {
        d_logger->warn(
            "message dropped: {} ({} dropped so far)", why, d_messages_dropped.load());
        d_last_drop_log = now;
    }
}

void pdu_sink_impl::handle_message(const pmt::pmt_t& msg)
{
    if (!d_sender) {
        drop("the sink could not start sending");
        return;
    }
    std::vector<entry> entries;
    std::string why;
    if (!entries_of(msg, entries, why)) {
        drop(why);
        return;
    }
    block_sender::slot* slot;
    while (!(slot = d_sender->try_acquire(std::chrono::milliseconds(20))))
        boost::this_thread::interruption_point();
    // The values are copied into the slot: the message may go before the heap does.
    slot->buffers.resize(entries.size());
    for (std::size_t i = 0; i < entries.size(); i++) {
        const entry& e = entries[i];
        auto described = d_described.find(e.id);
        if (described == d_described.end() || described->second != e.numpy_header) {
            d_described[e.id] = e.numpy_header; // new, or its type or length changed
            d_describe.assign(d_describe.size(), true);
        }
        if (!e.immediate) {
            slot->buffers[i].resize(e.length);
            const void* from = e.text ? e.characters.data() : e.data ? e.data : &e.value;
            std::memcpy(slot->buffers[i].data(), from, e.length);
        }
    }
    const std::size_t substream = d_heaps % d_sender->num_substreams();
    const std::uint64_t round = d_heaps / d_sender->num_substreams();
    send::heap& h = slot->heap;
    if (d_describe[substream] ||
        (d_descriptors_every > 0 && round % d_descriptors_every == 0)) {
        d_describe[substream] = false;
        for (const entry& e : entries) {
            protocol::descriptor d;
            d.id = e.id;
            d.name = e.name;
            if (e.immediate) {
                d.format = { protocol::format_field{ 'u', d_config.heap_address_bits } };
            } else if (e.text) {
                d.format = { protocol::format_field{ 'c', 8 } };
                d.shape = { std::int64_t(e.length) };
            } else {
                d.numpy_header = e.numpy_header;
            }
            h.add_descriptor(d);
        }
    }
    for (std::size_t i = 0; i < entries.size(); i++) {
        const entry& e = entries[i];
        if (e.immediate)
            h.add_item(e.id, e.value);
        else
            h.add_item(e.id, slot->buffers[i].data(), slot->buffers[i].size(), false);
    }
    d_sender->send(*slot, substream);
    d_heaps++;
}

std::map<std::string, std::uint64_t> pdu_sink_impl::statistics() const
{
    block_sender::counters c;
    {
        std::lock_guard<std::mutex> lock(d_sender_mutex);
        c = d_sender ? d_sender->get_counters() : d_final_counters;
    }
    auto stats = block_sender::statistics(c);
    stats["messages_dropped"] = d_messages_dropped.load();
    return stats;
}

void pdu_sink_impl::publish_stats()
{
    message_port_pub(d_stats_port, counters_to_pmt(statistics()));
}

} // namespace spead
} // namespace gr
