/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/flavour.h>
#include <gnuradio/spead/protocol/item_type.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

namespace {

std::string field_text(const format_field& field)
{
    return "('" + std::string(1, field.code) + "', " + std::to_string(field.bits) + ")";
}

template <typename Int>
std::string shape_text(const std::vector<Int>& shape)
{
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); i++) {
        if (i)
            text += ", ";
        text += std::to_string(shape[i]);
    }
    if (shape.size() == 1)
        text += ",";
    return text + ")";
}

/// Product of dimensions, or false when it does not fit a size_t. A zero dimension makes
/// the product zero however large the others are (as Python's arbitrary integers do).
bool checked_product(const std::vector<std::size_t>& dims, std::size_t& product)
{
    if (std::find(dims.begin(), dims.end(), std::size_t(0)) != dims.end()) {
        product = 0;
        return true;
    }
    product = 1;
    for (std::size_t d : dims) {
        if (product > std::numeric_limits<std::size_t>::max() / d)
            return false;
        product *= d;
    }
    return true;
}

/// The format codes and widths numpy holds natively (spead2 views them straight).
bool is_standard_field(const format_field& field)
{
    switch (field.code) {
    case 'u':
    case 'i':
        return field.bits == 8 || field.bits == 16 || field.bits == 32 ||
               field.bits == 64;
    case 'f':
        return field.bits == 32 || field.bits == 64;
    case 'b':
    case 'c':
        return field.bits == 8;
    default:
        return false;
    }
}

void check_field_supported(const format_field& field)
{
    const bool integer = field.code == 'u' || field.code == 'i';
    if (integer && field.bits >= 1 && field.bits <= 64)
        return;
    if (!integer && is_standard_field(field))
        return;
    std::string reason;
    if (integer)
        reason = "integer fields must be 1 to 64 bits wide";
    else if (field.code == 'f')
        reason = "float fields must be 32 or 64 bits wide";
    else if (field.code == 'b' || field.code == 'c')
        reason = "boolean and character fields must be 8 bits wide";
    else
        reason = "unknown type code";
    throw decode_error("unsupported format field " + field_text(field) + ": " + reason);
}

/// Bytes of the smallest standard integer holding \p bits bits.
std::size_t widened_bytes(int bits)
{
    if (bits <= 8)
        return 1;
    if (bits <= 16)
        return 2;
    if (bits <= 32)
        return 4;
    return 8;
}

dtype::kind field_kind(char code)
{
    switch (code) {
    case 'u':
        return dtype::kind::unsigned_int;
    case 'i':
        return dtype::kind::signed_int;
    case 'f':
        return dtype::kind::floating;
    case 'b':
        return dtype::kind::boolean;
    default:
        return dtype::kind::bytes;
    }
}

/// Type of one (supported) field's decoded values, in \p byte_order.
dtype field_type(const format_field& field, char byte_order)
{
    return dtype::scalar(field_kind(field.code), widened_bytes(field.bits), byte_order);
}

/// numpy's layout for a comma-joined format: one field stays a scalar, several become a
/// packed record with fields f0, f1, ...
dtype join_fields(const std::vector<dtype>& types)
{
    if (types.size() == 1)
        return types[0];
    dtype record;
    record.type_kind = dtype::kind::record;
    record.byte_order = '|';
    record.itemsize = 0;
    for (std::size_t i = 0; i < types.size(); i++) {
        record.fields.push_back({ "f" + std::to_string(i), types[i], record.itemsize });
        record.itemsize += types[i].itemsize;
    }
    return record;
}

/// What numpy's newbyteorder() does: every '<' becomes '>' and back, fields included.
dtype swap_byte_order(const dtype& type)
{
    dtype swapped = type;
    if (swapped.byte_order == '<')
        swapped.byte_order = '>';
    else if (swapped.byte_order == '>')
        swapped.byte_order = '<';
    for (auto& field : swapped.fields)
        field.type = swap_byte_order(field.type);
    return swapped;
}

