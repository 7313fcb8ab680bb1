/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_CONFIG_CHECKS_H
#define INCLUDED_SPEAD_CONFIG_CHECKS_H

// Private to the blocks: the errors of invalid block parameters, each naming the
// parameter and what it accepts (receiver_config, sender_config).

#include <initializer_list>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace config_checks {

[[noreturn]] inline void reject(const std::string& parameter, const std::string& accepted)
{
    throw std::invalid_argument(parameter + " must be " + accepted);
}

template <typename T>
void check_range(const char* parameter, T value, T low, T high, const char* accepted)
{
    if (value < low || value > high)
        reject(parameter, std::string(accepted) + ", not " + std::to_string(value));
}

inline void check_choice(const char* parameter,
                         const std::string& value,
                         std::initializer_list<const char*> choices)
{
    std::string list;
    for (const char* c : choices) {
        if (value == c)
            return;
        list += list.empty() ? "" : ", ";
        list += std::string("'") + c + "'";
    }
    reject(parameter, "one of " + list + ", not '" + value + "'");
}

} // namespace config_checks
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_CONFIG_CHECKS_H */
