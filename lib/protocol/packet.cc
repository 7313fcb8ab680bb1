/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/packet.h>
#include <limits>

namespace gr {
namespace spead {
namespace protocol {

namespace {

constexpr std::uint64_t IMMEDIATE_FLAG = std::uint64_t(1) << 63;

/**
 * Checks the bytes of the fixed header that are present (all eight in decode_packet,
 * possibly fewer in packet_size_needed) and returns the address width in bits, or 0
 * after setting \p status when the header is malformed.
 */
inline int
check_header(const std::uint8_t* data, std::size_t length, packet_status& status)
{
    if (length >= 1 && data[0] != SPEAD_MAGIC) {
        status = packet_status::bad_magic;
        return 0;
    }
    if (length >= 2 && data[1] != SPEAD_VERSION) {
        status = packet_status::bad_version;
        return 0;
    }
    if (length >= 4) {
        const unsigned pointer_bytes = data[2];
        const unsigned address_bytes = data[3];
        if (pointer_bytes == 0 || address_bytes == 0 ||
            pointer_bytes + address_bytes != 8) {
            status = packet_status::bad_widths;
            return 0;
        }
        status = packet_status::ok;
        return int(address_bytes) * 8;
    }
    status = packet_status::ok;
    return 0;
}

inline std::size_t item_count(const std::uint8_t* data)
{
    return (std::size_t(data[6]) << 8) | data[7];
}

/// What the pointer scan finds: the four packet-describing values (heap_length -1 when
/// absent).
struct packet_fields {
    std::uint64_t heap_cnt = 0;
    std::int64_t heap_length = -1;
    std::uint64_t payload_offset = 0;
    std::uint64_t payload_length = 0;
};

/**
 * One pass over the \p n item pointers at \p pointers. The four packet-describing IDs
 * must be immediate; when one appears twice the last wins. Returns ok, or the first
 * reason the pointers make the packet malformed (an addressed required item is reported
 * as soon as it is met, before any missing one).
 */
inline packet_status scan_pointers(const std::uint8_t* pointers,
                                   std::size_t n,
                                   int heap_address_bits,
                                   packet_fields& out)
{
    const std::uint64_t value_mask = (std::uint64_t(1) << heap_address_bits) - 1;
    bool have_cnt = false;
    bool have_offset = false;
    bool have_length = false;
    for (std::size_t i = 0; i < n; i++) {
        const std::uint64_t raw = load_be64(pointers + i * ITEM_POINTER_SIZE);
        const std::uint64_t id = (raw & ~IMMEDIATE_FLAG) >> heap_address_bits;
        if (id - HEAP_CNT_ID > PAYLOAD_LENGTH_ID - HEAP_CNT_ID)
            continue; // not one of IDs 1-4 (the unsigned wrap also excludes NULL)
        if (!(raw & IMMEDIATE_FLAG))
            return packet_status::non_immediate_required_item;
        const std::uint64_t value = raw & value_mask;
        switch (id) {
        case HEAP_CNT_ID:
            out.heap_cnt = value;
            have_cnt = true;
            break;
        case HEAP_LENGTH_ID:
            // Fits: the address width is at most 56 bits.
            out.heap_length = std::int64_t(value);
            break;
        case PAYLOAD_OFFSET_ID:
            out.payload_offset = value;
            have_offset = true;
            break;
        default: // PAYLOAD_LENGTH_ID
            out.payload_length = value;
            have_length = true;
            break;
        }
    }
    if (!have_cnt)
        return packet_status::missing_heap_cnt;
    if (!have_offset)
        return packet_status::missing_payload_offset;
    if (!have_length)
        return packet_status::missing_payload_length;
    return packet_status::ok;
}

/// True when the packet's payload lies inside its own HEAP_LENGTH (or it has none).
inline bool payload_within_heap(const packet_fields& fields)
{
    // Values are below 2^56, so the sum cannot overflow.
    return fields.heap_length < 0 || fields.payload_offset + fields.payload_length <=
                                         std::uint64_t(fields.heap_length);
}

} // namespace

const char* to_string(packet_status status)
{
    switch (status) {
    case packet_status::ok:
        return "ok";
    case packet_status::too_short:
        return "too_short";
    case packet_status::bad_magic:
        return "bad_magic";
    case packet_status::bad_version:
        return "bad_version";
    case packet_status::bad_widths:
        return "bad_widths";
    case packet_status::too_many_item_pointers:
        return "too_many_item_pointers";
    case packet_status::missing_heap_cnt:
        return "missing_heap_cnt";
    case packet_status::missing_payload_offset:
        return "missing_payload_offset";
    case packet_status::missing_payload_length:
        return "missing_payload_length";
    case packet_status::non_immediate_required_item:
        return "non_immediate_required_item";
    case packet_status::length_mismatch:
        return "length_mismatch";
    case packet_status::payload_beyond_heap_length:
        return "payload_beyond_heap_length";
    }
    return "unknown_packet_status";
}

namespace {

/**
 * The checks both decoders share: the packet's header and item pointers are the
 * \p header_size bytes at \p data (\p header_size is at most what the caller has), and
 * \p payload_room bytes follow them (datagram framing: exactly PAYLOAD_LENGTH; stream
 * framing: at least). Fills \p out with the payload at \p payload.
 */
packet_status decode_after_header(const std::uint8_t* data,
                                  int heap_address_bits,
                                  std::size_t n,
                                  const std::uint8_t* payload,
                                  std::uint64_t payload_room,
                                  packet_framing framing,
                                  packet_view& out)
{
    packet_fields fields;
    const packet_status status =
        scan_pointers(data + PACKET_HEADER_SIZE, n, heap_address_bits, fields);
    if (status != packet_status::ok)
        return status;
    if (framing == packet_framing::datagram ? fields.payload_length != payload_room
                                            : fields.payload_length > payload_room)
        return packet_status::length_mismatch;
    if (!payload_within_heap(fields))
        return packet_status::payload_beyond_heap_length;

    out.heap_address_bits = heap_address_bits;
    out.item_pointer_bits = 64;
    out.heap_cnt = fields.heap_cnt;
    out.heap_length = fields.heap_length;
    out.payload_offset = fields.payload_offset;
    out.payload_length = fields.payload_length;
    out.pointers = data + PACKET_HEADER_SIZE;
    out.n_items = n;
    out.payload = payload;
    out.size =
        PACKET_HEADER_SIZE + n * ITEM_POINTER_SIZE + std::size_t(fields.payload_length);
    return packet_status::ok;
}

} // namespace

packet_status decode_packet(const std::uint8_t* data,
                            std::size_t length,
                            packet_view& out,
                            packet_framing framing)
{
    if (length < PACKET_HEADER_SIZE)
        return packet_status::too_short;
    packet_status status;
    const int heap_address_bits = check_header(data, length, status);
    if (status != packet_status::ok)
        return status;

    const std::size_t n = item_count(data);
    // Divide rather than multiply so that no product can overflow.
    if (n > (length - PACKET_HEADER_SIZE) / ITEM_POINTER_SIZE)
        return packet_status::too_many_item_pointers;
    const std::size_t header_size = PACKET_HEADER_SIZE + n * ITEM_POINTER_SIZE;
    // header_size <= length, so the subtraction is safe; comparing against the room left
    // avoids adding a 56-bit PAYLOAD_LENGTH to anything.
    return decode_after_header(data,
                               heap_address_bits,
                               n,
                               data + header_size,
                               length - header_size,
                               framing,
                               out);
}

packet_status decode_split_packet(const std::uint8_t* header,
                                  std::size_t header_length,
                                  const std::uint8_t* payload,
                                  std::size_t payload_length,
                                  packet_view& out)
{
    if (header_length < PACKET_HEADER_SIZE)
        return packet_status::too_short;
    packet_status status;
    const int heap_address_bits = check_header(header, header_length, status);
    if (status != packet_status::ok)
        return status;
    const std::size_t n = item_count(header);
    if (n > (header_length - PACKET_HEADER_SIZE) / ITEM_POINTER_SIZE)
        return packet_status::too_many_item_pointers;
    // Fewer item pointers than the header part holds: the rest of it would be payload,
    // which is not where this packet's payload is.
    if (PACKET_HEADER_SIZE + n * ITEM_POINTER_SIZE != header_length)
        return packet_status::length_mismatch;
    return decode_after_header(header,
                               heap_address_bits,
                               n,
                               payload,
                               payload_length,
                               packet_framing::datagram,
                               out);
}

std::size_t
packet_size_needed(const std::uint8_t* data, std::size_t length, packet_status& status)
{
    // Report a bad header as soon as its first bytes show it, so a TCP reader does not
    // wait for more of a stream that is already broken.
    const int heap_address_bits = check_header(data, length, status);
    if (status != packet_status::ok || length < PACKET_HEADER_SIZE)
        return 0;

    const std::size_t n = item_count(data);
    const std::size_t header_size = PACKET_HEADER_SIZE + n * ITEM_POINTER_SIZE;
    if (length < header_size)
        return 0;

    packet_fields fields;
    status = scan_pointers(data + PACKET_HEADER_SIZE, n, heap_address_bits, fields);
    if (status != packet_status::ok)
        return 0;
    if (!payload_within_heap(fields)) {
        status = packet_status::payload_beyond_heap_length;
        return 0;
    }
    if (fields.payload_length > std::numeric_limits<std::size_t>::max() - header_size) {
        status = packet_status::length_mismatch; // cannot be held in memory at all
        return 0;
    }
    return header_size + std::size_t(fields.payload_length);
}

std::size_t declared_packet_size(const std::uint8_t* data, std::size_t length)
{
    if (length < PACKET_HEADER_SIZE || data[0] != SPEAD_MAGIC || data[1] != SPEAD_VERSION)
        return 0;
    const unsigned pointer_bytes = data[2];
    const unsigned address_bytes = data[3];
    if (pointer_bytes == 0 || address_bytes == 0 || pointer_bytes + address_bytes != 8)
        return 0;
    const std::size_t n = (std::size_t(data[6]) << 8) | data[7];
    if (n > (length - PACKET_HEADER_SIZE) / ITEM_POINTER_SIZE)
        return 0;
    const std::size_t header_size = PACKET_HEADER_SIZE + n * ITEM_POINTER_SIZE;
    bool have_length = false;
    std::uint64_t payload_length = 0;
    for (std::size_t i = 0; i < n; i++) {
        const item_pointer p = item_pointer::decode(
            load_be64(data + PACKET_HEADER_SIZE + i * ITEM_POINTER_SIZE),
            int(address_bytes) * 8);
        if (p.id != PAYLOAD_LENGTH_ID)
            continue;
        if (!p.immediate)
            return 0;
        payload_length = p.value; // the last one wins, as in decode_packet
        have_length = true;
    }
    if (!have_length ||
        payload_length > std::numeric_limits<std::size_t>::max() - header_size)
        return 0;
    return header_size + std::size_t(payload_length);
}

} // namespace protocol
} // namespace spead
} // namespace gr
