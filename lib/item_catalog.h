/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_ITEM_CATALOG_H
#define INCLUDED_SPEAD_ITEM_CATALOG_H

// Private to the blocks, free of GNU Radio types: the descriptors a stream has sent so
// far (by ID and by name), with each item's resolved type, and how a block parameter
// names an item.

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/item_type.h>
#include <gnuradio/spead/recv/heap.h>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace gr {
namespace spead {

/// An item chosen by a block parameter: a name, or an ID written as a decimal or 0x
/// hexadecimal number ("timestamp", "0x1600", "5632").
struct item_ref {
    std::string text;
    std::optional<std::uint64_t> id; ///< set when the text is a number

    /// \throws std::invalid_argument naming \p parameter when \p text is empty.
    static item_ref parse(const std::string& text, const std::string& parameter);
};

class item_catalog
{
public:
    struct entry {
        protocol::descriptor desc;
        /// Empty when the descriptor's type cannot be interpreted (logged once).
        std::optional<protocol::item_type> type;
    };

    explicit item_catalog(int bug_compat) : d_bug_compat(bug_compat) {}

    /// Applies the descriptors \p h carries (rules 1 and 3 of SPEAD-PROTOCOL.md section
    /// 7). Returns true when an item was added or replaced.
    bool update(const recv::heap& h);

    const entry* find(std::uint64_t id) const;
    /// The ID \p ref stands for: its number, or the ID of the descriptor of that name.
    std::optional<std::uint64_t> resolve(const item_ref& ref) const;
    /// Counts changes, so users can tell when to resolve items again.
    std::uint64_t version() const { return d_version; }

private:
    int d_bug_compat;
    std::map<std::uint64_t, entry> d_by_id;
    std::map<std::string, std::uint64_t> d_by_name;
    std::uint64_t d_version = 0;
};

/// The item of \p h with ID \p id, or null.
const protocol::heap_item* find_item(const recv::heap& h, std::uint64_t id);

/// The heap_address_bits / 8 big-endian bytes of an immediate item's value field, as
/// item_type::decode wants them. Returns the number of bytes written to \p out (8 max).
std::size_t immediate_bytes(const recv::heap& h,
                            const protocol::heap_item& item,
                            std::uint8_t out[8]);

/// An item's value as item_type::decode wants it: the payload bytes it points at, or for
/// an immediate item its immediate_bytes, written to \p imm (which must outlive them).
struct item_value_bytes {
    const std::uint8_t* data;
    std::size_t length;
};
item_value_bytes
value_bytes(const recv::heap& h, const protocol::heap_item& item, std::uint8_t imm[8]);

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_ITEM_CATALOG_H */
