/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_HEAP_SELECTION_H
#define INCLUDED_SPEAD_HEAP_SELECTION_H

// Private to the blocks, free of GNU Radio types (tested by qa_spead_blocks): which
// heaps a source emits, chosen by the value of one item (select_item, select_values),
// e.g. the heaps of one antenna of an F-engine stream (feng_id in {3}).

#include "item_catalog.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gr {
namespace spead {

class heap_selection
{
public:
    enum class verdict {
        selected, ///< emit it (or no selection is made)
        rejected, ///< it carries the item, with a value outside the set (or no integer)
        absent,   ///< it does not carry the item (descriptors, control, other streams)
    };

    /// Selects every heap.
    heap_selection() = default;
    /**
     * \brief Selects heaps whose item \p item (name or ID) has one of \p values; an
     * empty \p item with no values selects every heap.
     * \throws std::invalid_argument naming select_item or select_values: values without
     * an item, an item without values, a negative value.
     */
    heap_selection(const std::string& item, const std::vector<std::int64_t>& values);

    bool active() const { return d_item.has_value(); }
    /// The selection item's value in \p h (decoded with \p catalog) against the set.
    verdict check(const recv::heap& h, const item_catalog& catalog) const;

private:
    std::optional<item_ref> d_item;
    std::vector<std::uint64_t> d_values; ///< sorted
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_HEAP_SELECTION_H */
