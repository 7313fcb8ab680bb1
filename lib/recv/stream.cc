/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/recv/stream.h>
#include <algorithm>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {

namespace {

std::size_t reject_stat(live_heap::add_result result)
{
    using r = live_heap::add_result;
    namespace idx = reject_stat_indices;
    switch (result) {
    case r::duplicate:
        return idx::packets_rejected_duplicate;
    case r::out_of_order:
        return idx::packets_rejected_out_of_order;
    case r::heap_length_mismatch:
        return idx::packets_rejected_heap_length_mismatch;
    case r::flavour_mismatch:
        return idx::packets_rejected_flavour_mismatch;
    case r::too_large:
        return idx::packets_rejected_heap_too_large;
    case r::unsized:
        return idx::packets_rejected_unsized;
    case r::allocation_failed:
        return idx::packets_rejected_allocation_failed;
    case r::accepted:
        break;
    }
    return idx::packets_rejected;
}

stream_stats
reject_snapshot(const std::array<std::uint64_t, reject_stat_indices::count>& values)
{
    return stream_stats(reject_stream_stats(),
                        std::vector<std::uint64_t>(values.begin(), values.end()));
}


} // namespace

/////////////////////////////////////////////////////////////////////////////
// stream
/////////////////////////////////////////////////////////////////////////////

stream::stream(thread_pool& pool, const stream_config& config)
    : d_pool(pool), d_config(config), d_stats(config.get_stats()->size(), 0)
{
    d_heap_options.allow_out_of_order = config.get_allow_out_of_order();
    d_heap_options.allow_unsized_heaps = config.get_allow_unsized_heaps();
    d_heap_options.max_heap_size = config.get_max_heap_size();
    d_heap_options.bug_compat = config.get_bug_compat();
    d_heap_options.copy = get_memcpy(config.get_memcpy());
    d_heap_options.allocator = config.get_memory_allocator();
    d_windows.resize(config.get_substreams());
    for (auto& window : d_windows) {
        window.slots.resize(config.get_max_heaps());
        window.started.resize(config.get_max_heaps(), 0);
    }
}

stream::~stream()
{
    // The subclass has stopped us already (heap_ready is gone by now); this only makes
    // sure no reader handler can still touch the stream.
    for (auto& r : d_readers) {
        r->stop();
        r->wait_finished();
    }
}

void stream::add_reader(std::unique_ptr<reader> r)
{
    reader* added = r.get();
    bool start_now;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        if (d_stopped || d_stop_requested)
            throw std::logic_error("cannot add a reader to a stopped stream");
        if (d_config.get_explicit_start() && d_started)
            throw std::logic_error(
                "cannot add a reader after start() when explicit_start is set");
        d_readers.push_back(std::move(r));
        start_now = !d_config.get_explicit_start();
    }
    if (start_now)
        added->start();
}

void stream::start()
{
    std::vector<reader*> to_start;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        if (d_started)
            return;
        d_started = true;
        if (!d_config.get_explicit_start() || d_stopped || d_stop_requested)
            return;
        for (auto& r : d_readers)
            to_start.push_back(r.get());
    }
    for (reader* r : to_start)
        r->start();
}

void stream::stop()
{
    d_stop_requested = true;
    stop_requested();
    std::vector<reader*> readers;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        for (auto& r : d_readers)
            readers.push_back(r.get());
    }
    for (reader* r : readers)
        r->stop();
    for (reader* r : readers)
        r->wait_finished();
    stream_batch batch(*this);
    stop_locked(batch);
}

bool stream::is_stopped() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_stopped;
}

stream_stats stream::get_stats() const
{
    std::lock_guard<std::mutex> lock(d_stats_mutex);
    return stream_stats(d_config.get_stats(), d_stats);
}

stream_stats stream::get_reject_stats() const
{
    std::lock_guard<std::mutex> lock(d_stats_mutex);
    return reject_snapshot(d_reject_stats);
}

stream_stats stream::get_all_stats() const
{
    std::lock_guard<std::mutex> lock(d_stats_mutex);
    return stream_stats(d_config.get_stats(), d_stats)
        .joined(reject_snapshot(d_reject_stats));
}

void stream::merge_stats(
    const std::vector<std::uint64_t>& deltas,
    const std::array<std::uint64_t, reject_stat_indices::count>& rejects)
{
    const auto& configs = *d_config.get_stats();
    std::lock_guard<std::mutex> lock(d_stats_mutex);
    for (std::size_t i = 0; i < deltas.size(); i++) {
        if (deltas[i])
            d_stats[i] = configs[i].combine(d_stats[i], deltas[i]);
    }
    // Every reject statistic is a counter.
    for (std::size_t i = 0; i < rejects.size(); i++)
        d_reject_stats[i] += rejects[i];
}

