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
      d_phase(config.descriptors ? phase::descriptors : phase::data),
      d_senders(config.senders)
{
    if (config.descriptors)
        d_control_heaps++;
    // Every sender begins its first heap at once, so the interleaving starts with the
    // first packet.
    for (std::size_t s = 0; s < d_senders.size(); s++)
        begin_heap(s, s);
    if (d_active == 0 && d_phase == phase::data)
        d_phase = phase::stop;
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
    d_heaps_begun++;
    return true;
}

void packet_schedule::control_packet(const std::vector<std::uint8_t>& bytes,
                                     out_packet& out)
{
    out.head_length = 0;
    out.body = bytes.data();
    out.body_length = bytes.size();
    out.cnt = 0;
    out.data = false;
    out.payload_length = 0;
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
        const std::uint64_t step =
            d_config.timestamp_step ? d_config.timestamp_step : d_config.heap_size;
        d_heaps.data_packet(cnt, g * step, state.packet, out);
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
        switch (d_phase) {
        case phase::descriptors:
            if (d_control_index < d_heaps.descriptor_packets().size()) {
                control_packet(d_heaps.descriptor_packets()[d_control_index++], out);
                return true;
            }
            d_phase = phase::data;
            break;
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
            if (next_data(out))
                return true;
            d_phase = phase::stop;
            d_control_index = 0;
            if (d_config.stop_heap) {
                d_stop_packets =
                    d_heaps.stop_packets((d_last_cnt + 1) & d_heaps.value_mask());
                d_control_heaps++;
            }
            break;
        case phase::stop:
            if (d_control_index < d_stop_packets.size()) {
                control_packet(d_stop_packets[d_control_index++], out);
                return true;
            }
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
