/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "packet_writer.h"
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/send/pcap_stream.h>
#include <cerrno>
#include <exception>

namespace gr {
namespace spead {
namespace send {

namespace {

class pcap_writer : public packet_writer
{
public:
    pcap_writer(const std::string& path, std::uint16_t port) : d_file(path, port) {}

    std::size_t num_substreams() const override { return 1; }

    void write(packet_batch& batch) override
    {
        for (batch_packet& p : batch.packets) {
            linearize(batch, p, d_scratch);
            try {
                d_file.write(d_scratch);
            } catch (const std::exception&) {
                p.error = EIO; // larger than an IPv4 datagram, or the disk is full
            }
        }
    }

private:
    protocol::pcap_udp_writer d_file;
    std::vector<std::uint8_t> d_scratch;
};

} // namespace

pcap_stream::pcap_stream(const std::string& path,
                         std::uint16_t port,
                         const stream_config& config)
    : stream(std::make_unique<pcap_writer>(path, port), config)
{
}

} // namespace send
} // namespace spead
} // namespace gr