/// Rejects records whose fields reach outside the element (so decode stays in bounds).
void check_layout(const dtype& type)
{
    for (const auto& field : type.fields) {
        if (field.offset > type.itemsize ||
            field.type.itemsize > type.itemsize - field.offset)
            throw decode_error("field '" + field.name + "' of dtype " + type.descr() +
                               " lies outside its " + std::to_string(type.itemsize) +
                               "-byte element");
        check_layout(field.type);
    }
}

/// A run of bytes inside an element that must be reversed to change byte order.
struct byte_run {
    std::size_t offset;
    std::size_t size;
};

/// The runs to reverse to turn an element of \p type into native order. A complex number
/// is two floats, each reversed on its own.
void collect_swaps(const dtype& type, std::size_t base, std::vector<byte_run>& runs)
{
    if (type.type_kind == dtype::kind::record) {
        for (const auto& field : type.fields)
            collect_swaps(field.type, base + field.offset, runs);
        return;
    }
    const bool numeric = type.type_kind == dtype::kind::unsigned_int ||
                         type.type_kind == dtype::kind::signed_int ||
                         type.type_kind == dtype::kind::floating ||
                         type.type_kind == dtype::kind::complex;
    const bool foreign = (type.byte_order == '<' || type.byte_order == '>') &&
                         type.byte_order != dtype::native_byte_order();
    if (!numeric || !foreign || type.itemsize < 2)
        return;
    if (type.type_kind == dtype::kind::complex) {
        runs.push_back({ base, type.itemsize / 2 });
        runs.push_back({ base + type.itemsize / 2, type.itemsize / 2 });
    } else {
        runs.push_back({ base, type.itemsize });
    }
}

/// Reverses the runs in every element; the same call converts in either direction.
void swap_elements(std::uint8_t* data,
                   std::size_t elements,
                   std::size_t itemsize,
                   const std::vector<byte_run>& runs)
{
    if (runs.empty())
        return;
    for (std::size_t e = 0; e < elements; e++) {
        std::uint8_t* element = data + e * itemsize;
        for (const auto& run : runs)
            std::reverse(element + run.offset, element + run.offset + run.size);
    }
}

/// Reads \p bits (1..64) bits starting \p bit_pos bits into \p data, most significant
/// first.
std::uint64_t read_bits(const std::uint8_t* data, std::size_t bit_pos, int bits)
{
    std::uint64_t value = 0;
    while (bits > 0) {
        const int available = 8 - int(bit_pos % 8);
        const int take = std::min(available, bits);
        const unsigned chunk =
            (data[bit_pos / 8] >> (available - take)) & ((1u << take) - 1);
        value = (value << take) | chunk;
        bits -= take;
        bit_pos += take;
    }
    return value;
}

/// Writes the low \p bits bits of \p value at \p bit_pos into zeroed \p data, MSB first.
void write_bits(std::uint8_t* data, std::size_t bit_pos, int bits, std::uint64_t value)
{
    while (bits > 0) {
        const int available = 8 - int(bit_pos % 8);
        const int take = std::min(available, bits);
        const unsigned chunk = unsigned(value >> (bits - take)) & ((1u << take) - 1);
        data[bit_pos / 8] |= std::uint8_t(chunk << (available - take));
        bits -= take;
        bit_pos += take;
    }
}

/// Stores the low \p bytes bytes of \p value in native order (two's complement kept).
void store_native(std::uint8_t* dst, std::uint64_t value, std::size_t bytes)
{
    switch (bytes) {
    case 1: {
        const auto v = std::uint8_t(value);
        std::memcpy(dst, &v, 1);
        break;
    }
    case 2: {
        const auto v = std::uint16_t(value);
        std::memcpy(dst, &v, 2);
        break;
    }
    case 4: {
        const auto v = std::uint32_t(value);
        std::memcpy(dst, &v, 4);
        break;
    }
    default:
        std::memcpy(dst, &value, 8);
    }
}

