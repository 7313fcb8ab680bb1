/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/flavour.h>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

flavour::flavour(int version,
                 int item_pointer_bits,
                 int heap_address_bits,
                 int bug_compat)
    : d_version(version),
      d_item_pointer_bits(item_pointer_bits),
      d_heap_address_bits(heap_address_bits),
      d_bug_compat(bug_compat)
{
    if (version != 4)
        throw std::invalid_argument("version must be 4, not " + std::to_string(version));
    if (item_pointer_bits != 64)
        throw std::invalid_argument("item_pointer_bits must be 64, not " +
                                    std::to_string(item_pointer_bits));
    if (heap_address_bits <= 0 || heap_address_bits >= 64 || heap_address_bits % 8 != 0)
        throw std::invalid_argument(
            "heap_address_bits must be a multiple of 8 from 8 to 56, not " +
            std::to_string(heap_address_bits));
    if (bug_compat & ~BUG_COMPAT_ALL)
        throw std::invalid_argument("bug_compat must be a combination of BUG_COMPAT_* "
                                    "flags (0 to 7), not " +
                                    std::to_string(bug_compat));
}

} // namespace protocol
} // namespace spead
} // namespace gr
