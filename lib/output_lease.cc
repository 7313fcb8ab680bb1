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

void output_lease_allocator::reset()
{
    std::lock_guard<std::mutex> lock(d_mutex);
    d_leases.clear();
    d_ptr = nullptr;
    d_published = d_limit = d_write = d_next = 0;
}

bool output_lease_allocator::has_gap() const
{
    std::uint64_t covered = d_write; // everything below is written or being written
    for (const auto& [id, l] : d_leases) {
        if (l.position > covered)
            return true;
        covered = std::max(covered, l.position + l.size);
    }
    return d_next > covered;
}

output_lease_allocator::pointer output_lease_allocator::allocate(std::size_t size,
                                                                 void* hint)
{
    std::uint8_t* ptr = nullptr;
    std::uint64_t id = 0;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        if (d_leases.empty())
            d_next = d_write;
        const bool lease_sized = size > 0 && size == d_lease_size;
        if (lease_sized)
            d_allocations++;
        if (lease_sized && d_allocations > d_resume_at && d_ptr && d_next >= d_write &&
            d_next + size <= d_limit && !has_gap()) {
            ptr = d_ptr + (d_next - d_published);
            id = d_next_id++;
            d_leases.emplace(id, lease{ d_next, size });
            d_next += size;
            d_granted++;
        } else {
            d_fallbacks++;
        }
    }
    if (!ptr)
        return d_fallback->allocate(size, hint);
    return make_pointer(ptr, id_to_user(id));
}

void output_lease_allocator::free(std::uint8_t*, void* user)
{
    // The memory belongs to the output buffer: giving it back only ends the lease (a
    // lease forgotten by reset() is ignored).
    std::lock_guard<std::mutex> lock(d_mutex);
    const auto it = d_leases.find(user_to_id(user));
    if (it == d_leases.end())
        return;
    if (!it->second.taken)
        upset(); // dropped by the stream
    d_leases.erase(it);
}

std::optional<std::uint64_t>
output_lease_allocator::lease_position(const pointer& memory) const
{
    if (!memory || memory.get_deleter().get_allocator().get() != this)
        return std::nullopt;
    std::lock_guard<std::mutex> lock(d_mutex);
    const auto it = d_leases.find(user_to_id(memory.get_deleter().get_user()));
    if (it == d_leases.end())
        return std::nullopt;
    return it->second.position;
}

void output_lease_allocator::take(std::uint64_t position)
{
    std::lock_guard<std::mutex> lock(d_mutex);
    for (auto& [id, l] : d_leases)
        if (l.position == position)
            l.taken = true;
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
    for (const auto& [id, l] : d_leases) {
        if (own && l.position == *own)
            continue;
        if (l.position >= end || l.position + l.size <= position)
            continue;
        if (!l.taken) {
            if (blocking)
                *blocking = l.position;
            return claim_result::held_by_stream;
        }
        if (!taken_in_way)
            taken_in_way = l.position;
    }
    if (taken_in_way) {
        if (blocking)
            *blocking = *taken_in_way;
        return claim_result::held_by_output;
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
        const auto it = d_leases.find(user_to_id(memory.get_deleter().get_user()));
        if (it == d_leases.end() || it->second.taken)
            return nullptr;
        const lease& l = it->second;
        if (l.position >= position + bytes || l.position + l.size <= position)
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
