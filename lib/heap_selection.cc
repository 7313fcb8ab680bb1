/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "heap_selection.h"
#include "item_integer.h"
#include <algorithm>
#include <stdexcept>

namespace gr {
namespace spead {

heap_selection::heap_selection(const std::string& item,
                               const std::vector<std::int64_t>& values)
{
    if (item.empty()) {
        if (!values.empty())
            throw std::invalid_argument(
                "select_item must name the item (name or ID) whose value select_values "
                "lists");
        return;
    }
    if (values.empty())
        throw std::invalid_argument(
            "select_values must list at least one value when select_item is set");
    d_item = item_ref::parse(item, "select_item");
    for (std::size_t i = 0; i < values.size(); i++) {
        if (values[i] < 0)
            throw std::invalid_argument("select_values[" + std::to_string(i) +
                                        "] must be 0 or more, not " +
                                        std::to_string(values[i]));
        d_values.push_back(std::uint64_t(values[i]));
    }
    std::sort(d_values.begin(), d_values.end());
}

heap_selection::verdict heap_selection::check(const recv::heap& h,
                                              const item_catalog& catalog) const
{
    if (!d_item)
        return verdict::selected;
    const auto id = catalog.resolve(*d_item);
    const protocol::heap_item* item = id ? find_item(h, *id) : nullptr;
    if (!item)
        return verdict::absent;
    const auto value = item_integer(h, *item, catalog.find(*id));
    if (value && std::binary_search(d_values.begin(), d_values.end(), *value))
        return verdict::selected;
    return verdict::rejected;
}

} // namespace spead
} // namespace gr
