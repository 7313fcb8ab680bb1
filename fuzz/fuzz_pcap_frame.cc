/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Capture frames: the input is a link-type choice and one captured frame, unwrapped as
// the pcap reader and read_pcap_udp do (spead2's frames, or with extended_frames
// Ethernet with VLAN tags, Linux cooked capture v1 and v2, bare IPv4/IPv6). A capture
// file is untrusted input too: the UDP payload found must lie inside the frame, and
// parsing must never read outside it.

#include "../lib/protocol/pcap_frame.h"
#include "fuzz_support.h"
#include <pcap/dlt.h>
#include <cstring>
#include <memory>

using namespace gr::spead;
using namespace gr::spead::protocol;
using namespace gr::spead::recv;

namespace {
constexpr int link_types[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2,
                               DLT_RAW,    DLT_IPV4,      DLT_IPV6 };
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    const int link_type = link_types[data[0] % 6];
    const bool extended_frames = (data[0] & 0x80) != 0; // both rule sets
    // A private copy of exactly the frame: ASan reports any read past its end.
    const std::size_t captured = size - 1;
    std::unique_ptr<std::uint8_t[]> frame(new std::uint8_t[captured ? captured : 1]);
    if (captured)
        std::memcpy(frame.get(), data + 1, captured);

    SPEAD_FUZZ_CHECK(link_type_supported(link_type, true));
    udp_frame_view view;
    if (!parse_udp_frame(link_type, frame.get(), captured, extended_frames, view))
        return 0;
    SPEAD_FUZZ_CHECK(view.payload >= frame.get());
    SPEAD_FUZZ_CHECK(view.payload + view.payload_length <= frame.get() + captured);
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < view.payload_length; i++)
        sum += view.payload[i];
    volatile std::uint64_t sink = sum;
    (void)sink;
    return 0;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    fuzz::silence_log();
    return 0;
}
