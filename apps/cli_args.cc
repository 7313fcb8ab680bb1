/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cli_args.h"
#include <sched.h>
#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace gr {
namespace spead {
namespace apps {

arg_reader::arg_reader(int argc, char** argv, int first)
    : d_argc(argc), d_argv(argv), d_index(first - 1)
{
}

bool arg_reader::next()
{
    if (++d_index >= d_argc)
        return false;
    const std::string arg = d_argv[d_index];
    const auto equals = arg.find('=');
    if (arg.rfind("--", 0) == 0 && equals != std::string::npos) {
        d_name = arg.substr(0, equals);
        d_inline_value = arg.substr(equals + 1);
        d_has_inline = true;
    } else {
        d_name = arg;
        d_inline_value.clear();
        d_has_inline = false;
    }
    return true;
}

std::string arg_reader::value()
{
    if (d_has_inline) {
        d_has_inline = false;
        return d_inline_value;
    }
    if (d_index + 1 >= d_argc)
        throw usage_error(d_name + " needs a value");
    return d_argv[++d_index];
}

std::uint64_t
arg_reader::unsigned_value(std::uint64_t min, std::uint64_t max, bool suffixes)
{
    const std::string text = value();
    const std::string range = " (an integer in [" + std::to_string(min) + ", " +
                              std::to_string(max) + "]" +
                              (suffixes ? ", K/M/G suffixes allowed" : "") + ")";
    char* end = nullptr;
    errno = 0;
    std::uint64_t v = std::strtoull(text.c_str(), &end, 0);
    const bool negative = text.find('-') != std::string::npos;
    if (text.empty() || negative || errno == ERANGE || end == text.c_str())
        throw usage_error(d_name + ": '" + text + "' is not valid" + range);
    std::string suffix(end);
    if (suffixes && suffix.size() == 1) {
        int shift = 0;
        switch (suffix[0]) {
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        default:
            throw usage_error(d_name + ": '" + text + "' is not valid" + range);
        }
        if (v > (max >> shift))
            throw usage_error(d_name + ": '" + text + "' is out of range" + range);
        v <<= shift;
        suffix.clear();
    }
    if (!suffix.empty())
        throw usage_error(d_name + ": '" + text + "' is not valid" + range);
    if (v < min || v > max)
        throw usage_error(d_name + ": '" + text + "' is out of range" + range);
    return v;
}

std::vector<int> arg_reader::cpu_list_value()
{
    const std::string text = value();
    const std::string range =
        " (CPU numbers in [0, " + std::to_string(CPU_SETSIZE - 1) + "], comma-separated)";
    std::vector<int> cpus;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string part = text.substr(start, comma - start);
        const bool digits = !part.empty() && part.size() <= 6 &&
                            part.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoi(part) >= CPU_SETSIZE)
            throw usage_error(d_name + ": '" + text + "' is not valid" + range);
        cpus.push_back(std::stoi(part));
        if (comma == std::string::npos)
            return cpus;
        start = comma + 1;
    }
}

double arg_reader::double_value(double min, double max)
{
    const std::string text = value();
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v) || v < min || v > max)
        throw usage_error(d_name + ": '" + text + "' is not a number in [" +
                          std::to_string(min) + ", " + std::to_string(max) + "]");
    return v;
}

option_table& option_table::on(const std::string& name, action apply)
{
    d_options.emplace_back(name, std::move(apply));
    return *this;
}

option_table& option_table::flag(const std::string& name, bool& target)
{
    return on(name, [&target](arg_reader&) { target = true; });
}

option_table& option_table::text(const std::string& name, std::string& target)
{
    return on(name, [&target](arg_reader& args) { target = args.value(); });
}

option_table&
option_table::number(const std::string& name, double& target, double min, double max)
{
    return on(name, [&target, min, max](arg_reader& args) {
        target = args.double_value(min, max);
    });
}

option_table& option_table::help(std::function<void(std::ostream&)> print)
{
    d_help = std::move(print);
    return *this;
}

option_table& option_table::positional(std::string& target)
{
    d_positional = &target;
    return *this;
}

void option_table::parse(int argc, char** argv, int first) const
{
    arg_reader args(argc, argv, first);
    bool positional_taken = false;
    while (args.next()) {
        const std::string& name = args.name();
        if (d_help && (name == "-h" || name == "--help")) {
            d_help(std::cout);
            std::exit(0);
        }
        if (!name.empty() && name[0] != '-') {
            if (!d_positional || positional_taken)
                throw usage_error("unexpected argument '" + name + "' (see --help)");
            *d_positional = name;
            positional_taken = true;
            continue;
        }
        auto option = d_options.begin();
        while (option != d_options.end() && option->first != name)
            ++option;
        if (option == d_options.end())
            throw usage_error("unknown option '" + name + "' (see --help)");
        option->second(args);
    }
}

} // namespace apps
} // namespace spead
} // namespace gr
