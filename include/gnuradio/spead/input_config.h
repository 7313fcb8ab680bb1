/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_INPUT_CONFIG_H
#define INCLUDED_SPEAD_INPUT_CONFIG_H

#include <gnuradio/spead/api.h>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace spead {

/// One stream input of spead.sink: the item its samples become.
struct SPEAD_API input_config {
    /// Item name (in its descriptor) and ID (0x0400..: below are SPEAD's own items).
    std::string name;
    std::uint64_t id = 0;
    /// Input sample type: "complex", "float", "int", "short" or "byte".
    std::string type = "complex";
    /// Samples per input item (a vector input), 1 or more.
    std::int64_t vlen = 1;
    /**
     * What goes on the wire: "native" (the samples as they are, little-endian:
     * complex as '<c8', float '<f4', int '<i4', short '<i2', byte '|u1'), or for float
     * and complex inputs "int8" / "int16": each value times \a scale, rounded, saturated
     * (complex as (re, im) pairs, an item of shape (..., 2)); a byte input may be
     * declared "int8" ('|i1'). "native_be" and "int16_be": the same big-endian ('>c8',
     * '>f4', '>i4', '>i2'), for receivers that expect SPEAD's big-endian convention
     * without reading the numpy descriptors.
     */
    std::string wire = "native";
    /// Factor applied before rounding to int8/int16 (the source divides by its scale).
    double scale = 1.0;
    /// Text of the item's descriptor.
    std::string description;
};

/**
 * \brief Input configurations from per-input lists (what GRC's SPEAD Sink uses): each
 * list has one value for every input or one for all (comma-separated strings); one ID
 * for several inputs gives them consecutive IDs from it. Spaces around values are
 * ignored.
 * \throws std::invalid_argument naming the list whose length is neither 1 nor \p count,
 * or a count below 1.
 */
SPEAD_API std::vector<input_config> input_configs(int count,
                                                  const std::string& names,
                                                  const std::vector<std::uint64_t>& ids,
                                                  const std::string& types = "complex",
                                                  const std::vector<int>& vlens = { 1 },
                                                  const std::string& wires = "native",
                                                  const std::vector<double>& scales = {
                                                      1.0 });

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_INPUT_CONFIG_H */
