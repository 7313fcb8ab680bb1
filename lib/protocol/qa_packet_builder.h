/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_PACKET_BUILDER_H
#define INCLUDED_SPEAD_QA_PACKET_BUILDER_H

// Test helper: builds SPEAD packets byte by byte from SPEAD-PROTOCOL.md sections 1 and 2,
// without the encoder or item_pointer, so that tests of the decoder check it against an
// independent construction.

#include <cstdint>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

using bytes = std::vector<std::uint8_t>;

/// A pointer word: bit 63 immediate flag, then the ID, then the low address bits.
inline std::uint64_t
pointer_word(bool immediate, std::uint64_t id, std::uint64_t value, int address_bits)
{
    return (std::uint64_t(immediate) << 63) | (id << address_bits) | value;
}

inline std::uint64_t
immediate_ptr(std::uint64_t id, std::uint64_t value, int address_bits)
{
    return pointer_word(true, id, value, address_bits);
}

inline std::uint64_t
addressed_ptr(std::uint64_t id, std::uint64_t offset, int address_bits)
{
    return pointer_word(false, id, offset, address_bits);
}

inline void append_be64(bytes& out, std::uint64_t v)
{
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(std::uint8_t(v >> shift));
}

/// Header (magic, version, widths, reserved, count), then the pointers, then the payload.
inline bytes build_packet(int address_bits,
                          const std::vector<std::uint64_t>& pointers,
                          const bytes& payload)
{
    bytes out = {
        0x53, 0x04, std::uint8_t((64 - address_bits) / 8), std::uint8_t(address_bits / 8),
        0,    0,    std::uint8_t(pointers.size() >> 8),    std::uint8_t(pointers.size())
    };
    for (std::uint64_t p : pointers)
        append_be64(out, p);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

/**
 * A well-formed packet: HEAP_CNT, HEAP_LENGTH (unless \p heap_length is negative),
 * PAYLOAD_OFFSET and PAYLOAD_LENGTH, then \p extra pointers, then the payload.
 */
inline bytes build_data_packet(int address_bits,
                               std::uint64_t heap_cnt,
                               std::int64_t heap_length,
                               std::uint64_t payload_offset,
                               const bytes& payload,
                               const std::vector<std::uint64_t>& extra = {})
{
    std::vector<std::uint64_t> pointers;
    pointers.push_back(immediate_ptr(0x1, heap_cnt, address_bits));
    if (heap_length >= 0)
        pointers.push_back(immediate_ptr(0x2, std::uint64_t(heap_length), address_bits));
    pointers.push_back(immediate_ptr(0x3, payload_offset, address_bits));
    pointers.push_back(immediate_ptr(0x4, payload.size(), address_bits));
    pointers.insert(pointers.end(), extra.begin(), extra.end());
    return build_packet(address_bits, pointers, payload);
}

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_PACKET_BUILDER_H */
