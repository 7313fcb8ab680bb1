/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "udp_kernel_drops.h"
#include <cstdio>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

namespace gr {
namespace spead {
namespace bench {

std::int64_t udp_kernel_drops(int port)
{
    std::ifstream table("/proc/net/udp");
    std::string line;
    char suffix[8];
    std::snprintf(suffix, sizeof(suffix), ":%04X", port);
    std::getline(table, line); // header
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, field, last;
        fields >> slot >> local;
        if (local.size() < 5 || local.compare(local.size() - 5, 5, suffix) != 0)
            continue;
        while (fields >> field)
            last = field;
        try {
            return std::stoll(last);
        } catch (const std::exception&) {
            return -1;
        }
    }
    return -1;
}

} // namespace bench
} // namespace spead
} // namespace gr
