/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2.recv's StreamConfig, RingStreamConfig, StreamStatConfig, StreamStats and
// stream_stat_indices over the engine's stream_config, ring_stream_config and
// stream_stats.

#include "recv_python.h"

#include <gnuradio/spead/recv/stream_config.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <pybind11/operators.h>
#include <pybind11/stl.h>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

namespace gr {
namespace spead {
namespace python {

namespace {

/// Python ints may be negative or huge: name the parameter rather than fail a cast.
std::size_t to_size(const py::handle& value, const char* name, std::size_t minimum)
{
    if (!py::isinstance<py::int_>(value) || py::isinstance<py::bool_>(value))
        throw py::type_error(std::string(name) + " must be an int, not " +
                             std::string(py::str(value.get_type().attr("__name__"))));
    const py::int_ number = py::reinterpret_borrow<py::int_>(value);
    // As spead2, whose properties are size_t: a value no size_t holds fails the
    // conversion (TypeError); one that converts but is too small is a ValueError.
    if (number < py::int_(0) ||
        number > py::int_(std::numeric_limits<std::size_t>::max()))
        throw py::type_error(std::string(name) + " must be an int in [0, " +
                             std::to_string(std::numeric_limits<std::size_t>::max()) +
                             "], not " + std::string(py::repr(number)));
    if (number < py::int_(minimum))
        throw py::value_error(std::string(name) + " must be at least " +
                              std::to_string(minimum) + ", not " +
                              std::string(py::repr(number)));
    return number.cast<std::size_t>();
}

/// A default object with keyword arguments applied as property assignments, as
/// spead2's configuration constructors do (so both validate alike).
template <typename T>
T from_kwargs(const py::kwargs& kwargs, const char* class_name)
{
    py::object self = py::cast(T());
    for (const auto& entry : kwargs) {
        const std::string key = py::str(entry.first);
        if (key.empty() || key[0] == '_' || !py::hasattr(self.get_type(), key.c_str()))
            throw py::type_error(std::string(class_name) +
                                 "() got an unexpected keyword argument '" + key + "'");
        py::setattr(self, key.c_str(), entry.second);
    }
    return self.cast<T>();
}

std::string upper(std::string name)
{
    for (char& c : name)
        c = char(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

void bind_stat_config(py::module& recv)
{
    py::class_<recv::stream_stat_config> cls(
        recv,
        "StreamStatConfig",
        "Name of one statistic and how two values combine "
        "(spead2.recv.StreamStatConfig).");
    py::enum_<recv::stream_stat_config::mode>(cls, "Mode")
        .value("COUNTER", recv::stream_stat_config::mode::COUNTER)
        .value("MAXIMUM", recv::stream_stat_config::mode::MAXIMUM);
    cls.def(py::init<std::string, recv::stream_stat_config::mode>(),
            py::arg("name"),
            py::arg("mode") = recv::stream_stat_config::mode::COUNTER)
        .def_property_readonly("name", &recv::stream_stat_config::get_name)
        .def_property_readonly("mode", &recv::stream_stat_config::get_mode)
        .def("combine", &recv::stream_stat_config::combine, py::arg("a"), py::arg("b"))
        .def(py::self == py::self)
        .def(py::self != py::self)
        .def("__repr__", [](const recv::stream_stat_config& c) {
            return "StreamStatConfig('" + c.get_name() + "', " +
                   (c.get_mode() == recv::stream_stat_config::mode::COUNTER
                        ? "Mode.COUNTER)"
                        : "Mode.MAXIMUM)");
        });
}

py::list
stat_list(const std::shared_ptr<const std::vector<recv::stream_stat_config>>& stats)
{
    py::list out;
    for (const auto& s : *stats)
        out.append(s);
    return out;
}

void bind_stream_config(py::module& recv)
{
    py::class_<recv::stream_config>(
        recv,
        "StreamConfig",
        "How a stream assembles heaps (spead2.recv.StreamConfig): keyword arguments or "
        "properties.")
        .def(py::init([](const py::kwargs& kwargs) {
            return from_kwargs<recv::stream_config>(kwargs, "StreamConfig");
        }))
        .def_property_readonly_static(
            "DEFAULT_MAX_HEAPS",
            [](const py::object&) { return recv::stream_config().get_max_heaps(); })
        .def_property("max_heaps",
                      &recv::stream_config::get_max_heaps,
                      [](recv::stream_config& c, const py::object& v) {
                          c.set_max_heaps(to_size(v, "max_heaps", 1));
                      })
        .def_property("substreams",
                      &recv::stream_config::get_substreams,
                      [](recv::stream_config& c, const py::object& v) {
                          c.set_substreams(to_size(v, "substreams", 1));
                      })
        .def_property(
            "bug_compat",
            &recv::stream_config::get_bug_compat,
            [](recv::stream_config& c, std::uint32_t v) { c.set_bug_compat(v); })
        .def_property(
            "memcpy",
            [](const recv::stream_config& c) { return int(c.get_memcpy()); },
            [](recv::stream_config& c, int v) {
                if (v != int(recv::memcpy_function::standard) &&
                    v != int(recv::memcpy_function::nontemporal))
                    throw py::value_error(
                        "memcpy must be MEMCPY_STD (0) or MEMCPY_NONTEMPORAL (1), not " +
                        std::to_string(v));
                c.set_memcpy(recv::memcpy_function(v));
            })
        .def_property(
            "memory_allocator",
            &recv::stream_config::get_memory_allocator,
            [](recv::stream_config& c, std::shared_ptr<recv::memory_allocator> a) {
                if (!a)
                    throw py::value_error("memory_allocator must not be None");
                c.set_memory_allocator(std::move(a));
            })
        .def_property("stop_on_stop_item",
                      &recv::stream_config::get_stop_on_stop_item,
                      [](recv::stream_config& c, bool v) { c.set_stop_on_stop_item(v); })
        .def_property(
            "allow_unsized_heaps",
            &recv::stream_config::get_allow_unsized_heaps,
            [](recv::stream_config& c, bool v) { c.set_allow_unsized_heaps(v); })
        .def_property("allow_out_of_order",
                      &recv::stream_config::get_allow_out_of_order,
                      [](recv::stream_config& c, bool v) { c.set_allow_out_of_order(v); })
        .def_property("stream_id",
                      &recv::stream_config::get_stream_id,
                      [](recv::stream_config& c, const py::object& v) {
                          c.set_stream_id(std::uintptr_t(to_size(v, "stream_id", 0)));
                      })
        .def_property("explicit_start",
                      &recv::stream_config::get_explicit_start,
                      [](recv::stream_config& c, bool v) { c.set_explicit_start(v); })
        .def_property(
            "max_heap_size",
            &recv::stream_config::get_max_heap_size,
            [](recv::stream_config& c, const py::object& v) {
                c.set_max_heap_size(to_size(v, "max_heap_size", 1));
            },
            "gr-spead addition: largest heap payload accepted, in bytes (64 MiB).")
        .def("add_stat",
             &recv::stream_config::add_stat,
             py::arg("name"),
             py::arg("mode") = recv::stream_stat_config::mode::COUNTER)
        .def("get_stat_index", &recv::stream_config::get_stat_index, py::arg("name"))
        .def("next_stat_index", &recv::stream_config::next_stat_index)
        .def_property_readonly("stats", [](const recv::stream_config& c) {
            return stat_list(c.get_stats());
        });

    py::class_<recv::ring_stream_config>(
        recv,
        "RingStreamConfig",
        "How heaps wait for the consumer (spead2.recv.RingStreamConfig).")
        .def(py::init([](const py::kwargs& kwargs) {
            return from_kwargs<recv::ring_stream_config>(kwargs, "RingStreamConfig");
        }))
        .def_property_readonly_static(
            "DEFAULT_HEAPS",
            [](const py::object&) { return recv::ring_stream_config().get_heaps(); })
        .def_property("heaps",
                      &recv::ring_stream_config::get_heaps,
                      [](recv::ring_stream_config& c, const py::object& v) {
                          c.set_heaps(to_size(v, "heaps", 1));
                      })
        .def_property(
            "contiguous_only",
            &recv::ring_stream_config::get_contiguous_only,
            [](recv::ring_stream_config& c, bool v) { c.set_contiguous_only(v); })
        .def_property("incomplete_keep_payload_ranges",
                      &recv::ring_stream_config::get_incomplete_keep_payload_ranges,
                      [](recv::ring_stream_config& c, bool v) {
                          c.set_incomplete_keep_payload_ranges(v);
                      })
        .def_property(
            "max_spin_us",
            [](const recv::ring_stream_config& c) { return c.get_max_spin().count(); },
            [](recv::ring_stream_config& c, const py::object& v) {
                // to_size refuses negatives and non-ints by name.
                const std::size_t us = to_size(v, "max_spin_us", 0);
                if (us > 1000000)
                    throw py::value_error("max_spin_us must be in [0, 1000000] (got " +
                                          std::to_string(us) + ")");
                c.set_max_spin(std::chrono::microseconds(us));
            },
            "Longest spin in microseconds before a waiting consumer sleeps (0 to "
            "1000000, "
            "default 200; 0: never spin). Not in spead2.");
}

std::size_t stat_index(const recv::stream_stats& s, const py::object& key)
{
    if (py::isinstance<py::str>(key)) {
        const std::string name = key.cast<std::string>();
        const auto& config = *s.get_config();
        for (std::size_t i = 0; i < config.size(); i++)
            if (config[i].get_name() == name)
                return i;
        throw py::key_error(name);
    }
    if (py::isinstance<py::int_>(key)) {
        // spead2 takes an unsigned index: a negative one is a TypeError there too.
        if (key < py::int_(0))
            throw py::type_error("statistic index must not be negative (got " +
                                 std::string(py::repr(key)) + ")");
        if (key >= py::int_(s.size()))
            throw py::index_error("statistic index " + std::string(py::repr(key)) +
                                  " out of range");
        return key.cast<std::size_t>();
    }
    throw py::type_error("statistics are indexed by name (str) or index (int)");
}

py::list stat_names(const recv::stream_stats& s)
{
    py::list names;
    for (const auto& c : *s.get_config())
        names.append(c.get_name());
    return names;
}

void bind_stream_stats(py::module& recv)
{
    py::class_<recv::stream_stats> cls(recv,
                                       "StreamStats",
                                       "A snapshot of a stream's statistics "
                                       "(spead2.recv.StreamStats): a mapping by name, "
                                       "indexable by position, addable.");
    cls.def(py::init([](const py::object& config) {
                if (config.is_none())
                    return recv::stream_stats();
                auto stats = std::make_shared<std::vector<recv::stream_stat_config>>();
                for (const py::handle& entry : config)
                    stats->push_back(entry.cast<recv::stream_stat_config>());
                return recv::stream_stats(stats);
            }),
            py::arg("config") = py::none())
        .def_property_readonly(
            "config",
            [](const recv::stream_stats& s) { return stat_list(s.get_config()); })
        .def("__getitem__",
             [](const recv::stream_stats& s, const py::object& key) {
                 return s[stat_index(s, key)];
             })
        .def("__setitem__",
             [](recv::stream_stats& s, const py::object& key, std::uint64_t value) {
                 s[stat_index(s, key)] = value;
             })
        .def("__len__", &recv::stream_stats::size)
        .def("__contains__",
             [](const recv::stream_stats& s, const std::string& name) {
                 return s.contains(name);
             })
        // Iterators over a copy, as spead2's keys(), values() and items() are iterators.
        .def("__iter__",
             [](const recv::stream_stats& s) { return py::iter(stat_names(s)); })
        .def("keys", [](const recv::stream_stats& s) { return py::iter(stat_names(s)); })
        .def("values",
             [](const recv::stream_stats& s) { return py::iter(py::cast(s.values())); })
        .def("items",
             [](const recv::stream_stats& s) { return py::iter(py::cast(s.items())); })
        .def(
            "get",
            [](const recv::stream_stats& s,
               const std::string& name,
               py::object fallback) {
                return s.contains(name) ? py::cast(s[name]) : fallback;
            },
            py::arg("key"),
            py::arg("default") = py::none())
        .def(py::self + py::self)
        .def(py::self += py::self)
        .def("__repr__", [](const recv::stream_stats& s) {
            std::string out = "StreamStats({";
            bool first = true;
            for (const auto& entry : s.items()) {
                if (!first)
                    out += ", ";
                first = false;
                out += "'" + entry.first + "': " + std::to_string(entry.second);
            }
            return out + "})";
        });
    // Attribute access to the core statistics, as spead2 keeps it for old code.
    for (const auto& c : recv::builtin_stream_stats()) {
        const std::string name = c.get_name();
        cls.def_property(
            name.c_str(),
            [name](const recv::stream_stats& s) { return s[name]; },
            [name](recv::stream_stats& s, std::uint64_t v) { s[name] = v; });
    }

    py::module indices = recv.def_submodule(
        "stream_stat_indices", "Index of spead2's statistics in Stream.stats.");
    const auto& builtin = recv::builtin_stream_stats();
    for (std::size_t i = 0; i < builtin.size(); i++)
        indices.attr(upper(builtin[i].get_name()).c_str()) = i;
    indices.attr("CUSTOM") = recv::stream_stat_indices::custom;

    py::module reject_indices = recv.def_submodule(
        "reject_stat_indices", "Index of every counter in Stream.reject_stats.");
    const auto& rejects = *recv::reject_stream_stats();
    for (std::size_t i = 0; i < rejects.size(); i++)
        reject_indices.attr(upper(rejects[i].get_name()).c_str()) = i;
}

} // namespace

void bind_recv_config(py::module& recv)
{
    bind_stat_config(recv);
    bind_stream_config(recv);
    bind_stream_stats(recv);
}

} // namespace python
} // namespace spead
} // namespace gr
