/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "python_repr.h"
#include <gnuradio/spead/protocol/dtype.h>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

namespace {

bool is_numeric(dtype::kind k)
{
    return k == dtype::kind::boolean || k == dtype::kind::signed_int ||
           k == dtype::kind::unsigned_int || k == dtype::kind::floating ||
           k == dtype::kind::complex;
}

bool size_allowed(dtype::kind k, std::size_t itemsize)
{
    switch (k) {
    case dtype::kind::boolean:
        return itemsize == 1;
    case dtype::kind::signed_int:
    case dtype::kind::unsigned_int:
        return itemsize == 1 || itemsize == 2 || itemsize == 4 || itemsize == 8;
    case dtype::kind::floating:
        return itemsize == 2 || itemsize == 4 || itemsize == 8;
    case dtype::kind::complex:
        return itemsize == 8 || itemsize == 16;
    case dtype::kind::bytes:
    case dtype::kind::record:
        return itemsize >= 1;
    }
    return false;
}

// Only multi-byte numbers have a byte order; numpy shows '|' for everything else.
bool has_byte_order(const dtype& t) { return is_numeric(t.type_kind) && t.itemsize > 1; }

void append_descr(const dtype& t, std::string& out);

// numpy spells a raw-bytes gap in a record as a nameless void field.
void append_padding(std::size_t bytes, std::string& out)
{
    out += "('', '|V" + std::to_string(bytes) + "')";
}

void append_record_descr(const dtype& t, std::string& out)
{
    out += '[';
    std::size_t end = 0;
    bool first = true;
    auto separate = [&]() {
        if (!first)
            out += ", ";
        first = false;
    };
    for (const auto& f : t.fields) {
        if (f.offset < end)
            throw std::invalid_argument(
                "dtype::descr: field '" + f.name + "' at offset " +
                std::to_string(f.offset) + " overlaps the previous field (ends at " +
                std::to_string(end) + "); numpy's descr cannot express it");
        if (f.offset > end) {
            separate();
            append_padding(f.offset - end, out);
        }
        separate();
        out += '(';
        out += python_repr(f.name);
        out += ", ";
        append_descr(f.type, out);
        out += ')';
        end = f.offset + f.type.itemsize;
    }
    if (t.itemsize < end)
        throw std::invalid_argument(
            "dtype::descr: record itemsize " + std::to_string(t.itemsize) +
            " is smaller than its fields (" + std::to_string(end) + " bytes)");
    if (t.itemsize > end) {
        separate();
        append_padding(t.itemsize - end, out);
    }
    out += ']';
}

void append_descr(const dtype& t, std::string& out)
{
    if (t.type_kind == dtype::kind::record && !t.fields.empty()) {
        append_record_descr(t, out);
        return;
    }
    out += '\'';
    out += has_byte_order(t) ? t.byte_order : '|';
    out += static_cast<char>(t.type_kind);
    out += std::to_string(t.itemsize);
    out += '\'';
}

} // namespace

dtype dtype::scalar(kind k, std::size_t itemsize, char byte_order)
{
    if (!size_allowed(k, itemsize))
        throw std::invalid_argument(
            "dtype::scalar: itemsize " + std::to_string(itemsize) +
            " is not valid for kind '" + std::string(1, static_cast<char>(k)) + "'");
    if (byte_order != '<' && byte_order != '>' && byte_order != '|' && byte_order != '=')
        throw std::invalid_argument("dtype::scalar: byte order '" +
                                    std::string(1, byte_order) +
                                    "' is not one of '<', '>', '|', '='");
    dtype t;
    t.type_kind = k;
    t.itemsize = itemsize;
    if (!is_numeric(k) || itemsize == 1)
        t.byte_order = '|';
    else if (byte_order == '=' || byte_order == '|')
        // numpy reads both as "this machine's order" for multi-byte numbers.
        t.byte_order = native_byte_order();
    else
        t.byte_order = byte_order;
    return t;
}

char dtype::native_byte_order()
{
    const std::uint16_t probe = 1;
    return *reinterpret_cast<const unsigned char*>(&probe) == 1 ? '<' : '>';
}

dtype dtype::to_native() const
{
    dtype out = *this;
    if (has_byte_order(out))
        out.byte_order = native_byte_order();
    for (auto& f : out.fields)
        f.type = f.type.to_native();
    return out;
}

bool dtype::is_native() const
{
    if (has_byte_order(*this) && byte_order != native_byte_order())
        return false;
    for (const auto& f : fields)
        if (!f.type.is_native())
            return false;
    return true;
}

std::string dtype::descr() const
{
    std::string out;
    append_descr(*this, out);
    return out;
}

bool dtype::operator==(const dtype& other) const
{
    // Byte order only matters where it exists: a '<u1' built by hand equals '|u1'.
    const char mine = has_byte_order(*this) ? byte_order : '|';
    const char theirs = has_byte_order(other) ? other.byte_order : '|';
    return type_kind == other.type_kind && itemsize == other.itemsize && mine == theirs &&
           fields == other.fields;
}

} // namespace protocol
} // namespace spead
} // namespace gr
