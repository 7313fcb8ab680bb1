/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_HEAP_H
#define INCLUDED_SPEAD_SEND_HEAP_H

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/flavour.h>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/// One item of a heap to send: an immediate value, or bytes that the heap refers to.
struct item {
    std::uint64_t id = 0;
    /// True for a value given as a number (add_item(id, value)): always an immediate.
    bool is_inline = false;
    /// The value of an inline item.
    std::uint64_t inline_value = 0;
    /// The bytes of a non-inline item; not owned unless the heap copied them.
    const std::uint8_t* data = nullptr;
    std::size_t length = 0;
    /// A non-inline item of at most heap_address_bits / 8 bytes goes as an immediate.
    bool allow_immediate = false;
};

/**
 * \brief A heap to send (spead2's send.Heap): items in the order added, each either an
 * immediate or bytes placed in the payload.
 *
 * The heap refers to item values where they are: add_item() does not copy, so the
 * memory must stay valid and unchanged until every stream the heap was handed to has
 * reported it sent (changing the bytes between sends is how a sender reuses one heap).
 * Descriptors and values passed with add_owned_item() are kept inside the heap.
 * The packets are spead2's for the same heap: see packet_generator.
 */
class heap
{
public:
    /// \p flavour sets the address width of the packets; bug_compat changes how
    /// descriptors are encoded.
    explicit heap(const protocol::flavour& flavour = protocol::flavour());

    heap(const heap&) = delete;
    heap& operator=(const heap&) = delete;
    heap(heap&&) = default;
    heap& operator=(heap&&) = default;

    const protocol::flavour& get_flavour() const { return d_flavour; }

    /**
     * \brief Adds an item whose \p length bytes at \p data are its wire value (already
     * big-endian or packed as its type says). Not copied.
     * \throws std::invalid_argument when \p id is 0 or does not fit the flavour's ID
     * bits.
     */
    void add_item(std::uint64_t id,
                  const void* data,
                  std::size_t length,
                  bool allow_immediate);

    /// As add_item(), but the heap keeps its own copy of \p value.
    void add_owned_item(std::uint64_t id,
                        std::vector<std::uint8_t> value,
                        bool allow_immediate);

    /**
     * \brief Adds an item sent as an immediate with the number \p value.
     * \throws std::invalid_argument when \p id is 0 or too wide, or \p value does not
     * fit heap_address_bits.
     */
    void add_item(std::uint64_t id, std::uint64_t value);

    /**
     * \brief Adds a descriptor, encoded now (as a DESCRIPTOR item whose value is a
     * complete SPEAD packet, as spead2 sends it) and kept in the heap.
     * \throws std::invalid_argument from protocol::encode_descriptor.
     */
    void add_descriptor(const protocol::descriptor& descriptor);

    /// Adds STREAM_CTRL = CTRL_STREAM_START (an immediate).
    void add_start();
    /// Adds STREAM_CTRL = CTRL_STREAM_STOP (an immediate): the receiver ends the stream.
    void add_end();

    /// With repeat_pointers, every packet carries all item pointers (they must then
    /// fit one packet); otherwise they are spread over the first packets.
    void set_repeat_pointers(bool repeat) { d_repeat_pointers = repeat; }
    bool get_repeat_pointers() const { return d_repeat_pointers; }

    const std::vector<item>& get_items() const { return d_items; }

private:
    void check_id(std::uint64_t id) const;

    protocol::flavour d_flavour;
    std::vector<item> d_items;
    /// Encoded descriptors and owned values (a deque: their addresses never change).
    std::deque<std::vector<std::uint8_t>> d_storage;
    bool d_repeat_pointers = false;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_HEAP_H */
