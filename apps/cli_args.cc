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

} // namespace apps
} // namespace spead
} // namespace gr