void stream::deliver(live_heap&& h, stream_batch& batch)
{
    batch.add_stat(stream_stat_indices::heaps, 1);
    heap_ready(h.finish(keep_payload_ranges()), batch);
}

void stream::add_packet(const packet_view& packet, stream_batch& batch)
{
    namespace idx = stream_stat_indices;
    substream_window& window = d_windows[packet.heap_cnt % d_windows.size()];

    // The window is small (max_heaps): a linear scan beats any map.
    const std::size_t n_slots = window.slots.size();
    std::size_t found = n_slots;
    std::size_t scanned = 0;
    for (std::size_t i = 0; i < n_slots; i++) {
        scanned++;
        if (window.slots[i] && window.slots[i]->get_cnt() == packet.heap_cnt) {
            found = i;
            break;
        }
    }
    batch.add_stat(idx::search_dist, scanned);

    live_heap::add_result result;
    if (found == window.slots.size()) {
        // A new heap. Its first packet is tried on a heap outside the window, so that a
        // packet that is going to be refused cannot evict a good heap.
        live_heap fresh(packet.heap_cnt, d_heap_options);
        result = fresh.add_packet(packet);
        if (result == live_heap::add_result::accepted) {
            note_accepted(packet);
            if (fresh.is_end_of_stream() && d_config.get_stop_on_stop_item()) {
                stop_locked(batch); // the stop heap itself is not delivered
                return;
            }
            if (fresh.is_complete()) {
                batch.add_stat(idx::single_packet_heaps, 1);
                deliver(std::move(fresh), batch);
                return;
            }
            // A free slot if there is one, otherwise the oldest live heap's.
            std::size_t target = n_slots;
            for (std::size_t i = 0; i < n_slots; i++) {
                if (!window.slots[i]) {
                    target = i;
                    break;
                }
                if (target == n_slots || window.started[i] < window.started[target])
                    target = i;
            }
            auto& slot = window.slots[target];
            window.started[target] = window.next_start++;
            if (slot) {
                if (!slot->is_complete())
                    batch.add_stat(idx::incomplete_heaps_evicted, 1);
                live_heap evicted = std::move(*slot);
                slot.reset();
                deliver(std::move(evicted), batch);
            }
            slot.emplace(std::move(fresh));
            return;
        }
    } else {
        auto& slot = window.slots[found];
        result = slot->add_packet(packet);
        if (result == live_heap::add_result::accepted) {
            note_accepted(packet);
            if (slot->is_end_of_stream() && d_config.get_stop_on_stop_item()) {
                slot.reset();
                stop_locked(batch);
                return;
            }
            if (slot->is_complete()) {
                live_heap done = std::move(*slot);
                slot.reset();
                deliver(std::move(done), batch);
            }
            return;
        }
    }

    if (result == live_heap::add_result::allocation_failed) {
        batch.add_reject_stat(reject_stat_indices::heaps_dropped_allocation_failed, 1);
        if (found != window.slots.size())
            window.slots[found].reset(); // its memory never came; drop what it had
    }
    batch.add_reject_stat(reject_stat_indices::packets_rejected, 1);
    if (reject_stat(result) != reject_stat_indices::packets_rejected)
        batch.add_reject_stat(reject_stat(result), 1);
}

void stream::note_accepted(const packet_view& packet)
{
    d_last_heap_cnt = packet.heap_cnt;
    // Sizes from the packets in the middle of a heap only, the ones worth predicting:
    // a heap's first packet usually carries its item pointers too (a longer header, a
    // shorter payload) and its last is usually shorter.
    const bool last =
        packet.heap_length >= 0 && packet.payload_offset + packet.payload_length ==
                                       std::uint64_t(packet.heap_length);
    if (packet.payload_offset != 0 && !last) {
        d_last_packet_known = true;
        d_last_payload_size = std::size_t(packet.payload_length);
        d_last_header_size = packet.size - d_last_payload_size;
    }
}

live_heap* stream::find_live_heap(std::uint64_t cnt)
{
    substream_window& window = d_windows[cnt % d_windows.size()];
    for (auto& slot : window.slots) {
        if (slot && slot->get_cnt() == cnt)
            return &*slot;
    }
    return nullptr;
}

void stream::stop_locked(stream_batch& batch)
{
    if (d_stopped)
        return;
    d_stopped = true;
    for (auto& window : d_windows) {
        // Oldest first, in the order the heaps began.
        std::vector<std::size_t> order;
        for (std::size_t i = 0; i < window.slots.size(); i++) {
            if (window.slots[i])
                order.push_back(i);
        }
        std::sort(order.begin(), order.end(), [&window](std::size_t a, std::size_t b) {
            return window.started[a] < window.started[b];
        });
        for (std::size_t i : order) {
            auto& slot = window.slots[i];
            if (!slot->is_complete())
                batch.add_stat(stream_stat_indices::incomplete_heaps_flushed, 1);
            live_heap flushed = std::move(*slot);
            slot.reset();
            deliver(std::move(flushed), batch);
        }
    }
    // stop_received() waits for the end of the batch, so that a consumer who sees the
    // end of the stream also sees final statistics.
    batch.d_stopped_stream = true;
    // Readers are asked, not joined: this may run inside a reader's own handler.
    for (auto& r : d_readers)
        r->stop();
}

