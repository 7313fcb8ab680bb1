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
namespace recv {

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
    const std::size_t total = config.get_max_heaps() * config.get_substreams();
    d_slots.reserve(total);
    for (std::size_t i = 0; i < total; i++)
        d_slots.push_back(window_slot{ live_heap(0, d_heap_options) });
    // Each head starts on its substream's first slot, so the first heap takes the second.
    for (std::size_t i = 0; i < config.get_substreams(); i++)
        d_heads.push_back(i * config.get_max_heaps());
    // spead2's table: a power of two at least 4 * the slots (a low load factor), indexed
    // by the top bits of a Fibonacci hash of the counter.
    std::size_t buckets = 4;
    while (buckets < total)
        buckets *= 2;
    buckets *= 4;
    d_buckets.assign(buckets, no_slot);
    d_bucket_shift = 64;
    for (std::size_t b = buckets; b > 1; b >>= 1)
        d_bucket_shift--;
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

std::optional<std::size_t>
stream::try_relocate_payloads(const payload_relocator& relocate)
{
    std::unique_lock<std::mutex> lock(d_mutex, std::try_to_lock);
    if (!lock.owns_lock())
        return std::nullopt;
    return relocate_locked(relocate);
}

void stream::request_relocation(payload_relocator relocate)
{
    std::lock_guard<std::mutex> lock(d_relocation_mutex);
    d_relocation = std::move(relocate);
    d_relocation_pending.store(true, std::memory_order_release);
}

void stream::serve_relocation()
{
    payload_relocator relocate;
    {
        std::lock_guard<std::mutex> lock(d_relocation_mutex);
        relocate = std::move(d_relocation);
        d_relocation = nullptr;
        d_relocation_pending.store(false, std::memory_order_relaxed);
    }
    if (relocate)
        relocate_locked(relocate);
}

std::size_t stream::relocate_locked(const payload_relocator& relocate)
{
    std::size_t moved = 0;
    for (window_slot& slot : d_slots) {
        if (!slot.live || !slot.heap.get_payload_memory())
            continue;
        memory_allocator::pointer memory =
            relocate(slot.heap.get_payload_memory(), slot.heap.get_payload_capacity());
        if (memory) {
            slot.heap.replace_payload(std::move(memory));
            moved++;
        }
    }
    return moved;
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

void stream::add_stat_now(std::size_t index, std::uint64_t delta)
{
    const auto& configs = *d_config.get_stats();
    std::lock_guard<std::mutex> lock(d_stats_mutex);
    d_stats[index] = configs[index].combine(d_stats[index], delta);
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

void stream::add_packet(const protocol::packet_view& packet, stream_batch& batch)
{
    namespace idx = stream_stat_indices;
    using result = live_heap::add_result;
    // spead2's order: the unsized check first, then the lookup, then (for a new heap) the
    // in-order check, then the slot, then the live heap's own checks.
    if (packet.heap_length < 0 && !d_config.get_allow_unsized_heaps()) {
        // spead2's words (its programs match them); a warning, as every refused packet
        // is here, where spead2 says it at info.
        d_unsized_log.log(protocol::log_level::warning,
                          "packet rejected because it has no HEAP_LEN");
        count_refused(result::unsized, batch);
        return;
    }

    std::size_t slot = no_slot;
    if (packet.heap_length >= 0 &&
        packet.payload_length == std::uint64_t(packet.heap_length)) {
        // A whole heap in one packet: it joins no live heap, even one with its counter.
        batch.add_stat(idx::single_packet_heaps, 1);
    } else {
        std::uint64_t dist;
        slot = find_slot(packet.heap_cnt, dist);
        batch.add_stat(idx::search_dist, dist);
    }

    const bool is_new = slot == no_slot;
    if (is_new) {
        // In in-order mode a heap can only begin at offset 0; refused, it takes no slot.
        if (!d_config.get_allow_out_of_order() && packet.payload_offset != 0) {
            count_refused(result::out_of_order, batch);
            return;
        }
        slot = take_slot(packet.heap_cnt, batch);
    }

    live_heap& h = d_slots[slot].heap;
    const result r = h.add_packet(packet);
    if (r == result::accepted) {
        note_accepted(packet);
        const bool stop_item = d_config.get_stop_on_stop_item() && h.is_end_of_stream();
        if (h.is_complete()) {
            // A complete stop heap is neither delivered nor counted.
            if (stop_item)
                release_slot(slot);
            else
                deliver_slot(slot, batch);
        }
        // An incomplete stop heap stays in the window: stopping flushes it.
        if (stop_item)
            stop_locked(batch);
        return;
    }

    if (r == result::allocation_failed) {
        // Its memory never came: drop what the heap had.
        batch.add_reject_stat(reject_stat_indices::heaps_dropped_allocation_failed, 1);
        release_slot(slot);
    } else if (is_new) {
        // Refused on a rule spead2 does not have (max_heap_size): no empty heap stays.
        release_slot(slot);
    }
    count_refused(r, batch);
}

void stream::count_refused(live_heap::add_result result, stream_batch& batch)
{
    batch.add_reject_stat(reject_stat_indices::packets_rejected, 1);
    if (reject_stat(result) != reject_stat_indices::packets_rejected)
        batch.add_reject_stat(reject_stat(result), 1);
}

std::size_t stream::bucket_of(std::uint64_t cnt) const
{
    return std::size_t((cnt * UINT64_C(11400714819323198485)) >> d_bucket_shift);
}

std::size_t stream::find_slot(std::uint64_t cnt, std::uint64_t& dist) const
{
    // New heaps are chained first, so a counter that repeats finds its newest heap.
    dist = 1;
    for (std::size_t s = d_buckets[bucket_of(cnt)]; s != no_slot; s = d_slots[s].next) {
        if (d_slots[s].heap.get_cnt() == cnt)
            return s;
        dist++;
    }
    return no_slot;
}

std::size_t stream::take_slot(std::uint64_t cnt, stream_batch& batch)
{
    const std::size_t max_heaps = d_config.get_max_heaps();
    const std::size_t substream = std::size_t(cnt % d_heads.size());
    const std::size_t first = substream * max_heaps;
    std::size_t& head = d_heads[substream];
    head = head + 1 == first + max_heaps ? first : head + 1;
    if (d_slots[head].live) {
        // Never complete (complete heaps leave at once): counted as evicted.
        batch.add_stat(stream_stat_indices::incomplete_heaps_evicted, 1);
        deliver_slot(head, batch);
    }
    window_slot& entry = d_slots[head];
    entry.heap.reset(cnt);
    entry.live = true;
    std::size_t& chain = d_buckets[bucket_of(cnt)];
    entry.next = chain;
    chain = head;
    return head;
}

void stream::unlink_slot(std::size_t slot)
{
    window_slot& entry = d_slots[slot];
    std::size_t* link = &d_buckets[bucket_of(entry.heap.get_cnt())];
    while (*link != slot)
        link = &d_slots[*link].next;
    *link = entry.next;
    entry.next = no_slot;
    entry.live = false;
}

void stream::release_slot(std::size_t slot)
{
    unlink_slot(slot);
    d_slots[slot].heap.reset(0);
}

void stream::deliver_slot(std::size_t slot, stream_batch& batch)
{
    // Out of the window before heap_ready runs (it may block on a full ring); the live
    // heap itself stays in its slot, emptied by live_heap_ready.
    unlink_slot(slot);
    batch.add_stat(stream_stat_indices::heaps, 1);
    live_heap_ready(d_slots[slot].heap, batch);
}

void stream::note_accepted(const protocol::packet_view& packet)
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
    std::uint64_t dist;
    const std::size_t slot = find_slot(cnt, dist);
    return slot == no_slot ? nullptr : &d_slots[slot].heap;
}

void stream::stop_locked(stream_batch& batch)
{
    if (d_stopped)
        return;
    d_stopped = true;
    // Each substream in ring order from the slot after its head: oldest heap first.
    const std::size_t max_heaps = d_config.get_max_heaps();
    for (std::size_t substream = 0; substream < d_heads.size(); substream++) {
        const std::size_t first = substream * max_heaps;
        std::size_t slot = d_heads[substream];
        for (std::size_t i = 0; i < max_heaps; i++) {
            slot = slot + 1 == first + max_heaps ? first : slot + 1;
            if (d_slots[slot].live) {
                // Never complete (complete heaps leave at once): counted as flushed.
                batch.add_stat(stream_stat_indices::incomplete_heaps_flushed, 1);
                deliver_slot(slot, batch);
            }
        }
    }
    live_heaps_flushed(batch);
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
    : d_stream(s),
      d_lock(s.d_mutex),
      d_stats(s.d_stats.size(), 0),
      d_stat_configs(*s.d_config.get_stats()),
      d_begun_after_stop(s.d_stop_requested)
{
    s.d_current_batch = this;
    if (s.d_relocation_pending.load(std::memory_order_acquire))
        s.serve_relocation();
}

stream_batch::~stream_batch()
{
    // As spead2: a batch counts when a packet decoded, or when it saw only packets that
    // did not and the stream goes on. A batch that saw nothing (stop()'s, a reader's
    // empty read) does not count.
    if (d_packets || (d_seen && !(d_stream.d_stopped || d_stream.d_stop_requested))) {
        add_stat(stream_stat_indices::batches, 1);
        add_stat(stream_stat_indices::max_batch, d_packets);
    }
    // Published before the lock is released (statistics have their own lock, which
    // get_stats() takes alone), and before the end of the stream is announced.
    d_stream.merge_stats(d_stats, d_reject_stats);
    if (d_stopped_stream)
        d_stream.stop_received();
    d_stream.d_current_batch = nullptr;
    d_lock.unlock();
}

void stream_batch::reject_packet(std::size_t reject_index)
{
    d_seen = true;
    add_reject_stat(reject_stat_indices::packets_rejected, 1);
    if (reject_index != reject_stat_indices::packets_rejected)
        add_reject_stat(reject_index, 1);
}

bool stream_batch::add_packet(const std::uint8_t* data,
                              std::size_t length,
                              protocol::packet_framing framing,
                              std::size_t* consumed)
{
    namespace idx = stream_stat_indices;
    d_seen = true;
    protocol::packet_view packet;
    const protocol::packet_status status = decode_packet(data, length, packet, framing);
    if (consumed) {
        *consumed = status == protocol::packet_status::ok ? packet.size : 0;
        if (status != protocol::packet_status::ok) {
            // Some malformed packets still say how long they are (e.g. a payload beyond
            // HEAP_LENGTH): a byte stream can then step over them and go on.
            const std::size_t size = protocol::declared_packet_size(data, length);
            *consumed = size <= length ? size : 0;
        }
    }
    if (status == protocol::packet_status::ok)
        return add_decoded_packet(packet);
    if (d_stream.d_stopped || d_begun_after_stop) {
        reject_packet(reject_stat_indices::packets_rejected_after_stop);
        return false;
    }
    add_reject_stat(reject_stat_indices::packets_rejected, 1);
    add_reject_stat(reject_stat_indices::for_status(status), 1);
    d_stream.d_malformed_log.log_lazy(protocol::log_level::warning, [&] {
        return "stream " + std::to_string(d_stream.d_config.get_stream_id()) +
               ": dropped a malformed packet (" + to_string(status) + ", " +
               std::to_string(length) + " bytes)";
    });
    return true;
}

bool stream_batch::add_decoded_packet(const protocol::packet_view& packet)
{
    namespace idx = stream_stat_indices;
    // As in spead2, a batch under way when stop() is called is finished (its heaps
    // counted, then dropped by the stopped ring); batches begun after it take nothing.
    if (d_stream.d_stopped || d_begun_after_stop) {
        reject_packet(reject_stat_indices::packets_rejected_after_stop);
        return false;
    }
    d_seen = true;
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
        s.d_config.get_memcpy() != memcpy_function::standard ||
        s.d_heap_options.write_payload || !s.d_last_packet_known ||
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

} // namespace recv
} // namespace spead
} // namespace gr
