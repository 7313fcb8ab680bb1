/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "heap_source_impl.h"
#include "item_integer.h"
#include "pmt_values.h"
#include <gnuradio/io_signature.h>
#include <gnuradio/spead/gr_log_bridge.h>
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <boost/thread/thread.hpp>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

/// Metadata keys, interned once.
struct metadata_keys {
    pmt::pmt_t heap_cnt = pmt::intern("heap_cnt");
    pmt::pmt_t complete = pmt::intern("complete");
    pmt::pmt_t heap_length = pmt::intern("heap_length");
    pmt::pmt_t received_length = pmt::intern("received_length");
    pmt::pmt_t start_of_stream = pmt::intern("start_of_stream");
    pmt::pmt_t end_of_stream = pmt::intern("end_of_stream");
    pmt::pmt_t rx_time = pmt::intern("rx_time");
};

const metadata_keys& keys()
{
    static const metadata_keys k;
    return k;
}

constexpr auto wait_for_heap = std::chrono::milliseconds(100);

std::string item_key(const item_catalog::entry* e, std::uint64_t id)
{
    if (e && !e->desc.name.empty())
        return e->desc.name;
    char text[32];
    std::snprintf(text, sizeof(text), "0x%llx", (unsigned long long)id);
    return text;
}

bool is_scalar_or_string(const item_catalog::entry* e)
{
    if (!e || !e->type)
        return false;
    if (e->type->is_string())
        return true;
    return e->type->shape().empty() &&
           e->type->value_type().type_kind != protocol::dtype::kind::record;
}

/// The stream output's item size: the payload type's, which must be explicit.
std::size_t stream_item_size(const std::string& payload_item,
                             const std::string& payload_type,
                             const std::string& length_tag_key)
{
    if (payload_item.empty())
        throw std::invalid_argument(
            "payload_item must name the item (name or ID) the tagged_stream output "
            "carries");
    if (payload_type == "auto")
        throw std::invalid_argument(
            "payload_type must be a numpy type string such as '<c8', '|i1', '>i2' "
            "(not 'auto') with tagged_stream: it sets the output's item size");
    if (length_tag_key.empty())
        throw std::invalid_argument(
            "length_tag_key must be a non-empty tag key (e.g. 'packet_len')");
    try {
        return protocol::parse_dtype_string(payload_type).itemsize;
    } catch (const protocol::decode_error& e) {
        throw std::invalid_argument("payload_type must be 'auto' or a numpy type string "
                                    "such as '<c8', '|i1', '>i2' (" +
                                    std::string(e.what()) + ")");
    }
}

} // namespace

heap_source::sptr heap_source::make(const receiver_config& config,
                                    const std::string& payload_item,
                                    const std::string& payload_type,
                                    bool as_dict,
                                    const std::string& select_item,
                                    const std::vector<std::int64_t>& select_values,
                                    const std::string& timestamp_item,
                                    double sample_rate,
                                    double sync_time,
                                    bool tagged_stream,
                                    const std::string& length_tag_key)
{
    return gnuradio::make_block_sptr<heap_source_impl>(config,
                                                       payload_item,
                                                       payload_type,
                                                       as_dict,
                                                       select_item,
                                                       select_values,
                                                       timestamp_item,
                                                       sample_rate,
                                                       sync_time,
                                                       tagged_stream,
                                                       length_tag_key);
}

