/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "item_integer.h"
#include <cstring>

namespace gr {
namespace spead {

namespace {

template <typename T>
std::int64_t load(const std::uint8_t* p)
{
    T v;
    std::memcpy(&v, p, sizeof(T));
    return std::int64_t(v);
}

} // namespace

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
    const std::uint8_t* data = h.payload() + item.offset;
    std::size_t length = item.length;
    if (item.immediate) {
        length = immediate_bytes(h, item, imm);
        data = imm;
    }
    protocol::decoded_value v;
    try {
        v = entry->type->decode(data, length, item.immediate);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (v.is_string || !v.shape.empty() || v.data.size() < v.type.itemsize)
        return std::nullopt;
    const std::uint8_t* p = v.data.data();
    using kind = protocol::dtype::kind;
    switch (v.type.type_kind) {
    case kind::boolean:
        return std::uint64_t(p[0] != 0);
    case kind::unsigned_int:
        switch (v.type.itemsize) {
        case 1:
            return p[0];
        case 2:
            return std::uint64_t(std::uint16_t(load<std::uint16_t>(p)));
        case 4:
            return std::uint64_t(std::uint32_t(load<std::uint32_t>(p)));
        case 8: {
            std::uint64_t u;
            std::memcpy(&u, p, 8);
            return u;
        }
        }
        return std::nullopt;
    case kind::signed_int: {
        std::int64_t s;
        switch (v.type.itemsize) {
        case 1:
            s = load<std::int8_t>(p);
            break;
        case 2:
            s = load<std::int16_t>(p);
            break;
        case 4:
            s = load<std::int32_t>(p);
            break;
        case 8:
            s = load<std::int64_t>(p);
            break;
        default:
            return std::nullopt;
        }
        if (s < 0)
            return std::nullopt;
        return std::uint64_t(s);
    }
    default:
        return std::nullopt;
    }
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
