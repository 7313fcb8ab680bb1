/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_PACKET_GENERATOR_H
#define INCLUDED_SPEAD_SEND_PACKET_GENERATOR_H

#include <gnuradio/spead/send/heap.h>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/// A piece of a packet: bytes the packet header was written to, or item bytes.
struct packet_buffer {
    const std::uint8_t* data;
    std::size_t size;
};

/**
 * \brief Cuts one heap into packets, without copying item values (spead2's
 * PacketGenerator; the packets are byte for byte spead2's).
 *
 * max_packet_size is rounded down to a multiple of 8. Every packet carries HEAP_CNT,
 * HEAP_LENGTH, PAYLOAD_OFFSET and PAYLOAD_LENGTH, then as many of the heap's item
 * pointers (in the order the items were added) as fit while leaving 8 bytes of payload
 * room, then payload up to the size limit: the non-immediate item values back to back.
 * An item of at most heap_address_bits / 8 bytes that allows it is an immediate, its
 * bytes right-aligned in the pointer. When the payload is too short for every packet
 * that the pointers need to carry some of it, it is padded with zeros behind a NULL
 * item pointer (an empty heap is thus one packet with one zero byte).
 */
class packet_generator
{
public:
    /// Header and 4 packet item pointers.
    static constexpr std::size_t PREFIX_SIZE = 40;

    /**
     * \throws std::invalid_argument when max_packet_size (rounded down to a multiple
     * of 8) is below 56, when repeat_pointers is set and the pointers do not fit one
     * packet, or when \p cnt or the payload size does not fit heap_address_bits.
     */
    packet_generator(const heap& h, std::uint64_t cnt, std::size_t max_packet_size);

    bool has_next_packet() const { return d_payload_offset < d_payload_size; }

    /// Bytes of scratch space next_packet() needs (at most the rounded packet size).
    std::size_t scratch_size() const { return d_scratch_size; }

    /// HEAP_LENGTH of the heap: payload bytes, padding included.
    std::uint64_t payload_size() const { return d_payload_size; }

    /**
     * \brief Writes the next packet's header into \p scratch (scratch_size() bytes)
     * and appends its pieces to \p out: the header, then views of item values.
     * Returns the packet's size in bytes; 0 (and nothing appended) when there is none.
     */
    std::size_t next_packet(std::uint8_t* scratch, std::vector<packet_buffer>& out);

private:
    bool goes_immediate(const item& it) const;

    const heap* d_heap;
    std::uint64_t d_cnt;
    std::size_t d_max_packet_size;
    std::size_t d_max_pointers;
    std::size_t d_scratch_size;
    std::uint64_t d_payload_size = 0;
    std::uint64_t d_payload_offset = 0;
    bool d_need_null_item = false;
    // Pointer side: next item pointer to write and the address of the next value.
    std::size_t d_next_pointer = 0;
    std::uint64_t d_next_address = 0;
    // Payload side: next item whose bytes go out and how far into it.
    std::size_t d_next_item = 0;
    std::size_t d_next_item_offset = 0;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_PACKET_GENERATOR_H */