heap_source_impl::heap_source_impl(const receiver_config& config,
                                   const std::string& payload_item,
                                   const std::string& payload_type,
                                   bool as_dict,
                                   const std::string& select_item,
                                   const std::vector<std::int64_t>& select_values,
                                   const std::string& timestamp_item,
                                   double sample_rate,
                                   double sync_time,
                                   bool tagged_stream,
                                   const std::string& length_tag_key)
    : gr::block(
          "spead_heap_source",
          gr::io_signature::make(0, 0, 0),
          tagged_stream
              ? gr::io_signature::make(
                    1, 1, stream_item_size(payload_item, payload_type, length_tag_key))
              : gr::io_signature::make(0, 0, 0)),
      d_receiver(config),
      d_catalog(config.bug_compat),
      d_as_dict(as_dict),
      d_selection(select_item, select_values),
      d_clock(sample_rate, sync_time),
      d_tagged_stream(tagged_stream),
      d_length_tag_key(pmt::intern(length_tag_key))
{
    if (!timestamp_item.empty())
        d_timestamp_item = item_ref::parse(timestamp_item, "timestamp_item");
    if (d_timestamp_item && !d_clock.active())
        throw std::invalid_argument("sample_rate must be a positive number of "
                                    "timestamp ticks per second when timestamp_item is "
                                    "set (rx_time)");
    if (!d_timestamp_item && d_clock.active())
        throw std::invalid_argument("timestamp_item must name the timestamp item "
                                    "(name or ID) when sample_rate is set (rx_time)");
    if (!payload_item.empty())
        d_payload_item = item_ref::parse(payload_item, "payload_item");
    if (payload_type != "auto") {
        try {
            d_payload_type = protocol::parse_dtype_string(payload_type);
        } catch (const protocol::decode_error& e) {
            throw std::invalid_argument(
                "payload_type must be 'auto' or a numpy type string "
                "such as '<c8', '|i1', '>i2' (" +
                std::string(e.what()) + ")");
        }
    }
    // Incomplete heaps' missing bytes are zeroed, which needs their received ranges.
    d_receiver.force_payload_ranges();
    route_engine_log_to_gnuradio();
    d_pdus_port = pmt::mp("pdus");
    d_dicts_port = pmt::mp("dicts");
    d_heaps_port = pmt::mp("heaps");
    d_stats_port = pmt::mp("stats");
    message_port_register_out(d_pdus_port);
    message_port_register_out(d_dicts_port);
    message_port_register_out(d_heaps_port);
    message_port_register_out(d_stats_port);
    message_port_register_in(pmt::mp("stats_request"));
    set_msg_handler(pmt::mp("stats_request"),
                    [this](const pmt::pmt_t&) { d_publisher.request(); });
}

heap_source_impl::~heap_source_impl() { halt(); }

void heap_source_impl::halt()
{
    d_stop = true;
    if (d_thread.joinable())
        d_thread.join();
    d_publisher.stop();
    d_receiver.stop();
}

bool heap_source_impl::start()
{
    halt();
    d_heaps_published = 0;
    d_heaps_incomplete = 0;
    d_heaps_skipped_by_selection = 0;
    d_final_published = false;
    d_stop = false;
    d_packet = pmt::PMT_NIL;
    d_packet_items = d_packet_done = 0;
    d_ended = false;
    try {
        d_receiver.start();
    } catch (const std::exception& e) {
        // GNU Radio calls start() on the block's thread, where an exception cannot
        // reach the caller of top_block.start(): log it and finish at once (the run
        // loop sees a stopped stream).
        d_logger->error("cannot start receiving: {}", e.what());
    }
    d_publisher.start(d_receiver.config().stats_interval, [this] { publish_stats(); });
    // With a stream output, general_work() receives instead.
    if (!d_tagged_stream)
        d_thread = std::thread([this] { run(); });
    return block::start();
}

bool heap_source_impl::stop()
{
    halt();
    publish_final_stats();
    return block::stop();
}

std::vector<std::pair<std::string, std::uint64_t>>
heap_source_impl::block_counters() const
{
    return { { "heaps_published", d_heaps_published.load() },
             { "heaps_incomplete", d_heaps_incomplete.load() },
             { "heaps_skipped_by_selection", d_heaps_skipped_by_selection.load() } };
}

void heap_source_impl::publish_stats()
{
    message_port_pub(d_stats_port,
                     stats_to_pmt(d_receiver.get_stats(), block_counters()));
}

void heap_source_impl::publish_final_stats()
{
    if (!d_final_published.exchange(true))
        publish_stats();
}

std::map<std::string, std::uint64_t> heap_source_impl::statistics() const
{
    return block_statistics(d_receiver.get_stats(), block_counters());
}

void heap_source_impl::run()
{
    while (!d_stop) {
        std::optional<recv::heap> h;
        try {
            h = d_receiver.pop_for(wait_for_heap);
        } catch (const recv::ringbuffer_stopped&) {
            if (d_stop)
                return;
            // The end of the stream: final statistics, then the flowgraph may finish.
            publish_final_stats();
            post(pmt::mp("system"), pmt::cons(pmt::mp("done"), pmt::from_long(1)));
            return;
        }
        if (h)
            handle_heap(*h);
    }
}

