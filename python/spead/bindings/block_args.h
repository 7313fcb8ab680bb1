/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BLOCK_ARGS_H
#define INCLUDED_SPEAD_BLOCK_ARGS_H

// Keyword arguments of the blocks' Python constructors: a configuration struct
// (receiver_config, sender_config) given whole, updated field by field from keywords.

#include <pybind11/pybind11.h>
#include <string>

namespace gr {
namespace spead {

/// \p base (None: a default Config) updated with \p kwargs, each the name of a field of
/// Config. An unknown name or a value of the wrong type raises TypeError naming it.
template <typename Config>
Config config_from(const pybind11::object& base,
                   const pybind11::kwargs& kwargs,
                   const char* config_name)
{
    namespace py = pybind11;
    py::object cfg = py::cast(base.is_none() ? Config() : base.cast<Config>());
    for (const auto& kv : kwargs) {
        const std::string name = py::str(kv.first);
        if (name.empty() || name[0] == '_' || name == "validate" ||
            !py::hasattr(cfg, name.c_str()))
            throw py::type_error("unexpected keyword argument '" + name +
                                 "' (not a block parameter or " + config_name +
                                 " field)");
        try {
            cfg.attr(name.c_str()) = kv.second;
        } catch (py::error_already_set& e) {
            throw py::type_error("parameter '" + name + "' cannot be " +
                                 std::string(py::repr(kv.second)) + ": " + e.what());
        }
    }
    return cfg.cast<Config>();
}

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BLOCK_ARGS_H */
