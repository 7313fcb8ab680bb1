/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// The engine's item_type (SPEAD-PROTOCOL.md section 7: how a descriptor turns bytes into
// values) for the Python ItemGroup. Values come out as numpy arrays: a view of the heap
// memory when the bytes are already what numpy needs (byte-aligned, native order,
// addressed), otherwise the engine's decoded copy.

#include "recv_python.h"

#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/item_value.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace python {

namespace {

py::dtype to_numpy(const dtype& type)
{
    // Deliberately leaked: a static py::object would be released after the interpreter
    // is gone.
    static const py::object* literal_eval =
        new py::object(py::module::import("ast").attr("literal_eval"));
    return py::dtype::from_args((*literal_eval)(type.descr()));
}

struct item_type_wrapper {
    item_type type;
    py::dtype value_dtype;
    py::object wire_dtype; ///< None unless byte-aligned
    bool wire_native = false;

    item_type_wrapper(const descriptor& desc, int bug_compat)
        : type(item_type::from_descriptor(desc, bug_compat)),
          value_dtype(to_numpy(type.value_type())),
          wire_dtype(py::none())
    {
        if (type.is_byte_aligned()) {
            wire_dtype = to_numpy(type.wire_type());
            wire_native = type.wire_type().is_native();
        }
    }

    /// Shape of a value of \p elements_available elements, by the rules the engine's
    /// decode applies (a variable dimension takes what the fixed ones leave).
    std::vector<py::ssize_t> resolve_shape(std::size_t elements_available,
                                           std::size_t length) const
    {
        std::size_t fixed = 1;
        bool overflow = false;
        for (std::int64_t dim : type.shape())
            if (dim >= 0) {
                if (dim != 0 && fixed > std::numeric_limits<std::size_t>::max() / dim)
                    overflow = true;
                fixed *= std::size_t(dim);
            }
        std::vector<py::ssize_t> shape;
        std::size_t elements = 1;
        for (std::int64_t dim : type.shape()) {
            std::size_t d =
                dim >= 0 ? std::size_t(dim)
                         : (overflow || fixed == 0 ? 0 : elements_available / fixed);
            shape.push_back(py::ssize_t(d));
            if (d != 0 && elements > std::numeric_limits<std::size_t>::max() / d)
                overflow = true;
            elements *= d;
        }
        if (overflow || elements > elements_available)
            throw decode_error(
                "too few bytes for the item's shape: " + std::to_string(length) +
                " bytes hold " + std::to_string(elements_available) + " elements of " +
                std::to_string(type.element_bits()) + " bits");
        return shape;
    }

    py::object shaped(py::array flat, const std::vector<py::ssize_t>& shape) const
    {
        if (shape.size() == 1)
            return std::move(flat); // already the 1-d array wanted, in either order
        return flat.attr("reshape")(py::tuple(py::cast(shape)),
                                    py::arg("order") = type.fortran_order() ? "F" : "C");
    }

    /// A numpy array of the value of \p item (a RawItem object).
    py::object decode(const py::object& item_object, bool keep_wire_order) const
    {
        raw_item& item = item_object.cast<raw_item&>();
        if (type.is_byte_aligned() && !item.item.immediate &&
            (wire_native || keep_wire_order)) {
            const py::dtype wire = wire_dtype.cast<py::dtype>();
            const std::size_t itemsize = std::size_t(wire.itemsize());
            const auto shape = resolve_shape(item.size() / itemsize, item.size());
            std::size_t count = 1;
            for (auto d : shape)
                count *= std::size_t(d);
            // A view of the heap's memory: the array's base is the raw item, which holds
            // the heap.
            // Deliberately leaked, as literal_eval above.
            static const py::object* frombuffer =
                new py::object(py::module::import("numpy").attr("frombuffer"));
            py::array flat = (*frombuffer)(item_object, wire, py::int_(count));
            return shaped(flat, shape);
        }
        return decode_bytes(item.data(), item.size(), item.item.immediate);
    }

    /// The engine's decode into an array that owns a copy (native byte order).
    py::object
    decode_bytes(const std::uint8_t* data, std::size_t length, bool immediate) const
    {
        auto value =
            std::make_unique<decoded_value>(type.decode(data, length, immediate));
        std::vector<py::ssize_t> shape(value->shape.begin(), value->shape.end());
        const std::size_t count = value->element_count();
        auto* owner = value.get();
        py::capsule base(value.release(),
                         [](void* p) { delete static_cast<decoded_value*>(p); });
        py::array flat(value_dtype,
                       { py::ssize_t(count) },
                       {},
                       owner->data.empty() ? nullptr : owner->data.data(),
                       base);
        return shaped(flat, shape);
    }
};

} // namespace

void bind_item_type(py::module& m)
{
    py::class_<item_type_wrapper>(
        m,
        "_ItemType",
        "How the bytes of one item become a numpy value (the engine's item_type); used "
        "by ItemGroup.")
        .def(py::init<const descriptor&, int>(),
             py::arg("descriptor"),
             py::arg("bug_compat") = 0)
        .def_property_readonly("value_dtype",
                               [](const item_type_wrapper& w) { return w.value_dtype; })
        .def_property_readonly("wire_dtype",
                               [](const item_type_wrapper& w) { return w.wire_dtype; })
        .def_property_readonly(
            "byte_aligned",
            [](const item_type_wrapper& w) { return w.type.is_byte_aligned(); })
        .def_property_readonly(
            "element_bits",
            [](const item_type_wrapper& w) { return w.type.element_bits(); })
        .def_property_readonly("shape",
                               [](const item_type_wrapper& w) {
                                   py::list out;
                                   for (std::int64_t d : w.type.shape())
                                       out.append(d < 0 ? py::object(py::none())
                                                        : py::int_(d));
                                   return py::tuple(out);
                               })
        .def_property_readonly(
            "fortran_order",
            [](const item_type_wrapper& w) { return w.type.fortran_order(); })
        .def_property_readonly(
            "is_string", [](const item_type_wrapper& w) { return w.type.is_string(); })
        .def("decode",
             &item_type_wrapper::decode,
             py::arg("raw_item"),
             py::arg("keep_wire_order") = false,
             "Value of a RawItem as a numpy array (a view of the heap when possible).")
        .def(
            "decode_bytes",
            [](const item_type_wrapper& w, const py::object& data, bool immediate) {
                const buffer_view bytes(data);
                return w.decode_bytes(bytes.data(), bytes.size(), immediate);
            },
            py::arg("data"),
            py::arg("immediate") = false,
            "Value of raw bytes (an addressed item's payload, or an immediate's value "
            "field) as a numpy array that owns its data.")
        .def(
            "encode",
            [](const item_type_wrapper& w, const py::array& value) {
                decoded_value v;
                v.type = w.type.value_type();
                v.fortran_order = w.type.fortran_order();
                v.is_string = w.type.is_string();
                for (py::ssize_t i = 0; i < value.ndim(); i++)
                    v.shape.push_back(std::size_t(value.shape(i)));
                const py::array contiguous = py::module::import("numpy").attr(
                    w.type.fortran_order() ? "asfortranarray"
                                           : "ascontiguousarray")(value, w.value_dtype);
                const auto* p = static_cast<const std::uint8_t*>(contiguous.data());
                v.data.assign(p, p + contiguous.nbytes());
                const std::vector<std::uint8_t> wire = w.type.encode(v);
                return py::bytes(reinterpret_cast<const char*>(wire.data()), wire.size());
            },
            py::arg("value"),
            "Wire bytes of a value (the inverse of decode for an addressed item).");
}

} // namespace python
} // namespace spead
} // namespace gr
