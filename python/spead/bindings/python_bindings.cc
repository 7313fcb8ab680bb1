/*
 * Copyright 2020 Free Software Foundation, Inc.
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 */

// The bindings are written by hand: most of what they expose is the engine's plain C++
// API, shaped to match spead2's Python API, which gr_modtool's generator cannot produce.

#include <pybind11/pybind11.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

namespace py = pybind11;

void bind_protocol(py::module& m);

// import_array() is a macro that returns from the calling function; wrapping it keeps
// that away from the module initialiser.
void* init_numpy()
{
    import_array();
    return NULL;
}

PYBIND11_MODULE(spead_python, m)
{
    init_numpy();

    // Allow access to base block methods
    py::module::import("gnuradio.gr");

    bind_protocol(m);
}
