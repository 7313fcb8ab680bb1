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
#include <cstring>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace send {

namespace {

protocol::encoder_options make_encoder_options(const send_config& config)
{
    protocol::encoder_options options;
    options.flav = protocol::flavour(4, 64, config.heap_address_bits);
    options.max_packet_size = config.packet_size;
    options.include_heap_length = true;
    return options;
}

std::vector<protocol::descriptor> make_descriptors(const send_config& config)
{
    protocol::descriptor timestamp;
    timestamp.id = TIMESTAMP_ITEM_ID;
    timestamp.name = "timestamp";
    timestamp.description = "Sample counter of the heap's first byte (immediate)";
    timestamp.format = { { 'u', config.heap_address_bits } };
    protocol::descriptor data;
    data.id = DATA_ITEM_ID;
    data.name = "data";
    data.description = "Load generator payload: byte i is i mod 256";
    data.shape = { std::int64_t(config.heap_size) };
    data.numpy_header = "{'descr': '|u1', 'fortran_order': False, 'shape': (" +
                        std::to_string(config.heap_size) + ",)}";
    return { timestamp, data };
}

} // namespace

heap_factory::heap_factory(const send_config& config)
    : d_address_bits(config.heap_address_bits),
      d_mask(config.heap_address_bits >= 64
                 ? ~std::uint64_t(0)
                 : (std::uint64_t(1) << config.heap_address_bits) - 1),
      d_packet_size(config.packet_size)
{
    if (config.heap_size == 0)
        throw std::invalid_argument("heap size must be at least 1 byte");
    const protocol::encoder_options options = make_encoder_options(config);

    protocol::heap_contents descriptors;
    descriptors.cnt = 1;
    descriptors.descriptors = make_descriptors(config);
    d_descriptor_packets = encode_heap(descriptors, options);

    protocol::heap_contents data;
    data.cnt = 1;
    data.items.push_back(protocol::encoder_item::make_immediate(TIMESTAMP_ITEM_ID, 0));
    std::vector<std::uint8_t> payload(config.heap_size);
    for (std::size_t i = 0; i < payload.size(); i++)
        payload[i] = std::uint8_t(i);
    data.items.push_back(
        protocol::encoder_item::make_addressed(DATA_ITEM_ID, std::move(payload)));
    for (auto& bytes : encode_heap(data, options)) {
        protocol::packet_view view;
        if (decode_packet(bytes.data(), bytes.size(), view) !=
            protocol::packet_status::ok)
            throw std::logic_error("the encoder produced a packet that does not decode");
        template_packet t;
        t.head_length = std::size_t(view.payload - bytes.data());
        if (t.head_length > out_packet::max_head)
            throw std::logic_error("data heap packet header longer than expected");
        for (std::size_t i = 0; i < view.n_items; i++) {
            const protocol::item_pointer p = view.pointer(i);
            const std::size_t at =
                protocol::PACKET_HEADER_SIZE + i * protocol::ITEM_POINTER_SIZE;
            if (p.immediate && p.id == protocol::HEAP_CNT_ID)
                t.cnt_at = at;
            else if (p.immediate && p.id == TIMESTAMP_ITEM_ID)
                t.timestamp_at = at;
        }
        if (t.cnt_at == 0)
            throw std::logic_error("data heap packet without HEAP_CNT");
        t.bytes = std::move(bytes);
        d_template.push_back(std::move(t));
    }
}

std::vector<std::vector<std::uint8_t>> heap_factory::stop_packets(std::uint64_t cnt) const
{
    protocol::encoder_options options;
    options.flav = protocol::flavour(4, 64, d_address_bits);
    options.max_packet_size = d_packet_size;
    return encode_stop_heap(cnt, options);
}

namespace {

/// Replaces the value field (the low address bits) of the pointer at \p at.
void patch_value(std::uint8_t* head, std::size_t at, std::uint64_t mask, std::uint64_t v)
{
    const std::uint64_t raw = protocol::load_be64(head + at);
    protocol::store_be64(head + at, (raw & ~mask) | (v & mask));
}

} // namespace

void heap_factory::data_packet(std::uint64_t cnt,
                               std::uint64_t timestamp,
                               std::size_t index,
                               out_packet& out) const
{
    const template_packet& t = d_template[index];
    std::memcpy(out.head.data(), t.bytes.data(), t.head_length);
    out.head_length = t.head_length;
    patch_value(out.head.data(), t.cnt_at, d_mask, cnt);
    if (t.timestamp_at)
        patch_value(out.head.data(), t.timestamp_at, d_mask, timestamp);
    out.body = t.bytes.data() + t.head_length;
    out.body_length = t.bytes.size() - t.head_length;
    out.cnt = cnt;
    out.data = true;
    out.payload_length = out.body_length;
}

} // namespace send
} // namespace spead
} // namespace gr
