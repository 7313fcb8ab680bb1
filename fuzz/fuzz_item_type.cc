/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Item value decoding: an item_type is resolved from a descriptor built from the input,
// then the rest of the input is decoded as that item's value. Input format (read by
// fuzz::byte_reader, so every input is valid):
//   u8 flags: bits 0-2 bug_compat, bit 3 immediate item, bit 4 numpy header
//   numpy header: u8 n, then n bytes of header text
//   otherwise:    u8 fields (mod 5), each u8 code and u8 bits; u8 dimensions (mod 4),
//                 each u8 (0xff: variable, else the size)
//   the rest: the value's bytes (an immediate value takes at most 7 of them, the widest
//   value field of a 64-bit flavour)
// Decoding may only succeed or throw decode_error; a decoded value must hold exactly
// its shape's elements, and an addressed value must survive encode -> decode.

#include "fuzz_support.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/item_type.h>
#include <stdexcept>
#include <string>

using namespace gr::spead;
using namespace gr::spead::protocol;
using namespace gr::spead::recv;

namespace {

descriptor make_descriptor(fuzz::byte_reader& in, bool numpy)
{
    descriptor desc;
    desc.id = 0x1000;
    desc.name = "fuzzed";
    if (numpy) {
        const fuzz::bytes text = in.take(in.u8());
        desc.numpy_header.assign(text.begin(), text.end());
        return desc;
    }
    const int fields = in.u8() % 5;
    for (int i = 0; i < fields; i++) {
        format_field f;
        f.code = char(in.u8());
        f.bits = in.u8();
        desc.format.push_back(f);
    }
    const int dims = in.u8() % 4;
    for (int i = 0; i < dims; i++) {
        const std::uint8_t d = in.u8();
        desc.shape.push_back(d == 0xff ? -1 : std::int64_t(d));
    }
    return desc;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::byte_reader in(data, size);
    const std::uint8_t flags = in.u8();
    const int bug_compat = flags & BUG_COMPAT_ALL;
    const bool immediate = flags & 0x08;
    const descriptor desc = make_descriptor(in, flags & 0x10);
    fuzz::bytes value_bytes = in.take(immediate ? 7 : in.remaining());

    item_type type;
    try {
        type = item_type::from_descriptor(desc, bug_compat);
    } catch (const decode_error&) {
        return 0;
    }

    decoded_value value;
    try {
        value = type.decode(value_bytes.data(), value_bytes.size(), immediate);
    } catch (const decode_error&) {
        return 0;
    }
    SPEAD_FUZZ_CHECK(value.type == type.value_type());
    SPEAD_FUZZ_CHECK(value.type.is_native());
    SPEAD_FUZZ_CHECK(value.shape.size() == type.shape().size());
    for (std::size_t i = 0; i < value.shape.size(); i++) {
        if (type.shape()[i] >= 0)
            SPEAD_FUZZ_CHECK(value.shape[i] == std::size_t(type.shape()[i]));
    }
    const std::size_t elements = value.element_count();
    SPEAD_FUZZ_CHECK(value.data.size() == elements * value.type.itemsize);
    // The value's wire bits fit in the bytes it came from.
    SPEAD_FUZZ_CHECK((elements * type.element_bits() + 7) / 8 <= value_bytes.size() ||
                     elements == 0);

    if (immediate)
        return 0;
    std::vector<std::uint8_t> encoded;
    try {
        encoded = type.encode(value);
    } catch (const std::invalid_argument&) {
        return 0; // e.g. a bit-packed field whose widened value does not fit back
    }
    SPEAD_FUZZ_CHECK(encoded.size() <= value_bytes.size());
    const decoded_value again = type.decode(encoded.data(), encoded.size(), false);
    SPEAD_FUZZ_CHECK(again.shape == value.shape);
    SPEAD_FUZZ_CHECK(again.data == value.data);
    return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::silence_log();
    return 0;
}
