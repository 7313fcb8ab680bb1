/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "output_buffer_size.h"
#include <algorithm>
#include <limits>

namespace gr {
namespace spead {

std::size_t preferred_output_items(std::size_t item_size, std::size_t unit_items)
{
    item_size = std::max<std::size_t>(item_size, 1);
    // Two units' bytes, saturating rather than wrapping for absurd sizes.
    const std::size_t limit = std::numeric_limits<std::size_t>::max() / 2 / item_size;
    const std::size_t wanted = std::min(unit_items, limit) * item_size * 2;
    const std::size_t bytes =
        std::clamp(wanted, min_output_buffer_bytes, max_output_buffer_bytes);
    return std::max<std::size_t>(2, bytes / item_size);
}

std::size_t in_place_output_items(std::size_t item_size, std::size_t unit_items)
{
    return preferred_output_items(item_size, unit_items) + 1;
}

std::size_t max_items_per_heap(std::size_t heap_size, std::size_t min_wire_bytes_per_item)
{
    return heap_size / std::max<std::size_t>(min_wire_bytes_per_item, 1);
}

} // namespace spead
} // namespace gr