/// Loads a native unsigned integer of \p bytes bytes, sign-extended when \p is_signed.
std::uint64_t load_native(const std::uint8_t* src, std::size_t bytes, bool is_signed)
{
    switch (bytes) {
    case 1: {
        std::uint8_t v;
        std::memcpy(&v, src, 1);
        return is_signed ? std::uint64_t(std::int64_t(std::int8_t(v))) : v;
    }
    case 2: {
        std::uint16_t v;
        std::memcpy(&v, src, 2);
        return is_signed ? std::uint64_t(std::int64_t(std::int16_t(v))) : v;
    }
    case 4: {
        std::uint32_t v;
        std::memcpy(&v, src, 4);
        return is_signed ? std::uint64_t(std::int64_t(std::int32_t(v))) : v;
    }
    default: {
        std::uint64_t v;
        std::memcpy(&v, src, 8);
        return v;
    }
    }
}

/// Where each wire field's value lives inside a decoded element.
std::vector<std::size_t> field_offsets(const dtype& value_type, std::size_t n_fields)
{
    if (value_type.type_kind != dtype::kind::record)
        return std::vector<std::size_t>(n_fields, 0);
    std::vector<std::size_t> offsets;
    for (const auto& field : value_type.fields)
        offsets.push_back(field.offset);
    return offsets;
}

/// Bits of a field read MSB first -> its decoded value, written at \p dst.
void unpack_field(const format_field& field, std::uint64_t raw, std::uint8_t* dst)
{
    switch (field.code) {
    case 'i':
        // Sign-extend from the field's own width to 64 bits, then keep what fits.
        if (field.bits < 64 && ((raw >> (field.bits - 1)) & 1))
            raw |= ~std::uint64_t(0) << field.bits;
        break;
    case 'b':
        raw = raw != 0; // a Python bool: anything non-zero is True
        break;
    default:
        break; // 'u', 'c' and 'f' keep their bits ('f' 32/64 bits are the IEEE pattern)
    }
    store_native(dst, raw, widened_bytes(field.bits));
}

/// The inverse of unpack_field. \throws std::invalid_argument when it does not fit.
std::uint64_t pack_field(const format_field& field, const std::uint8_t* src)
{
    const std::size_t bytes = widened_bytes(field.bits);
    const std::uint64_t raw = load_native(src, bytes, field.code == 'i');
    switch (field.code) {
    case 'u':
        if (field.bits < 64 && (raw >> field.bits) != 0)
            throw std::invalid_argument(std::to_string(raw) + " is out of range for " +
                                        field_text(field));
        return raw;
    case 'i': {
        const auto value = std::int64_t(raw);
        if (field.bits < 64) {
            const std::int64_t limit = std::int64_t(1) << (field.bits - 1);
            if (value < -limit || value >= limit)
                throw std::invalid_argument(std::to_string(value) +
                                            " is out of range for " + field_text(field));
            return raw & ((std::uint64_t(1) << field.bits) - 1);
        }
        return raw;
    }
    case 'b':
        return raw != 0;
    default:
        return raw;
    }
}

} // namespace

std::size_t decoded_value::element_count() const
{
    std::size_t count = 0;
    if (!checked_product(shape, count))
        throw std::overflow_error("element count of shape " + shape_text(shape) +
                                  " overflows");
    return count;
}

