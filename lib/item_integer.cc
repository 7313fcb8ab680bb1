/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "item_integer.h"
#include <gnuradio/spead/protocol/scalar_visit.h>
#include <type_traits>

namespace gr {
namespace spead {

std::optional<std::uint64_t> item_integer(const recv::heap& h,
                                          const protocol::heap_item& item,
                                          const item_catalog::entry* entry)
{
    if (!entry || !entry->type) {
        if (item.immediate)
            return item.value;
        return std::nullopt;
    }
    std::uint8_t imm[8];
    const item_value_bytes bytes = value_bytes(h, item, imm);
    protocol::decoded_value v;
    try {
        v = entry->type->decode(bytes.data, bytes.length, item.immediate);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (v.is_string || !v.shape.empty() || v.data.size() < v.type.itemsize)
        return std::nullopt;
    return protocol::visit_scalar(
        v.type, v.data.data(), [](auto x) -> std::optional<std::uint64_t> {
            using T = decltype(x);
            if constexpr (std::is_same_v<T, bool>)
                return std::uint64_t(x);
            else if constexpr (std::is_integral_v<T>) {
                if constexpr (std::is_signed_v<T>)
                    if (x < 0)
                        return std::nullopt;
                return std::uint64_t(x);
            } else
                return std::nullopt; // floats, complex, bytes, records
        });
}

std::optional<std::uint64_t>
heap_integer(const recv::heap& h, const item_catalog& catalog, const item_ref& ref)
{
    const auto id = catalog.resolve(ref);
    if (!id)
        return std::nullopt;
    const protocol::heap_item* item = find_item(h, *id);
    if (!item)
        return std::nullopt;
    return item_integer(h, *item, catalog.find(*id));
}

} // namespace spead
} // namespace gr
