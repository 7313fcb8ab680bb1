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

namespace gr {
namespace spead {
namespace python {
void bind_recv_common(py::module& m);
void bind_recv_config(py::module& recv);
void bind_recv_heap(py::module& m, py::module& recv);
void bind_recv_stream(py::module& m, py::module& recv);
void bind_recv_chunk(py::module& m, py::module& recv);
void bind_send_heap(py::module& send);
void bind_send_stream(py::module& send);
} // namespace python
} // namespace spead
} // namespace gr

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

    bind_protocol(m);

    // The spead2-compatible receive API: top-level pieces here, spead2.recv's in the
    // private "_recv" submodule, which the gnuradio.spead.recv package re-exports.
    py::module recv = m.def_submodule("_recv", "spead2.recv look-alike");
    gr::spead::python::bind_recv_common(m);
    gr::spead::python::bind_recv_config(recv);
    gr::spead::python::bind_recv_heap(m, recv);
    gr::spead::python::bind_recv_stream(m, recv);
    gr::spead::python::bind_recv_chunk(m, recv);

    // The spead2.send look-alike, in "_send", which gnuradio.spead.send re-exports.
    py::module send = m.def_submodule("_send", "spead2.send look-alike");
    gr::spead::python::bind_send_heap(send);
    gr::spead::python::bind_send_stream(send);
}
