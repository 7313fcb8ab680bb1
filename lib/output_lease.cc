/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "output_lease.h"
#include <algorithm>
#include <stdexcept>
#include <utility>

namespace gr {
namespace spead {

namespace {

// A lease is named by an id kept in its pointer's deleter (the user word).
static_assert(sizeof(std::uintptr_t) >= sizeof(std::uint64_t),
              "lease ids travel in a pointer-sized word");

void* id_to_user(std::uint64_t id) { return reinterpret_cast<void*>(std::uintptr_t(id)); }
std::uint64_t user_to_id(void* user)
{
    return std::uint64_t(reinterpret_cast<std::uintptr_t>(user));
}

} // namespace

output_lease_allocator::output_lease_allocator(
    std::shared_ptr<recv::memory_allocator> fallback)
    : d_fallback(std::move(fallback))
{
    if (!d_fallback)
        throw std::invalid_argument("output_lease_allocator needs a fallback allocator");
}

void output_lease_allocator::publish(std::uint8_t* ptr,
                                     std::uint64_t position,
                                     std::size_t bytes)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_ptr = ptr;
    d_published = position;
    d_limit = position + bytes;
    d_write = position;
}

void output_lease_allocator::set_lease_size(std::size_t bytes)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_lease_size = bytes;
}

std::size_t output_lease_allocator::lease_size() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_lease_size;
}

bool output_lease_allocator::free_of_leases(std::uint64_t position,
                                            std::size_t bytes) const
{
    for (const auto& [id, p] : d_placed)
        if (!p.fallback && p.position < position + bytes &&
            position < p.position + p.size)
            return false;
    return true;
}

output_lease_allocator::pointer output_lease_allocator::allocate(std::size_t size,
                                                                 void* hint)
{
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        if (size == 0 || size != d_lease_size) {
            d_fallbacks++;
        } else {
            d_allocations++;
            // Its place: after what the heaps placed before it still have to emit.
            std::uint64_t position = d_write;
            for (const auto& [id, p] : d_placed)
                position += p.size - std::min(p.size, p.emitted);
            const std::uint64_t id = d_next_id++;
            if (d_allocations > d_resume_at && d_ptr && position + size <= d_limit &&
                free_of_leases(position, size)) {
                d_placed.emplace(id, placed{ position, size, 0, false, nullptr });
                d_granted++;
                std::uint8_t* ptr = d_ptr + (position - d_published);
                return make_pointer(ptr, id_to_user(id));
            }
            d_fallbacks++;
            placed p{ position, size, 0, false, nullptr };
            p.fallback = d_fallback->allocate(size, hint);
            std::uint8_t* ptr = p.fallback.get();
            d_placed.emplace(id, std::move(p));
            return make_pointer(ptr, id_to_user(id));
        }
    }
    return d_fallback->allocate(size, hint);
}

void output_lease_allocator::free(std::uint8_t*, void* user)
{
    // A lease belongs to the output buffer: giving it back only ends it. Fallback
    // memory goes back to its allocator when the entry goes (outside the lock).
    recv::memory_allocator::pointer fallback;
    std::lock_guard<std::mutex> lock(d_mutex);
    const auto it = d_placed.find(user_to_id(user));
    if (it == d_placed.end())
        return;
    fallback = std::move(it->second.fallback);
    d_placed.erase(it);
}

std::optional<std::uint64_t>
output_lease_allocator::placed_heap(const recv::memory_allocator::pointer& memory) const
{
    if (!memory || memory.get_deleter().get_allocator().get() != this)
        return std::nullopt;
    const std::uint64_t id = user_to_id(memory.get_deleter().get_user());
    std::lock_guard<std::mutex> lock(d_mutex);
    if (d_placed.count(id) == 0)
        return std::nullopt;
    return id;
}

std::optional<std::uint64_t>
output_lease_allocator::lease_position(std::uint64_t id) const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    const auto it = d_placed.find(id);
    if (it == d_placed.end() || it->second.fallback)
        return std::nullopt;
    return it->second.position;
}

void output_lease_allocator::take(std::uint64_t id)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    const auto it = d_placed.find(id);
    if (it != d_placed.end())
        it->second.taken = true;
}

output_lease_allocator::claim_result
output_lease_allocator::claim(std::uint64_t position,
                              std::size_t bytes,
                              std::optional<std::uint64_t> own,
                              std::uint64_t* blocking)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    const std::uint64_t end = position + bytes;
    std::optional<std::uint64_t> taken_in_way;
    for (const auto& [id, p] : d_placed) {
        if ((own && id == *own) || p.fallback)
            continue;
        if (p.position >= end || p.position + p.size <= position)
            continue;
        if (!p.taken) {
            if (blocking)
                *blocking = p.position;
            return claim_result::held_by_stream;
        }
        if (!taken_in_way)
            taken_in_way = p.position;
    }
    if (taken_in_way) {
        if (blocking)
            *blocking = *taken_in_way;
        return claim_result::held_by_output;
    }
    if (own) {
        const auto it = d_placed.find(*own);
        if (it != d_placed.end())
            it->second.emitted += bytes;
    }
    d_write = std::max(d_write, end);
    return claim_result::granted;
}

output_lease_allocator::pointer
output_lease_allocator::relocate_from(const pointer& memory,
                                      std::size_t capacity,
                                      std::uint64_t position,
                                      std::size_t bytes)
{
    if (!memory || memory.get_deleter().get_allocator().get() != this)
        return nullptr;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        const auto it = d_placed.find(user_to_id(memory.get_deleter().get_user()));
        if (it == d_placed.end() || it->second.taken || it->second.fallback)
            return nullptr;
        const placed& p = it->second;
        if (p.position >= position + bytes || p.position + p.size <= position)
            return nullptr;
        d_relocated++;
        upset();
    }
    return d_fallback->allocate(capacity);
}

std::uint64_t output_lease_allocator::relocated() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_relocated;
}

std::uint64_t output_lease_allocator::leases_granted() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_granted;
}

std::uint64_t output_lease_allocator::fallbacks() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_fallbacks;
}

} // namespace spead
} // namespace gr