item_type item_type::from_descriptor(const descriptor& desc, int bug_compat)
{
    item_type type;
    if (!desc.numpy_header.empty()) {
        const numpy_header header = parse_numpy_header(desc.numpy_header);
        // Such a sender wrote the header for the opposite byte order of its data.
        type.d_wire_type = (bug_compat & BUG_COMPAT_SWAP_ENDIAN)
                               ? swap_byte_order(header.type)
                               : header.type;
        if (type.d_wire_type.itemsize == 0)
            throw decode_error("numpy header has a zero-size dtype " +
                               type.d_wire_type.descr());
        if (type.d_wire_type.itemsize > std::numeric_limits<std::size_t>::max() / 8)
            throw decode_error("numpy header dtype " + type.d_wire_type.descr() +
                               " is too large");
        check_layout(type.d_wire_type);
        for (std::int64_t dim : header.shape)
            if (dim < 0)
                throw decode_error("numpy header shape " + shape_text(header.shape) +
                                   " has a variable or negative dimension");
        type.d_value_type = type.d_wire_type.to_native();
        type.d_byte_aligned = true;
        type.d_element_bits = type.d_wire_type.itemsize * 8;
        type.d_shape = header.shape;
        type.d_fortran_order = header.fortran_order;
        return type;
    }

    if (desc.format.empty())
        throw decode_error("descriptor has neither a numpy header nor a format");
    bool standard = true;
    std::size_t bits = 0;
    for (const auto& field : desc.format) {
        check_field_supported(field);
        standard = standard && is_standard_field(field);
        bits += std::size_t(field.bits);
    }
    std::vector<dtype> value_fields;
    std::vector<dtype> wire_fields;
    for (const auto& field : desc.format) {
        value_fields.push_back(field_type(field, dtype::native_byte_order()));
        wire_fields.push_back(field_type(field, '>'));
    }
    type.d_value_type = join_fields(value_fields);
    type.d_element_bits = bits;
    type.d_byte_aligned = standard;
    if (standard) {
        type.d_wire_type = join_fields(wire_fields);
    } else {
        // No numpy type describes the wire layout; keep the decoded one so the member
        // holds something sensible (callers check is_byte_aligned() first).
        type.d_wire_type = type.d_value_type;
        type.d_fields = desc.format;
    }

    int variable = 0;
    for (std::int64_t dim : desc.shape) {
        type.d_shape.push_back(dim < 0 ? -1 : dim);
        variable += dim < 0;
    }
    if (variable > 1)
        throw decode_error("shape " + shape_text(desc.shape) +
                           " has more than one variable dimension");
    type.d_is_string = type.d_shape.size() == 1 && desc.format.size() == 1 &&
                       desc.format[0] == format_field{ 'c', 8 };
    return type;
}

decoded_value
item_type::decode(const std::uint8_t* data, std::size_t length, bool immediate) const
{
    if (d_element_bits == 0)
        throw decode_error("cannot decode elements of zero size");
    if (!data)
        length = 0;
    // floor(8 * length / element_bits) without overflowing 8 * length.
    const std::size_t max_elements =
        length / d_element_bits * 8 + (length % d_element_bits) * 8 / d_element_bits;

    // Fixed dimensions first; a variable one then takes what the bytes allow.
    std::vector<std::size_t> fixed;
    for (std::int64_t dim : d_shape)
        if (dim >= 0)
            fixed.push_back(std::size_t(dim));
    std::size_t fixed_elements = 0;
    const bool fits = checked_product(fixed, fixed_elements);
    decoded_value value;
    for (std::int64_t dim : d_shape) {
        if (dim >= 0)
            value.shape.push_back(std::size_t(dim));
        else if (!fits) // more fixed elements than any buffer holds: none left for it
            value.shape.push_back(0);
        else
            value.shape.push_back(fixed_elements == 0 ? 0
                                                      : max_elements / fixed_elements);
    }
    std::size_t elements = 0;
    if (!checked_product(value.shape, elements) || elements > max_elements)
        throw decode_error("too few bytes for shape " + shape_text(value.shape) + ": " +
                           std::to_string(length) + " bytes hold " +
                           std::to_string(max_elements) + " elements of " +
                           std::to_string(d_element_bits) + " bits");

    // Immediates are padded at the head, addressed items at the tail.
    const std::size_t used_bytes = (elements * d_element_bits + 7) / 8;
    const std::uint8_t* source = immediate ? data + (length - used_bytes) : data;

    value.type = d_value_type;
    value.fortran_order = d_fortran_order;
    value.is_string = d_is_string;
    value.data.resize(elements * d_value_type.itemsize);
    if (elements == 0)
        return value;
    if (d_byte_aligned) {
        std::memcpy(value.data.data(), source, value.data.size());
        std::vector<byte_run> runs;
        collect_swaps(d_wire_type, 0, runs);
        swap_elements(value.data.data(), elements, d_value_type.itemsize, runs);
        return value;
    }

    const std::vector<std::size_t> offsets = field_offsets(d_value_type, d_fields.size());
    std::size_t bit_pos = 0;
    for (std::size_t e = 0; e < elements; e++) {
        std::uint8_t* element = value.data.data() + e * d_value_type.itemsize;
        for (std::size_t f = 0; f < d_fields.size(); f++) {
            const std::uint64_t raw = read_bits(source, bit_pos, d_fields[f].bits);
            unpack_field(d_fields[f], raw, element + offsets[f]);
            bit_pos += std::size_t(d_fields[f].bits);
        }
    }
    return value;
}

