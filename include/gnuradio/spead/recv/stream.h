/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_STREAM_H
#define INCLUDED_SPEAD_RECV_STREAM_H

#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/recv/heap.h>
#include <gnuradio/spead/recv/live_heap.h>
#include <gnuradio/spead/recv/rate_limited_log.h>
#include <gnuradio/spead/recv/reader.h>
#include <gnuradio/spead/recv/stream_config.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <gnuradio/spead/recv/thread_pool.h>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace gr {
namespace spead {
namespace recv {

class stream_batch;

/**
 * \brief Assembles heaps from the packets its readers receive (spead2's recv stream).
 *
 * Packets are grouped by heap counter into live heaps. Each substream (cnt mod
 * substreams) has a window of max_heaps slots used as a ring, as in spead2: every new
 * heap (single-packet and stop heaps included) takes the slot after the previous new
 * heap's, evicting whatever is still there, even when other slots are free. A packet
 * whose PAYLOAD_LENGTH equals its HEAP_LENGTH is a whole heap and never joins a live
 * one. Live heaps are found through a hash of the counter (spead2's buckets and
 * chains, so that search_dist counts the same). Finished heaps go to heap_ready(),
 * implemented by a subclass (ring_stream hands them to a consumer). A stop item (with
 * stop_on_stop_item), the end of a reader's input, or stop() end the stream: live heaps
 * are flushed in ring order, oldest first, and readers stopped.
 *
 * Thread safety: readers on the thread pool add packets concurrently (one lock per
 * batch); stop(), start(), get_stats() and emplace_reader() may be called from any
 * thread.
 */
class stream
{
public:
    stream(thread_pool& pool, const stream_config& config = stream_config());
    /// Subclasses must call stop() in their own destructor (heap_ready is theirs).
    virtual ~stream();
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;

    const stream_config& get_config() const { return d_config; }
    thread_pool& get_thread_pool() { return d_pool; }

    /**
     * \brief Adds a reader built as T(*this, args...). Without explicit_start it starts
     * at once. \throws std::logic_error when the stream is stopped, or when
     * explicit_start is set and start() was already called.
     */
    template <typename T, typename... Args>
    T& emplace_reader(Args&&... args)
    {
        auto r = std::make_unique<T>(*this, std::forward<Args>(args)...);
        T& ref = *r;
        add_reader(std::move(r));
        return ref;
    }

    /// With explicit_start: lets the readers added so far begin. Otherwise does nothing.
    void start();

    /**
     * \brief Stops the stream: readers are stopped and joined, live heaps flushed (as
     * incomplete heaps, or dropped), and no further heap is produced. Idempotent; safe
     * while packets keep arriving. Must not be called from a reader's handler.
     */
    virtual void stop();

    /// A consistent snapshot of the statistics: spead2's nine (stream_stat_indices),
    /// then the custom ones of the configuration.
    stream_stats get_stats() const;

    /// A consistent snapshot of the packets rejected and heaps dropped, per reason
    /// (reject_stat_indices).
    stream_stats get_reject_stats() const;

    /// get_stats() followed by get_reject_stats(), taken together (what the blocks and
    /// tools show).
    stream_stats get_all_stats() const;

    /// True once the stream has stopped (stop item, end of input, or stop()).
    bool is_stopped() const;

    /// Returns new memory for a live heap's memory that must move, or null.
    using payload_relocator = std::function<memory_allocator::pointer(
        const memory_allocator::pointer& memory, std::size_t capacity)>;
    /**
     * \brief Offers each live heap's memory to \p relocate with the stream's lock held
     * (so that no payload is being written into it); a heap given new memory (at least
     * \p capacity bytes) continues there with the bytes received so far, and its old
     * memory goes back. The sample source takes back output buffer memory lent to a
     * heap this way. Only when the lock is free at once: a reader may hold it while
     * waiting for the caller (a full ring). \return the heaps moved, or nullopt when
     * the lock was taken.
     */
    std::optional<std::size_t> try_relocate_payloads(const payload_relocator& relocate);
    /// As try_relocate_payloads, done by the next batch of packets before it adds any (a
    /// busy stream's readers hold the lock almost always); never waits. Replaces a
    /// request not yet served.
    void request_relocation(payload_relocator relocate);

protected:
    /// Receives every finished heap, with the stream's lock held, on a reader's thread
    /// (or the thread calling stop() for flushed heaps). May block (ring_stream does
    /// when its ring is full); \p batch lets it count statistics.
    virtual void heap_ready(heap&& h, stream_batch& batch) = 0;

