/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_OUTPUT_CONFIG_H
#define INCLUDED_SPEAD_OUTPUT_CONFIG_H

#include <gnuradio/spead/api.h>
#include <string>
#include <vector>

namespace gr {
namespace spead {

/// One stream output of spead::source: which item feeds it and how its values are
/// converted (see docs/blocks.md).
struct SPEAD_API output_config {
    /// The item: its descriptor name ("data"), or its ID ("0x1602", "5634").
    std::string item;
    /// Output type: "complex", "float", "int", "short" or "byte".
    std::string type = "complex";
    /// Output vector length (values per output item), 1 or more.
    int vlen = 1;
    /// The item's wire representation as a numpy type string ("|i1", "<i2", ">i2",
    /// "<c8", ">f4", ...), or "auto" to take it from the item's descriptor. A complex
    /// output fed by a real type reads interleaved (re, im) pairs.
    std::string wire = "auto";
    /// Integer values are divided by scale when converted to float or complex.
    double scale = 1.0;
    /// The order of the item's axes on the output: "IN -> OUT", where IN names the
    /// item's axes in the order of its descriptor's shape and OUT the order the output
    /// takes them in, outermost first, e.g. "channels spectra pols -> pols spectra
    /// channels". Axes are separated by spaces; an axis may give its size
    /// ("channels:1024") where the descriptor does not. For a complex output read from
    /// (re, im) pairs, the item's last axis (of length 2) is the pair and is not named.
    /// Empty: the item's values in wire order.
    std::string layout;
    /// Axes fixed to one index, "AXIS=INDEX" (several separated by spaces), e.g.
    /// "pols=0": the output takes only that index, and the layout's OUT leaves the axis
    /// out. Needs layout to name the axes.
    std::string select;
};

/**
 * \brief Output configurations from per-output lists (what GRC's SPEAD Source uses).
 *
 * Each list is a comma-separated string (or a vector) with one value for every output,
 * or a single value for all of them: output_configs(8, "x, x, x, x, y, y, y, y",
 * "complex", {1024}, "auto", {128}, "c s p -> p s c", "p=0, p=1, p=2, p=3, p=0, p=1,
 * p=2, p=3") gives four polarisations of two items. Spaces around values are ignored;
 * the fields are those of output_config.
 * \throws std::invalid_argument naming the list whose length is neither 1 nor \p count,
 * or a count below 1.
 */
SPEAD_API std::vector<output_config>
output_configs(int count,
               const std::string& items,
               const std::string& types = "complex",
               const std::vector<int>& vlens = { 1 },
               const std::string& wires = "auto",
               const std::vector<double>& scales = { 1.0 },
               const std::string& layouts = "",
               const std::string& selects = "");

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_OUTPUT_CONFIG_H */