/////////////////////////////////////////////////////////////////////////////
// stream_batch
/////////////////////////////////////////////////////////////////////////////

stream_batch::stream_batch(stream& s)
    : d_stream(s), d_lock(s.d_mutex), d_stats(s.d_stats.size(), 0)
{
}

stream_batch::~stream_batch()
{
    if (d_packets) {
        add_stat(stream_stat_indices::batches, 1);
        add_stat(stream_stat_indices::max_batch, d_packets);
    }
    // Published before the lock is released (statistics have their own lock, which
    // get_stats() takes alone), and before the end of the stream is announced.
    d_stream.merge_stats(d_stats, d_reject_stats);
    if (d_stopped_stream)
        d_stream.stop_received();
    d_lock.unlock();
}

void stream_batch::add_stat(std::size_t index, std::uint64_t delta)
{
    const auto& configs = *d_stream.d_config.get_stats();
    d_stats[index] = configs[index].combine(d_stats[index], delta);
}

void stream_batch::reject_packet(std::size_t reject_index)
{
    d_packets++;
    add_stat(stream_stat_indices::packets, 1);
    add_reject_stat(reject_stat_indices::packets_rejected, 1);
    if (reject_index != reject_stat_indices::packets_rejected)
        add_reject_stat(reject_index, 1);
}

bool stream_batch::add_packet(const std::uint8_t* data,
                              std::size_t length,
                              packet_framing framing,
                              std::size_t* consumed)
{
    namespace idx = stream_stat_indices;
    packet_view packet;
    const packet_status status = decode_packet(data, length, packet, framing);
    if (consumed) {
        *consumed = status == packet_status::ok ? packet.size : 0;
        if (status != packet_status::ok) {
            // Some malformed packets still say how long they are (e.g. a payload beyond
            // HEAP_LENGTH): a byte stream can then step over them and go on.
            const std::size_t size = declared_packet_size(data, length);
            *consumed = size <= length ? size : 0;
        }
    }
    if (status == packet_status::ok)
        return add_decoded_packet(packet);
    if (d_stream.d_stopped || d_stream.d_stop_requested) {
        reject_packet(reject_stat_indices::packets_rejected_after_stop);
        return false;
    }
    d_packets++;
    add_stat(idx::packets, 1);
    add_reject_stat(reject_stat_indices::packets_rejected, 1);
    add_reject_stat(reject_stat_indices::for_status(status), 1);
    d_stream.d_malformed_log.log_lazy(log_level::warning, [&] {
        return "stream " + std::to_string(d_stream.d_config.get_stream_id()) +
               ": dropped a malformed packet (" + to_string(status) + ", " +
               std::to_string(length) + " bytes)";
    });
    return true;
}

bool stream_batch::add_decoded_packet(const packet_view& packet)
{
    namespace idx = stream_stat_indices;
    if (d_stream.d_stopped || d_stream.d_stop_requested) {
        reject_packet(reject_stat_indices::packets_rejected_after_stop);
        return false;
    }
    d_packets++;
    add_stat(idx::packets, 1);
    d_stream.add_packet(packet, *this);
    return !d_stream.d_stopped;
}

bool stream_batch::next_payload_target(payload_target& out) const
{
    stream& s = d_stream;
    // A non-temporal copy was asked for (to keep payload out of the caches): the
    // kernel's copy would not honour that, so the reader copies as asked.
    if (s.d_stopped || s.d_stop_requested || s.d_readers.size() != 1 ||
        s.d_config.get_memcpy() != memcpy_function::standard || !s.d_last_packet_known ||
        s.d_last_payload_size == 0)
        return false;
    live_heap* h = s.find_live_heap(s.d_last_heap_cnt);
    if (h == nullptr)
        return false;
    std::size_t room = 0;
    std::uint8_t* destination = h->next_payload_destination(room);
    if (destination == nullptr || room < s.d_last_payload_size)
        return false;
    out.heap_cnt = s.d_last_heap_cnt;
    out.destination = destination;
    out.room = room;
    out.payload_offset = h->get_received_length();
    out.header_size = s.d_last_header_size;
    out.payload_size = s.d_last_payload_size;
    return true;
}

void stream_batch::end_of_stream() { d_stream.stop_locked(*this); }

} // namespace spead
} // namespace gr
