/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "json_text.h"
#include "recv_output.h"
#include "value_format.h"

namespace gr {
namespace spead {
namespace apps {

recv_output::recv_output(
    std::ostream& out, int bug_compat, bool json, bool quiet, std::size_t values)
    : d_out(out), d_describer(bug_compat), d_json(json), d_quiet(quiet), d_values(values)
{
}

void recv_output::heap_received(const recv::heap& h)
{
    d_heaps++;
    if (h.is_complete())
        d_payload_bytes += h.payload_size();
    else
        d_incomplete++;
    // Quiet prints no heap for the whole run, so nothing is described: decoding every
    // value would cost the consumer more than receiving (a 1 MiB array per heap).
    if (d_quiet)
        return;
    heap_view view;
    view.cnt = h.get_cnt();
    view.heap_address_bits = h.get_flavour().heap_address_bits();
    view.payload = h.payload();
    view.payload_size = h.payload_size();
    view.items = h.get_items().to_vector();
    view.complete = h.is_complete();
    view.received_bytes = h.get_received_length();
    const heap_description d = d_describer.describe(view);
    if (d_json)
        print_json(view, h, d);
    else
        d_out << heap_text(view, d, d_values) << '\n';
    d_out.flush();
}

void recv_output::print_json(const heap_view& view,
                             const recv::heap& h,
                             const heap_description& d)
{
    d_out << "{\"heap\": " << view.cnt
          << ", \"complete\": " << (view.complete ? "true" : "false")
          << ", \"payload_size\": " << view.payload_size
          << ", \"received\": " << view.received_bytes
          << ", \"heap_length\": " << h.get_heap_length()
          << ", \"start\": " << (h.is_start_of_stream() ? "true" : "false")
          << ", \"stop\": " << (h.is_end_of_stream() ? "true" : "false")
          << ", \"descriptors\": [";
    bool first = true;
    for (const descriptor_event& e : d.descriptors) {
        if (e.what == descriptor_event::kind::unchanged)
            continue;
        d_out << (first ? "" : ", ");
        first = false;
        if (e.what == descriptor_event::kind::without_id) {
            d_out << "{\"error\": \"no DESCRIPTOR_ID (ignored)\"}";
            continue;
        }
        if (e.what == descriptor_event::kind::malformed) {
            d_out << "{\"error\": " << json_string(e.error) << "}";
            continue;
        }
        d_out << "{\"id\": " << e.desc.id << ", \"name\": " << json_string(e.desc.name)
              << ", \"description\": " << json_string(e.desc.description)
              << ", \"format\": [";
        for (std::size_t i = 0; i < e.desc.format.size(); i++)
            d_out << (i ? ", " : "") << "["
                  << json_string(std::string(1, e.desc.format[i].code)) << ", "
                  << e.desc.format[i].bits << "]";
        d_out << "], \"shape\": [";
        for (std::size_t i = 0; i < e.desc.shape.size(); i++)
            d_out << (i ? ", " : "") << e.desc.shape[i];
        d_out << "], \"numpy_header\": " << json_string(e.desc.numpy_header);
        if (!e.type_error.empty())
            d_out << ", \"error\": " << json_string(e.type_error);
        d_out << "}";
    }
    d_out << "], \"items\": [";
    first = true;
    for (const item_event& e : d.items) {
        d_out << (first ? "" : ", ") << "{\"id\": " << e.id;
        first = false;
        if (e.is_control) {
            d_out << ", \"control\": " << e.control_value
                  << ", \"text\": " << json_string(control_text(e.control_value)) << "}";
            continue;
        }
        d_out << ", \"immediate\": " << (e.immediate ? "true" : "false");
        if (!e.immediate)
            d_out << ", \"length\": " << e.length;
        if (!e.name.empty())
            d_out << ", \"name\": " << json_string(e.name);
        if (e.value)
            d_out << ", \"value\": " << json_string(format_value(*e.value, d_values));
        else if (e.name.empty())
            d_out << ", \"error\": \"no usable descriptor\"";
        else
            d_out << ", \"error\": " << json_string(e.error);
        d_out << "}";
    }
    d_out << "]}\n";
}

void recv_output::interval(double seconds, const recv::stream_stats& stats)
{
    namespace idx = recv::stream_stat_indices;
    const double span = seconds - d_last_seconds;
    const double gbps =
        span > 0 ? double(d_payload_bytes - d_last_payload_bytes) * 8e-9 / span : 0;
    const double heaps_per_second = span > 0 ? double(d_heaps - d_last_heaps) / span : 0;
    const std::uint64_t incomplete =
        stats[idx::incomplete_heaps_evicted] + stats[idx::incomplete_heaps_flushed];
    if (d_json) {
        d_out << "{\"interval\": {\"seconds\": " << json_number(seconds, 3)
              << ", \"heaps\": " << d_heaps << ", \"incomplete_heaps\": " << incomplete
              << ", \"packets\": " << stats[idx::packets]
              << ", \"packets_rejected\": " << stats["packets_rejected"]
              << ", \"payload_gbps\": " << json_number(gbps, 4)
              << ", \"heaps_per_s\": " << json_number(heaps_per_second, 1) << "}}\n";
    } else {
        d_out << "[" << json_number(seconds, 1) << " s] heaps " << d_heaps
              << ", incomplete " << incomplete << ", packets " << stats[idx::packets]
              << ", rejected " << stats["packets_rejected"] << ", "
              << json_number(gbps, 3) << " Gb/s payload, "
              << json_number(heaps_per_second, 0) << " heaps/s\n";
    }
    d_out.flush();
    d_last_seconds = seconds;
    d_last_payload_bytes = d_payload_bytes;
    d_last_heaps = d_heaps;
}

void recv_output::final_statistics(double seconds,
                                   const recv::stream_stats& stats,
                                   const char* reason,
                                   const std::optional<udp_reader_counters>& udp)
{
    const auto items = stats.items();
    if (d_json) {
        d_out << "{\"statistics\": {";
        for (std::size_t i = 0; i < items.size(); i++)
            d_out << (i ? ", " : "") << json_string(items[i].first) << ": "
                  << items[i].second;
        d_out << "}, \"heaps_printed\": " << d_heaps
              << ", \"incomplete_heaps_printed\": " << d_incomplete
              << ", \"payload_bytes\": " << d_payload_bytes
              << ", \"seconds\": " << json_number(seconds, 3)
              << ", \"end\": " << json_string(reason);
        if (udp)
            d_out << ", \"udp_readers\": {\"packets_received_in_place\": "
                  << udp->packets_received_in_place
                  << ", \"datagrams_mispredicted\": " << udp->datagrams_mispredicted
                  << "}";
        d_out << "}\n";
    } else {
        d_out << "\nstatistics after " << json_number(seconds, 3) << " s (" << reason
              << "):\n";
        d_out << "  heaps received here: " << d_heaps << " (" << d_incomplete
              << " incomplete), " << d_payload_bytes
              << " payload bytes in complete heaps\n";
        for (const auto& item : items)
            d_out << "  " << item.first << ": " << item.second << "\n";
        if (udp)
            d_out << "UDP readers (not spead2 statistics):\n"
                  << "  packets_received_in_place: " << udp->packets_received_in_place
                  << "\n  datagrams_mispredicted: " << udp->datagrams_mispredicted
                  << "\n";
    }
    d_out.flush();
}

} // namespace apps
} // namespace spead
} // namespace gr