pmt::pmt_t heap_source_impl::handle_heap(recv::heap& h)
{
    try {
        d_catalog.update(h);
        if (d_selection.check(h, d_catalog) != heap_selection::verdict::selected) {
            d_heaps_skipped_by_selection++;
            return pmt::PMT_NIL;
        }
        if (!h.is_complete()) {
            d_heaps_incomplete++;
            // Bytes that never arrived read as zeros rather than stale memory; the
            // heap is ours alone (moved out of the ring).
            auto* payload = const_cast<std::uint8_t*>(h.payload());
            std::size_t at = 0;
            for (const auto& [begin, end] : h.get_payload_ranges()) {
                if (begin > at)
                    std::memset(payload + at, 0, std::min(begin, h.payload_size()) - at);
                at = std::max(at, end);
            }
            if (payload && at < h.payload_size())
                std::memset(payload + at, 0, h.payload_size() - at);
        }
        const pmt::pmt_t pdu =
            (!d_as_dict || d_tagged_stream) ? heap_to_pdu(h) : pmt::PMT_NIL;
        const pmt::pmt_t msg = d_as_dict ? heap_to_dict(h) : pdu;
        // A port without subscribers costs a lookup.
        message_port_pub(d_as_dict ? d_dicts_port : d_pdus_port, msg);
        message_port_pub(d_heaps_port, msg);
        d_heaps_published++;
        return pdu;
    } catch (const std::exception& e) {
        d_logger->error("heap {} could not be published: {}", h.get_cnt(), e.what());
        return pmt::PMT_NIL;
    }
}

void heap_source_impl::begin_packet(const pmt::pmt_t& pdu, std::uint64_t offset)
{
    d_packet = pmt::cdr(pdu);
    std::size_t bytes = 0;
    pmt::uniform_vector_elements(d_packet, bytes);
    d_packet_items = bytes / output_signature()->sizeof_stream_item(0);
    d_packet_done = 0;
    if (d_packet_items == 0)
        return; // no item in this heap: no samples, so no tags either
    // As GNU Radio's PDU to Tagged Stream: the length, then every metadata entry.
    add_item_tag(0, offset, d_length_tag_key, pmt::from_long(long(d_packet_items)));
    const pmt::pmt_t meta = pmt::car(pdu);
    for (pmt::pmt_t rest = pmt::dict_items(meta); !pmt::is_null(rest);
         rest = pmt::cdr(rest))
        add_item_tag(0, offset, pmt::car(pmt::car(rest)), pmt::cdr(pmt::car(rest)));
}

int heap_source_impl::general_work(int noutput_items,
                                   gr_vector_int&,
                                   gr_vector_const_void_star&,
                                   gr_vector_void_star& output_items)
{
    const std::size_t item_size = output_signature()->sizeof_stream_item(0);
    auto* out = static_cast<std::uint8_t*>(output_items[0]);
    std::size_t produced = 0;
    bool waited = false;
    while (produced < std::size_t(noutput_items)) {
        if (d_packet_done == d_packet_items) {
            if (d_ended)
                break;
            std::optional<recv::heap> h;
            try {
                // Wait for a heap only while nothing is ready to go out.
                if (produced == 0 && !waited) {
                    waited = true;
                    h = d_receiver.pop_for(wait_for_heap);
                } else {
                    h = d_receiver.try_pop();
                }
            } catch (const recv::ringbuffer_stopped&) {
                d_ended = true;
                break;
            }
            if (!h)
                break;
            const pmt::pmt_t pdu = handle_heap(*h);
            if (!pmt::is_null(pdu))
                begin_packet(pdu, nitems_written(0) + produced);
            continue;
        }
        const std::size_t n = std::min(std::size_t(noutput_items) - produced,
                                       d_packet_items - d_packet_done);
        std::size_t bytes = 0;
        const auto* src = static_cast<const std::uint8_t*>(
            pmt::uniform_vector_elements(d_packet, bytes));
        std::memcpy(
            out + produced * item_size, src + d_packet_done * item_size, n * item_size);
        d_packet_done += n;
        produced += n;
    }
    if (produced == 0 && d_ended) {
        publish_final_stats();
        return WORK_DONE;
    }
    if (produced == 0)
        boost::this_thread::interruption_point();
    return int(produced);
}