std::vector<std::uint8_t> item_type::encode(const decoded_value& value) const
{
    if (value.type != d_value_type)
        throw std::invalid_argument("value has type " + value.type.descr() +
                                    " but the item holds " + d_value_type.descr());
    bool shape_matches = value.shape.size() == d_shape.size();
    for (std::size_t i = 0; shape_matches && i < d_shape.size(); i++)
        shape_matches = d_shape[i] < 0 || std::size_t(d_shape[i]) == value.shape[i];
    if (!shape_matches)
        throw std::invalid_argument("value has shape " + shape_text(value.shape) +
                                    " but the item's shape is " + shape_text(d_shape));
    if (value.shape.size() > 1 && value.fortran_order != d_fortran_order)
        throw std::invalid_argument(std::string("value is laid out in ") +
                                    (value.fortran_order ? "Fortran" : "C") +
                                    " order but the item in " +
                                    (d_fortran_order ? "Fortran" : "C") + " order");
    std::size_t elements = 0;
    if (!checked_product(value.shape, elements) ||
        elements > std::numeric_limits<std::size_t>::max() /
                       std::max<std::size_t>(d_value_type.itemsize, 1) ||
        value.data.size() != elements * d_value_type.itemsize)
        throw std::invalid_argument("value holds " + std::to_string(value.data.size()) +
                                    " bytes, not the size of shape " +
                                    shape_text(value.shape) + " of " +
                                    d_value_type.descr());

    if (d_byte_aligned) {
        std::vector<std::uint8_t> wire = value.data;
        std::vector<byte_run> runs;
        collect_swaps(d_wire_type, 0, runs);
        swap_elements(wire.data(), elements, d_value_type.itemsize, runs);
        return wire;
    }

    if (elements > (std::numeric_limits<std::size_t>::max() - 7) / d_element_bits)
        throw std::invalid_argument("value of shape " + shape_text(value.shape) +
                                    " is too large to encode");
    std::vector<std::uint8_t> wire((elements * d_element_bits + 7) / 8, 0);
    const std::vector<std::size_t> offsets = field_offsets(d_value_type, d_fields.size());
    std::size_t bit_pos = 0;
    for (std::size_t e = 0; e < elements; e++) {
        const std::uint8_t* element = value.data.data() + e * d_value_type.itemsize;
        for (std::size_t f = 0; f < d_fields.size(); f++) {
            const std::uint64_t raw = pack_field(d_fields[f], element + offsets[f]);
            write_bits(wire.data(), bit_pos, d_fields[f].bits, raw);
            bit_pos += std::size_t(d_fields[f].bits);
        }
    }
    return wire;
}

} // namespace protocol
} // namespace spead
} // namespace gr
