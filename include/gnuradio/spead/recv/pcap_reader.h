/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_PCAP_READER_H
#define INCLUDED_SPEAD_RECV_PCAP_READER_H

#include <gnuradio/spead/recv/offline_reader.h>
#include <cstddef>
#include <memory>
#include <string>

namespace gr {
namespace spead {
namespace protocol {
class pcap_capture;
}

namespace recv {

/**
 * \brief Feeds the UDP datagrams of a capture file through a stream, one datagram per
 * packet, on the stream's thread pool (spead2's add_udp_pcap_file_reader).
 *
 * It reads what spead2 reads: untagged IPv4 frames in Ethernet or Linux cooked capture
 * (SLL) files. With extended_frames (a gr-spead extension) it also reads VLAN-tagged
 * Ethernet, IPv6, and Linux cooked capture v2 and bare IP files. Frames that hold no
 * whole UDP datagram (other protocols, IP fragments, frames cut by the snap length) are
 * skipped without being counted. An optional BPF filter (tcpdump syntax, e.g.
 * "udp dst port 7148") selects frames first.
 * Frames are read in batches of batch_frames, one stream_batch each. The end of the file
 * ends the stream; so does a read error (a truncated or corrupt file), which is logged.
 */
class pcap_reader : public offline_reader
{
public:
    /**
     * \brief Opens \p filename at once, so that a bad file or filter is reported here.
     * \throws std::runtime_error naming the file when it cannot be opened or its link
     * type is not supported, or naming the filter when it does not compile.
     */
    pcap_reader(stream& owner,
                const std::string& filename,
                const std::string& filter = std::string(),
                bool extended_frames = false);
    ~pcap_reader() override;

    /// Frames read per batch (one stream lock and one statistics update each).
    static constexpr std::size_t batch_frames = 64;

protected:
    bool read_batch(stream_batch& batch) override;
    void release_input() override;

private:
    std::unique_ptr<protocol::pcap_capture>
        d_capture; ///< used only by read_batch(), one at a time
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_PCAP_READER_H */
