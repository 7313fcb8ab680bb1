/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "python_literal.h"
#include "python_repr.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <set>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

namespace {

using literal_kind = python_literal::kind;

// Error messages quote the offending value, but never more than a line of it.
std::string brief(const std::string& text)
{
    constexpr std::size_t max_length = 80;
    if (text.size() <= max_length)
        return text;
    return text.substr(0, max_length) + "...";
}

[[noreturn]] void reject(const std::string& what)
{
    throw decode_error("bad numpy header: " + what);
}

dtype parse_descr(const python_literal& descr, int depth);

/// A list of (name, type) tuples: fields packed back to back; nameless void entries are
/// padding (numpy writes gaps that way), other nameless fields get numpy's f<index> name.
dtype parse_record(const python_literal& list, int depth)
{
    if (list.elements.empty())
        reject("descr is an empty record");
    dtype record;
    record.type_kind = dtype::kind::record;
    record.byte_order = '|';
    std::set<std::string> names;
    std::size_t offset = 0;
    for (std::size_t i = 0; i < list.elements.size(); i++) {
        const python_literal& entry = list.elements[i];
        if (entry.type != literal_kind::tuple)
            reject("record field must be a (name, type) tuple, not " +
                   brief(entry.repr()));
        if (entry.elements.size() == 3)
            reject("record field shapes are not supported: " + brief(entry.repr()));
        if (entry.elements.size() != 2)
            reject("record field must be a (name, type) tuple, not " +
                   brief(entry.repr()));
        const python_literal& name = entry.elements[0];
        if (name.type != literal_kind::string)
            reject("record field name must be a str, not " + brief(name.repr()));
        const dtype type = parse_descr(entry.elements[1], depth + 1);
        const bool is_padding = name.text.empty() &&
                                type.type_kind == dtype::kind::record &&
                                type.fields.empty();
        if (!is_padding) {
            dtype::field f;
            f.name = name.text.empty() ? "f" + std::to_string(i) : name.text;
            if (!names.insert(f.name).second)
                reject("record field name " + python_repr(f.name) + " occurs twice");
            f.type = type;
            f.offset = offset;
            record.fields.push_back(std::move(f));
        }
        offset += type.itemsize;
    }
    record.itemsize = offset;
    return record;
}

dtype parse_descr(const python_literal& descr, int depth)
{
    // The literal parser already bounds nesting; this keeps the recursion obviously
    // finite.
    if (depth > PYTHON_LITERAL_MAX_DEPTH)
        reject("descr nests too deeply");
    if (descr.type == literal_kind::string) {
        try {
            return parse_dtype_string(descr.text);
        } catch (const decode_error& e) {
            reject(e.what());
        }
    }
    if (descr.type == literal_kind::list)
        return parse_record(descr, depth);
    reject("descr must be a type string or a list of fields, not " + brief(descr.repr()));
}

std::vector<std::int64_t> parse_shape(const python_literal& shape)
{
    // spead2 accepts only non-negative ints here: a numpy header has no variable
    // dimension.
    bool valid = shape.type == literal_kind::tuple;
    for (const auto& dim : shape.elements)
        valid = valid && dim.type == literal_kind::integer && dim.integer >= 0;
    if (!valid)
        reject("shape must be a tuple of non-negative ints, not " + brief(shape.repr()));
    std::vector<std::int64_t> out;
    for (const auto& dim : shape.elements)
        out.push_back(dim.integer);
    return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

} // namespace

dtype parse_dtype_string(const std::string& text)
{
    auto unsupported = [&text]() -> decode_error {
        return decode_error("unsupported numpy type string " + python_repr(brief(text)));
    };
    std::size_t pos = 0;
    char order = '=';
    if (pos < text.size() &&
        (text[pos] == '<' || text[pos] == '>' || text[pos] == '|' || text[pos] == '='))
        order = text[pos++];
    if (pos >= text.size())
        throw unsupported();
    const char code = text[pos++];
    if (code == '?') {
        if (pos != text.size())
            throw unsupported();
        return dtype::scalar(dtype::kind::boolean, 1, order);
    }

    dtype::kind k;
    switch (code) {
    case 'b':
        k = dtype::kind::boolean;
        break;
    case 'i':
        k = dtype::kind::signed_int;
        break;
    case 'u':
        k = dtype::kind::unsigned_int;
        break;
    case 'f':
        k = dtype::kind::floating;
        break;
    case 'c':
        k = dtype::kind::complex;
        break;
    case 'S':
        k = dtype::kind::bytes;
        break;
    case 'V':
        k = dtype::kind::record;
        break;
    default:
        throw unsupported();
    }

    // Sizes are plain decimal; nine digits bound the value far below overflow.
    const std::size_t digits_start = pos;
    std::size_t itemsize = 0;
    while (pos < text.size() && is_digit(text[pos]) && pos - digits_start < 9)
        itemsize = itemsize * 10 + std::size_t(text[pos++] - '0');
    if (pos == digits_start || pos != text.size() || text[digits_start] == '0')
        throw unsupported();
    try {
        return dtype::scalar(k, itemsize, order);
    } catch (const std::invalid_argument&) {
        throw unsupported();
    }
}

numpy_header parse_numpy_header(const std::string& text)
{
    python_literal dict;
    try {
        dict = parse_python_literal(text);
    } catch (const decode_error& e) {
        reject(e.what());
    }
    if (dict.type != literal_kind::dict)
        reject(std::string("expected a dict, found a ") + dict.kind_name());

    // The literal parser has already refused repeated keys.
    const python_literal* descr = nullptr;
    const python_literal* fortran_order = nullptr;
    const python_literal* shape = nullptr;
    for (const auto& entry : dict.entries) {
        if (entry.first == "descr")
            descr = &entry.second;
        else if (entry.first == "fortran_order")
            fortran_order = &entry.second;
        else if (entry.first == "shape")
            shape = &entry.second;
        else
            reject("unknown key " + python_repr(brief(entry.first)));
    }
    if (!descr)
        reject("missing key 'descr'");
    if (!fortran_order)
        reject("missing key 'fortran_order'");
    if (!shape)
        reject("missing key 'shape'");

    numpy_header out;
    out.type = parse_descr(*descr, 0);
    if (fortran_order->type != literal_kind::boolean)
        reject("fortran_order must be True or False, not " +
               brief(fortran_order->repr()));
    out.fortran_order = fortran_order->boolean;
    out.shape = parse_shape(*shape);
    return out;
}

std::string format_numpy_header(const numpy_header& header)
{
    std::string shape = "(";
    for (std::size_t i = 0; i < header.shape.size(); i++) {
        if (header.shape[i] < 0)
            throw std::invalid_argument("numpy header shape cannot hold a variable "
                                        "dimension (dimension " +
                                        std::to_string(i) + " is " +
                                        std::to_string(header.shape[i]) + ")");
        if (i > 0)
            shape += ", ";
        shape += std::to_string(header.shape[i]);
    }
    if (header.shape.size() == 1)
        shape += ',';
    shape += ')';
    // spead2's spelling (no trailing comma, no padding), as its descriptors carry it.
    return "{'descr': " + header.type.descr() +
           ", 'fortran_order': " + (header.fortran_order ? "True" : "False") +
           ", 'shape': " + shape + "}";
}

} // namespace protocol
} // namespace spead
} // namespace gr
