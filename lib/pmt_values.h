/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PMT_VALUES_H
#define INCLUDED_SPEAD_PMT_VALUES_H

// Private to the blocks: SPEAD values and statistics as PMTs.

#include "item_catalog.h"
#include <gnuradio/spead/protocol/item_type.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <pmt/pmt.h>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gr {
namespace spead {

/// A scalar as a PMT number (bool, long, uint64, double or complex), a string (a
/// 1-d character item) as a symbol, anything else as a uniform vector of its element
/// type (bytes for records), flattened.
pmt::pmt_t value_to_pmt(const protocol::decoded_value& value);

/// Uniform vector holding \p n elements of \p type (native byte order) from \p data.
pmt::pmt_t
uniform_vector(const protocol::dtype& type, const std::uint8_t* data, std::size_t n);

/**
 * \brief The value of item \p item of \p h as a PMT: decoded with its descriptor's type
 * when \p entry has one; otherwise an immediate item's raw value (uint64) or an
 * addressed item's bytes (u8vector). Null (pmt::PMT_NIL) when it cannot be decoded.
 */
pmt::pmt_t item_to_pmt(const recv::heap& h,
                       const protocol::heap_item& item,
                       const item_catalog::entry* entry);

/// Every statistic of \p stats, then \p extra (block counters), as a PMT dict of
/// name -> uint64.
pmt::pmt_t stats_to_pmt(const recv::stream_stats& stats,
                        const std::vector<std::pair<std::string, std::uint64_t>>& extra);

/// Named counters as a PMT dict of name -> uint64 (the sinks' stats port).
pmt::pmt_t counters_to_pmt(const std::map<std::string, std::uint64_t>& counters);

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PMT_VALUES_H */
