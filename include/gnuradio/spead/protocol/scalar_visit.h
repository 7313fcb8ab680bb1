/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_SCALAR_VISIT_H
#define INCLUDED_SPEAD_PROTOCOL_SCALAR_VISIT_H

#include <gnuradio/spead/protocol/dtype.h>
#include <type_traits>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief The bytes of a scalar that has no C++ arithmetic type here: a byte string
 * (dtype::kind::bytes), a record, a half-precision float, or a number whose itemsize
 * its kind does not have.
 */
struct scalar_bytes {
    const std::uint8_t* data;
    std::size_t size;
};

/// True for the complex types visit_scalar hands out, for visitors that test with
/// `if constexpr`.
template <typename T>
struct is_complex_scalar : std::false_type {
};
template <typename T>
struct is_complex_scalar<std::complex<T>> : std::true_type {
};
template <typename T>
inline constexpr bool is_complex_scalar_v = is_complex_scalar<T>::value;

namespace detail {
template <typename T>
T load_unaligned(const std::uint8_t* p)
{
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}
} // namespace detail

/**
 * \brief Loads the scalar of type \p type at \p p and calls \p visit with it, typed.
 *
 * \p visit receives, by kind and itemsize: `bool` (boolean; any non-zero byte is true);
 * `std::int8_t` .. `std::int64_t` and `std::uint8_t` .. `std::uint64_t` (sizes 1, 2, 4,
 * 8); `float` or `double`; `std::complex<float>` or `std::complex<double>`; and
 * scalar_bytes for everything else (byte strings, records, half floats). Every call of
 * \p visit must return the same type, which visit_scalar returns.
 *
 * The value must be in native byte order (decoded_value's data is) and \p p must hold
 * \p type.itemsize readable bytes; it need not be aligned.
 */
template <typename Visitor>
auto visit_scalar(const dtype& type, const std::uint8_t* p, Visitor&& visit)
    -> decltype(visit(false))
{
    using detail::load_unaligned;
    switch (type.type_kind) {
    case dtype::kind::boolean:
        return visit(p[0] != 0);
    case dtype::kind::signed_int:
        switch (type.itemsize) {
        case 1:
            return visit(load_unaligned<std::int8_t>(p));
        case 2:
            return visit(load_unaligned<std::int16_t>(p));
        case 4:
            return visit(load_unaligned<std::int32_t>(p));
        case 8:
            return visit(load_unaligned<std::int64_t>(p));
        }
        break;
    case dtype::kind::unsigned_int:
        switch (type.itemsize) {
        case 1:
            return visit(load_unaligned<std::uint8_t>(p));
        case 2:
            return visit(load_unaligned<std::uint16_t>(p));
        case 4:
            return visit(load_unaligned<std::uint32_t>(p));
        case 8:
            return visit(load_unaligned<std::uint64_t>(p));
        }
        break;
    case dtype::kind::floating:
        if (type.itemsize == 4)
            return visit(load_unaligned<float>(p));
        if (type.itemsize == 8)
            return visit(load_unaligned<double>(p));
        break;
    case dtype::kind::complex:
        if (type.itemsize == 8)
            return visit(load_unaligned<std::complex<float>>(p));
        if (type.itemsize == 16)
            return visit(load_unaligned<std::complex<double>>(p));
        break;
    case dtype::kind::bytes:
    case dtype::kind::record:
        break;
    }
    return visit(scalar_bytes{ p, type.itemsize });
}

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_SCALAR_VISIT_H */
