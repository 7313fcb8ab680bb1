/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_HEAP_ENCODER_H
#define INCLUDED_SPEAD_PROTOCOL_HEAP_ENCODER_H

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/flavour.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {
namespace protocol {

/// One item to send: an immediate value, or bytes placed in the heap payload.
struct encoder_item {
    std::uint64_t id = 0;
    bool immediate = false;
    /// Value of an immediate item (must fit heap_address_bits).
    std::uint64_t immediate_value = 0;
    /// Wire bytes of an addressed item (already big-endian / packed as the type says).
    std::vector<std::uint8_t> data;

    static encoder_item make_immediate(std::uint64_t id, std::uint64_t value);
    static encoder_item make_addressed(std::uint64_t id, std::vector<std::uint8_t> data);
};

/// Everything one heap carries.
struct heap_contents {
    std::uint64_t cnt = 1;
    std::vector<encoder_item> items;
    /// Sent as DESCRIPTOR items, before the values.
    std::vector<descriptor> descriptors;
    /// STREAM_CTRL value (CTRL_STREAM_START, CTRL_STREAM_STOP...), or -1 for none.
    std::int64_t stream_ctrl = -1;
};

/// How heaps are cut into packets.
struct encoder_options {
    flavour flav;
    /// Largest packet in bytes, header and pointers included (1472 fits a 1500 MTU).
    std::size_t max_packet_size = 1472;
    /// Put HEAP_LENGTH in every packet; without it the heap is "unsized".
    bool include_heap_length = true;
};

/**
 * \brief Splits a heap into packets.
 *
 * The item pointers (HEAP_CNT, HEAP_LENGTH, PAYLOAD_OFFSET, PAYLOAD_LENGTH in every
 * packet; the heap's own pointers, descriptors first, spread over the first packets as
 * they fit) and the payload (descriptors, then addressed items, back to back) are laid
 * out as spead2 does: max_packet_size is rounded down to a multiple of 8, a packet
 * carries at most as many heap pointers as leave 8 bytes of payload room, and payload
 * fills each packet to the size limit. Zero-length addressed items still get their
 * pointer.
 *
 * A heap with no payload whose pointers fit one packet produces exactly one packet with
 * no payload (spead2 instead pads such a heap with one zero byte behind a NULL pointer).
 * When the pointers need several packets and the payload is too short to reach the last
 * of them, the payload is padded with zeros behind a NULL pointer, so that no packet
 * arrives after the receiver considers the heap complete.
 * \throws std::invalid_argument when max_packet_size (rounded down to a multiple of 8)
 * cannot hold the header, the packet pointers, one item pointer and 8 payload bytes
 * (56 bytes, or 48 without HEAP_LENGTH); when an ID, an immediate value, the heap cnt or
 * the heap size does not fit the flavour; when an item uses one of the IDs 1-4 that the
 * encoder writes itself; when stream_ctrl is below -1; or when encode_descriptor rejects
 * a descriptor.
 */
std::vector<std::vector<std::uint8_t>> encode_heap(const heap_contents& heap,
                                                   const encoder_options& options);

/// The stop heap a sender ends a stream with: STREAM_CTRL = CTRL_STREAM_STOP, no payload.
std::vector<std::vector<std::uint8_t>> encode_stop_heap(std::uint64_t cnt,
                                                        const encoder_options& options);

/// Concatenates packets into one buffer (stream framing, as a memory buffer or TCP reader
/// consumes them).
std::vector<std::uint8_t>
concatenate_packets(const std::vector<std::vector<std::uint8_t>>& packets);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_HEAP_ENCODER_H */