pmt::pmt_t heap_source_impl::payload_vector(const recv::heap& h)
{
    if (!d_payload_item)
        return pmt::init_u8vector(0, nullptr);
    const auto id = d_catalog.resolve(*d_payload_item);
    const protocol::heap_item* item = id ? find_item(h, *id) : nullptr;
    if (!item)
        return pmt::init_u8vector(0, nullptr);
    if (d_payload_type) {
        std::uint8_t imm[8];
        const item_value_bytes bytes = value_bytes(h, *item, imm);
        const protocol::dtype& t = *d_payload_type;
        const std::size_t n = bytes.length / t.itemsize;
        std::vector<std::uint8_t> native(bytes.data, bytes.data + n * t.itemsize);
        const protocol::dtype scalar =
            t.type_kind == protocol::dtype::kind::complex
                ? protocol::dtype::scalar(
                      protocol::dtype::kind::floating, t.itemsize / 2, t.byte_order)
                : t;
        if (scalar.itemsize > 1 && !t.is_native())
            for (std::size_t i = 0; i + scalar.itemsize <= native.size();
                 i += scalar.itemsize)
                std::reverse(native.begin() + i, native.begin() + i + scalar.itemsize);
        return uniform_vector(t.to_native(), native.data(), n);
    }
    const item_catalog::entry* e = d_catalog.find(*id);
    if (!e || !e->type) {
        if (item->immediate)
            return pmt::init_u64vector(1, &item->value);
        return pmt::init_u8vector(item->length, h.payload() + item->offset);
    }
    pmt::pmt_t v = item_to_pmt(h, *item, e);
    if (pmt::is_uniform_vector(v))
        return v;
    // A scalar or string payload: as a one-element (or character) vector.
    std::uint8_t imm[8];
    const item_value_bytes bytes = value_bytes(h, *item, imm);
    try {
        const protocol::decoded_value d =
            e->type->decode(bytes.data, bytes.length, item->immediate);
        return uniform_vector(
            d.type, d.data.data(), std::max<std::size_t>(d.element_count(), 1));
    } catch (const std::exception&) {
        return pmt::init_u8vector(0, nullptr);
    }
}

pmt::pmt_t heap_source_impl::heap_to_pdu(const recv::heap& h)
{
    pmt::pmt_t meta = pmt::make_dict();
    meta = pmt::dict_add(meta, keys().heap_cnt, pmt::from_uint64(h.get_cnt()));
    meta = pmt::dict_add(meta, keys().complete, pmt::from_bool(h.is_complete()));
    meta = pmt::dict_add(meta, keys().heap_length, pmt::from_long(h.get_heap_length()));
    meta = pmt::dict_add(
        meta, keys().received_length, pmt::from_uint64(h.get_received_length()));
    meta = pmt::dict_add(
        meta, keys().start_of_stream, pmt::from_bool(h.is_start_of_stream()));
    meta =
        pmt::dict_add(meta, keys().end_of_stream, pmt::from_bool(h.is_end_of_stream()));
    for (const protocol::heap_item& item : h.get_items()) {
        const item_catalog::entry* e = d_catalog.find(item.id);
        if (!is_scalar_or_string(e) || e->desc.name.empty())
            continue;
        pmt::pmt_t v = item_to_pmt(h, item, e);
        if (!pmt::is_null(v))
            meta = pmt::dict_add(meta, pmt::intern(e->desc.name), v);
    }
    return pmt::cons(with_rx_time(h, meta), payload_vector(h));
}

pmt::pmt_t heap_source_impl::heap_to_dict(const recv::heap& h)
{
    pmt::pmt_t d = pmt::make_dict();
    d = pmt::dict_add(d, keys().heap_cnt, pmt::from_uint64(h.get_cnt()));
    d = pmt::dict_add(d, keys().complete, pmt::from_bool(h.is_complete()));
    for (const protocol::heap_item& item : h.get_items()) {
        if (item.id <= 6)
            continue; // protocol items (descriptors, stream control) are not values
        const item_catalog::entry* e = d_catalog.find(item.id);
        pmt::pmt_t v = item_to_pmt(h, item, e);
        if (!pmt::is_null(v))
            d = pmt::dict_add(d, pmt::intern(item_key(e, item.id)), v);
    }
    return with_rx_time(h, d);
}

pmt::pmt_t heap_source_impl::with_rx_time(const recv::heap& h, pmt::pmt_t d) const
{
    if (!d_clock.active())
        return d;
    const auto timestamp = heap_integer(h, d_catalog, *d_timestamp_item);
    if (!timestamp)
        return d;
    const rx_time_value t = d_clock.at(*timestamp);
    return pmt::dict_add(
        d,
        keys().rx_time,
        pmt::make_tuple(pmt::from_uint64(t.seconds), pmt::from_double(t.fraction)));
}

} // namespace spead
} // namespace gr
