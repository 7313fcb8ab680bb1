/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// output_configs() and input_configs(): per-port lists (GRC's SPEAD Source and Sink
// fields) into output_config and input_config.

#include <gnuradio/spead/input_config.h>
#include <gnuradio/spead/output_config.h>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

std::string trimmed(const std::string& s)
{
    const std::size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split_commas(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t at = 0;
    while (true) {
        const std::size_t comma = text.find(',', at);
        out.push_back(trimmed(text.substr(at, comma - at)));
        if (comma == std::string::npos)
            return out;
        at = comma + 1;
    }
}

/// Value \p i of a list with one value for all ports or one per port.
template <typename T>
const T& pick(const std::vector<T>& list,
              std::size_t i,
              std::size_t count,
              const char* name,
              const char* ports = "outputs")
{
    if (list.size() != 1 && list.size() != count)
        throw std::invalid_argument(
            std::string(name) + " has " + std::to_string(list.size()) + " values for " +
            std::to_string(count) + " " + ports + ": give one value for all " + ports +
            ", or one per " +
            std::string(ports).substr(0, std::string(ports).size() - 1) +
            " (separated by commas)");
    return list.size() == 1 ? list[0] : list[i];
}

} // namespace

std::vector<output_config> output_configs(int count,
                                          const std::string& items,
                                          const std::string& types,
                                          const std::vector<int>& vlens,
                                          const std::string& wires,
                                          const std::vector<double>& scales,
                                          const std::string& layouts,
                                          const std::string& selects)
{
    if (count < 1)
        throw std::invalid_argument("the number of outputs must be 1 or more, not " +
                                    std::to_string(count));
    if (vlens.empty() || scales.empty())
        throw std::invalid_argument(std::string(vlens.empty() ? "vlens" : "scales") +
                                    " must have one value, or one per output");
    const auto item_list = split_commas(items);
    const auto type_list = split_commas(types);
    const auto wire_list = split_commas(wires);
    const auto layout_list = split_commas(layouts);
    const auto select_list = split_commas(selects);
    const std::size_t n = std::size_t(count);
    std::vector<output_config> out(n);
    for (std::size_t i = 0; i < n; i++) {
        out[i].item = pick(item_list, i, n, "items");
        out[i].type = pick(type_list, i, n, "types");
        out[i].vlen = pick(vlens, i, n, "vlens");
        const std::string& wire = pick(wire_list, i, n, "wires");
        out[i].wire = wire.empty() ? "auto" : wire;
        out[i].scale = pick(scales, i, n, "scales");
        out[i].layout = pick(layout_list, i, n, "layouts");
        out[i].select = pick(select_list, i, n, "selects");
    }
    return out;
}

std::vector<input_config> input_configs(int count,
                                        const std::string& names,
                                        const std::vector<std::uint64_t>& ids,
                                        const std::string& types,
                                        const std::vector<int>& vlens,
                                        const std::string& wires,
                                        const std::vector<double>& scales)
{
    if (count < 1)
        throw std::invalid_argument("the number of inputs must be 1 or more, not " +
                                    std::to_string(count));
    if (ids.empty() || vlens.empty() || scales.empty())
        throw std::invalid_argument(std::string(ids.empty()     ? "ids"
                                                : vlens.empty() ? "vlens"
                                                                : "scales") +
                                    " must have one value, or one per input");
    const auto name_list = split_commas(names);
    const auto type_list = split_commas(types);
    const auto wire_list = split_commas(wires);
    const std::size_t n = std::size_t(count);
    // One ID for several inputs: consecutive IDs from it.
    if (ids.size() != 1 && ids.size() != n)
        pick(ids, 0, n, "ids", "inputs");
    std::vector<input_config> in(n);
    for (std::size_t i = 0; i < n; i++) {
        in[i].name = pick(name_list, i, n, "names", "inputs");
        in[i].id = ids.size() == 1 ? ids[0] + i : ids[i];
        in[i].type = pick(type_list, i, n, "types", "inputs");
        in[i].vlen = pick(vlens, i, n, "vlens", "inputs");
        const std::string& wire = pick(wire_list, i, n, "wires", "inputs");
        in[i].wire = wire.empty() ? "native" : wire;
        in[i].scale = pick(scales, i, n, "scales", "inputs");
    }
    return in;
}

} // namespace spead
} // namespace gr
