/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "send_heaps.h"
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_pointer.h>
#include <gnuradio/spead/protocol/packet.h>
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace send {

namespace {

/// More payload variants than this (all variants' bytes) is refused: memory is bounded.
constexpr std::size_t MAX_VARIANT_BYTES = std::size_t(1) << 30;

protocol::encoder_options make_encoder_options(const send_config& config)
{
    protocol::encoder_options options;
    options.flav = protocol::flavour(4, 64, config.heap_address_bits);
    options.max_packet_size = config.packet_size;
    options.include_heap_length = true;
    return options;
}

std::uint64_t width_mask(int bits)
{
    return bits >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << bits) - 1;
}

/// Replaces the value field (the low address bits) of the pointer at \p at.
void patch_value(std::uint8_t* head, std::size_t at, std::uint64_t mask, std::uint64_t v)
{
    const std::uint64_t raw = protocol::load_be64(head + at);
    protocol::store_be64(head + at, (raw & ~mask) | (v & mask));
}

} // namespace

std::vector<layout_item> data_heap_items(const send_config& config)
{
    std::vector<layout_item> items =
        config.layout.items.empty()
            ? plain_layout_items(config.heap_size,
                                 config.timestamp_step ? config.timestamp_step
                                                       : config.heap_size,
                                 config.heap_address_bits)
            : config.layout.items;
    check_layout_items(items, config.heap_address_bits);
    // Immediates first: their pointers then lead each packet, in the patched head.
    std::stable_partition(items.begin(), items.end(), [](const layout_item& item) {
        return item.immediate;
    });
    return items;
}

heap_factory::heap_factory(const send_config& config)
    : d_address_bits(config.heap_address_bits),
      d_mask(width_mask(config.heap_address_bits)),
      d_items(data_heap_items(config)),
      d_senders(std::max<std::size_t>(config.senders, 1)),
      d_substreams(config.substreams
                       ? config.substreams
                       : std::max<std::size_t>(config.destinations.size(), 1)),
      d_destinations(std::max<std::size_t>(config.destinations.size(), 1))
{
    if (d_destinations > d_substreams)
        throw std::invalid_argument(
            "substreams: " + std::to_string(d_substreams) + " substreams for " +
            std::to_string(d_destinations) +
            " destinations would leave destinations without data (accepted: at "
            "least as many substreams as destinations)");
    const protocol::encoder_options options = make_encoder_options(config);

    protocol::heap_contents descriptors;
    for (const layout_item& item : d_items)
        descriptors.descriptors.push_back(item.describe());
    d_descriptors = make_template(encode_heap(descriptors, options));
    protocol::heap_contents start;
    start.stream_ctrl = std::int64_t(protocol::CTRL_STREAM_START);
    d_start = make_template(encode_heap(start, options));
    d_stop = make_template(encode_stop_heap(1, options));

    for (const layout_item& item : d_items) {
        if (item.immediate)
            continue;
        d_heap_payload += item.value_bytes();
        d_by_sender = d_by_sender || item.fill.depends_on_sender();
        d_by_substream = d_by_substream || item.fill.depends_on_substream();
    }
    const std::size_t n_senders = d_by_sender ? d_senders : 1;
    const std::size_t n_substreams = d_by_substream ? d_substreams : 1;
    if (d_heap_payload && n_senders * n_substreams > MAX_VARIANT_BYTES / d_heap_payload)
        throw std::invalid_argument(
            "layout: " + std::to_string(n_senders * n_substreams) +
            " payload variants (noise differs per sender and substream, a channel "
            "tone per substream) of " +
            std::to_string(d_heap_payload) + " bytes exceed 1 GiB");
    for (std::size_t s = 0; s < n_senders; s++) {
        for (std::size_t c = 0; c < n_substreams; c++) {
            protocol::heap_contents data;
            for (const layout_item& item : d_items) {
                if (item.immediate) {
                    data.items.push_back(
                        protocol::encoder_item::make_immediate(item.id, 0));
                    continue;
                }
                try {
                    data.items.push_back(protocol::encoder_item::make_addressed(
                        item.id, fill_values(item.fill, item.type, item.shape, s, c)));
                } catch (const std::invalid_argument& e) {
                    throw std::invalid_argument("item '" + item.name + "': " + e.what());
                }
            }
            d_variants.push_back(make_template(encode_heap(data, options)));
        }
    }
}

