/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "process_memory.h"
#include <fstream>
#include <sstream>
#include <string>

namespace gr {
namespace spead {
namespace bench {

process_memory read_process_memory()
{
    process_memory m;
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        // Lines such as "VmRSS:	   12345 kB".
        std::istringstream fields(line);
        std::string key, unit;
        std::int64_t value = 0;
        if (!(fields >> key >> value >> unit) || unit != "kB")
            continue;
        if (key == "VmRSS:")
            m.rss = value * 1024;
        else if (key == "VmHWM:")
            m.peak_rss = value * 1024;
    }
    return m;
}

} // namespace bench
} // namespace spead
} // namespace gr