    /// Called once when the stream stops (stop item, end of input, or stop()), after
    /// live heaps are flushed and the statistics of the batch that stopped it are
    /// published, with the lock held. ring_stream stops its ring here so that the
    /// consumer sees the end after the queued heaps, and then final statistics.
    virtual void stop_received() {}

    /// Called once at the start of stop(), before readers are joined and without the
    /// lock: ring_stream stops its ring so that a worker blocked on it wakes.
    virtual void stop_requested() {}

    /// Whether incomplete heaps handed to heap_ready carry their received byte ranges
    /// (heap::get_payload_ranges); ring_stream answers from its configuration.
    virtual bool keep_payload_ranges() const { return false; }

    /// Adds to a statistic at once rather than at the end of the batch, so that a
    /// worker about to block (on a full ring) shows it while blocked, as spead2 does.
    void add_stat_now(std::size_t index, std::uint64_t delta);

    // Hooks for chunk streams (chunk_stream.h), unused by ordinary streams.

    /// Called once in stopping, with the lock held, after the live heaps are flushed
    /// and before the batch's statistics are published: chunk streams hand out their
    /// chunks here.
    virtual void live_heaps_flushed(stream_batch&) {}

    /// Receives each heap that leaves the window, before any heap object exists; must
    /// leave \p h empty (live_heap::finish or live_heap::reset). The default finishes
    /// it and calls heap_ready; chunk streams, which need only where the heap went and
    /// whether it is whole, skip building the heap.
    virtual void live_heap_ready(live_heap& h, stream_batch& batch)
    {
        heap_ready(h.finish(keep_payload_ranges()), batch);
    }

    /// Every accepted payload is written by \p writer instead of the configured memcpy
    /// (which the writer applies itself), and readers no longer receive payload
    /// straight into heap memory. Call from a subclass constructor, before any reader.
    void set_payload_writer(std::function<void(const memory_allocator::pointer&,
                                               const protocol::packet_view&)> writer)
    {
        d_heap_options.write_payload = std::move(writer);
    }

    /// The batch holding the stream's lock (a reader's, or stop()'s); nullptr when none
    /// does. Only meaningful with the lock held (from heap_ready, an allocator, a hook).
    stream_batch* current_batch() const { return d_current_batch; }

private:
    friend class stream_batch;
    friend class reader;

    void add_reader(std::unique_ptr<reader> r);
    /// Adds one decoded packet to its live heap; with the lock held.
    void add_packet(const protocol::packet_view& packet, stream_batch& batch);
    /// Hands a live heap that leaves the window to heap_ready; with the lock held.
    /// Flushes live heaps (oldest first), marks the stream stopped and asks readers to
    /// stop; with the lock held. stop_received() follows when \p batch ends, once its
    /// statistics are published.
    void stop_locked(stream_batch& batch);
    void
    merge_stats(const std::vector<std::uint64_t>& deltas,
                const std::array<std::uint64_t, reject_stat_indices::count>& rejects);
    /// Remembers an accepted packet's heap and sizes (for next_payload_target).
    void note_accepted(const protocol::packet_view& packet);
    /// Counts a packet the window or its live heap refused.
    void count_refused(live_heap::add_result result, stream_batch& batch);
    /// try_relocate_payloads' work, with the lock held.
    std::size_t relocate_locked(const payload_relocator& relocate);
    /// Serves a request_relocation(), with the lock held (from a batch).
    void serve_relocation();
    /// The live heap with counter \p cnt, or nullptr; with the lock held.
    live_heap* find_live_heap(std::uint64_t cnt);

