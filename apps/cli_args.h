/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_CLI_ARGS_H
#define INCLUDED_SPEAD_APPS_CLI_ARGS_H

#include <cstdint>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace apps {

/// A bad command line; what() names the option and what it accepts.
class usage_error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/**
 * \brief Walks argv, handing out options and their values.
 * Accepts "--name value" and "--name=value".
 */
class arg_reader
{
public:
    arg_reader(int argc, char** argv, int first = 1);

    /// Moves to the next argument; false at the end.
    bool next();
    /// The current option's name (before any '=').
    const std::string& name() const { return d_name; }
    /// The current option's value (after '=', or the next argument).
    /// \throws usage_error when there is none.
    std::string value();
    /// The value as an unsigned integer in [min, max]; accepts K, M, G suffixes (powers
    /// of 1024) when \p suffixes. \throws usage_error naming the option and the range.
    std::uint64_t
    unsigned_value(std::uint64_t min, std::uint64_t max, bool suffixes = false);
    /// The value as a number in [min, max]. \throws usage_error naming the option.
    double double_value(double min, double max);
    /// The value as a comma-separated, non-empty list of CPU numbers ("0" or "2,3").
    /// \throws usage_error naming the option and the accepted range.
    std::vector<int> cpu_list_value();

private:
    int d_argc;
    char** d_argv;
    int d_index;
    std::string d_name;
    std::string d_inline_value;
    bool d_has_inline = false;
};

/// Exit status of a program given a bad command line.
constexpr int USAGE_EXIT_STATUS = 2;

/**
 * \brief Runs \p parse (which reads the command line) and returns what it returns; on a
 * usage_error, prints "<program>: <message>" to stderr and returns std::nullopt, for the
 * caller to exit with USAGE_EXIT_STATUS.
 */
template <typename Parse>
auto parse_or_report(const char* program, Parse parse) -> std::optional<decltype(parse())>
{
    try {
        return parse();
    } catch (const usage_error& e) {
        std::cerr << program << ": " << e.what() << "\n";
        return std::nullopt;
    }
}

} // namespace apps
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_CLI_ARGS_H */
