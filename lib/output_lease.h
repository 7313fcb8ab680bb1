/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_OUTPUT_LEASE_H
#define INCLUDED_SPEAD_OUTPUT_LEASE_H

// Private to the sample source, free of GNU Radio types (tested by qa_spead_blocks):
// heap memory lent out of the source's own output buffer, so that a heap received
// there is emitted where it lies instead of being copied.

#include <gnuradio/spead/recv/memory_allocator.h>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace gr {
namespace spead {

/**
 * \brief Lends heaps memory in the free part of an output buffer, in output order.
 *
 * Positions are byte offsets in the output stream (bytes written since the start).
 * The output's thread publishes, at each work() call, the free region after its write
 * position. Every heap of exactly lease_size() bytes gets a place in the output: the
 * write position plus the bytes of the heaps of that size before it still to be
 * emitted (the place it takes when heaps go out in the order they started). When that
 * place lies in the free region and no other heap's memory is there, the heap gets it
 * as memory (a lease) and, completing in order, is emitted without a copy; otherwise
 * it gets memory from the fallback allocator (and is copied as usual). Other sizes
 * always get fallback memory.
 *
 * Before writing anything at the write position, the output claims the bytes
 * (claim()): the claim fails while a heap still in the stream has its memory there
 * (the stream may be writing it), or names a heap the output holds there. A heap
 * dropped (incomplete) gives up its place: the heaps placed after it move back over it
 * when emitted (a copy each), and later heaps are placed without it. Taking a lease
 * back from a heap being received (relocate_from) costs a copy in the receive thread:
 * after one, nothing is lent for the next pause_after_upset heaps.
 *
 * Thread safety: every member may be called from any thread.
 */
class output_lease_allocator : public recv::memory_allocator
{
public:
    /// Where a claim of output bytes stands.
    enum class claim_result {
        granted,        ///< the bytes are the caller's to write
        held_by_stream, ///< a heap still being received has memory there: wait
        held_by_output, ///< a heap the output has taken (see take()) has memory there
    };

    /// Heaps not lent output memory after a lease was taken back.
    static constexpr std::uint64_t pause_after_upset = 32;

    explicit output_lease_allocator(std::shared_ptr<recv::memory_allocator> fallback);

    /// The output's free region: \p bytes bytes from stream position \p position, at
    /// \p ptr (contiguous: a double-mapped circular buffer). Moves the write position to
    /// \p position.
    void publish(std::uint8_t* ptr, std::uint64_t position, std::size_t bytes);
    /// Places heaps of exactly \p bytes bytes from now on (0: none).
    void set_lease_size(std::size_t bytes);
    std::size_t lease_size() const;

    /// The heap \p memory belongs to, when it was placed by this allocator (a lease or
    /// fallback memory) and is still held.
    std::optional<std::uint64_t>
    placed_heap(const recv::memory_allocator::pointer& memory) const;
    /// The output position of heap \p id's memory when it is a lease.
    std::optional<std::uint64_t> lease_position(std::uint64_t id) const;
    /// The output has taken heap \p id out of the stream: its memory no longer changes.
    void take(std::uint64_t id);
    /**
     * \brief Asks for output bytes [\p position, \p position + \p bytes), to be written
     * now, from heap \p own (placed_heap(), if any: its lease may overlap them, and its
     * bytes count as emitted). On success the write position moves to their end.
     * \p blocking (when not granted): the position of a lease in the way.
     */
    claim_result claim(std::uint64_t position,
                       std::size_t bytes,
                       std::optional<std::uint64_t> own,
                       std::uint64_t* blocking = nullptr);
    /**
     * \brief For stream::try_relocate_payloads: memory from the fallback allocator for
     * \p memory when it is a lease of a heap still being received that overlaps
     * [\p position, \p position + \p bytes); else null.
     */
    pointer relocate_from(const pointer& memory,
                          std::size_t capacity,
                          std::uint64_t position,
                          std::size_t bytes);

    /// Heaps lent output memory, heaps placed in fallback memory, and leases taken
    /// back from heaps being received (relocate_from), since construction.
    std::uint64_t leases_granted() const;
    std::uint64_t fallbacks() const;
    std::uint64_t relocated() const;

    pointer allocate(std::size_t size, void* hint = nullptr) override;

protected:
    void free(std::uint8_t* ptr, void* user) override;

private:
    struct placed {
        std::uint64_t position; ///< in the output
        std::size_t size;
        std::size_t emitted = 0; ///< bytes claimed from it
        bool taken = false;
        /// Fallback memory (the heap's place is only reckoned); null for a lease.
        recv::memory_allocator::pointer fallback;
    };
    /// A lease taken back: lending pauses (with d_mutex held).
    void upset() { d_resume_at = d_allocations + pause_after_upset; }
    /// Whether [position, position + bytes) holds no lease (with d_mutex held).
    bool free_of_leases(std::uint64_t position, std::size_t bytes) const;

    std::shared_ptr<recv::memory_allocator> d_fallback;
    mutable std::mutex d_mutex;
    std::uint8_t* d_ptr = nullptr; ///< at d_published
    std::uint64_t d_published = 0;
    std::uint64_t d_limit = 0; ///< end of the published free region
    std::uint64_t d_write = 0; ///< write position
    std::size_t d_lease_size = 0;
    std::uint64_t d_next_id = 1;
    std::map<std::uint64_t, placed> d_placed; ///< by id (in the order placed)
    std::uint64_t d_granted = 0, d_fallbacks = 0, d_relocated = 0;
    std::uint64_t d_allocations = 0; ///< of the lease size
    std::uint64_t d_resume_at = 0;   ///< no lending before this many allocations
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_OUTPUT_LEASE_H */
