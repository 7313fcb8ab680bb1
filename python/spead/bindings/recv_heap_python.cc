/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2.recv's Heap and IncompleteHeap, their raw items (buffer protocol, no copy) and
// spead2.RawDescriptor, over the engine's heap and descriptor.

#include "recv_python.h"

#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_pointer.h>
#include <pybind11/operators.h>
#include <pybind11/stl.h>
#include <string>

namespace gr {
namespace spead {
namespace python {

namespace {

py::bytes to_bytes(const std::string& s) { return py::bytes(s.data(), s.size()); }

std::string from_bytes_or_str(const py::object& value)
{
    if (py::isinstance<py::str>(value))
        return value.cast<std::string>();
    const buffer_view bytes(value);
    return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void bind_raw_descriptor(py::module& m)
{
    py::class_<protocol::descriptor>(
        m,
        "RawDescriptor",
        "A descriptor as carried by a heap (spead2.RawDescriptor): "
        "name, description and numpy_header are bytes; a variable "
        "dimension of shape is None.")
        .def(py::init<>())
        .def_readwrite("id", &protocol::descriptor::id)
        .def_property(
            "name",
            [](const protocol::descriptor& d) { return to_bytes(d.name); },
            [](protocol::descriptor& d, const py::object& v) {
                d.name = from_bytes_or_str(v);
            })
        .def_property(
            "description",
            [](const protocol::descriptor& d) { return to_bytes(d.description); },
            [](protocol::descriptor& d, const py::object& v) {
                d.description = from_bytes_or_str(v);
            })
        .def_property(
            "numpy_header",
            [](const protocol::descriptor& d) { return to_bytes(d.numpy_header); },
            [](protocol::descriptor& d, const py::object& v) {
                d.numpy_header = from_bytes_or_str(v);
            })
        .def_property(
            "shape",
            [](const protocol::descriptor& d) {
                py::list out;
                for (std::int64_t dim : d.shape)
                    out.append(dim < 0 ? py::object(py::none()) : py::int_(dim));
                return out;
            },
            [](protocol::descriptor& d, const py::iterable& shape) {
                std::vector<std::int64_t> dims;
                for (const py::handle& dim : shape) {
                    if (dim.is_none()) {
                        dims.push_back(-1);
                        continue;
                    }
                    const std::int64_t value = dim.cast<std::int64_t>();
                    if (value < 0)
                        throw py::value_error("shape dimensions must be >= 0 or None, "
                                              "not " +
                                              std::to_string(value));
                    dims.push_back(value);
                }
                d.shape = dims;
            })
        .def_property(
            "format",
            [](const protocol::descriptor& d) {
                py::list out;
                for (const auto& f : d.format)
                    out.append(py::make_tuple(std::string(1, f.code), f.bits));
                return out;
            },
            [](protocol::descriptor& d, const py::iterable& format) {
                std::vector<protocol::format_field> fields;
                for (const py::handle& entry : format) {
                    const auto pair = entry.cast<std::pair<std::string, int>>();
                    if (pair.first.size() != 1)
                        throw py::value_error("a format code is one character, not '" +
                                              pair.first + "'");
                    fields.push_back(
                        protocol::format_field{ pair.first[0], pair.second });
                }
                d.format = fields;
            })
        .def(py::self == py::self);
}

/// spead2's get_items(): the heap's items in the engine's (spead2's) order, without
/// DESCRIPTOR items (get_descriptors() has them). An incomplete heap gives its immediate
/// items only: its addressed items may point at bytes that never arrived.
py::list heap_items(const std::shared_ptr<heap_wrapper>& owner)
{
    const recv::heap& h = owner->value;
    const int address_bits = h.get_flavour().heap_address_bits();
    const bool complete = h.is_complete();
    py::list out;
    for (const protocol::heap_item& item : h.get_items()) {
        if (item.id == protocol::DESCRIPTOR_ID || (!complete && !item.immediate))
            continue;
        auto raw = std::make_shared<raw_item>();
        raw->owner = owner;
        raw->item = item;
        if (item.immediate) {
            std::uint8_t word[8];
            protocol::store_be64(word, item.value);
            raw->immediate_length = std::size_t(address_bits / 8);
            std::copy(
                word + 8 - raw->immediate_length, word + 8, raw->immediate_bytes.data());
        }
        out.append(py::cast(raw));
    }
    return out;
}

} // namespace

py::object wrap_heap(recv::heap&& h)
{
    if (h.is_complete())
        return py::cast(std::make_shared<complete_heap_wrapper>(std::move(h)));
    return py::cast(std::make_shared<incomplete_heap_wrapper>(std::move(h)));
}

void bind_recv_heap(py::module& m, py::module& recv)
{
    bind_raw_descriptor(m);

    py::class_<raw_item, std::shared_ptr<raw_item>>(
        recv,
        "RawItem",
        "One item of a heap: id, is_immediate, immediate_value, and its bytes through "
        "the buffer protocol (no copy; the item keeps its heap alive).",
        py::buffer_protocol())
        .def_property_readonly("id", [](const raw_item& r) { return r.item.id; })
        .def_property_readonly("is_immediate",
                               [](const raw_item& r) { return r.item.immediate; })
        .def_property_readonly("immediate_value",
                               [](const raw_item& r) { return r.item.value; })
        .def_buffer([](raw_item& r) {
            return py::buffer_info(r.data(),
                                   1,
                                   py::format_descriptor<std::uint8_t>::format(),
                                   1,
                                   { py::ssize_t(r.size()) },
                                   { py::ssize_t(1) });
        });

    py::class_<heap_wrapper, std::shared_ptr<heap_wrapper>>(
        recv, "HeapBase", "What Heap and IncompleteHeap share.")
        .def_property_readonly("cnt",
                               [](const heap_wrapper& w) { return w.value.get_cnt(); })
        .def_property_readonly(
            "flavour", [](const heap_wrapper& w) { return w.value.get_flavour(); })
        .def("get_items",
             [](const std::shared_ptr<heap_wrapper>& w) { return heap_items(w); })
        .def("is_start_of_stream",
             [](const heap_wrapper& w) { return w.value.is_start_of_stream(); })
        .def("is_end_of_stream",
             [](const heap_wrapper& w) { return w.value.is_end_of_stream(); })
        .def("__repr__", [](const heap_wrapper& w) {
            return std::string(w.value.is_complete() ? "<Heap cnt="
                                                     : "<IncompleteHeap cnt=") +
                   std::to_string(w.value.get_cnt()) + ">";
        });

    py::class_<complete_heap_wrapper,
               heap_wrapper,
               std::shared_ptr<complete_heap_wrapper>>(
        recv, "Heap", "A complete heap (spead2.recv.Heap).")
        .def("get_descriptors",
             [](const complete_heap_wrapper& w) { return w.value.get_descriptors(); });

    py::class_<incomplete_heap_wrapper,
               heap_wrapper,
               std::shared_ptr<incomplete_heap_wrapper>>(
        recv,
        "IncompleteHeap",
        "A heap that lost packets (spead2.recv.IncompleteHeap), delivered when the ring "
        "config has contiguous_only=False. As in spead2, get_items() gives its "
        "immediate items only, and it has no get_descriptors().")
        .def_property_readonly(
            "heap_length",
            [](const incomplete_heap_wrapper& w) { return w.value.get_heap_length(); })
        .def_property_readonly("received_length",
                               [](const incomplete_heap_wrapper& w) {
                                   return w.value.get_received_length();
                               })
        .def_property_readonly("payload_ranges", [](const incomplete_heap_wrapper& w) {
            py::list out;
            for (const auto& range : w.value.get_payload_ranges())
                out.append(py::make_tuple(range.first, range.second));
            return out;
        });
}

} // namespace python
} // namespace spead
} // namespace gr
