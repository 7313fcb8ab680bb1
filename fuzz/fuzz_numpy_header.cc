/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// numpy header parsing: the input is the text of a DESCRIPTOR_DTYPE item. The parser
// may only accept it or throw decode_error; what it accepts must format to text that
// parses back to the same header (or be refused by the formatter with
// std::invalid_argument, for records numpy's descr cannot express).

#include "fuzz_support.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/numpy_header.h>
#include <stdexcept>
#include <string>

using namespace gr::spead;
using namespace gr::spead::protocol;
using namespace gr::spead::recv;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);

    try {
        const dtype t = parse_dtype_string(text);
        SPEAD_FUZZ_CHECK(t.itemsize > 0);
    } catch (const decode_error&) {
    }

    numpy_header header;
    try {
        header = parse_numpy_header(text);
    } catch (const decode_error&) {
        return 0;
    }
    for (std::int64_t d : header.shape)
        SPEAD_FUZZ_CHECK(d >= 0);
    SPEAD_FUZZ_CHECK(header.type.itemsize > 0 ||
                     header.type.type_kind == dtype::kind::record);

    std::string formatted;
    try {
        formatted = format_numpy_header(header);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    numpy_header again;
    try {
        again = parse_numpy_header(formatted);
    } catch (const decode_error& e) {
        std::fprintf(
            stderr, "formatted header rejected: %s\n%s\n", e.what(), formatted.c_str());
        SPEAD_FUZZ_CHECK(false);
    }
    SPEAD_FUZZ_CHECK(again == header);
    SPEAD_FUZZ_CHECK(format_numpy_header(again) == formatted);
    return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::silence_log();
    return 0;
}
