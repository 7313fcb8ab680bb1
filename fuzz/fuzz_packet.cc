/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Packet decoding: the input is one datagram (and, with stream framing, the start of a
// byte stream). decode_packet must never read outside the input, and what it accepts
// must be consistent with SPEAD-PROTOCOL.md section 1 and with the two size helpers a
// byte-stream reader relies on (packet_size_needed, declared_packet_size).

#include "fuzz_support.h"
#include <gnuradio/spead/protocol/packet.h>
#include <cstring>
#include <memory>
#include <string>

using namespace gr::spead;
using namespace gr::spead::protocol;
using namespace gr::spead::recv;

namespace {

/// Reads every byte a view points at (ASan then catches a view that points outside the
/// input) and checks the facts section 1 states for an accepted packet.
void check_view(const packet_view& view, const std::uint8_t* data, std::size_t length)
{
    SPEAD_FUZZ_CHECK(view.size <= length);
    SPEAD_FUZZ_CHECK(view.size == PACKET_HEADER_SIZE + view.n_items * ITEM_POINTER_SIZE +
                                      view.payload_length);
    SPEAD_FUZZ_CHECK(view.pointers == data + PACKET_HEADER_SIZE);
    SPEAD_FUZZ_CHECK(view.payload == view.pointers + view.n_items * ITEM_POINTER_SIZE);
    SPEAD_FUZZ_CHECK(view.heap_address_bits % 8 == 0 && view.heap_address_bits >= 8 &&
                     view.heap_address_bits <= 56);
    SPEAD_FUZZ_CHECK(data[0] == SPEAD_MAGIC && data[1] == SPEAD_VERSION);
    SPEAD_FUZZ_CHECK((data[2] + data[3]) * 8 == 64);
    SPEAD_FUZZ_CHECK(view.heap_length < 0 || view.payload_offset + view.payload_length <=
                                                 std::uint64_t(view.heap_length));
    const std::uint64_t limit = std::uint64_t(1) << view.heap_address_bits;
    SPEAD_FUZZ_CHECK(view.heap_cnt < limit && view.payload_offset < limit &&
                     view.payload_length < limit);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < view.n_items; i++) {
        const item_pointer p = view.pointer(i);
        SPEAD_FUZZ_CHECK(p.id < (std::uint64_t(1) << (63 - view.heap_address_bits)));
        sum += p.value;
    }
    for (std::size_t i = 0; i < view.payload_length; i++)
        sum += view.payload[i];
    // Keeps the reads above from being optimised away.
    volatile std::uint64_t sink = sum;
    (void)sink;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // A private copy of exactly `size` bytes: ASan reports any read past its end.
    std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[size ? size : 1]);
    if (size)
        std::memcpy(copy.get(), data, size);
    const std::uint8_t* in = copy.get();

    packet_view datagram;
    const packet_status as_datagram =
        decode_packet(in, size, datagram, packet_framing::datagram);
    SPEAD_FUZZ_CHECK(std::size_t(as_datagram) < packet_status_count());
    SPEAD_FUZZ_CHECK(std::string(to_string(as_datagram)) != "unknown_packet_status");
    if (as_datagram == packet_status::ok) {
        check_view(datagram, in, size);
        SPEAD_FUZZ_CHECK(datagram.size == size);
    }

    packet_view streamed;
    const packet_status as_stream =
        decode_packet(in, size, streamed, packet_framing::stream);
    if (as_stream == packet_status::ok)
        check_view(streamed, in, size);
    // A whole datagram is also a valid start of a byte stream.
    if (as_datagram == packet_status::ok)
        SPEAD_FUZZ_CHECK(as_stream == packet_status::ok && streamed.size == size);

    // What a TCP reader asks while bytes trickle in: every prefix must give an answer
    // consistent with the final decode.
    packet_status needed_status;
    const std::size_t needed = packet_size_needed(in, size, needed_status);
    if (as_stream == packet_status::ok) {
        SPEAD_FUZZ_CHECK(needed_status == packet_status::ok);
        SPEAD_FUZZ_CHECK(needed == streamed.size);
        // The packet alone decodes the same as a datagram.
        packet_view alone;
        SPEAD_FUZZ_CHECK(decode_packet(in, streamed.size, alone) == packet_status::ok);
        SPEAD_FUZZ_CHECK(alone.heap_cnt == streamed.heap_cnt &&
                         alone.payload_offset == streamed.payload_offset &&
                         alone.payload_length == streamed.payload_length &&
                         alone.heap_length == streamed.heap_length);
        SPEAD_FUZZ_CHECK(declared_packet_size(in, size) == streamed.size);
    }
    if (needed_status == packet_status::ok && needed > 0 && needed <= size)
        SPEAD_FUZZ_CHECK(as_stream == packet_status::ok && streamed.size == needed);
    for (std::size_t prefix = 0; prefix < size && prefix < 64; prefix++) {
        packet_status s;
        const std::size_t n = packet_size_needed(in, prefix, s);
        // A header already known to be broken stays broken as more bytes come.
        if (s != packet_status::ok && needed_status == packet_status::ok)
            SPEAD_FUZZ_CHECK(false);
        if (s == packet_status::ok && n > 0)
            SPEAD_FUZZ_CHECK(n == needed);
    }
    const std::size_t declared = declared_packet_size(in, size);
    if (declared > 0)
        SPEAD_FUZZ_CHECK(declared >= PACKET_HEADER_SIZE);
    return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    gr::spead::fuzz::silence_log();
    return 0;
}
