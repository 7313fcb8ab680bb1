/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_PCAP_CAPTURE_H
#define INCLUDED_SPEAD_PROTOCOL_PCAP_CAPTURE_H

// Private to the engine: a capture file opened for its UDP datagrams, frame by frame.
// read_pcap_udp (pcap_file.cc) and the receive engine's pcap reader both use it, so
// they open files, apply filters and report errors the same way.

#include "pcap_frame.h"
#include <string>

struct pcap; // libpcap's pcap_t, kept out of this header

namespace gr {
namespace spead {
namespace protocol {

class pcap_capture
{
public:
    /**
     * \brief Opens \p path for reading, with a BPF \p filter unless it is empty, for
     * the frames spead2 reads, or with \p extended_frames the wider set (see
     * parse_udp_frame).
     * \throws std::runtime_error naming the file when it cannot be opened or its link
     * type is not one parse_udp_frame understands, or naming the filter (and the file)
     * when it does not compile.
     */
    pcap_capture(const std::string& path,
                 const std::string& filter,
                 bool extended_frames);
    ~pcap_capture();
    pcap_capture(const pcap_capture&) = delete;
    pcap_capture& operator=(const pcap_capture&) = delete;

    enum class frame_result {
        udp,   ///< a frame holding a whole UDP datagram: see the view
        other, ///< a frame without one (another protocol, a fragment, cut short)
        end_of_file,
    };

    /**
     * \brief Reads the next frame that passes the filter. For frame_result::udp, \p out
     * views the datagram, valid until the next call or the destruction of this object.
     * \throws std::runtime_error naming the file when libpcap reports a read error (a
     * truncated or corrupt file).
     */
    frame_result next(udp_frame_view& out);

    const std::string& path() const { return d_path; }

private:
    std::string d_path;
    pcap* d_handle = nullptr;
    int d_link_type = 0;
    bool d_extended_frames = false;
};

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_PCAP_CAPTURE_H */