heap_factory::heap_template
heap_factory::make_template(std::vector<std::vector<std::uint8_t>> packets) const
{
    heap_template out;
    for (auto& bytes : packets) {
        protocol::packet_view view;
        if (decode_packet(bytes.data(), bytes.size(), view) !=
            protocol::packet_status::ok)
            throw std::logic_error("the encoder produced a packet that does not decode");
        template_packet t;
        t.payload_length = std::size_t(bytes.data() + bytes.size() - view.payload);
        std::size_t end = 0;
        for (std::size_t i = 0; i < view.n_items; i++) {
            const protocol::item_pointer p = view.pointer(i);
            const std::size_t at =
                protocol::PACKET_HEADER_SIZE + i * protocol::ITEM_POINTER_SIZE;
            if (!p.immediate)
                continue;
            bool patched = false;
            if (p.id == protocol::HEAP_CNT_ID) {
                t.cnt_at = at;
                patched = true;
            }
            for (std::size_t k = 0; k < d_items.size(); k++) {
                if (d_items[k].immediate && d_items[k].id == p.id) {
                    t.patches.push_back({ at, k });
                    patched = true;
                }
            }
            if (patched)
                end = at + protocol::ITEM_POINTER_SIZE;
        }
        if (t.cnt_at == 0)
            throw std::logic_error("heap packet without HEAP_CNT");
        if (end > out_packet::max_head)
            throw std::invalid_argument(
                "layout: too many immediate items (their pointers must fit the first " +
                std::to_string(out_packet::max_head) + " bytes of a packet: at most " +
                std::to_string((out_packet::max_head - protocol::PACKET_HEADER_SIZE) /
                                   protocol::ITEM_POINTER_SIZE -
                               4) +
                " immediates)");
        t.head_length = end;
        t.bytes = std::move(bytes);
        out.push_back(std::move(t));
    }
    return out;
}

void heap_factory::fill_packet(const template_packet& t,
                               std::uint64_t cnt,
                               const heap_position* where,
                               out_packet& out) const
{
    std::memcpy(out.head.data(), t.bytes.data(), t.head_length);
    out.head_length = t.head_length;
    patch_value(out.head.data(), t.cnt_at, d_mask, cnt);
    if (where) {
        for (const patch& p : t.patches) {
            const layout_item& item = d_items[p.item];
            // The value sits in the field's low bytes, cut to the item's width.
            patch_value(out.head.data(),
                        p.at,
                        d_mask,
                        item.rule.at(*where) & width_mask(item.immediate_bits()));
        }
    }
    out.body = t.bytes.data() + t.head_length;
    out.body_length = t.bytes.size() - t.head_length;
    out.cnt = cnt;
}

std::size_t heap_factory::control_packets(control_heap kind) const
{
    switch (kind) {
    case control_heap::descriptors:
        return d_descriptors.size();
    case control_heap::start:
        return d_start.size();
    case control_heap::stop:
        return d_stop.size();
    }
    return 0;
}

void heap_factory::control_packet(control_heap kind,
                                  std::uint64_t cnt,
                                  std::size_t index,
                                  out_packet& out) const
{
    const heap_template& t = kind == control_heap::descriptors ? d_descriptors
                             : kind == control_heap::start     ? d_start
                                                               : d_stop;
    fill_packet(t[index], cnt, nullptr, out);
    out.data = false;
    out.payload_length = 0;
}

std::size_t heap_factory::variant(const heap_position& where) const
{
    const std::size_t s = d_by_sender ? where.sender : 0;
    const std::size_t c = d_by_substream ? where.substream : 0;
    return s * (d_by_substream ? d_substreams : 1) + c;
}

void heap_factory::data_packet(std::uint64_t cnt,
                               const heap_position& where,
                               std::size_t index,
                               out_packet& out) const
{
    const template_packet& t = d_variants[variant(where)][index];
    fill_packet(t, cnt, &where, out);
    out.data = true;
    out.payload_length = t.payload_length;
}

} // namespace send
} // namespace spead
} // namespace gr
