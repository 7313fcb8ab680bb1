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
 * position; the receive thread's heaps of exactly lease_size() bytes get consecutive
 * pieces of it (leases) while they fit, other heaps memory from the fallback
 * allocator. A heap that completes at the write position is emitted without a copy.
 *
 * Before writing anything at the write position, the output claims the bytes
 * (claim()): the allocator then lends nothing below the new write position, and the
 * claim fails while a heap still in the stream holds those bytes (its memory is being
 * written). A lease given up without being emitted (a dropped heap) leaves a gap;
 * nothing more is lent until every lease has gone, so that the leases do not drift
 * away from the write position for good.
 *
 * A stream losing packets drops heaps and completes them out of order, and each such
 * lease costs copies (moving heaps back, taking memory back from a heap being
 * received) on top of the one saved: after such an upset nothing is lent for the next
 * pause_after_upset heaps.
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

    /// Heaps not lent output memory after a lease was dropped or taken back.
    static constexpr std::uint64_t pause_after_upset = 256;

    explicit output_lease_allocator(std::shared_ptr<recv::memory_allocator> fallback);

    /// The output's free region: \p bytes bytes from stream position \p position, at
    /// \p ptr (contiguous: a double-mapped circular buffer). Moves the write position to
    /// \p position.
    void publish(std::uint8_t* ptr, std::uint64_t position, std::size_t bytes);
    /// Lends heaps of exactly \p bytes bytes from now on (0: none).
    void set_lease_size(std::size_t bytes);
    std::size_t lease_size() const;
    /// Forgets every lease (a new stream); memory of older ones given back later is
    /// ignored. Lends nothing until the next publish().
    void reset();

    /// The position of \p memory when it is a lease of this allocator still held.
    std::optional<std::uint64_t> lease_position(const pointer& memory) const;
    /// The output has taken the heap holding the lease at \p position out of the
    /// stream: its memory no longer changes.
    void take(std::uint64_t position);
    /**
     * \brief Asks for output bytes [\p position, \p position + \p bytes), to be written
     * now; \p own: the position of the lease the bytes come from, if any (it may
     * overlap them). On success the write position moves to their end.
     * \p blocking (when not granted): the position of a lease in the way.
     */
    claim_result claim(std::uint64_t position,
                       std::size_t bytes,
                       std::optional<std::uint64_t> own,
                       std::uint64_t* blocking = nullptr);

    /**
     * \brief For stream::relocate_payloads: memory from the fallback allocator for
     * \p memory when it is a lease of a heap still being received that overlaps
     * [\p position, \p position + \p bytes); else null.
     */
    pointer relocate_from(const pointer& memory,
                          std::size_t capacity,
                          std::uint64_t position,
                          std::size_t bytes);

    /// Heaps lent output memory, and heaps given fallback memory, since construction.
    std::uint64_t leases_granted() const;
    std::uint64_t fallbacks() const;
    /// Leases taken back from heaps being received (relocate_from).
    std::uint64_t relocated() const;

    pointer allocate(std::size_t size, void* hint = nullptr) override;

protected:
    void free(std::uint8_t* ptr, void* user) override;

private:
    struct lease {
        std::uint64_t position;
        std::size_t size;
        bool taken = false;
    };
    /// A gap between the write position and a lease, or between two leases.
    bool has_gap() const;
    /// A lease dropped or taken back: lending pauses (with d_mutex held).
    void upset() { d_resume_at = d_allocations + pause_after_upset; }

    std::shared_ptr<recv::memory_allocator> d_fallback;
    mutable std::mutex d_mutex;
    std::uint8_t* d_ptr = nullptr; ///< at d_published
    std::uint64_t d_published = 0;
    std::uint64_t d_limit = 0; ///< end of the published free region
    std::uint64_t d_write = 0; ///< write position (nothing is lent below it)
    std::uint64_t d_next = 0;  ///< end of the last lease
    std::size_t d_lease_size = 0;
    std::uint64_t d_next_id = 1;
    std::map<std::uint64_t, lease> d_leases; ///< by id (ids grow with position)
    std::uint64_t d_granted = 0, d_fallbacks = 0, d_relocated = 0;
    std::uint64_t d_allocations = 0; ///< of the lease size
    std::uint64_t d_resume_at = 0;   ///< no lending before this many allocations
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_OUTPUT_LEASE_H */
