/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "send_schedule.h"
#include <limits>

namespace gr {
namespace spead {
namespace send {

packet_schedule::packet_schedule(const send_config& config, const heap_factory& heaps)
    : d_config(config),
      d_heaps(heaps),
      d_senders(heaps.senders()),
      d_next_control_cnt(heaps.value_mask())
{
    if (config.start_heap)
        for (std::size_t d = 0; d < heaps.destinations(); d++)
            queue_control(control_heap::start, control_cnt(), d);
    if (config.descriptors) {
        queue_control(control_heap::descriptors, 1, 0);
        for (std::size_t d = 1; d < heaps.destinations(); d++)
            queue_control(control_heap::descriptors, control_cnt(), d);
    }
    // Every sender begins its first heap at once, so the interleaving starts with the
    // first data packet.
    for (std::size_t s = 0; s < d_senders.size(); s++)
        begin_heap(s, s);
}

void packet_schedule::queue_control(control_heap kind,
                                    std::uint64_t cnt,
                                    std::size_t destination)
{
    d_control.push_back({ kind, cnt, destination });
    d_control_heaps++;
}

void packet_schedule::queue_descriptors()
{
    for (std::size_t d = 0; d < d_heaps.destinations(); d++)
        queue_control(control_heap::descriptors, control_cnt(), d);
}

bool packet_schedule::begin_heap(std::size_t sender, std::uint64_t global_heap)
{
    sender_state& state = d_senders[sender];
    const bool timed = d_config.duration > 0;
    const bool allowed =
        !d_finishing && (timed || global_heap < d_config.heaps) &&
        global_heap < std::numeric_limits<std::uint64_t>::max() - 2 * d_senders.size();
    if (!allowed) {
        if (state.active)
            d_active--;
        state.active = false;
        return false;
    }
    if (!state.active)
        d_active++;
    state.active = true;
    state.global_heap = global_heap;
    state.packet = 0;
    const std::uint64_t k = global_heap / d_senders.size();
    state.where.heap = global_heap;
    state.where.sender = sender;
    state.where.substream = std::size_t(k % d_heaps.substreams());
    state.where.frame = k / d_heaps.substreams();
    d_heaps_begun++;
    if (d_config.descriptors_every && global_heap > 0 &&
        global_heap % d_config.descriptors_every == 0)
        d_descriptors_due = true;
    return true;
}

bool packet_schedule::next_data(out_packet& out)
{
    const std::size_t n = d_senders.size();
    while (d_active > 0) {
        const std::size_t s = d_turn;
        d_turn = (d_turn + 1) % n;
        sender_state& state = d_senders[s];
        if (!state.active)
            continue;
        const std::uint64_t g = state.global_heap;
        const std::uint64_t cnt = (g + 2 * n) & d_heaps.value_mask();
        d_heaps.data_packet(cnt, state.where, state.packet, out);
        out.destination = state.where.substream % d_heaps.destinations();
        if (cnt > d_last_cnt)
            d_last_cnt = cnt;
        if (++state.packet == d_heaps.packets_per_heap())
            begin_heap(s, g + n);
        return true;
    }
    return false;
}

bool packet_schedule::next(out_packet& out)
{
    for (;;) {
        if (d_control_heap < d_control.size()) {
            const control_entry& c = d_control[d_control_heap];
            d_heaps.control_packet(c.kind, c.cnt, d_control_packet, out);
            out.destination = c.destination;
            if (++d_control_packet == d_heaps.control_packets(c.kind)) {
                d_control_packet = 0;
                d_control_heap++;
            }
            return true;
        }
        d_control.clear();
        d_control_heap = 0;
        switch (d_phase) {
        case phase::data:
            if (d_finishing) {
                // Senders that have not sent their heap's first packet yet drop it.
                for (std::size_t s = 0; s < d_senders.size(); s++) {
                    sender_state& state = d_senders[s];
                    if (state.active && state.packet == 0) {
                        state.active = false;
                        d_active--;
                        d_heaps_begun--;
                    }
                }
            }
            if (d_descriptors_due && d_active > 0) {
                d_descriptors_due = false;
                queue_descriptors();
                continue;
            }
            if (next_data(out))
                return true;
            d_phase = phase::stop;
            if (d_config.stop_heap)
                for (std::size_t d = 0; d < d_heaps.destinations(); d++)
                    queue_control(control_heap::stop,
                                  (d_last_cnt + 1 + d) & d_heaps.value_mask(),
                                  d);
            break;
        case phase::stop:
            d_phase = phase::done;
            break;
        case phase::done:
            return false;
        }
    }
}

fault_injector::fault_injector(const send_config& config)
    : d_config(config),
      d_active(config.drop > 0 || config.reorder > 0 || config.duplicate > 0),
      d_state(config.seed),
      d_last_damaged(config.senders, std::numeric_limits<std::uint64_t>::max())
{
}

bool fault_injector::draw(double probability)
{
    if (probability <= 0)
        return false;
    // splitmix64: small, fast, and the same sequence on every platform for a seed.
    std::uint64_t z = (d_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return double(z >> 11) * (1.0 / 9007199254740992.0) < probability;
}

void fault_injector::emit(const out_packet& packet,
                          bool twice,
                          std::vector<out_packet>& out)
{
    out.push_back(packet);
    if (twice)
        out.push_back(packet);
    // Every packet that goes out brings the held-back ones closer to their turn.
    for (std::size_t i = 0; i < d_held.size();) {
        if (--d_held[i].remaining == 0) {
            const held_packet released = d_held[i];
            d_held.erase(d_held.begin() + std::ptrdiff_t(i));
            out.push_back(released.packet);
            if (released.twice)
                out.push_back(released.packet);
        } else {
            i++;
        }
    }
}

void fault_injector::push(const out_packet& packet, std::vector<out_packet>& out)
{
    if (!packet.data) {
        flush(out);
        out.push_back(packet);
        return;
    }
    if (!d_active) {
        out.push_back(packet);
        return;
    }
    if (draw(d_config.drop)) {
        d_dropped++;
        std::uint64_t& last = d_last_damaged[packet.cnt % d_last_damaged.size()];
        if (last != packet.cnt) {
            last = packet.cnt;
            d_damaged++;
        }
        return;
    }
    const bool delay = draw(d_config.reorder);
    const bool twice = draw(d_config.duplicate);
    if (twice)
        d_duplicated++;
    if (delay) {
        d_reordered++;
        d_held.push_back({ packet, twice, d_config.reorder_distance });
        return;
    }
    emit(packet, twice, out);
}

void fault_injector::flush(std::vector<out_packet>& out)
{
    for (const held_packet& h : d_held) {
        out.push_back(h.packet);
        if (h.twice)
            out.push_back(h.packet);
    }
    d_held.clear();
}

void fault_injector::report(send_summary& summary) const
{
    summary.dropped = d_dropped;
    summary.damaged_heaps = d_damaged;
    summary.reordered = d_reordered;
    summary.duplicated = d_duplicated;
}

} // namespace send
} // namespace spead
} // namespace gr
