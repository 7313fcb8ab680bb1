/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_HEAP_LAYOUT_H
#define INCLUDED_SPEAD_SEND_HEAP_LAYOUT_H

#include "fill_pattern.h"
#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/dtype.h>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/// Where a data heap stands: what an immediate's value and the payload depend on.
struct heap_position {
    std::uint64_t heap = 0;    ///< global data heap index g (0, 1, 2...)
    std::uint64_t frame = 0;   ///< g / (senders x substreams)
    std::size_t sender = 0;    ///< g mod senders
    std::size_t substream = 0; ///< (g / senders) mod substreams
};

/**
 * \brief The value of an immediate item in each heap: value + step_per_heap x heap +
 * step_per_frame x frame + step_per_sender x sender + step_per_substream x substream,
 * modulo 2^64, then cut to the item's bits.
 */
struct immediate_rule {
    std::uint64_t value = 0;
    std::uint64_t step_per_heap = 0;
    std::uint64_t step_per_frame = 0;
    std::uint64_t step_per_sender = 0;
    std::uint64_t step_per_substream = 0;

    std::uint64_t at(const heap_position& p) const
    {
        return value + step_per_heap * p.heap + step_per_frame * p.frame +
               step_per_sender * std::uint64_t(p.sender) +
               step_per_substream * std::uint64_t(p.substream);
    }
};

/// One item of a data heap.
struct layout_item {
    std::string name;
    std::string description;
    std::uint64_t id = 0;
    bool immediate = false;
    /// A SPEAD format of one field (u/i/f/b/c), or empty when \a dtype_given.
    std::vector<protocol::format_field> format;
    bool dtype_given = false;
    /// Element type of the values: the numpy dtype given, or the format's equivalent.
    protocol::dtype type;
    std::vector<std::size_t> shape; ///< empty: a scalar
    fill_pattern fill;              ///< addressed items
    immediate_rule rule;            ///< immediate items

    /// Bits of an immediate's value (its format's width).
    int immediate_bits() const { return format.empty() ? 0 : format[0].bits; }
    /// Bytes of an addressed item's value.
    std::size_t value_bytes() const;
    /// What its DESCRIPTOR item says.
    protocol::descriptor describe() const;
};

/// What the data heaps hold and how the stream around them goes.
struct heap_layout {
    std::vector<layout_item> items;

    /// Settings a layout file may give; unset ones come from the command line.
    std::optional<int> heap_address_bits;
    std::optional<std::size_t> senders;
    std::optional<std::size_t> substreams;
    std::optional<bool> descriptors;
    std::optional<std::uint64_t> descriptors_every;
    std::optional<bool> start_heap;
    std::optional<bool> stop_heap;
    std::string description; ///< a layout file's own comment
};

/**
 * \brief Sets one field of an item from its text, as the compact form and the layout
 * file give it: name, description, id (decimal or 0x hex), immediate (true/false, or no
 * value), dtype (numpy: <i1, >u2, f4, c8...), format (SPEAD: u48, i32, f64, b8, c8),
 * shape (256x256x2x2, or empty for a scalar), fill (fill_pattern), value,
 * step_per_heap, step_per_frame, step_per_sender, step_per_substream.
 * \throws std::invalid_argument naming the field and the accepted values.
 */
void set_item_field(layout_item& item, const std::string& key, const std::string& value);

/**
 * \brief Parses the compact form "key=value,key=value,..." (a bare key means
 * key=true): e.g. "name=timestamp,id=0x1600,immediate,format=u48,step_per_frame=2048".
 * \throws std::invalid_argument naming the field and the accepted values.
 */
layout_item parse_item_spec(const std::string& spec);

/**
 * \brief Parses a layout file's text (JSON: an object with "items", a list of objects
 * of the fields set_item_field takes, and optionally "flavour", "senders",
 * "substreams", "descriptors", "descriptors_every", "start_heap", "stop_heap",
 * "description").
 * \throws std::invalid_argument naming the item and field and the accepted values.
 */
heap_layout parse_layout_json(const std::string& text);

/// Reads and parses a layout file. \throws std::invalid_argument naming the file.
heap_layout read_layout_file(const std::string& path);

/**
 * \brief The built-in layout: an immediate "timestamp" (0x1600, u<bits>, stepping by
 * \p timestamp_step per heap) and "data" (0x1601), \p heap_size bytes of uint8 whose
 * byte i is i mod 256.
 */
std::vector<layout_item> plain_layout_items(std::size_t heap_size,
                                            std::uint64_t timestamp_step,
                                            int heap_address_bits);

/**
 * \brief Completes and checks items for the flavour: an immediate without a format gets
 * u<heap_address_bits>.
 * \throws std::invalid_argument naming the item when there are no items, a name or ID is
 * repeated, an ID is reserved (0x00-0x06, 0x10-0x15) or does not fit the flavour, an
 * immediate is not a u/i format of whole bytes within heap_address_bits or has a
 * shape, or an addressed item has no type.
 */
void check_layout_items(std::vector<layout_item>& items, int heap_address_bits);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_HEAP_LAYOUT_H */
