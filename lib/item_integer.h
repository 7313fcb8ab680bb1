/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_ITEM_INTEGER_H
#define INCLUDED_SPEAD_ITEM_INTEGER_H

// Private to the blocks, free of GNU Radio types: an item's value as a count (a
// timestamp, an antenna number), for loss detection, heap selection and rx_time.

#include "item_catalog.h"
#include <cstdint>
#include <optional>

namespace gr {
namespace spead {

/**
 * \brief The value of \p item of \p h as a non-negative integer: decoded with the
 * descriptor's type when \p entry has one (a scalar bool, signed or unsigned integer;
 * negative values have none), otherwise an immediate item's raw value. Nothing for any
 * other value (arrays, floats, strings, an addressed item without a descriptor).
 */
std::optional<std::uint64_t> item_integer(const recv::heap& h,
                                          const protocol::heap_item& item,
                                          const item_catalog::entry* entry);

/// The integer value of the item \p ref names in \p h (see item_integer), or nothing
/// when \p h does not carry it.
std::optional<std::uint64_t>
heap_integer(const recv::heap& h, const item_catalog& catalog, const item_ref& ref);

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_ITEM_INTEGER_H */
