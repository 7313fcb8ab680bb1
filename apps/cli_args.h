/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_CLI_ARGS_H
#define INCLUDED_SPEAD_APPS_CLI_ARGS_H

#include <cstdint>
#include <functional>
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

/**
 * \brief A program's options as a table: each name and what reading it does.
 *
 *     options.help(print_usage)
 *         .number("--rate", o.rate, 0, 100)
 *         .integer("--heaps", o.heaps, 1, 1 << 16)
 *         .flag("--json", o.json);
 *     options.parse(argc, argv, 2);
 *
 * Targets are held by reference and must outlive parse(). Options apply in command-line
 * order, so a repeated option's last value wins.
 */
class option_table
{
public:
    /// Reads the option's value from the reader (if it takes one) and stores it.
    using action = std::function<void(arg_reader&)>;

    /// \p name runs \p apply.
    option_table& on(const std::string& name, action apply);
    /// A switch: \p name sets \p target to true.
    option_table& flag(const std::string& name, bool& target);
    /// Any text (arg_reader::value).
    option_table& text(const std::string& name, std::string& target);
    /// A number in [min, max] (arg_reader::double_value).
    option_table& number(const std::string& name, double& target, double min, double max);
    /// An unsigned integer in [min, max] (arg_reader::unsigned_value; K/M/G suffixes when
    /// \p suffixes), stored as \p T, which must hold \p max.
    template <typename T>
    option_table& integer(const std::string& name,
                          T& target,
                          std::uint64_t min,
                          std::uint64_t max,
                          bool suffixes = false)
    {
        return on(name, [&target, min, max, suffixes](arg_reader& args) {
            target = T(args.unsigned_value(min, max, suffixes));
        });
    }
    /// "-h" and "--help": \p print writes the manual to stdout, then the program exits
    /// with status 0.
    option_table& help(std::function<void(std::ostream&)> print);
    /// The one argument that is not an option (does not start with '-') goes to
    /// \p target.
    option_table& positional(std::string& target);

    /**
     * Reads argv[first] on, applying each option's action.
     * \throws usage_error for an unknown option, an argument that is not an option where
     * none (or no more) is expected, and whatever an action throws.
     */
    void parse(int argc, char** argv, int first = 1) const;

private:
    std::vector<std::pair<std::string, action>> d_options;
    std::function<void(std::ostream&)> d_help;
    std::string* d_positional = nullptr;
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
