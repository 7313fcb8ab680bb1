/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "item_catalog.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/log.h>
#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace gr {
namespace spead {

item_ref item_ref::parse(const std::string& text, const std::string& parameter)
{
    if (text.empty())
        throw std::invalid_argument(parameter +
                                    " must name an item: a descriptor name, or an item "
                                    "ID such as 0x1600 or 5632");
    item_ref ref;
    ref.text = text;
    const bool hex =
        text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    const char* digits = text.c_str() + (hex ? 2 : 0);
    char* end = nullptr;
    errno = 0;
    const unsigned long long value = std::strtoull(digits, &end, hex ? 16 : 10);
    if (*digits != '\0' && *digits != '-' && *digits != '+' && end && *end == '\0' &&
        errno == 0)
        ref.id = value;
    return ref;
}

bool item_catalog::update(const recv::heap& h)
{
    bool has_descriptor = false;
    for (const protocol::heap_item& item : h.get_items())
        has_descriptor |= item.id == protocol::DESCRIPTOR_ID;
    if (!has_descriptor)
        return false;
    bool changed = false;
    for (const protocol::descriptor& d : h.get_descriptors()) {
        auto it = d_by_id.find(d.id);
        if (it != d_by_id.end() && it->second.desc == d)
            continue; // an identical descriptor again changes nothing
        if (it != d_by_id.end())
            d_by_name.erase(it->second.desc.name);
        // A different item of the same name is replaced too.
        auto named = d_by_name.find(d.name);
        if (named != d_by_name.end() && named->second != d.id) {
            d_by_id.erase(named->second);
            d_by_name.erase(named);
        }
        entry e;
        e.desc = d;
        try {
            e.type = protocol::item_type::from_descriptor(d, d_bug_compat);
        } catch (const std::exception& ex) {
            log_message(protocol::log_level::warning,
                        "descriptor of item '" + d.name + "' (ID " +
                            std::to_string(d.id) +
                            ") has a type that cannot be interpreted: " + ex.what());
        }
        d_by_id[d.id] = std::move(e);
        if (!d.name.empty())
            d_by_name[d.name] = d.id;
        changed = true;
    }
    if (changed)
        d_version++;
    return changed;
}

const item_catalog::entry* item_catalog::find(std::uint64_t id) const
{
    auto it = d_by_id.find(id);
    return it == d_by_id.end() ? nullptr : &it->second;
}

std::optional<std::uint64_t> item_catalog::resolve(const item_ref& ref) const
{
    if (ref.id)
        return ref.id;
    auto it = d_by_name.find(ref.text);
    if (it == d_by_name.end())
        return std::nullopt;
    return it->second;
}

const protocol::heap_item* find_item(const recv::heap& h, std::uint64_t id)
{
    for (const protocol::heap_item& item : h.get_items())
        if (item.id == id)
            return &item;
    return nullptr;
}

std::size_t
immediate_bytes(const recv::heap& h, const protocol::heap_item& item, std::uint8_t out[8])
{
    const std::size_t n = std::size_t(h.get_flavour().heap_address_bits() / 8);
    for (std::size_t i = 0; i < n; i++)
        out[i] = std::uint8_t(item.value >> (8 * (n - 1 - i)));
    return n;
}

item_value_bytes
value_bytes(const recv::heap& h, const protocol::heap_item& item, std::uint8_t imm[8])
{
    if (item.immediate)
        return { imm, immediate_bytes(h, item, imm) };
    return { h.payload() + item.offset, item.length };
}

} // namespace spead
} // namespace gr
