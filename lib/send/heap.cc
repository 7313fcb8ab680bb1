/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/send/heap.h>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace send {

heap::heap(const protocol::flavour& flavour) : d_flavour(flavour) {}

void heap::check_id(std::uint64_t id) const
{
    if (id == protocol::NULL_ID || id > d_flavour.max_id())
        throw std::invalid_argument("item ID " + std::to_string(id) +
                                    " does not fit the flavour (1 to " +
                                    std::to_string(d_flavour.max_id()) + ")");
}

void heap::add_item(std::uint64_t id,
                    const void* data,
                    std::size_t length,
                    bool allow_immediate)
{
    check_id(id);
    item it;
    it.id = id;
    it.data = static_cast<const std::uint8_t*>(data);
    it.length = length;
    it.allow_immediate = allow_immediate;
    d_items.push_back(it);
}

void heap::add_owned_item(std::uint64_t id,
                          std::vector<std::uint8_t> value,
                          bool allow_immediate)
{
    check_id(id);
    d_storage.push_back(std::move(value));
    const std::vector<std::uint8_t>& kept = d_storage.back();
    add_item(id, kept.data(), kept.size(), allow_immediate);
}

void heap::add_item(std::uint64_t id, std::uint64_t value)
{
    check_id(id);
    if (value > d_flavour.max_address())
        throw std::invalid_argument("immediate value " + std::to_string(value) +
                                    " of item " + std::to_string(id) + " does not fit " +
                                    std::to_string(d_flavour.heap_address_bits()) +
                                    " bits");
    item it;
    it.id = id;
    it.is_inline = true;
    it.inline_value = value;
    d_items.push_back(it);
}

void heap::add_descriptor(const protocol::descriptor& descriptor)
{
    // A descriptor is never an immediate, however short (it never is: it is a packet).
    add_owned_item(protocol::DESCRIPTOR_ID,
                   protocol::encode_descriptor(descriptor, d_flavour),
                   false);
}

void heap::add_start()
{
    add_item(protocol::STREAM_CTRL_ID, protocol::CTRL_STREAM_START);
}

void heap::add_end() { add_item(protocol::STREAM_CTRL_ID, protocol::CTRL_STREAM_STOP); }

} // namespace send
} // namespace spead
} // namespace gr