    static constexpr std::size_t no_slot = SIZE_MAX;
    /// One slot of the window; slots whose counters share a hash bucket are chained.
    struct window_slot {
        /// Kept from heap to heap (reset, not destroyed), so that it keeps its buffers.
        live_heap heap;
        bool live = false;          ///< holds a heap of the window
        std::size_t next = no_slot; ///< the next slot of the chain, or no_slot
    };

    std::size_t bucket_of(std::uint64_t cnt) const;
    /// The first slot of \p cnt's chain holding it, or no_slot; \p dist receives the
    /// slots looked at plus one (spead2's search_dist).
    std::size_t find_slot(std::uint64_t cnt, std::uint64_t& dist) const;
    /// Moves the head of \p cnt's substream on, evicts the heap found there and puts a
    /// new live heap for \p cnt in its place; returns the slot.
    std::size_t take_slot(std::uint64_t cnt, stream_batch& batch);
    /// Unchains the slot's heap and marks the slot free (its heap is left as it is).
    void unlink_slot(std::size_t slot);
    /// Unchains the slot's heap and empties the slot.
    void release_slot(std::size_t slot);
    /// Hands the slot's heap to heap_ready and empties the slot.
    void deliver_slot(std::size_t slot, stream_batch& batch);

    thread_pool& d_pool;
    const stream_config d_config;
    live_heap_options d_heap_options;
    /// Guards the windows, readers and flags: held for a whole batch.
    mutable std::mutex d_mutex;
    /// max_heaps slots per substream, substream after substream.
    std::vector<window_slot> d_slots;
    /// A relocation requested for the next batch (request_relocation).
    std::mutex d_relocation_mutex;
    payload_relocator d_relocation;
    std::atomic<bool> d_relocation_pending{ false };
    /// Per substream: the slot of its newest heap (the ring's head).
    std::vector<std::size_t> d_heads;
    /// Per hash bucket: the first slot of its chain (the newest heap), or no_slot.
    std::vector<std::size_t> d_buckets;
    int d_bucket_shift = 0;
    std::vector<std::unique_ptr<reader>> d_readers;
    /// Statistics have their own lock, so that a worker blocked on a full ring (holding
    /// d_mutex) does not block get_stats().
    mutable std::mutex d_stats_mutex;
    std::vector<std::uint64_t> d_stats; ///< indexed like d_config.get_stats()
    std::array<std::uint64_t, reject_stat_indices::count> d_reject_stats{};
    rate_limited_log d_malformed_log;
    rate_limited_log d_unsized_log;
    bool d_started = false;
    bool d_stopped = false;
    stream_batch* d_current_batch = nullptr; ///< see current_batch()
    /// The last accepted packet's heap, and the sizes of the last accepted packet from
    /// the middle of a heap (neither its first nor its last), for
    /// stream_batch::next_payload_target.
    bool d_last_packet_known = false;
    std::uint64_t d_last_heap_cnt = 0;
    std::size_t d_last_header_size = 0;
    std::size_t d_last_payload_size = 0;
    /// Set by stop() before anything else, without the lock, so that a worker in the
    /// middle of a batch stops at its next packet instead of racing to the end of its
    /// input while stop() waits for the lock.
    std::atomic<bool> d_stop_requested{ false };
};

/**
 * \brief A reader's handle for feeding a batch of packets: takes the stream's lock for
 * its lifetime and publishes the batch's statistics once, when destroyed.
 */
class stream_batch
{
public:
    explicit stream_batch(stream& s);
    ~stream_batch();
    stream_batch(const stream_batch&) = delete;
    stream_batch& operator=(const stream_batch&) = delete;

