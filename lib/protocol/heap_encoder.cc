/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_pointer.h>
#include <gnuradio/spead/protocol/packet.h>
#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace gr {
namespace spead {
namespace protocol {

namespace {

/// Payload bytes every packet keeps free of pointers, so that a heap whose pointers
/// need several packets still has payload in each of them (see pad_for_pointer_spill).
/// One pointer's width keeps the payload of all but the last packet 8-byte aligned.
constexpr std::size_t MIN_PAYLOAD_ROOM = ITEM_POINTER_SIZE;

/// Largest item-pointer count the 16-bit field of the packet header can announce.
constexpr std::size_t MAX_POINTERS_IN_HEADER = std::numeric_limits<std::uint16_t>::max();

std::string hex(std::uint64_t value)
{
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

std::string flavour_name(const flavour& flav)
{
    return "SPEAD-" + std::to_string(flav.item_pointer_bits()) + "-" +
           std::to_string(flav.heap_address_bits());
}

/// A run of heap payload; null \a data stands for zero padding.
struct payload_piece {
    const std::uint8_t* data;
    std::size_t length;
};

/**
 * Walks the payload pieces as packets consume them, so that each byte is copied once,
 * straight from the caller's item data into its packet, with no whole-heap buffer.
 */
class payload_cursor
{
public:
    explicit payload_cursor(const std::vector<payload_piece>& pieces) : d_pieces(pieces)
    {
    }

    void copy_next(std::uint8_t* out, std::size_t length)
    {
        while (length > 0) {
            const payload_piece& piece = d_pieces[d_index];
            const std::size_t n = std::min(length, piece.length - d_offset);
            if (piece.data)
                std::memcpy(out, piece.data + d_offset, n);
            else
                std::memset(out, 0, n);
            out += n;
            length -= n;
            d_offset += n;
            if (d_offset == piece.length) {
                d_index++;
                d_offset = 0;
            }
        }
    }

private:
    const std::vector<payload_piece>& d_pieces;
    std::size_t d_index = 0;
    std::size_t d_offset = 0;
};

/// The heap's own item pointers (raw, host order) and the payload they address.
struct heap_plan {
    std::vector<std::uint64_t> pointers;
    std::vector<payload_piece> payload;
    std::size_t payload_size = 0;
};

class heap_planner
{
public:
    explicit heap_planner(const flavour& flav) : d_flav(flav) {}

    void add_immediate(std::uint64_t id, std::uint64_t value)
    {
        check_id(id);
        if (value > d_flav.max_address())
            throw std::invalid_argument("item id " + hex(id) + ": immediate value " +
                                        std::to_string(value) + " does not fit " +
                                        flavour_name(d_flav) + " (maximum " +
                                        std::to_string(d_flav.max_address()) + ")");
        d_plan.pointers.push_back(
            item_pointer{ true, id, value }.encode(d_flav.heap_address_bits()));
    }

    void add_addressed(std::uint64_t id, const std::uint8_t* data, std::size_t length)
    {
        check_id(id);
        // A zero-length item still gets its pointer: the receiver then knows it exists
        // (it decodes to nothing, as spead2 does).
        add_raw_addressed(id, data, length);
    }

    /// Zero padding addressed by a NULL pointer, which also ends the last real item.
    void add_null_padding(std::size_t length)
    {
        add_raw_addressed(NULL_ID, nullptr, length);
    }

    heap_plan& plan() { return d_plan; }

private:
    void check_id(std::uint64_t id) const
    {
        if (id > d_flav.max_id())
            throw std::invalid_argument("item id " + hex(id) + " does not fit the " +
                                        std::to_string(d_flav.id_bits()) +
                                        "-bit item IDs of " + flavour_name(d_flav) +
                                        " (maximum " + hex(d_flav.max_id()) + ")");
        if (id >= HEAP_CNT_ID && id <= PAYLOAD_LENGTH_ID)
            throw std::invalid_argument(
                "item id " + hex(id) +
                " is reserved for the packet pointers (HEAP_CNT, HEAP_LENGTH, "
                "PAYLOAD_OFFSET, PAYLOAD_LENGTH) that the encoder writes itself");
    }

    void add_raw_addressed(std::uint64_t id, const std::uint8_t* data, std::size_t length)
    {
        const std::size_t offset = d_plan.payload_size;
        if (length > d_flav.max_address() - offset)
            throw std::invalid_argument(
                "item id " + hex(id) + ": the heap payload would exceed " +
                std::to_string(d_flav.max_address()) + " bytes, the largest that the " +
                std::to_string(d_flav.heap_address_bits()) + "-bit heap addresses of " +
                flavour_name(d_flav) + " can address");
        d_plan.pointers.push_back(
            item_pointer{ false, id, offset }.encode(d_flav.heap_address_bits()));
        if (length > 0)
            d_plan.payload.push_back(payload_piece{ data, length });
        d_plan.payload_size += length;
    }

    const flavour& d_flav;
    heap_plan d_plan;
};

/// Packet geometry that follows from the options.
struct packet_geometry {
    std::size_t max_size = 0;          ///< usable packet size (multiple of 8)
    std::size_t header_size = 0;       ///< header plus the packet pointers
    std::size_t packet_pointers = 0;   ///< 4, or 3 without HEAP_LENGTH
    std::size_t max_heap_pointers = 0; ///< heap pointers one packet may carry
    /// Payload room left in a packet that carries max_heap_pointers heap pointers:
    /// MIN_PAYLOAD_ROOM, or more when the header's 16-bit count is the limit.
    std::size_t full_packet_room = 0;
};

packet_geometry make_geometry(const encoder_options& options)
{
    packet_geometry g;
    // Rounded down to whole pointers, as spead2 does, so that the payload of every packet
    // but the last is a multiple of 8 bytes (aligned copies at the receiver).
    g.max_size = options.max_packet_size & ~(ITEM_POINTER_SIZE - 1);
    g.packet_pointers = options.include_heap_length ? 4 : 3;
    g.header_size = PACKET_HEADER_SIZE + g.packet_pointers * ITEM_POINTER_SIZE;
    const std::size_t minimum = g.header_size + ITEM_POINTER_SIZE + MIN_PAYLOAD_ROOM;
    if (g.max_size < minimum)
        throw std::invalid_argument(
            "max_packet_size " + std::to_string(options.max_packet_size) +
            " is too small: the minimum is " + std::to_string(minimum) +
            " (8-byte header, " + std::to_string(g.packet_pointers) +
            " packet item pointers, one item pointer and " +
            std::to_string(MIN_PAYLOAD_ROOM) + " payload bytes)");
    g.max_heap_pointers =
        std::min((g.max_size - g.header_size - MIN_PAYLOAD_ROOM) / ITEM_POINTER_SIZE,
                 MAX_POINTERS_IN_HEADER - g.packet_pointers);
    g.full_packet_room =
        g.max_size - g.header_size - g.max_heap_pointers * ITEM_POINTER_SIZE;
    return g;
}

std::size_t packets_for_pointers(std::size_t n_pointers, const packet_geometry& g)
{
    return std::max<std::size_t>(
        1, (n_pointers + g.max_heap_pointers - 1) / g.max_heap_pointers);
}

/**
 * When the heap's pointers need several packets, every one of those packets must carry
 * payload: the receiver counts a heap complete once all HEAP_LENGTH bytes have arrived,
 * so a packet with pointers but no payload could come after completion and be lost, and
 * payload-free packets cannot be ordered. Packets full of pointers carry full_packet_room
 * bytes each, so the payload must reach into the last pointer packet; when it is too
 * short it is padded with zeros behind a NULL pointer (which keeps the padding out of the
 * last real item). A heap whose pointers fit one packet needs no padding, even with no
 * payload at all.
 */
void pad_for_pointer_spill(heap_planner& planner, const packet_geometry& g)
{
    const heap_plan& plan = planner.plan();
    const std::size_t pointer_packets = packets_for_pointers(plan.pointers.size(), g);
    if (pointer_packets == 1 ||
        plan.payload_size > (pointer_packets - 1) * g.full_packet_room)
        return;
    // The NULL pointer may itself need one more packet.
    const std::size_t padded_packets = packets_for_pointers(plan.pointers.size() + 1, g);
    const std::size_t padded_size = (padded_packets - 1) * g.full_packet_room + 1;
    planner.add_null_padding(padded_size - plan.payload_size);
}

void write_header(std::uint8_t* out, const flavour& flav, std::size_t n_pointers)
{
    const int address_bytes = flav.heap_address_bits() / 8;
    out[0] = SPEAD_MAGIC;
    out[1] = SPEAD_VERSION;
    out[2] = std::uint8_t(flav.item_pointer_bits() / 8 - address_bytes);
    out[3] = std::uint8_t(address_bytes);
    out[4] = 0;
    out[5] = 0;
    out[6] = std::uint8_t(n_pointers >> 8);
    out[7] = std::uint8_t(n_pointers);
}

} // namespace

encoder_item encoder_item::make_immediate(std::uint64_t id, std::uint64_t value)
{
    encoder_item item;
    item.id = id;
    item.immediate = true;
    item.immediate_value = value;
    return item;
}

encoder_item encoder_item::make_addressed(std::uint64_t id,
                                          std::vector<std::uint8_t> data)
{
    encoder_item item;
    item.id = id;
    item.immediate = false;
    item.data = std::move(data);
    return item;
}

std::vector<std::vector<std::uint8_t>> encode_heap(const heap_contents& heap,
                                                   const encoder_options& options)
{
    const flavour& flav = options.flav;
    const int address_bits = flav.heap_address_bits();
    const packet_geometry geometry = make_geometry(options);

    if (heap.cnt > flav.max_address())
        throw std::invalid_argument("heap cnt " + std::to_string(heap.cnt) +
                                    " does not fit " + flavour_name(flav) + " (maximum " +
                                    std::to_string(flav.max_address()) + ")");
    if (heap.stream_ctrl < -1)
        throw std::invalid_argument(
            "stream_ctrl must be -1 (none) or a STREAM_CTRL value, "
            "not " +
            std::to_string(heap.stream_ctrl));

    // Descriptors are small; their encoded packets live here while the heap is cut up.
    std::vector<std::vector<std::uint8_t>> encoded_descriptors;
    encoded_descriptors.reserve(heap.descriptors.size());
    for (const descriptor& desc : heap.descriptors)
        encoded_descriptors.push_back(encode_descriptor(desc, flav));

    heap_planner planner(flav);
    for (const auto& encoded : encoded_descriptors)
        planner.add_addressed(DESCRIPTOR_ID, encoded.data(), encoded.size());
    if (heap.stream_ctrl >= 0)
        planner.add_immediate(STREAM_CTRL_ID, std::uint64_t(heap.stream_ctrl));
    for (const encoder_item& item : heap.items) {
        if (item.immediate)
            planner.add_immediate(item.id, item.immediate_value);
        else
            planner.add_addressed(item.id, item.data.data(), item.data.size());
    }
    pad_for_pointer_spill(planner, geometry);

    const heap_plan& plan = planner.plan();
    const std::size_t heap_length = plan.payload_size;
    const std::size_t n_heap_pointers = plan.pointers.size();
    payload_cursor cursor(plan.payload);

    std::vector<std::vector<std::uint8_t>> packets;
    const std::size_t payload_room = geometry.max_size - geometry.header_size;
    packets.reserve(packets_for_pointers(n_heap_pointers, geometry) +
                    heap_length / payload_room + 1);

    std::size_t next_pointer = 0;
    std::size_t payload_offset = 0;
    do {
        const std::size_t n_pointers =
            std::min(geometry.max_heap_pointers, n_heap_pointers - next_pointer);
        const std::size_t payload_length = std::min(
            heap_length - payload_offset, payload_room - n_pointers * ITEM_POINTER_SIZE);
        const std::size_t pointers_size =
            (geometry.packet_pointers + n_pointers) * ITEM_POINTER_SIZE;

        std::vector<std::uint8_t> packet(PACKET_HEADER_SIZE + pointers_size +
                                         payload_length);
        std::uint8_t* out = packet.data();
        write_header(out, flav, geometry.packet_pointers + n_pointers);
        out += PACKET_HEADER_SIZE;
        auto put_immediate = [&](std::uint64_t id, std::uint64_t value) {
            store_be64(out, item_pointer{ true, id, value }.encode(address_bits));
            out += ITEM_POINTER_SIZE;
        };
        put_immediate(HEAP_CNT_ID, heap.cnt);
        if (options.include_heap_length)
            put_immediate(HEAP_LENGTH_ID, heap_length);
        put_immediate(PAYLOAD_OFFSET_ID, payload_offset);
        put_immediate(PAYLOAD_LENGTH_ID, payload_length);
        for (std::size_t i = 0; i < n_pointers; i++) {
            store_be64(out, plan.pointers[next_pointer + i]);
            out += ITEM_POINTER_SIZE;
        }
        cursor.copy_next(out, payload_length);

        next_pointer += n_pointers;
        payload_offset += payload_length;
        packets.push_back(std::move(packet));
    } while (next_pointer < n_heap_pointers || payload_offset < heap_length);
    return packets;
}

std::vector<std::vector<std::uint8_t>> encode_stop_heap(std::uint64_t cnt,
                                                        const encoder_options& options)
{
    heap_contents heap;
    heap.cnt = cnt;
    heap.stream_ctrl = std::int64_t(CTRL_STREAM_STOP);
    return encode_heap(heap, options);
}

std::vector<std::uint8_t>
concatenate_packets(const std::vector<std::vector<std::uint8_t>>& packets)
{
    std::size_t total = 0;
    for (const auto& packet : packets)
        total += packet.size();
    std::vector<std::uint8_t> out;
    out.reserve(total);
    for (const auto& packet : packets)
        out.insert(out.end(), packet.begin(), packet.end());
    return out;
}

} // namespace protocol
} // namespace spead
} // namespace gr
