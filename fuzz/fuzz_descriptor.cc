/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Descriptor decoding: the input is a bug_compat byte and then the value of a DESCRIPTOR
// item (an embedded packet stream). decode_descriptor may only return a descriptor,
// nothing, or throw decode_error. A descriptor it returns must resolve to an item type
// (never one with several variable dimensions) or fail with decode_error, and must
// survive encode_descriptor -> decode_descriptor unchanged in every flavour that can
// encode it.

#include "fuzz_support.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/item_type.h>
#include <cstring>
#include <memory>
#include <stdexcept>

using namespace gr::spead;
using namespace gr::spead::protocol;
using namespace gr::spead::recv;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    fuzz::byte_reader in(data, size);
    const int bug_compat = in.u8() & BUG_COMPAT_ALL;
    const fuzz::bytes wire = in.take(in.remaining());

    std::optional<descriptor> desc;
    try {
        desc = decode_descriptor(wire.data(), wire.size(), bug_compat);
    } catch (const decode_error&) {
        return 0;
    }
    if (!desc)
        return 0;
    SPEAD_FUZZ_CHECK(desc->id != 0);
    int variable = 0;
    for (std::int64_t d : desc->shape) {
        SPEAD_FUZZ_CHECK(d >= -1);
        variable += d == -1;
    }

    // Several variable dimensions are kept (as spead2 keeps them); the item type
    // refuses them.
    try {
        const item_type type = item_type::from_descriptor(*desc, bug_compat);
        SPEAD_FUZZ_CHECK(type.element_bits() > 0 || type.shape().empty() ||
                         type.value_type().itemsize > 0);
        SPEAD_FUZZ_CHECK(variable <= 1 || !desc->numpy_header.empty());
    } catch (const decode_error&) {
    }

    for (int address_bits : { 40, 48 }) {
        std::vector<std::uint8_t> encoded;
        try {
            encoded = encode_descriptor(*desc, flavour(4, 64, address_bits, bug_compat));
        } catch (const std::invalid_argument&) {
            continue; // does not fit this flavour (ID, bit length or dimension too wide)
        }
        std::optional<descriptor> again;
        try {
            again = decode_descriptor(encoded.data(), encoded.size(), bug_compat);
        } catch (const decode_error& e) {
            std::fprintf(stderr, "re-encoded descriptor rejected: %s\n", e.what());
            SPEAD_FUZZ_CHECK(false);
        }
        SPEAD_FUZZ_CHECK(again.has_value());
        SPEAD_FUZZ_CHECK(*again == *desc);
    }
    return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::silence_log();
    return 0;
}
