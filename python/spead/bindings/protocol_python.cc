/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Python view of the protocol layer: Flavour, constants, and the heap encoder.

#include <gnuradio/spead/protocol/flavour.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace gr::spead;

namespace {

void bind_constants(py::module& m)
{
    m.attr("BUG_COMPAT_DESCRIPTOR_WIDTHS") = BUG_COMPAT_DESCRIPTOR_WIDTHS;
    m.attr("BUG_COMPAT_SHAPE_BIT_1") = BUG_COMPAT_SHAPE_BIT_1;
    m.attr("BUG_COMPAT_SWAP_ENDIAN") = BUG_COMPAT_SWAP_ENDIAN;
    m.attr("BUG_COMPAT_PYSPEAD_0_5_2") = BUG_COMPAT_PYSPEAD_0_5_2;

    m.attr("NULL_ID") = NULL_ID;
    m.attr("HEAP_CNT_ID") = HEAP_CNT_ID;
    m.attr("HEAP_LENGTH_ID") = HEAP_LENGTH_ID;
    m.attr("PAYLOAD_OFFSET_ID") = PAYLOAD_OFFSET_ID;
    m.attr("PAYLOAD_LENGTH_ID") = PAYLOAD_LENGTH_ID;
    m.attr("DESCRIPTOR_ID") = DESCRIPTOR_ID;
    m.attr("STREAM_CTRL_ID") = STREAM_CTRL_ID;
    m.attr("DESCRIPTOR_NAME_ID") = DESCRIPTOR_NAME_ID;
    m.attr("DESCRIPTOR_DESCRIPTION_ID") = DESCRIPTOR_DESCRIPTION_ID;
    m.attr("DESCRIPTOR_SHAPE_ID") = DESCRIPTOR_SHAPE_ID;
    m.attr("DESCRIPTOR_FORMAT_ID") = DESCRIPTOR_FORMAT_ID;
    m.attr("DESCRIPTOR_ID_ID") = DESCRIPTOR_ID_ID;
    m.attr("DESCRIPTOR_DTYPE_ID") = DESCRIPTOR_DTYPE_ID;
    m.attr("CTRL_STREAM_START") = CTRL_STREAM_START;
    m.attr("CTRL_DESCRIPTOR_REISSUE") = CTRL_DESCRIPTOR_REISSUE;
    m.attr("CTRL_STREAM_STOP") = CTRL_STREAM_STOP;
    m.attr("CTRL_DESCRIPTOR_UPDATE") = CTRL_DESCRIPTOR_UPDATE;
}

void bind_flavour(py::module& m)
{
    py::class_<flavour>(m, "Flavour", "SPEAD protocol variant (as spead2.Flavour)")
        .def(py::init<>())
        .def(py::init<int, int, int, int>(),
             py::arg("version"),
             py::arg("item_pointer_bits"),
             py::arg("heap_address_bits"),
             py::arg("bug_compat") = 0)
        .def_property_readonly("version", &flavour::version)
        .def_property_readonly("item_pointer_bits", &flavour::item_pointer_bits)
        .def_property_readonly("heap_address_bits", &flavour::heap_address_bits)
        .def_property_readonly("bug_compat", &flavour::bug_compat)
        .def(py::self == py::self)
        .def(py::self != py::self)
        .def("__repr__", [](const flavour& f) {
            return "Flavour(" + std::to_string(f.version()) + ", " +
                   std::to_string(f.item_pointer_bits()) + ", " +
                   std::to_string(f.heap_address_bits()) + ", " +
                   std::to_string(f.bug_compat()) + ")";
        });
}

} // namespace

void bind_protocol(py::module& m)
{
    bind_constants(m);
    bind_flavour(m);
}
