/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "heap_describer.h"
#include "value_format.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <array>
#include <sstream>

namespace gr {
namespace spead {
namespace apps {

std::string hex_id(std::uint64_t id)
{
    std::ostringstream out;
    out << "0x" << std::hex << id;
    return out.str();
}

std::string control_text(std::uint64_t value)
{
    switch (value) {
    case protocol::CTRL_STREAM_START:
        return "stream control: start of stream";
    case protocol::CTRL_DESCRIPTOR_REISSUE:
        return "stream control: descriptor reissue";
    case protocol::CTRL_STREAM_STOP:
        return "stream control: stop (end of stream)";
    case protocol::CTRL_DESCRIPTOR_UPDATE:
        return "stream control: descriptor update";
    default:
        return "stream control: unknown value " + std::to_string(value);
    }
}

heap_description heap_describer::describe(const heap_view& heap)
{
    heap_description d;
    // Descriptors first, so that a heap's own descriptors apply to its values.
    for (const auto& item : heap.items) {
        if (item.id == protocol::DESCRIPTOR_ID && !item.immediate)
            d.descriptors.push_back(add_descriptor(heap, item));
    }
    for (const auto& item : heap.items) {
        if (item.id == protocol::STREAM_CTRL_ID && item.immediate) {
            item_event e;
            e.id = item.id;
            e.immediate = true;
            e.is_control = true;
            e.control_value = item.value;
            d.items.push_back(e);
        } else if (item.id > protocol::MAX_CONTROL_ID) {
            d.items.push_back(value_of(heap, item));
        }
    }
    return d;
}

descriptor_event heap_describer::add_descriptor(const heap_view& heap,
                                                const protocol::heap_item& item)
{
    descriptor_event e;
    try {
        auto desc = protocol::decode_descriptor(
            heap.payload + item.offset, item.length, d_bug_compat);
        if (!desc) {
            e.what = descriptor_event::kind::without_id;
            return e;
        }
        e.desc = *desc;
        auto found = d_items.find(desc->id);
        if (found != d_items.end() && found->second.desc == *desc) {
            e.what = descriptor_event::kind::unchanged;
            return e;
        }
        known_item known;
        known.desc = *desc;
        try {
            known.type = protocol::item_type::from_descriptor(*desc, d_bug_compat);
        } catch (const protocol::decode_error& error) {
            e.type_error = error.what();
        }
        d_items[desc->id] = known;
        e.what = descriptor_event::kind::added;
    } catch (const protocol::decode_error& error) {
        d_decode_errors++;
        e.what = descriptor_event::kind::malformed;
        e.error = error.what();
    }
    return e;
}

item_event heap_describer::value_of(const heap_view& heap,
                                    const protocol::heap_item& item)
{
    item_event e;
    e.id = item.id;
    e.immediate = item.immediate;
    e.length = item.length;
    const auto found = d_items.find(item.id);
    if (found == d_items.end() || !found->second.type)
        return e;
    const known_item& known = found->second;
    e.name = known.desc.name;
    // An immediate value is the address-width bytes of the pointer, big-endian.
    std::array<std::uint8_t, 8> immediate_bytes{};
    const std::size_t width = std::size_t(heap.heap_address_bits / 8);
    const std::uint8_t* data = heap.payload + item.offset;
    std::size_t length = item.length;
    if (item.immediate) {
        for (std::size_t i = 0; i < width; i++)
            immediate_bytes[i] = std::uint8_t(item.value >> (8 * (width - 1 - i)));
        data = immediate_bytes.data();
        length = width;
    }
    try {
        e.value = known.type->decode(data, length, item.immediate);
    } catch (const protocol::decode_error& error) {
        d_decode_errors++;
        e.error = error.what();
    }
    return e;
}

std::string heap_text(const heap_view& heap,
                      const heap_description& description,
                      std::size_t max_elements)
{
    std::ostringstream out;
    out << "heap " << heap.cnt << ": " << heap.payload_size << " payload bytes";
    if (!heap.complete)
        out << " (incomplete: " << heap.received_bytes << " received)";
    for (const descriptor_event& e : description.descriptors) {
        switch (e.what) {
        case descriptor_event::kind::added:
            out << "\n  descriptor " << hex_id(e.desc.id) << " \"" << e.desc.name
                << "\": " << e.desc.description;
            if (!e.desc.numpy_header.empty())
                out << "\n    numpy header " << e.desc.numpy_header;
            if (!e.type_error.empty())
                out << "\n    cannot be interpreted: " << e.type_error;
            break;
        case descriptor_event::kind::unchanged:
            break; // a reissued descriptor changes nothing
        case descriptor_event::kind::without_id:
            out << "\n  descriptor without DESCRIPTOR_ID (ignored)";
            break;
        case descriptor_event::kind::malformed:
            out << "\n  bad descriptor: " << e.error;
            break;
        }
    }
    for (const item_event& e : description.items) {
        out << "\n  ";
        if (e.is_control) {
            out << control_text(e.control_value);
            continue;
        }
        const std::string size =
            e.immediate ? "immediate" : std::to_string(e.length) + " B";
        if (e.name.empty())
            out << hex_id(e.id) << " (" << size
                << "): no usable descriptor, value skipped";
        else if (e.value)
            out << e.name << " (" << hex_id(e.id) << ", " << size
                << ") = " << format_value(*e.value, max_elements);
        else
            out << e.name << " (" << hex_id(e.id) << ", " << size
                << "): cannot decode: " << e.error;
    }
    return out.str();
}

} // namespace apps
} // namespace spead
} // namespace gr
