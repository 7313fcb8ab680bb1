/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pmt_values.h"
#include <gnuradio/spead/protocol/scalar_visit.h>
#include <type_traits>
#include <complex>

namespace gr {
namespace spead {

namespace {

pmt::pmt_t scalar_to_pmt(const protocol::dtype& t, const std::uint8_t* p)
{
    return protocol::visit_scalar(t, p, [&t](auto v) -> pmt::pmt_t {
        using T = decltype(v);
        if constexpr (std::is_same_v<T, bool>)
            return pmt::from_bool(v);
        else if constexpr (std::is_same_v<T, protocol::scalar_bytes>) {
            if (t.type_kind == protocol::dtype::kind::bytes)
                return pmt::string_to_symbol(
                    std::string(reinterpret_cast<const char*>(v.data), v.size));
            return pmt::init_u8vector(v.size, v.data); // records, half floats
        } else if constexpr (protocol::is_complex_scalar_v<T>)
            return pmt::from_complex(std::complex<double>(v));
        else if constexpr (std::is_floating_point_v<T>)
            return pmt::from_double(v);
        else if constexpr (std::is_signed_v<T>)
            return pmt::from_long(long(v));
        else
            return pmt::from_uint64(v);
    });
}

} // namespace

pmt::pmt_t
uniform_vector(const protocol::dtype& t, const std::uint8_t* data, std::size_t n)
{
    switch (t.type_kind) {
    case protocol::dtype::kind::signed_int:
        switch (t.itemsize) {
        case 1:
            return pmt::init_s8vector(n, reinterpret_cast<const std::int8_t*>(data));
        case 2:
            return pmt::init_s16vector(n, reinterpret_cast<const std::int16_t*>(data));
        case 4:
            return pmt::init_s32vector(n, reinterpret_cast<const std::int32_t*>(data));
        default:
            return pmt::init_s64vector(n, reinterpret_cast<const std::int64_t*>(data));
        }
    case protocol::dtype::kind::unsigned_int:
        switch (t.itemsize) {
        case 1:
            return pmt::init_u8vector(n, data);
        case 2:
            return pmt::init_u16vector(n, reinterpret_cast<const std::uint16_t*>(data));
        case 4:
            return pmt::init_u32vector(n, reinterpret_cast<const std::uint32_t*>(data));
        default:
            return pmt::init_u64vector(n, reinterpret_cast<const std::uint64_t*>(data));
        }
    case protocol::dtype::kind::floating:
        if (t.itemsize == 4)
            return pmt::init_f32vector(n, reinterpret_cast<const float*>(data));
        if (t.itemsize == 8)
            return pmt::init_f64vector(n, reinterpret_cast<const double*>(data));
        break;
    case protocol::dtype::kind::complex:
        if (t.itemsize == 8)
            return pmt::init_c32vector(
                n, reinterpret_cast<const std::complex<float>*>(data));
        return pmt::init_c64vector(n,
                                   reinterpret_cast<const std::complex<double>*>(data));
    default:
        break;
    }
    // bool, bytes, records (and half floats): their bytes.
    return pmt::init_u8vector(n * t.itemsize, data);
}

pmt::pmt_t value_to_pmt(const protocol::decoded_value& value)
{
    if (value.is_string)
        return pmt::string_to_symbol(std::string(value.data.begin(), value.data.end()));
    const std::size_t n = value.element_count();
    if (value.shape.empty() && n == 1 &&
        value.type.type_kind != protocol::dtype::kind::record)
        return scalar_to_pmt(value.type, value.data.data());
    return uniform_vector(value.type, value.data.data(), n);
}

pmt::pmt_t item_to_pmt(const recv::heap& h,
                       const protocol::heap_item& item,
                       const item_catalog::entry* entry)
{
    std::uint8_t imm[8];
    const item_value_bytes bytes = value_bytes(h, item, imm);
    if (entry && entry->type) {
        try {
            return value_to_pmt(
                entry->type->decode(bytes.data, bytes.length, item.immediate));
        } catch (const std::exception&) {
            return pmt::PMT_NIL;
        }
    }
    if (item.immediate)
        return pmt::from_uint64(item.value);
    return pmt::init_u8vector(bytes.length, bytes.data);
}

pmt::pmt_t stats_to_pmt(const recv::stream_stats& stats,
                        const std::vector<std::pair<std::string, std::uint64_t>>& extra)
{
    pmt::pmt_t dict = pmt::make_dict();
    for (const auto& [name, value] : stats.items())
        dict = pmt::dict_add(dict, pmt::intern(name), pmt::from_uint64(value));
    for (const auto& [name, value] : extra)
        dict = pmt::dict_add(dict, pmt::intern(name), pmt::from_uint64(value));
    return dict;
}

pmt::pmt_t counters_to_pmt(const std::map<std::string, std::uint64_t>& counters)
{
    pmt::pmt_t dict = pmt::make_dict();
    for (const auto& kv : counters)
        dict = pmt::dict_add(dict, pmt::intern(kv.first), pmt::from_uint64(kv.second));
    return dict;
}

} // namespace spead
} // namespace gr
