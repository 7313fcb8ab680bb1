/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The module holding the GNU Radio blocks' bindings (see blocks_python.cc). It is
// imported after spead_python, so a type both register (InprocQueue) is registered by
// spead_python and reused here.

#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_blocks(py::module& m);

PYBIND11_MODULE(spead_blocks_python, m)
{
    // The blocks derive from gr::block, registered by gnuradio.gr; InprocQueue may be
    // registered by the receive API's module, which must be loaded first.
    py::module::import("gnuradio.gr");
    py::module::import("gnuradio.spead.spead_python");
    bind_blocks(m);
}
