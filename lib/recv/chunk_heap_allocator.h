/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_HEAP_ALLOCATOR_H
#define INCLUDED_SPEAD_RECV_CHUNK_HEAP_ALLOCATOR_H

#include <gnuradio/spead/recv/chunk_stream.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <cstddef>
#include <cstdint>

namespace gr {
namespace spead {
namespace recv {
namespace detail {

/// Where one heap of a chunk stream went; the user pointer of its memory's deleter.
struct heap_placement {
    std::int64_t chunk_id; ///< -1: the heap goes nowhere
    std::size_t heap_index;
    std::size_t heap_offset;
    chunk* c;
};

/**
 * \brief (Private to the engine.) The memory allocator of a chunk stream: a live heap
 * asks it for memory with its first sized packet as the hint, and gets the place the
 * stream's place function chose inside a chunk. The memory is never freed (it is the
 * chunk's); the deleter only drops the placement record.
 */
class chunk_heap_allocator : public memory_allocator
{
public:
    /// The stream that places heaps (nullptr once it is gone).
    void attach(chunk_stream* owner) { d_owner = owner; }

    pointer allocate(std::size_t size, void* hint = nullptr) override;

    /// Memory at \p where whose deleter carries \p placement (owned by the pointer
    /// unless it is s_dropped).
    pointer placed(std::uint8_t* where, const heap_placement* placement);

    /// The placement of memory that came from this allocator, else nullptr.
    const heap_placement* placement_of(const pointer& memory) const;

    static std::uint8_t s_nowhere;
    static const heap_placement s_dropped;

protected:
    void free(std::uint8_t* ptr, void* user) override;

private:
    chunk_stream* d_owner = nullptr;
};

} // namespace detail
} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_HEAP_ALLOCATOR_H */
