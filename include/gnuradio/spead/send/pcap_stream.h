/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_PCAP_STREAM_H
#define INCLUDED_SPEAD_SEND_PCAP_STREAM_H

#include <gnuradio/spead/send/stream.h>
#include <cstdint>
#include <string>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief A send stream that writes each packet as one Ethernet/IPv4/UDP frame of a
 * pcap file, from 127.0.0.1:40000 to 127.0.0.1:\p port: a capture that gr-spead's and
 * spead2's pcap readers, tcpdump and Wireshark read as if it had been sent. One
 * substream. A packet that cannot be written fails its heap with EIO. The file is
 * complete once the stream is destroyed.
 */
class pcap_stream : public stream
{
public:
    /// \throws std::runtime_error naming \p path when it cannot be created.
    pcap_stream(const std::string& path,
                std::uint16_t port,
                const stream_config& config = stream_config());
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_PCAP_STREAM_H */