    /**
     * \brief Decodes and adds one packet. Malformed packets are counted per reason and
     * logged (rate-limited); they are not counted in `packets` (spead2 counts packets
     * that decode). Returns false once the stream is stopped: the reader should
     * then stop reading. With stream framing, *\p consumed receives the packet's size;
     * for a malformed packet, the size its header and immediate PAYLOAD_LENGTH declare
     * when those can be trusted (so that it can be stepped over), else 0 (a byte stream
     * then cannot be resynchronised).
     */
    bool add_packet(const std::uint8_t* data,
                    std::size_t length,
                    protocol::packet_framing framing = protocol::packet_framing::datagram,
                    std::size_t* consumed = nullptr);

    /// Adds one packet the reader decoded itself (decode_split_packet, for a payload
    /// received in place); otherwise as add_packet.
    bool add_decoded_packet(const protocol::packet_view& packet);

    /// Counts a packet the reader itself rejected (e.g. larger than max_size) under
    /// reject counter \p reject_index (reject_stat_indices; also adding to
    /// packets_rejected, not to packets).
    void reject_packet(std::size_t reject_index);

    /// Adds \p delta to statistic \p index (a counter) or raises it (a maximum).
    /// Inline: several calls per packet.
    void add_stat(std::size_t index, std::uint64_t delta)
    {
        d_stats[index] = d_stat_configs[index].combine(d_stats[index], delta);
    }

    /// This batch's statistics deltas, indexed like the stream's statistics (spead2's
    /// batch_stats: custom counters are incremented here, merged when the batch ends).
    std::uint64_t* stats_data() { return d_stats.data(); }

    /// Adds \p delta to reject counter \p index (reject_stat_indices).
    void add_reject_stat(std::size_t index, std::uint64_t delta)
    {
        d_reject_stats[index] += delta;
    }

    /// The reader reached the end of its input: the stream stops as for a stop item.
    void end_of_stream();

    /// The stream stopped, or stop() came before this batch began: take no packets.
    bool is_stopped() const { return d_stream.d_stopped || d_begun_after_stop; }

    /// Where the stream expects the payload of the next packets (see
    /// next_payload_target).
    struct payload_target {
        std::uint64_t heap_cnt = 0;
        /// The heap's next in-order payload byte.
        std::uint8_t* destination = nullptr;
        /// PAYLOAD_OFFSET of that byte (the bytes of the heap received so far).
        std::size_t payload_offset = 0;
        /// Bytes from \a destination to the end of the heap.
        std::size_t room = 0;
        /// Header and item pointers of the last accepted packet from the middle of a
        /// heap (neither its first nor its last), in bytes.
        std::size_t header_size = 0;
        /// Payload of that packet, in bytes (never 0 here).
        std::size_t payload_size = 0;
    };

    /**
     * \brief For a reader that receives payload straight into heap memory: true, with
     * \p out filled, when the heap of the last accepted packet is live, sized, in-order
     * and has room for at least one more payload of the size the last packet from the
     * middle of a heap had, and this batch's reader is the stream's only one (so that
     * nothing else changes the heap before the batch ends). Never with a non-temporal
     * memcpy configured (the kernel's copy would not honour it).
     *
     * The reader may let the kernel write up to \a room bytes at \a destination while
     * it holds this batch, then feed packets whose payload pointers point there;
     * live_heap::add_packet skips the copy of a payload already in place. Bytes written
     * there by packets that turn out to be something else are never counted as received.
     */
    bool next_payload_target(payload_target& out) const;

private:
    friend class stream;
    stream& d_stream;
    std::unique_lock<std::mutex> d_lock;
    std::vector<std::uint64_t> d_stats; ///< this batch's deltas, merged at the end
    const std::vector<stream_stat_config>& d_stat_configs; ///< how each one combines
    std::array<std::uint64_t, reject_stat_indices::count> d_reject_stats{};
    std::size_t d_packets = 0; ///< packets that decoded (spead2's batch size)
    bool d_seen = false;       ///< any packet at all was offered (decoded or not)
    /// stop() had been called when this batch began: it takes no packet (a batch under
    /// way when stop() comes is finished, as in spead2).
    bool d_begun_after_stop;
    bool d_stopped_stream = false; ///< this batch stopped the stream: stop_received due
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_STREAM_H */
