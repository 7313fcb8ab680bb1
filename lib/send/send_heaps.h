/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SEND_HEAPS_H
#define INCLUDED_SPEAD_APPS_SEND_HEAPS_H

#include "send_config.h"
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief One packet on its way out: a short header of its own (item pointers patched
 * for its heap) followed by a body that points into storage shared by every heap (the
 * payload is the same in each data heap, so it is never copied before the socket).
 * Control packets (descriptors, stop) are whole in the body and have no head.
 */
struct out_packet {
    static constexpr std::size_t max_head = 128;
    std::array<std::uint8_t, max_head> head;
    std::size_t head_length = 0;
    const std::uint8_t* body = nullptr;
    std::size_t body_length = 0;
    std::uint64_t cnt = 0;
    bool data = false;              ///< belongs to a data heap (faults apply)
    std::size_t payload_length = 0; ///< data heap payload bytes it carries

    std::size_t size() const { return head_length + body_length; }
};

/**
 * \brief The heaps the load generator sends, encoded once by the protocol layer's
 * encoder: the descriptor heap, a data heap template (one immediate timestamp and one
 * addressed uint8 item of heap_size bytes whose byte i is i mod 256), and stop heaps.
 * A data heap differs from the template only in HEAP_CNT and the timestamp, which are
 * patched into each packet's own header copy.
 */
class heap_factory
{
public:
    /// \throws std::invalid_argument (from the encoder) when the packet size, heap size
    /// or flavour cannot work together.
    explicit heap_factory(const send_config& config);

    /// Packets of the descriptor heap (cnt 1): descriptors of the timestamp and data.
    const std::vector<std::vector<std::uint8_t>>& descriptor_packets() const
    {
        return d_descriptor_packets;
    }
    /// Packets of a stop heap (STREAM_CTRL = stop, no payload) with counter \p cnt.
    std::vector<std::vector<std::uint8_t>> stop_packets(std::uint64_t cnt) const;

    std::size_t packets_per_heap() const { return d_template.size(); }
    /// Packet \p index of the data heap \p cnt whose timestamp is \p timestamp.
    void data_packet(std::uint64_t cnt,
                     std::uint64_t timestamp,
                     std::size_t index,
                     out_packet& out) const;

    /// Timestamps and counters wrap at this mask (the flavour's immediate width).
    std::uint64_t value_mask() const { return d_mask; }

private:
    struct template_packet {
        std::vector<std::uint8_t> bytes; ///< the whole encoded packet
        std::size_t head_length = 0;     ///< header + item pointers
        std::size_t cnt_at = 0;          ///< byte offset of the HEAP_CNT pointer
        std::size_t timestamp_at = 0;    ///< of the timestamp pointer; 0: none
    };

    int d_address_bits;
    std::uint64_t d_mask;
    std::size_t d_packet_size;
    std::vector<std::vector<std::uint8_t>> d_descriptor_packets;
    std::vector<template_packet> d_template;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SEND_HEAPS_H */
