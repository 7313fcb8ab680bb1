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
 * \brief The order in which packets leave: the start heaps and descriptor heaps (one
 * per destination), then the data heaps of \a senders logical senders interleaved
 * packet by packet (round robin, as the packets of several senders meet at a switch),
 * descriptor heaps again every descriptors_every data heaps, then the stop heaps (one
 * per destination).
 *
 * Data heap g (0, 1, 2...) belongs to sender s = g mod senders; that sender's k-th heap
 * (k = g / senders) is for substream k mod substreams, of frame k / substreams, and
 * goes to destination substream mod destinations. So the senders send the same frame
 * and substream at the same time (antennas of one timestamp), substream after
 * substream.
 *
 * Counters: data heap g has counter g + 2 x senders, so counter mod senders is the
 * sender's index (a receiver with substreams = senders gives each sender its own
 * window); the first descriptor heap (to destination 0) is 1; every other start or
 * descriptor heap takes the next counter down from the flavour's largest, 2^bits - 1,
 * so that none meets a data heap's; the stop heap of destination d takes the counter
 * d + 1 after the last data heap's. Immediates follow the layout (heap_position).
 */
class packet_schedule
{
public:
    packet_schedule(const send_config& config, const heap_factory& heaps);

    /// The next packet in sending order; false when everything has been scheduled.
    bool next(out_packet& out);

    /// Ends the data: every sender completes the heap it is in, begins no other, and the
    /// stop heaps follow (for runs limited by time).
    void finish() { d_finishing = true; }

    std::uint64_t data_heaps() const { return d_heaps_begun; }
    std::uint64_t control_heaps() const { return d_control_heaps; }

private:
    struct sender_state {
        bool active = false;
        std::uint64_t global_heap = 0; ///< g of the heap in progress
        std::size_t packet = 0;        ///< next packet of that heap
        heap_position where;           ///< of that heap
    };
    struct control_entry {
        control_heap kind;
        std::uint64_t cnt;
        std::size_t destination;
    };
    enum class phase { data, stop, done };

    bool begin_heap(std::size_t sender, std::uint64_t global_heap);
    bool next_data(out_packet& out);
    void queue_control(control_heap kind, std::uint64_t cnt, std::size_t destination);
    void queue_descriptors();
    std::uint64_t control_cnt() { return d_next_control_cnt--; }

    const send_config& d_config;
    const heap_factory& d_heaps;
    phase d_phase = phase::data;
    std::vector<control_entry> d_control; ///< control heaps to send before anything else
    std::size_t d_control_heap = 0;       ///< heap of d_control in progress
    std::size_t d_control_packet = 0;     ///< its next packet
    std::vector<sender_state> d_senders;
    std::size_t d_turn = 0;          ///< sender whose packet goes next
    std::size_t d_active = 0;        ///< senders with a heap in progress
    std::uint64_t d_heaps_begun = 0; ///< data heaps begun
    std::uint64_t d_last_cnt = 1;
    std::uint64_t d_next_control_cnt;
    std::uint64_t d_control_heaps = 0;
    bool d_descriptors_due = false;
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
