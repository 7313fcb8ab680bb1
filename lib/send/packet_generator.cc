/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_pointer.h>
#include <gnuradio/spead/send/packet_generator.h>
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace send {

namespace {

constexpr std::size_t POINTER_SIZE = 8;

std::uint64_t immediate_pointer(std::uint64_t id, std::uint64_t value, int address_bits)
{
    return protocol::item_pointer{ true, id, value }.encode(address_bits);
}

std::uint64_t address_pointer(std::uint64_t id, std::uint64_t address, int address_bits)
{
    return protocol::item_pointer{ false, id, address }.encode(address_bits);
}

} // namespace

packet_generator::packet_generator(const heap& h,
                                   std::uint64_t cnt,
                                   std::size_t max_packet_size)
    : d_heap(&h), d_cnt(cnt), d_max_packet_size(max_packet_size & ~std::size_t(7))
{
    // Room for the prefix, one item pointer and 8 bytes of payload, so that every
    // packet carries payload (its offset orders the packets) and stays aligned.
    if (d_max_packet_size < PREFIX_SIZE + 2 * POINTER_SIZE)
        throw std::invalid_argument("max_packet_size " + std::to_string(max_packet_size) +
                                    " is too small: at least " +
                                    std::to_string(PREFIX_SIZE + 2 * POINTER_SIZE) +
                                    " bytes are needed");
    const protocol::flavour& flavour = h.get_flavour();
    if (cnt > flavour.max_address())
        throw std::invalid_argument("heap cnt " + std::to_string(cnt) + " does not fit " +
                                    std::to_string(flavour.heap_address_bits()) +
                                    " bits");
    d_max_pointers = (d_max_packet_size - PREFIX_SIZE - POINTER_SIZE) / POINTER_SIZE;

    const std::vector<item>& items = h.get_items();
    for (const item& it : items)
        if (!goes_immediate(it))
            d_payload_size += it.length;

    // Packets the pointers need, counting one more pointer in case a NULL pointer
    // must mark where padding starts.
    const std::size_t pointer_packets = items.size() / d_max_pointers + 1;
    if (h.get_repeat_pointers() && pointer_packets > 1)
        throw std::invalid_argument("max_packet_size " + std::to_string(max_packet_size) +
                                    " is too small for " + std::to_string(items.size()) +
                                    " item pointers with repeat_pointers");
    // Every packet but the last carries a multiple of 8 payload bytes, the last at
    // least 1: pad a payload too short for that.
    const std::uint64_t min_payload = (pointer_packets - 1) * POINTER_SIZE + 1;
    if (d_payload_size < min_payload) {
        d_payload_size = min_payload;
        d_need_null_item = true;
    }
    if (d_payload_size > flavour.max_address())
        throw std::invalid_argument(
            "heap payload of " + std::to_string(d_payload_size) + " bytes does not fit " +
            std::to_string(flavour.heap_address_bits()) + "-bit addresses");
    const std::size_t pointers = items.size() + (d_need_null_item ? 1 : 0);
    d_scratch_size = std::min(
        d_max_packet_size,
        PREFIX_SIZE + POINTER_SIZE * std::min(pointers, d_max_pointers) + POINTER_SIZE);
}

bool packet_generator::goes_immediate(const item& it) const
{
    const std::size_t immediate_bytes = d_heap->get_flavour().heap_address_bits() / 8;
    return it.is_inline || (it.allow_immediate && it.length <= immediate_bytes);
}

std::size_t packet_generator::next_packet(std::uint8_t* scratch,
                                          std::vector<packet_buffer>& out)
{
    if (!has_next_packet())
        return 0;
    const std::vector<item>& items = d_heap->get_items();
    const int address_bits = d_heap->get_flavour().heap_address_bits();
    const std::size_t address_bytes = std::size_t(address_bits) / 8;
    if (d_heap->get_repeat_pointers()) {
        d_next_pointer = 0;
        d_next_address = 0;
    }
    const std::size_t all_pointers = items.size() + (d_need_null_item ? 1 : 0);
    const std::size_t n_pointers =
        std::min(d_max_pointers, all_pointers - d_next_pointer);
    const std::size_t header_size = PREFIX_SIZE + n_pointers * POINTER_SIZE;
    std::size_t payload_length = std::size_t(std::min<std::uint64_t>(
        d_payload_size - d_payload_offset, d_max_packet_size - header_size));

    std::uint8_t* p = scratch;
    const std::uint64_t header = (std::uint64_t(0x5304) << 48) |
                                 (std::uint64_t(8 - address_bytes) << 40) |
                                 (std::uint64_t(address_bytes) << 32) | (n_pointers + 4);
    protocol::store_be64(p, header);
    p += 8;
    const std::uint64_t prefix[4] = {
        immediate_pointer(protocol::HEAP_CNT_ID, d_cnt, address_bits),
        immediate_pointer(protocol::HEAP_LENGTH_ID, d_payload_size, address_bits),
        immediate_pointer(protocol::PAYLOAD_OFFSET_ID, d_payload_offset, address_bits),
        immediate_pointer(protocol::PAYLOAD_LENGTH_ID, payload_length, address_bits)
    };
    for (std::uint64_t word : prefix) {
        protocol::store_be64(p, word);
        p += 8;
    }
    d_payload_offset += payload_length;

    for (std::size_t i = 0; i < n_pointers; i++, d_next_pointer++, p += 8) {
        if (d_next_pointer == items.size()) {
            protocol::store_be64(
                p, address_pointer(protocol::NULL_ID, d_next_address, address_bits));
            continue;
        }
        const item& it = items[d_next_pointer];
        if (it.is_inline) {
            protocol::store_be64(p,
                                 immediate_pointer(it.id, it.inline_value, address_bits));
        } else if (goes_immediate(it)) {
            // The value's bytes, as they are, in the low bytes of the pointer.
            protocol::store_be64(p, immediate_pointer(it.id, 0, address_bits));
            if (it.length > 0)
                std::memcpy(p + 8 - it.length, it.data, it.length);
        } else {
            protocol::store_be64(p, address_pointer(it.id, d_next_address, address_bits));
            d_next_address += it.length;
        }
    }
    const std::size_t first_piece = out.size();
    out.push_back(packet_buffer{ scratch, header_size });

    while (payload_length > 0) {
        if (d_next_item == items.size()) {
            // Padding, after all the real payload (at most 8 bytes in a packet): zeros
            // in scratch behind the header.
            std::memset(p, 0, payload_length);
            out.push_back(packet_buffer{ p, payload_length });
            payload_length = 0;
        } else if (goes_immediate(items[d_next_item])) {
            d_next_item++;
            d_next_item_offset = 0;
        } else {
            const item& it = items[d_next_item];
            const std::size_t n =
                std::min(it.length - d_next_item_offset, payload_length);
            if (n > 0)
                out.push_back(packet_buffer{ it.data + d_next_item_offset, n });
            d_next_item_offset += n;
            payload_length -= n;
            if (d_next_item_offset == it.length) {
                d_next_item++;
                d_next_item_offset = 0;
            }
        }
    }
    std::size_t size = 0;
    for (std::size_t i = first_piece; i < out.size(); i++)
        size += out[i].size;
    return size;
}

} // namespace send
} // namespace spead
} // namespace gr
