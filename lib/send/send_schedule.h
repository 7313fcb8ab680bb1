/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_SEND_SCHEDULE_H
#define INCLUDED_SPEAD_APPS_SEND_SCHEDULE_H

#include "send_config.h"
#include "send_heaps.h"
#include <cstdint>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief The order in which packets leave: the descriptor heap, then the data heaps of
 * \a senders logical senders interleaved packet by packet (round robin, as the packets
 * of several senders meet at a switch), then the stop heap.
 *
 * Counters: the descriptor heap is 1; global data heap g (0, 1, 2, ...) belongs to
 * sender g mod senders and has counter g + 2 * senders, so cnt mod senders is the
 * sender's index (a receiver with substreams = senders gives each sender its own
 * window); the stop heap takes the next counter after the last data heap. The timestamp
 * of heap g is g * timestamp_step, modulo 2^heap_address_bits.
 */
class packet_schedule
{
public:
    packet_schedule(const send_config& config, const heap_factory& heaps);

    /// The next packet in sending order; false when everything has been scheduled.
    bool next(out_packet& out);

    /// Ends the data: every sender completes the heap it is in, begins no other, and the
    /// stop heap follows (for runs limited by time).
    void finish() { d_finishing = true; }

    std::uint64_t data_heaps() const { return d_heaps_begun; }
    std::uint64_t control_heaps() const { return d_control_heaps; }

private:
    struct sender_state {
        bool active = false;
        std::uint64_t global_heap = 0; ///< g of the heap in progress
        std::size_t packet = 0;        ///< next packet of that heap
    };
    enum class phase { descriptors, data, stop, done };

    bool begin_heap(std::size_t sender, std::uint64_t global_heap);
    bool next_data(out_packet& out);
    void control_packet(const std::vector<std::uint8_t>& bytes, out_packet& out);

    const send_config& d_config;
    const heap_factory& d_heaps;
    phase d_phase;
    std::size_t d_control_index = 0;
    std::vector<std::vector<std::uint8_t>> d_stop_packets;
    std::vector<sender_state> d_senders;
    std::size_t d_turn = 0;          ///< sender whose packet goes next
    std::size_t d_active = 0;        ///< senders with a heap in progress
    std::uint64_t d_heaps_begun = 0; ///< data heaps begun
    std::uint64_t d_last_cnt = 1;
    std::uint64_t d_control_heaps = 0;
    bool d_finishing = false;
};

/**
 * \brief Deliberate damage to the data packets (never to descriptor or stop packets),
 * drawn from a generator seeded by the user so that a run can be repeated exactly.
 *
 * For each data packet, in schedule order: with probability drop it is not sent;
 * otherwise with probability reorder it is held back until reorder_distance later
 * packets have gone (a swap with its neighbour for distance 1); and with probability
 * duplicate it goes out twice in a row (wherever it ends up). A control packet first
 * releases every held-back packet, so faults never cross the stop heap.
 */
class fault_injector
{
public:
    explicit fault_injector(const send_config& config);

    /// Whether any fault can happen (when not, push() only appends).
    bool active() const { return d_active; }

    /// Feeds one scheduled packet; appends to \p out what is sent now.
    void push(const out_packet& packet, std::vector<out_packet>& out);
    /// Releases the held-back packets (at the end of the data).
    void flush(std::vector<out_packet>& out);

    /// Adds the counters to \p summary.
    void report(send_summary& summary) const;

private:
    bool draw(double probability);
    void emit(const out_packet& packet, bool twice, std::vector<out_packet>& out);

    struct held_packet {
        out_packet packet;
        bool twice;
        std::size_t remaining;
    };

    const send_config& d_config;
    bool d_active;
    std::uint64_t d_state;
    std::vector<held_packet> d_held;
    std::vector<std::uint64_t> d_last_damaged; ///< per sender, last heap that lost one
    std::uint64_t d_dropped = 0, d_damaged = 0, d_reordered = 0, d_duplicated = 0;
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_SEND_SCHEDULE_H */
