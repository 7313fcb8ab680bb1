/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SEND_HEAPS_H
#define INCLUDED_SPEAD_APPS_SEND_HEAPS_H

#include "heap_layout.h"
#include "send_config.h"
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief One packet on its way out: a short header of its own (HEAP_CNT and immediate
 * pointers patched for its heap) followed by a body that points into storage shared by
 * every heap of its kind (the rest of the pointers and the payload, never copied before
 * the socket).
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
    std::size_t destination = 0;    ///< index into the configured destinations

    std::size_t size() const { return head_length + body_length; }
};

/// The heaps other than data heaps.
enum class control_heap { descriptors, start, stop };

/**
 * \brief The heaps the sender sends, each kind encoded once by the protocol layer's
 * encoder: the descriptor heap (every item's descriptor), the start heap (STREAM_CTRL
 * start), the stop heap (STREAM_CTRL stop), and the data heap of the layout, once per
 * payload variant (a fill that differs between senders or substreams has one variant per
 * sender and/or substream). Immediate items come first in a data heap, so that the
 * pointers patched per heap (HEAP_CNT and the immediates) sit at the start of a
 * packet's header.
 */
class heap_factory
{
public:
    /// \throws std::invalid_argument naming the item or setting when the layout, packet
    /// size, heap size or flavour cannot work together.
    explicit heap_factory(const send_config& config);

    const std::vector<layout_item>& items() const { return d_items; }
    std::size_t senders() const { return d_senders; }
    std::size_t substreams() const { return d_substreams; }
    std::size_t destinations() const { return d_destinations; }
    /// Payload bytes of a data heap.
    std::size_t heap_payload() const { return d_heap_payload; }

    std::size_t control_packets(control_heap kind) const;
    /// Packet \p index of a control heap with counter \p cnt.
    void control_packet(control_heap kind,
                        std::uint64_t cnt,
                        std::size_t index,
                        out_packet& out) const;

    std::size_t packets_per_heap() const { return d_variants[0].size(); }
    /// Packet \p index of the data heap at \p where, with counter \p cnt.
    void data_packet(std::uint64_t cnt,
                     const heap_position& where,
                     std::size_t index,
                     out_packet& out) const;

    /// Counters wrap at this mask (the flavour's immediate width).
    std::uint64_t value_mask() const { return d_mask; }

private:
    struct patch {
        std::size_t at;   ///< byte offset of the item pointer
        std::size_t item; ///< index into d_items
    };
    struct template_packet {
        std::vector<std::uint8_t> bytes; ///< the whole encoded packet
        std::size_t head_length = 0;     ///< bytes patched per heap (a prefix)
        std::size_t payload_length = 0;  ///< payload bytes it carries
        std::size_t cnt_at = 0;          ///< byte offset of the HEAP_CNT pointer
        std::vector<patch> patches;      ///< immediates
    };
    using heap_template = std::vector<template_packet>;

    heap_template make_template(std::vector<std::vector<std::uint8_t>> packets) const;
    void fill_packet(const template_packet& t,
                     std::uint64_t cnt,
                     const heap_position* where,
                     out_packet& out) const;
    std::size_t variant(const heap_position& where) const;

    int d_address_bits;
    std::uint64_t d_mask;
    std::vector<layout_item> d_items; ///< immediates first
    std::size_t d_senders, d_substreams, d_destinations;
    std::size_t d_heap_payload = 0;
    bool d_by_sender = false, d_by_substream = false;
    heap_template d_descriptors, d_start, d_stop;
    std::vector<heap_template> d_variants;
};

/**
 * \brief The items of \p config's data heaps, checked for its flavour: its layout's, or
 * the built-in timestamp + data layout.
 * \throws std::invalid_argument as check_layout_items.
 */
std::vector<layout_item> data_heap_items(const send_config& config);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SEND_HEAPS_H */
