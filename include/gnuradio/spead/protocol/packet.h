/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_PACKET_H
#define INCLUDED_SPEAD_PROTOCOL_PACKET_H

#include <gnuradio/spead/protocol/item_pointer.h>
#include <cstddef>
#include <cstdint>

namespace gr {
namespace spead {
namespace protocol {

/// Size of the fixed packet header (magic, version, widths, reserved, item count).
constexpr std::size_t PACKET_HEADER_SIZE = 8;
/// Size of one item pointer on the wire.
constexpr std::size_t ITEM_POINTER_SIZE = 8;
constexpr std::uint8_t SPEAD_MAGIC = 0x53;
constexpr std::uint8_t SPEAD_VERSION = 4;

/**
 * \brief Outcome of decoding one packet: ok, or the reason it was rejected.
 *
 * The receive engine keeps one counter per value, so every distinct way a packet can be
 * malformed has its own entry. Keep packet_status_count() and to_string() in step.
 */
enum class packet_status : std::uint8_t {
    ok = 0,
    /// Shorter than the 8-byte header.
    too_short,
    /// First byte is not 0x53.
    bad_magic,
    /// Second byte is not 4.
    bad_version,
    /// Width bytes are zero or do not add up to 64 bits.
    bad_widths,
    /// The item pointers announced in the header run past the end of the data.
    too_many_item_pointers,
    /// No HEAP_CNT item pointer.
    missing_heap_cnt,
    /// No PAYLOAD_OFFSET item pointer.
    missing_payload_offset,
    /// No PAYLOAD_LENGTH item pointer.
    missing_payload_length,
    /// HEAP_CNT, HEAP_LENGTH, PAYLOAD_OFFSET or PAYLOAD_LENGTH present as an addressed
    /// item.
    non_immediate_required_item,
    /// Datagram framing: header + pointers + PAYLOAD_LENGTH differs from the datagram
    /// size. Stream framing: the packet claims more bytes than the buffer holds.
    length_mismatch,
    /// PAYLOAD_OFFSET + PAYLOAD_LENGTH exceeds the packet's own HEAP_LENGTH.
    payload_beyond_heap_length,
};

/// Number of packet_status values (size of a per-reason counter array).
constexpr std::size_t packet_status_count() { return 12; }

/// Short stable name of a status, e.g. "bad_magic" (used for statistics names and logs).
const char* to_string(packet_status status);

/**
 * \brief How the decoder knows where a packet ends.
 *
 * UDP datagrams and pcap frames carry exactly one packet, so the sizes must agree. In a
 * byte stream (TCP, memory buffer, an embedded descriptor) packets delimit themselves
 * through PAYLOAD_LENGTH and may be followed by more data.
 */
enum class packet_framing { datagram, stream };

/**
 * \brief A decoded packet: views into the caller's buffer, valid while it lives.
 */
struct packet_view {
    int heap_address_bits = 40;
    int item_pointer_bits = 64;
    std::uint64_t heap_cnt = 0;
    /// HEAP_LENGTH, or -1 when the packet does not carry it.
    std::int64_t heap_length = -1;
    std::uint64_t payload_offset = 0;
    std::uint64_t payload_length = 0;
    /// First item pointer (big-endian on the wire); there are \a n_items of them.
    const std::uint8_t* pointers = nullptr;
    std::size_t n_items = 0;
    /// First payload byte; there are \a payload_length of them.
    const std::uint8_t* payload = nullptr;
    /// Bytes the whole packet occupies: header + pointers + payload.
    std::size_t size = 0;

    /// Item pointer \a i, converted from big-endian.
    std::uint64_t raw_pointer(std::size_t i) const
    {
        return load_be64(pointers + i * ITEM_POINTER_SIZE);
    }
    /// Item pointer \a i, split into its fields.
    item_pointer pointer(std::size_t i) const
    {
        return item_pointer::decode(raw_pointer(i), heap_address_bits);
    }
};

/**
 * \brief Decodes the packet at the start of [\a data, \a data + \a length).
 *
 * Checks everything section 1 of SPEAD-PROTOCOL.md requires and never reads outside the
 * given range. On success fills \a out and returns packet_status::ok; otherwise \a out is
 * unspecified. With stream framing, out.size tells how many bytes the packet used.
 */
packet_status decode_packet(const std::uint8_t* data,
                            std::size_t length,
                            packet_view& out,
                            packet_framing framing = packet_framing::datagram);

/**
 * \brief Decodes a datagram whose bytes lie in two places: the header and item pointers
 * (exactly \a header_length bytes at \a header) and the payload (\a payload_length
 * bytes at \a payload), as when a reader receives the payload straight into heap memory.
 *
 * The same checks as decode_packet() with datagram framing on the joined bytes, plus one:
 * the item pointers must end exactly at \a header_length (length_mismatch otherwise). On
 * success, out.payload is \a payload.
 */
packet_status decode_split_packet(const std::uint8_t* header,
                                  std::size_t header_length,
                                  const std::uint8_t* payload,
                                  std::size_t payload_length,
                                  packet_view& out);

/**
 * \brief For byte streams: how many bytes the packet starting at \a data needs in total.
 *
 * Returns 0 when fewer bytes are available than are needed to tell (the header, then the
 * item pointers); otherwise the full packet size (header + pointers + PAYLOAD_LENGTH),
 * or 0 with \a status set to the reason when what is there is already malformed. A TCP
 * reader calls this until it has the whole packet, then decode_packet().
 */
std::size_t
packet_size_needed(const std::uint8_t* data, std::size_t length, packet_status& status);

/**
 * \brief The size a packet states for itself: header + item pointers + its immediate
 * PAYLOAD_LENGTH (the last one, as decode_packet takes it), even when the packet is
 * otherwise malformed (e.g. missing HEAP_CNT).
 *
 * Byte-stream readers use it to step over a malformed packet. Returns 0 when the
 * header is bad (magic, version, widths), the item pointers do not all lie within
 * \p length, PAYLOAD_LENGTH is absent or addressed, or the size overflows. The result
 * may exceed \p length (the packet is not all there yet).
 */
std::size_t declared_packet_size(const std::uint8_t* data, std::size_t length);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_PACKET_H */
