/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "pcap_capture.h"
#include <pcap/pcap.h>
#include <stdexcept>

namespace gr {
namespace spead {
namespace protocol {

namespace {

void apply_filter(pcap_t* handle, const std::string& path, const std::string& filter)
{
    bpf_program program;
    if (pcap_compile(handle, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
        throw std::runtime_error("pcap filter '" + filter + "' does not compile for '" +
                                 path + "': " + pcap_geterr(handle));
    const int rc = pcap_setfilter(handle, &program);
    pcap_freecode(&program);
    if (rc != 0)
        throw std::runtime_error("pcap filter '" + filter + "' cannot be applied to '" +
                                 path + "': " + pcap_geterr(handle));
}

} // namespace

pcap_capture::pcap_capture(const std::string& path,
                           const std::string& filter,
                           bool extended_frames)
    : d_path(path), d_extended_frames(extended_frames)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    d_handle = pcap_open_offline(path.c_str(), errbuf);
    if (!d_handle)
        throw std::runtime_error("cannot open pcap file '" + path + "': " + errbuf);
    try {
        d_link_type = pcap_datalink(d_handle);
        if (!link_type_supported(d_link_type, extended_frames)) {
            const char* name = pcap_datalink_val_to_name(d_link_type);
            const bool extension = link_type_supported(d_link_type, true);
            throw std::runtime_error(
                "pcap file '" + path + "' has link type " + std::to_string(d_link_type) +
                " (" + (name ? name : "unknown") + "): " +
                (extension ? "read with extended_frames=True (spead2 reads Ethernet "
                             "and Linux cooked capture only)"
                           : "not supported"));
        }
        if (!filter.empty())
            apply_filter(d_handle, path, filter);
    } catch (...) {
        pcap_close(d_handle); // the destructor does not run for a failed constructor
        throw;
    }
}

pcap_capture::~pcap_capture() { pcap_close(d_handle); }

pcap_capture::frame_result pcap_capture::next(udp_frame_view& out)
{
    pcap_pkthdr* header = nullptr;
    const u_char* frame = nullptr;
    const int rc = pcap_next_ex(d_handle, &header, &frame);
    if (rc == 1) {
        // spead2 skips every frame cut by the snap length, even when the datagram fits.
        if (!d_extended_frames && header->caplen < header->len)
            return frame_result::other;
        return parse_udp_frame(d_link_type, frame, header->caplen, d_extended_frames, out)
                   ? frame_result::udp
                   : frame_result::other;
    }
    if (rc == PCAP_ERROR)
        throw std::runtime_error("error reading pcap file '" + d_path +
                                 "': " + pcap_geterr(d_handle));
    return frame_result::end_of_file; // PCAP_ERROR_BREAK: no more frames in a savefile
}

} // namespace protocol
} // namespace spead
} // namespace gr
