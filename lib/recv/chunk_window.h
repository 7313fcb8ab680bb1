/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_WINDOW_H
#define INCLUDED_SPEAD_RECV_CHUNK_WINDOW_H

#include <gnuradio/spead/recv/chunk_stream_config.h>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace gr {
namespace spead {
namespace recv {
namespace detail {

/**
 * \brief (Private to the engine.) The chunks under construction: consecutive IDs
 * [head, tail), at most max_chunks of them, in a circular array of pointers (a slot may
 * be null: the allocator skipped that chunk). IDs are unsigned so that a flush of
 * everything can move the head past any real ID.
 */
class chunk_window
{
public:
    explicit chunk_window(std::size_t max_chunks) : d_slots(max_chunks, nullptr)
    {
        if (max_chunks == 0)
            throw std::invalid_argument("max_chunks must be at least 1");
    }

    std::uint64_t head() const { return d_head; }
    std::uint64_t tail() const { return d_tail; }
    bool empty() const { return d_head == d_tail; }
    std::size_t max_chunks() const { return d_slots.size(); }

    /// The chunk of \p id when it is in the window (may be null), else nullptr.
    chunk* find(std::uint64_t id) const
    {
        if (id < d_head || id >= d_tail)
            return nullptr;
        return d_slots[slot_of(id)];
    }

    /**
     * The chunk of \p id (not below the head), moving the window on when \p id is at or
     * beyond the tail: chunks pushed out go to \p ready, new ones (each ID up to \p id,
     * at most a window's worth) come from \p allocate(id). \p moved(head) is told each
     * time the head advances.
     */
    template <typename Allocate, typename Ready, typename Moved>
    chunk* get(std::uint64_t id, Allocate&& allocate, Ready&& ready, Moved&& moved)
    {
        const std::size_t max = d_slots.size();
        if (id >= d_tail && id - d_tail >= max) {
            // So far ahead that nothing in the window survives: start afresh.
            flush_until(id - (max - 1), ready, moved);
        }
        while (id >= d_tail) {
            if (d_tail - d_head == max)
                flush_until(d_head + 1, ready, moved);
            d_slots[slot_of(d_tail)] = allocate(d_tail);
            d_tail++;
        }
        return d_slots[slot_of(id)];
    }

    /// Readies every chunk below \p id and moves the head (and, if needed, the tail)
    /// to at least \p id.
    template <typename Ready, typename Moved>
    void flush_until(std::uint64_t id, Ready&& ready, Moved&& moved)
    {
        if (id <= d_head)
            return;
        while (d_head < d_tail && d_head < id) {
            chunk*& slot = d_slots[slot_of(d_head)];
            chunk* c = slot;
            slot = nullptr;
            d_head++;
            if (c)
                ready(c);
        }
        if (d_head < id)
            d_head = d_tail = id;
        moved(d_head);
    }

private:
    std::size_t slot_of(std::uint64_t id) const
    {
        return std::size_t(id % d_slots.size());
    }

    std::vector<chunk*> d_slots;
    std::uint64_t d_head = 0;
    std::uint64_t d_tail = 0;
};

} // namespace detail
} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_WINDOW_H */
