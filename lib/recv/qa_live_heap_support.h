/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_QA_LIVE_HEAP_SUPPORT_H
#define INCLUDED_SPEAD_QA_LIVE_HEAP_SUPPORT_H

// Test helpers for heap assembly: allocators that watch or refuse what a heap asks for,
// and packet decoding that fails the test when a hand-built packet is malformed.

#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/recv/memory_allocator.h>
#include <cppunit/extensions/HelperMacros.h>
#include <cstddef>
#include <cstdint>
#include <map>
#include <new>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace qa {

using namespace gr::spead::protocol;
using namespace gr::spead::recv;

/**
 * Hands out plain heap memory and records every request, so that tests can tell what a
 * live heap allocated, when, and whether it gave everything back.
 */
class counting_allocator : public memory_allocator
{
public:
    pointer allocate(std::size_t size, void* hint = nullptr) override
    {
        (void)hint;
        sizes.push_back(size);
        auto* raw = new std::uint8_t[size ? size : 1];
        live[raw] = size;
        return make_pointer(raw);
    }

    /// Size of every allocate() call, in order.
    std::vector<std::size_t> sizes;
    /// Blocks handed out and not yet freed.
    std::map<std::uint8_t*, std::size_t> live;
    std::size_t frees = 0;

protected:
    void free(std::uint8_t* ptr, void* user) override
    {
        (void)user;
        live.erase(ptr);
        frees++;
        delete[] ptr;
    }
};

/// Serves \a allow requests, then throws std::bad_alloc for every later one.
class failing_allocator : public counting_allocator
{
public:
    explicit failing_allocator(std::size_t allow = 0) : d_allow(allow) {}

    pointer allocate(std::size_t size, void* hint = nullptr) override
    {
        if (d_allow == 0) {
            refused++;
            throw std::bad_alloc();
        }
        d_allow--;
        return counting_allocator::allocate(size, hint);
    }

    std::size_t refused = 0;

private:
    std::size_t d_allow;
};

/// Decodes a whole datagram that the test built to be valid.
inline packet_view decode_valid(const std::vector<std::uint8_t>& datagram)
{
    packet_view view;
    const packet_status status = decode_packet(datagram.data(), datagram.size(), view);
    CPPUNIT_ASSERT_EQUAL(std::string("ok"), std::string(to_string(status)));
    return view;
}

} // namespace qa
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_QA_LIVE_HEAP_SUPPORT_H */
