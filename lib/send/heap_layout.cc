/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "heap_layout.h"
#include "layout_json.h"
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gr {
namespace spead {
namespace send {

namespace {

using protocol::dtype;

constexpr const char* ITEM_FIELDS =
    "name, description, id, immediate, dtype, format, shape, fill, value, "
    "step_per_heap, step_per_frame, step_per_sender, step_per_substream";

std::string item_label(const layout_item& item)
{
    return item.name.empty() ? std::string("item") : "item '" + item.name + "'";
}

[[noreturn]] void bad_field(const layout_item& item,
                            const std::string& key,
                            const std::string& value,
                            const std::string& accepted)
{
    throw std::invalid_argument(item_label(item) + ": " + key + "=" + value +
                                " is not accepted (" + accepted + ")");
}

/// An unsigned (or, with \p allow_negative, a negative one taken modulo 2^64) integer,
/// decimal or 0x hex.
std::uint64_t parse_integer(const layout_item& item,
                            const std::string& key,
                            const std::string& text,
                            bool allow_negative)
{
    const char* accepted =
        allow_negative ? "an integer, decimal or 0x hex, negative ones modulo 2^64"
                       : "an unsigned integer, decimal or 0x hex";
    if (text.empty() || (text[0] == '-' && !allow_negative))
        bad_field(item, key, text, accepted);
    char* end = nullptr;
    errno = 0;
    std::uint64_t v;
    if (text[0] == '-')
        v = std::uint64_t(std::strtoll(text.c_str(), &end, 0));
    else
        v = std::strtoull(text.c_str(), &end, 0);
    if (errno != 0 || *end != '\0')
        bad_field(item, key, text, accepted);
    return v;
}

bool parse_bool(const layout_item& item, const std::string& key, const std::string& text)
{
    if (text == "true" || text == "1" || text == "yes")
        return true;
    if (text == "false" || text == "0" || text == "no")
        return false;
    bad_field(item, key, text, "true or false");
}

/// A SPEAD format of one field and the numpy type it reads as.
void parse_format(layout_item& item, const std::string& text)
{
    const char* accepted = "one SPEAD field: u or i of 8 to 64 bits, f32, f64, b8, c8";
    if (text.size() < 2)
        bad_field(item, "format", text, accepted);
    const char code = text[0];
    char* end = nullptr;
    errno = 0;
    const long bits = std::strtol(text.c_str() + 1, &end, 10);
    if (errno != 0 || *end != '\0' || bits <= 0 || bits > 64)
        bad_field(item, "format", text, accepted);
    if (code == 'u' || code == 'i') {
        const dtype::kind k =
            code == 'u' ? dtype::kind::unsigned_int : dtype::kind::signed_int;
        // Byte-aligned standard widths read as big-endian numpy types; other widths are
        // for immediates, checked when the flavour is known.
        const std::size_t size = bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
        item.type = dtype::scalar(k, size, '>');
    } else if (code == 'f' && (bits == 32 || bits == 64)) {
        item.type = dtype::scalar(dtype::kind::floating, std::size_t(bits / 8), '>');
    } else if (code == 'b' && bits == 8) {
        item.type = dtype::scalar(dtype::kind::boolean, 1, '|');
    } else if (code == 'c' && bits == 8) {
        item.type = dtype::scalar(dtype::kind::bytes, 1, '|');
    } else {
        bad_field(item, "format", text, accepted);
    }
    item.format = { { code, int(bits) } };
    item.dtype_given = false;
}

std::vector<std::size_t> parse_shape(const layout_item& item, const std::string& text)
{
    std::vector<std::size_t> shape;
    if (text.empty() || text == "()")
        return shape;
    std::size_t from = 0;
    for (;;) {
        const std::size_t at = text.find('x', from);
        const std::string dim = text.substr(from, at - from);
        if (dim.empty() || dim.find_first_not_of("0123456789") != std::string::npos ||
            dim.size() > 12)
            bad_field(item,
                      "shape",
                      text,
                      "dimensions joined by x, e.g. 256x256x2x2; empty for a scalar");
        shape.push_back(std::size_t(std::stoull(dim)));
        if (at == std::string::npos)
            return shape;
        from = at + 1;
    }
}

std::string hex(std::uint64_t v)
{
    std::ostringstream out;
    out << "0x" << std::hex << v;
    return out.str();
}

} // namespace

std::size_t layout_item::value_bytes() const
{
    std::size_t n = type.itemsize;
    for (std::size_t d : shape)
        n *= d;
    return n;
}

protocol::descriptor layout_item::describe() const
{
    protocol::descriptor d;
    d.id = id;
    d.name = name;
    d.description = description;
    d.format = format;
    for (std::size_t dim : shape)
        d.shape.push_back(std::int64_t(dim));
    if (dtype_given) {
        protocol::numpy_header header;
        header.type = type;
        header.shape = d.shape;
        d.numpy_header = protocol::format_numpy_header(header);
    }
    return d;
}

void set_item_field(layout_item& item, const std::string& key, const std::string& value)
{
    if (key == "name") {
        if (value.empty())
            bad_field(item, key, value, "a non-empty name");
        item.name = value;
    } else if (key == "description") {
        item.description = value;
    } else if (key == "id") {
        item.id = parse_integer(item, key, value, false);
    } else if (key == "immediate") {
        item.immediate = parse_bool(item, key, value);
    } else if (key == "dtype") {
        try {
            item.type = protocol::parse_dtype_string(value);
        } catch (const std::exception&) {
            bad_field(item,
                      key,
                      value,
                      "a numpy type string: [<>|=] then b1, i1/2/4/8, u1/2/4/8, f4, f8, "
                      "c8, c16, e.g. <i1, >u2, f4");
        }
        item.dtype_given = true;
        item.format.clear();
    } else if (key == "format") {
        parse_format(item, value);
    } else if (key == "shape") {
        item.shape = parse_shape(item, value);
    } else if (key == "fill") {
        try {
            item.fill = parse_fill_pattern(value);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(item_label(item) + ": " + e.what());
        }
    } else if (key == "value") {
        item.rule.value = parse_integer(item, key, value, true);
    } else if (key == "step_per_heap") {
        item.rule.step_per_heap = parse_integer(item, key, value, true);
    } else if (key == "step_per_frame") {
        item.rule.step_per_frame = parse_integer(item, key, value, true);
    } else if (key == "step_per_sender") {
        item.rule.step_per_sender = parse_integer(item, key, value, true);
    } else if (key == "step_per_substream") {
        item.rule.step_per_substream = parse_integer(item, key, value, true);
    } else {
        throw std::invalid_argument(item_label(item) + ": unknown field '" + key +
                                    "' (accepted: " + ITEM_FIELDS + ")");
    }
}

layout_item parse_item_spec(const std::string& spec)
{
    layout_item item;
    std::size_t from = 0;
    // The name first, whatever its place, so that messages name the item.
    for (int pass = 0; pass < 2; pass++) {
        from = 0;
        for (;;) {
            const std::size_t at = spec.find(',', from);
            const std::string field = spec.substr(from, at - from);
            const std::size_t eq = field.find('=');
            const std::string key = field.substr(0, eq);
            const std::string value =
                eq == std::string::npos ? "true" : field.substr(eq + 1);
            if (field.empty())
                throw std::invalid_argument("item '" + spec +
                                            "': an empty field (fields are "
                                            "key=value, separated by commas)");
            if ((key == "name") == (pass == 0))
                set_item_field(item, key, value);
            if (at == std::string::npos)
                break;
            from = at + 1;
        }
    }
    return item;
}

namespace {

std::string
field_text(const layout_item& item, const std::string& key, const json_value& v)
{
    switch (v.type) {
    case json_value::kind::string:
    case json_value::kind::number:
        return v.text;
    case json_value::kind::boolean:
        return v.boolean ? "true" : "false";
    case json_value::kind::array:
        if (key == "shape") {
            std::string text;
            for (const json_value& d : v.elements) {
                if (d.type != json_value::kind::number)
                    throw std::invalid_argument(item_label(item) +
                                                ": shape must be a list of integers");
                text += (text.empty() ? "" : "x") + d.text;
            }
            return text.empty() ? "()" : text;
        }
        break;
    default:
        break;
    }
    throw std::invalid_argument(item_label(item) + ": " + key + " cannot be " +
                                v.kind_name());
}

std::uint64_t setting_integer(const std::string& key,
                              const json_value& v,
                              std::uint64_t min,
                              std::uint64_t max)
{
    const std::string range =
        "[" + std::to_string(min) + ", " + std::to_string(max) + "]";
    if (v.type != json_value::kind::number ||
        v.text.find_first_not_of("0123456789") != std::string::npos || v.text.size() > 19)
        throw std::invalid_argument("layout: " + key + " must be an integer in " + range);
    const std::uint64_t n = std::stoull(v.text);
    if (n < min || n > max)
        throw std::invalid_argument("layout: " + key + "=" + v.text + " is not in " +
                                    range);
    return n;
}

bool setting_bool(const std::string& key, const json_value& v)
{
    if (v.type != json_value::kind::boolean)
        throw std::invalid_argument("layout: " + key + " must be true or false");
    return v.boolean;
}

} // namespace

heap_layout parse_layout_json(const std::string& text)
{
    const json_value doc = parse_json(text);
    if (doc.type != json_value::kind::object)
        throw std::invalid_argument("layout: the file must hold one JSON object");
    heap_layout layout;
    bool has_items = false;
    for (const auto& [key, v] : doc.members) {
        if (key == "items") {
            has_items = true;
            if (v.type != json_value::kind::array)
                throw std::invalid_argument("layout: items must be a list of objects");
            for (const json_value& entry : v.elements) {
                if (entry.type != json_value::kind::object)
                    throw std::invalid_argument(
                        "layout: items must be a list of objects");
                layout_item item;
                for (const auto& [k, field] : entry.members)
                    if (k == "name")
                        set_item_field(item, k, field_text(item, k, field));
                for (const auto& [k, field] : entry.members)
                    if (k != "name")
                        set_item_field(item, k, field_text(item, k, field));
                layout.items.push_back(std::move(item));
            }
        } else if (key == "flavour") {
            const auto bits = int(setting_integer(key, v, 16, 56));
            if (bits % 8)
                throw std::invalid_argument("layout: flavour=" + v.text +
                                            " is not a multiple of 8 in [16, 56]");
            layout.heap_address_bits = bits;
        } else if (key == "senders") {
            layout.senders = std::size_t(setting_integer(key, v, 1, 1024));
        } else if (key == "substreams") {
            layout.substreams = std::size_t(setting_integer(key, v, 1, 65536));
        } else if (key == "descriptors") {
            layout.descriptors = setting_bool(key, v);
        } else if (key == "descriptors_every") {
            layout.descriptors_every = setting_integer(key, v, 0, std::uint64_t(1) << 62);
        } else if (key == "start_heap") {
            layout.start_heap = setting_bool(key, v);
        } else if (key == "stop_heap") {
            layout.stop_heap = setting_bool(key, v);
        } else if (key == "description") {
            if (v.type != json_value::kind::string)
                throw std::invalid_argument("layout: description must be a string");
            layout.description = v.text;
        } else {
            throw std::invalid_argument(
                "layout: unknown key '" + key +
                "' (accepted: items, flavour, senders, substreams, descriptors, "
                "descriptors_every, start_heap, stop_heap, description)");
        }
    }
    if (!has_items || layout.items.empty())
        throw std::invalid_argument("layout: items must list at least one item");
    return layout;
}

heap_layout read_layout_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::invalid_argument("layout file '" + path + "' cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return parse_layout_json(text.str());
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(path + ": " + e.what());
    }
}

std::vector<layout_item> plain_layout_items(std::size_t heap_size,
                                            std::uint64_t timestamp_step,
                                            int heap_address_bits)
{
    layout_item timestamp;
    timestamp.name = "timestamp";
    timestamp.id = 0x1600;
    timestamp.description = "Sample counter of the heap's first byte (immediate)";
    timestamp.immediate = true;
    timestamp.format = { { 'u', heap_address_bits } };
    timestamp.type = dtype::scalar(dtype::kind::unsigned_int, 8, '>');
    timestamp.rule.step_per_heap = timestamp_step;
    layout_item data;
    data.name = "data";
    data.id = 0x1601;
    data.description = "Load generator payload: byte i is i mod 256";
    data.dtype_given = true;
    data.type = dtype::scalar(dtype::kind::unsigned_int, 1, '|');
    data.shape = { heap_size };
    data.fill.type = fill_pattern::kind::ramp;
    return { timestamp, data };
}

void check_layout_items(std::vector<layout_item>& items, int heap_address_bits)
{
    if (items.empty())
        throw std::invalid_argument("layout: no items (give --item or --layout)");
    const int id_bits = 63 - heap_address_bits;
    for (std::size_t i = 0; i < items.size(); i++) {
        layout_item& item = items[i];
        if (item.name.empty())
            throw std::invalid_argument("item " + std::to_string(i + 1) +
                                        ": no name (accepted: name=TEXT)");
        const std::string label = item_label(item);
        for (std::size_t j = 0; j < i; j++) {
            if (items[j].name == item.name)
                throw std::invalid_argument(label + ": the name is used twice");
            if (items[j].id == item.id)
                throw std::invalid_argument(label + ": id " + hex(item.id) +
                                            " is also item '" + items[j].name + "'s");
        }
        if (item.id <= protocol::MAX_CONTROL_ID ||
            (item.id >= protocol::DESCRIPTOR_NAME_ID &&
             item.id <= protocol::DESCRIPTOR_DTYPE_ID) ||
            (id_bits < 64 && item.id >= (std::uint64_t(1) << id_bits)))
            throw std::invalid_argument(
                label + ": id " + hex(item.id) + " is reserved or too wide (accepted: " +
                "0x7-0xf and 0x16 to " + hex((std::uint64_t(1) << id_bits) - 1) +
                " in SPEAD-64-" + std::to_string(heap_address_bits) + ")");
        if (item.immediate) {
            if (item.format.empty() && !item.dtype_given) {
                item.format = { { 'u', heap_address_bits } };
                item.type = dtype::scalar(dtype::kind::unsigned_int, 8, '>');
            }
            const int bits = item.immediate_bits();
            if (item.dtype_given ||
                (item.format[0].code != 'u' && item.format[0].code != 'i') ||
                bits % 8 != 0 || bits > heap_address_bits)
                throw std::invalid_argument(
                    label + ": an immediate takes format u or i of 8 to " +
                    std::to_string(heap_address_bits) +
                    " bits in whole bytes (the flavour's value field), e.g. u" +
                    std::to_string(heap_address_bits));
            if (!item.shape.empty())
                throw std::invalid_argument(label + ": an immediate has no shape");
        } else {
            if (!item.dtype_given && item.format.empty())
                throw std::invalid_argument(label +
                                            ": no type (accepted: dtype=<numpy type> "
                                            "or format=<SPEAD field>)");
            if (!item.dtype_given) {
                const protocol::format_field f = item.format[0];
                const bool standard =
                    ((f.code == 'u' || f.code == 'i') &&
                     (f.bits == 8 || f.bits == 16 || f.bits == 32 || f.bits == 64)) ||
                    (f.code == 'f' && (f.bits == 32 || f.bits == 64)) ||
                    (f.code == 'b' && f.bits == 8) || (f.code == 'c' && f.bits == 8);
                if (!standard)
                    throw std::invalid_argument(
                        label + ": format " + std::string(1, f.code) +
                        std::to_string(f.bits) +
                        " is for immediates; an addressed item takes u/i 8, 16, 32, "
                        "64, f32, f64, b8 or c8");
            }
        }
    }
}

} // namespace send
} // namespace spead
} // namespace gr
