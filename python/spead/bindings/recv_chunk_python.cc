/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2.recv's chunk API over the engine's chunk streams: ChunkStreamConfig (place
// callbacks from scipy.LowLevelCallable or the built-in TimestampPlacement), Chunk
// (buffer-protocol objects), ChunkRingbuffer, ChunkRingPair and ChunkRingStream.
//
// A Python Chunk cannot give its memory away: when it enters a ring, a held_chunk (an
// engine chunk) takes views of its buffers and a reference to it, and when it leaves a
// ring the Python object comes back with the chunk and stream IDs the stream set. The
// engine never destroys a chunk on a reader's thread (chunks a stopped ring refuses
// wait for stop()), and a held_chunk takes the GIL to let go of its Python objects.

#include "recv_python.h"
#include "recv_stream_wrapper.h"

#include <gnuradio/spead/recv/chunk_placement.h>
#include <gnuradio/spead/recv/chunk_ring_stream.h>
#include <gnuradio/spead/recv/chunk_stream_ring_group.h>
#include <pybind11/stl.h>
#include <array>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

namespace gr {
namespace spead {
namespace python {

namespace {

constexpr auto signal_check_interval = std::chrono::milliseconds(50);

/// Python's ChunkStreamConfig: the engine's configuration and the Python object given
/// as place (the callback's code and user data live as long as it does).
struct chunk_config_wrapper {
    recv::chunk_stream_config config;
    py::object place = py::none();
};

/// Python's Chunk.
struct python_chunk {
    std::int64_t chunk_id = -1;
    std::uintptr_t stream_id = 0;
    py::object present = py::none();
    py::object data = py::none();
    py::object extra = py::none();
};

/// A Python Chunk on its way through rings and streams.
class held_chunk : public recv::chunk
{
public:
    held_chunk(py::object owner) : d_owner(std::move(owner))
    {
        python_chunk& pc = d_owner.cast<python_chunk&>();
        if (pc.data.is_none())
            throw py::value_error("data buffer is not set");
        if (pc.present.is_none())
            throw py::value_error("present buffer is not set");
        chunk_id = pc.chunk_id;
        stream_id = pc.stream_id;
        present = view(0, pc.present, "present", present_size);
        data = view(1, pc.data, "data", data_size);
        if (!pc.extra.is_none())
            extra = view(2, pc.extra, "extra", extra_size);
    }

    ~held_chunk() override
    {
        py::gil_scoped_acquire gil;
        for (std::size_t i = 0; i < d_views.size(); i++) {
            if (d_held[i])
                PyBuffer_Release(&d_views[i]);
        }
        d_owner = py::object();
    }

    /// The Python Chunk, with the IDs the stream set.
    py::object release_owner()
    {
        python_chunk& pc = d_owner.cast<python_chunk&>();
        pc.chunk_id = chunk_id;
        pc.stream_id = stream_id;
        return d_owner;
    }

private:
    /// A writable view of \p obj, held until the chunk is destroyed; memory it does
    /// not own (a default deleter frees nothing).
    recv::memory_allocator::pointer
    view(std::size_t i, const py::object& obj, const char* name, std::size_t& size)
    {
        if (PyObject_GetBuffer(
                obj.ptr(), &d_views[i], PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) != 0) {
            PyErr_Clear();
            throw py::type_error(std::string(name) +
                                 " must be a writable C-contiguous buffer");
        }
        d_held[i] = true;
        size = std::size_t(d_views[i].len);
        return recv::memory_allocator::pointer(static_cast<std::uint8_t*>(d_views[i].buf),
                                               recv::memory_allocator::deleter());
    }

    py::object d_owner;
    std::array<Py_buffer, 3> d_views{};
    std::array<bool, 3> d_held{};
};

std::unique_ptr<recv::chunk> wrap_chunk(const py::object& obj)
{
    if (!py::isinstance<python_chunk>(obj))
        throw py::type_error("chunk must be a Chunk");
    return std::make_unique<held_chunk>(obj);
}

py::object unwrap_chunk(std::unique_ptr<recv::chunk>&& c)
{
    auto* held = dynamic_cast<held_chunk*>(c.get());
    if (held == nullptr)
        throw std::logic_error("a chunk ring held a chunk that did not come from Python");
    py::object owner = held->release_owner();
    c.reset();
    return owner;
}

/// Waits for a chunk without the GIL, checking for Ctrl-C.
py::object pop_blocking(recv::chunk_ringbuffer& ring)
{
    for (;;) {
        std::unique_ptr<recv::chunk> c;
        {
            py::gil_scoped_release release;
            c = ring.pop_for(signal_check_interval);
        }
        flush_python_log();
        if (c)
            return unwrap_chunk(std::move(c));
        if (PyErr_CheckSignals() != 0)
            throw py::error_already_set();
    }
}

/// A C function pointer from a scipy.LowLevelCallable (or any tuple whose first item
/// is a capsule named by its C signature), as spead2 accepts them.
recv::chunk_place_function place_from_python(const py::object& obj)
{
    py::tuple tuple = obj.cast<py::tuple>(); // TypeError when not a tuple
    py::object first = tuple[0];             // IndexError when empty
    if (!PyCapsule_CheckExact(first.ptr()))
        throw py::type_error("place must hold a PyCapsule as its first item");
    py::capsule capsule = py::reinterpret_borrow<py::capsule>(first);
    const char* name = PyCapsule_GetName(capsule.ptr());
    void* pointer = PyCapsule_GetPointer(capsule.ptr(), name);
    if (pointer == nullptr)
        throw py::error_already_set();
    if (name == nullptr)
        throw py::value_error("place: the capsule has no signature");
    if (std::strcmp(name, "void (void *, size_t)") == 0) {
        auto fn = reinterpret_cast<void (*)(void*, std::size_t)>(pointer);
        return [fn](recv::chunk_place_data* data, std::size_t size) { fn(data, size); };
    }
    if (std::strcmp(name, "void (void *, size_t, void *)") == 0) {
        void* user_data = PyCapsule_GetContext(capsule.ptr());
        if (PyErr_Occurred())
            throw py::error_already_set();
        auto fn = reinterpret_cast<void (*)(void*, std::size_t, void*)>(pointer);
        return [fn, user_data](recv::chunk_place_data* data, std::size_t size) {
            fn(data, size, user_data);
        };
    }
    throw py::value_error(std::string("place: unsupported signature '") + name +
                          "' (expected 'void (void *, size_t)' or "
                          "'void (void *, size_t, void *)')");
}

void set_place(chunk_config_wrapper& c, const py::object& obj)
{
    if (obj.is_none()) {
        c.config.set_place(nullptr);
    } else if (py::isinstance<recv::timestamp_placement>(obj)) {
        obj.cast<const recv::timestamp_placement&>().apply(c.config);
    } else {
        c.config.set_place(place_from_python(obj));
    }
    c.place = obj;
}

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

/// Python's ChunkRingPair (the base of ChunkRingStream).
class ring_pair_wrapper
{
public:
    virtual ~ring_pair_wrapper() = default;
    virtual recv::chunk_ring_pair& pair() = 0;
};

/// Python's ChunkRingStream.
class chunk_ring_stream_wrapper : public ring_pair_wrapper, public stream_wrapper_base
{
public:
    chunk_ring_stream_wrapper(py::object pool_object,
                              const recv::stream_config& config,
                              const chunk_config_wrapper& chunk_config,
                              std::shared_ptr<recv::chunk_ringbuffer> data_ring,
                              std::shared_ptr<recv::chunk_ringbuffer> free_ring)
        : stream_wrapper_base(std::move(pool_object)), d_chunk_config(chunk_config)
    {
        d_stream = std::make_unique<recv::chunk_ring_stream>(pool(),
                                                             config,
                                                             chunk_config.config,
                                                             std::move(data_ring),
                                                             std::move(free_ring));
    }

    ~chunk_ring_stream_wrapper() override
    {
        py::gil_scoped_release release;
        d_stream.reset();
    }

    recv::chunk_ring_stream& get() { return *d_stream; }
    recv::stream& base_stream() override { return *d_stream; }
    recv::chunk_ring_pair& pair() override { return *d_stream; }
    const chunk_config_wrapper& chunk_config() const { return d_chunk_config; }

private:
    chunk_config_wrapper d_chunk_config; ///< keeps the place callback's owner alive
    std::unique_ptr<recv::chunk_ring_stream> d_stream;
};

/// Python's ChunkStreamGroupMember: a member stream the group owns (the Python object
/// only refers to it, and keeps the group alive).
class group_member_wrapper : public stream_wrapper_base
{
public:
    group_member_wrapper(py::object pool_object,
                         recv::chunk_stream_group_member& member,
                         const chunk_config_wrapper& chunk_config)
        : stream_wrapper_base(std::move(pool_object)),
          d_member(member),
          d_chunk_config(chunk_config)
    {
    }
    group_member_wrapper(const group_member_wrapper&) = delete;

    recv::chunk_stream_group_member& get() { return d_member; }
    recv::stream& base_stream() override { return d_member; }
    const chunk_config_wrapper& chunk_config() const { return d_chunk_config; }

private:
    recv::chunk_stream_group_member& d_member;
    chunk_config_wrapper d_chunk_config; ///< keeps the place callback's owner alive
};

/// Python's ChunkStreamRingGroup.
class ring_group_wrapper : public ring_pair_wrapper
{
public:
    ring_group_wrapper(const recv::chunk_stream_group_config& config,
                       py::object data_ring,
                       py::object free_ring)
        : d_data_ring(std::move(data_ring)), d_free_ring(std::move(free_ring))
    {
        d_group = std::make_unique<recv::chunk_stream_ring_group>(
            config,
            d_data_ring.cast<std::shared_ptr<recv::chunk_ringbuffer>>(),
            d_free_ring.cast<std::shared_ptr<recv::chunk_ringbuffer>>());
    }

    ring_group_wrapper(const ring_group_wrapper&) = delete;

    ~ring_group_wrapper() override
    {
        {
            py::gil_scoped_release release;
            d_group.reset();
        }
        // With the GIL: the members' buffers and thread pools, after their streams.
        d_members.clear();
    }

    recv::chunk_ring_pair& pair() override { return *d_group; }
    recv::chunk_stream_ring_group& get() { return *d_group; }
    const py::object& data_ring() const { return d_data_ring; }
    const py::object& free_ring() const { return d_free_ring; }

    group_member_wrapper& emplace_back(const py::object& pool,
                                       const recv::stream_config& config,
                                       const chunk_config_wrapper& chunk_config)
    {
        if (!py::isinstance<recv::thread_pool>(pool))
            throw py::type_error("thread_pool must be a ThreadPool");
        recv::chunk_stream_group_member& member = d_group->emplace_back(
            pool.cast<recv::thread_pool&>(), config, chunk_config.config);
        d_members.push_back(
            std::make_unique<group_member_wrapper>(pool, member, chunk_config));
        return *d_members.back();
    }

    std::size_t size() const { return d_members.size(); }
    group_member_wrapper& at(std::size_t index) { return *d_members[index]; }

private:
    py::object d_data_ring; ///< the Python rings, so that subclasses come back as given
    py::object d_free_ring;
    std::unique_ptr<recv::chunk_stream_ring_group> d_group;
    std::vector<std::unique_ptr<group_member_wrapper>> d_members;
};

void bind_chunk_config(py::module& recv)
{
    py::class_<chunk_config_wrapper> cls(
        recv,
        "ChunkStreamConfig",
        "How a chunk stream places heaps into chunks (spead2.recv.ChunkStreamConfig).");
    cls.def(py::init([](const py::kwargs& kwargs) {
           return from_kwargs<chunk_config_wrapper>(kwargs, "ChunkStreamConfig");
       }))
        .def_property(
            "items",
            [](const chunk_config_wrapper& c) { return c.config.get_items(); },
            [](chunk_config_wrapper& c, const std::vector<std::uint64_t>& items) {
                c.config.set_items(items);
            })
        .def_property(
            "max_chunks",
            [](const chunk_config_wrapper& c) { return c.config.get_max_chunks(); },
            [](chunk_config_wrapper& c, std::size_t n) { c.config.set_max_chunks(n); })
        .def_property(
            "place",
            [](const chunk_config_wrapper& c) { return c.place; },
            &set_place,
            "None, a scipy.LowLevelCallable with signature 'void (void *, size_t)' or "
            "'void (void *, size_t, void *)' (e.g. a numba cfunc taking a "
            "chunk_place_data pointer), or a TimestampPlacement (which also raises "
            "max_heap_extra to what it needs).")
        // Both return the configuration itself, so that calls chain as in spead2.
        .def(
            "enable_packet_presence",
            [](py::object self, std::size_t payload_size) {
                self.cast<chunk_config_wrapper&>().config.enable_packet_presence(
                    payload_size);
                return self;
            },
            py::arg("payload_size"))
        .def("disable_packet_presence",
             [](py::object self) {
                 self.cast<chunk_config_wrapper&>().config.disable_packet_presence();
                 return self;
             })
        .def_property_readonly("packet_presence_payload_size",
                               [](const chunk_config_wrapper& c) {
                                   return c.config.get_packet_presence_payload_size();
                               })
        .def_property(
            "max_heap_extra",
            [](const chunk_config_wrapper& c) { return c.config.get_max_heap_extra(); },
            [](chunk_config_wrapper& c, std::size_t n) {
                c.config.set_max_heap_extra(n);
            });
    cls.attr("DEFAULT_MAX_CHUNKS") = recv::chunk_stream_config::default_max_chunks;
}

void bind_chunk(py::module& recv)
{
    py::class_<python_chunk>(
        recv,
        "Chunk",
        "A chunk: present (one byte per heap), data and extra, each a writable buffer "
        "(e.g. a numpy array), with the chunk_id and stream_id the stream set "
        "(spead2.recv.Chunk).")
        .def(py::init([](const py::kwargs& kwargs) {
            return from_kwargs<python_chunk>(kwargs, "Chunk");
        }))
        .def_readwrite("chunk_id", &python_chunk::chunk_id)
        .def_readwrite("stream_id", &python_chunk::stream_id)
        .def_readwrite("present", &python_chunk::present)
        .def_readwrite("data", &python_chunk::data)
        .def_readwrite("extra", &python_chunk::extra);
}

void bind_chunk_ringbuffer(py::module& recv)
{
    using ring = recv::chunk_ringbuffer;
    py::class_<ring, std::shared_ptr<ring>>(
        recv, "ChunkRingbuffer", "A queue of chunks (spead2.recv.ChunkRingbuffer).")
        .def(py::init<std::size_t>(), py::arg("maxsize"))
        .def_property_readonly("maxsize", &ring::capacity)
        .def("qsize", &ring::size)
        .def("empty", [](const ring& r) { return r.size() == 0; })
        .def("full", [](const ring& r) { return r.size() == r.capacity(); })
        .def_property_readonly("data_fd", &ring::data_fd)
        .def_property_readonly("space_fd", &ring::space_fd)
        .def("get", [](ring& r) { return pop_blocking(r); })
        .def("get_nowait",
             [](ring& r) {
                 std::unique_ptr<recv::chunk> c = r.try_pop();
                 return unwrap_chunk(std::move(c));
             })
        .def(
            "put",
            [](ring& r, const py::object& chunk) {
                std::unique_ptr<recv::chunk> c = wrap_chunk(chunk);
                py::gil_scoped_release release;
                r.push(std::move(c));
            },
            py::arg("chunk"))
        .def(
            "put_nowait",
            [](ring& r, const py::object& chunk) { r.try_push(wrap_chunk(chunk)); },
            py::arg("chunk"))
        .def("stop", &ring::stop)
        .def("add_producer", &ring::add_producer)
        .def("remove_producer", &ring::remove_producer)
        .def("__iter__", [](py::object self) { return self; })
        .def("__next__", [](ring& r) {
            try {
                return pop_blocking(r);
            } catch (const recv::ringbuffer_stopped&) {
                throw py::stop_iteration();
            }
        });
}

/// What every chunk stream class has beside its readers: config, chunk_stream_config,
/// start, stop, stats and reject_stats.
template <typename Wrapper, typename... Bases>
void bind_stream_control(py::class_<Wrapper, Bases...>& cls)
{
    cls.def_property_readonly("config", [](Wrapper& s) { return s.get().get_config(); })
        .def_property_readonly(
            "chunk_stream_config",
            [](Wrapper& s) { return s.chunk_config(); },
            "The chunk configuration (not in spead2).")
        .def("start",
             [](Wrapper& s) {
                 py::gil_scoped_release release;
                 s.get().start();
             })
        .def("stop",
             [](Wrapper& s) {
                 {
                     py::gil_scoped_release release;
                     s.get().stop();
                 }
                 flush_python_log();
             })
        .def_property_readonly("stats",
                               [](Wrapper& s) {
                                   flush_python_log();
                                   py::gil_scoped_release release;
                                   return s.get().get_stats();
                               })
        .def_property_readonly(
            "reject_stats",
            [](Wrapper& s) {
                flush_python_log();
                py::gil_scoped_release release;
                return s.get().get_reject_stats();
            },
            "Packets rejected and heaps dropped, per reason. Not in spead2.");
    ;
}

void bind_ring_stream(py::module& recv)
{
    py::class_<ring_pair_wrapper>(
        recv, "ChunkRingPair", "A data ring and a free ring (spead2.recv.ChunkRingPair).")
        .def(
            "add_free_chunk",
            [](ring_pair_wrapper& p, const py::object& chunk) {
                std::unique_ptr<recv::chunk> c = wrap_chunk(chunk);
                p.pair().add_free_chunk(std::move(c));
            },
            py::arg("chunk"),
            "Zeroes the chunk's present array and puts it on the free ring (nothing "
            "happens once the ring is stopped; raises Full when it has no room).")
        .def_property_readonly(
            "data_ringbuffer",
            [](ring_pair_wrapper& p) { return p.pair().get_data_ringbuffer(); })
        .def_property_readonly("free_ringbuffer", [](ring_pair_wrapper& p) {
            return p.pair().get_free_ringbuffer();
        });

    py::class_<chunk_ring_stream_wrapper, ring_pair_wrapper, stream_wrapper_base>
        ring_stream(
            recv,
            "ChunkRingStream",
            "A stream that places heaps into chunks taken from free_ringbuffer and puts "
            "them on data_ringbuffer (spead2.recv.ChunkRingStream).");
    ring_stream.def(
        py::init([](const py::object& pool,
                    const recv::stream_config& config,
                    const chunk_config_wrapper& chunk_config,
                    std::shared_ptr<recv::chunk_ringbuffer> data_ring,
                    std::shared_ptr<recv::chunk_ringbuffer> free_ring) {
            if (!py::isinstance<recv::thread_pool>(pool))
                throw py::type_error("thread_pool must be a ThreadPool");
            return std::make_unique<chunk_ring_stream_wrapper>(
                pool, config, chunk_config, std::move(data_ring), std::move(free_ring));
        }),
        py::arg("thread_pool"),
        py::arg("config") = recv::stream_config(),
        py::arg("chunk_stream_config"),
        py::arg("data_ringbuffer"),
        py::arg("free_ringbuffer"));
    bind_stream_control(ring_stream);
}

void bind_groups(py::module& recv)
{
    using gc = recv::chunk_stream_group_config;
    py::class_<gc> config(recv,
                          "ChunkStreamGroupConfig",
                          "How a group of chunk streams shares its chunks "
                          "(spead2.recv.ChunkStreamGroupConfig).");
    py::enum_<gc::eviction_mode>(config, "EvictionMode")
        .value("LOSSY", gc::eviction_mode::LOSSY)
        .value("LOSSLESS", gc::eviction_mode::LOSSLESS);
    config
        .def(py::init([](const py::kwargs& kwargs) {
            return from_kwargs<gc>(kwargs, "ChunkStreamGroupConfig");
        }))
        .def_property(
            "max_chunks",
            &gc::get_max_chunks,
            [](gc& c, std::size_t n) { c.set_max_chunks(n); },
            "Chunks under construction in the group at once (at least each member's).")
        .def_property(
            "eviction_mode",
            &gc::get_eviction_mode,
            [](gc& c, gc::eviction_mode mode) { c.set_eviction_mode(mode); },
            "LOSSY: members are made to let go of the oldest chunks when one needs a "
            "newer chunk; LOSSLESS: it waits until every member has moved on.");
    config.attr("DEFAULT_MAX_CHUNKS") = gc::default_max_chunks;

    py::class_<group_member_wrapper, stream_wrapper_base> member(
        recv,
        "ChunkStreamGroupMember",
        "One stream of a ChunkStreamRingGroup, made by its emplace_back "
        "(spead2.recv.ChunkStreamGroupMember); stop() stops the whole group.");
    bind_stream_control(member);

    py::class_<ring_group_wrapper, ring_pair_wrapper>(
        recv,
        "ChunkStreamRingGroup",
        "Several chunk streams filling the same chunks, taken from free_ringbuffer and "
        "put on data_ringbuffer; a sequence of its members "
        "(spead2.recv.ChunkStreamRingGroup).")
        .def(py::init([](const gc& config, py::object data_ring, py::object free_ring) {
                 for (const py::object* ring : { &data_ring, &free_ring })
                     if (!py::isinstance<recv::chunk_ringbuffer>(*ring))
                         throw py::type_error("the rings must be ChunkRingbuffers");
                 return std::make_unique<ring_group_wrapper>(
                     config, std::move(data_ring), std::move(free_ring));
             }),
             py::arg("config"),
             py::arg("data_ringbuffer"),
             py::arg("free_ringbuffer"))
        .def_property_readonly("config",
                               [](ring_group_wrapper& g) { return g.get().get_config(); })
        .def_property_readonly("data_ringbuffer", &ring_group_wrapper::data_ring)
        .def_property_readonly("free_ringbuffer", &ring_group_wrapper::free_ring)
        .def("emplace_back",
             &ring_group_wrapper::emplace_back,
             py::arg("thread_pool"),
             py::arg("config"),
             py::arg("chunk_stream_config"),
             py::return_value_policy::reference_internal,
             "Adds a member stream (before any member receives).")
        .def("__len__", &ring_group_wrapper::size)
        .def(
            "__getitem__",
            [](ring_group_wrapper& g, std::ptrdiff_t index) -> group_member_wrapper& {
                const auto size = std::ptrdiff_t(g.size());
                if (index < 0)
                    index += size;
                if (index < 0 || index >= size)
                    throw py::index_error("group index out of range");
                return g.at(std::size_t(index));
            },
            py::return_value_policy::reference_internal)
        .def("__getitem__",
             [](py::object self, const py::slice& slice) {
                 ring_group_wrapper& g = self.cast<ring_group_wrapper&>();
                 std::size_t start, stop, step, length;
                 if (!slice.compute(g.size(), &start, &stop, &step, &length))
                     throw py::error_already_set();
                 py::list out;
                 for (std::size_t i = 0; i < length; i++, start += step)
                     out.append(py::cast(
                         g.at(start), py::return_value_policy::reference_internal, self));
                 return out;
             })
        .def("stop", [](ring_group_wrapper& g) {
            {
                py::gil_scoped_release release;
                g.get().stop();
            }
            flush_python_log();
        });
}

void bind_placement(py::module& recv)
{
    using tp = recv::timestamp_placement;
    py::class_<tp>(recv,
                   "TimestampPlacement",
                   "The built-in place function (not in spead2): chunk = timestamp // "
                   "heap_timestamp_step // heaps_per_chunk; heap index = (step % "
                   "heaps_per_chunk) * index_count + index // index_step; offset = heap "
                   "index * heap_size; extra = the values of extra_items as int64.")
        .def(py::init([](std::uint64_t timestamp_id,
                         std::uint64_t heap_timestamp_step,
                         std::size_t heaps_per_chunk,
                         std::size_t heap_size,
                         std::optional<std::uint64_t> index_id,
                         std::uint64_t index_step,
                         std::size_t index_count,
                         const std::vector<std::uint64_t>& extra_items) {
                 tp p(timestamp_id, heap_timestamp_step, heaps_per_chunk, heap_size);
                 if (index_id)
                     p.set_index(*index_id, index_step, index_count);
                 else if (index_step != 1 || index_count != 1)
                     throw py::value_error("index_step and index_count need index_id");
                 p.set_extra_items(extra_items);
                 return p;
             }),
             py::arg("timestamp_id"),
             py::arg("heap_timestamp_step"),
             py::arg("heaps_per_chunk"),
             py::arg("heap_size"),
             py::kw_only(),
             py::arg("index_id") = py::none(),
             py::arg("index_step") = 1,
             py::arg("index_count") = 1,
             py::arg("extra_items") = std::vector<std::uint64_t>())
        .def_property_readonly("timestamp_id", &tp::get_timestamp_id)
        .def_property_readonly("heap_timestamp_step", &tp::get_heap_timestamp_step)
        .def_property_readonly("heaps_per_chunk", &tp::get_heaps_per_chunk)
        .def_property_readonly("heap_size", &tp::get_heap_size)
        .def_property_readonly("index_id", &tp::get_index_id)
        .def_property_readonly("index_step", &tp::get_index_step)
        .def_property_readonly("index_count", &tp::get_index_count)
        .def_property_readonly("extra_items", &tp::get_extra_items)
        .def_property_readonly("chunk_heaps", &tp::chunk_heaps)
        .def_property_readonly("chunk_data_size", &tp::chunk_data_size)
        .def_property_readonly("heap_extra_size", &tp::heap_extra_size)
        .def_property_readonly("chunk_extra_size", &tp::chunk_extra_size)
        .def("chunk_timestamp", &tp::chunk_timestamp, py::arg("chunk_id"))
        .def(
            "make_chunk",
            [](const tp& p) {
                py::module np = py::module::import("numpy");
                python_chunk c;
                c.present = np.attr("zeros")(p.chunk_heaps(), "uint8");
                c.data = np.attr("zeros")(p.chunk_data_size(), "uint8");
                if (p.chunk_extra_size())
                    c.extra = np.attr("zeros")(
                        py::make_tuple(p.chunk_heaps(), p.get_extra_items().size()),
                        "int64");
                return c;
            },
            "A Chunk of numpy arrays laid out for this placement: present (uint8, one "
            "per heap), data (uint8) and, with extra items, extra (int64, one row per "
            "heap).");
}

} // namespace

void bind_recv_chunk(py::module& m, py::module& recv)
{
    // Full is made by bind_recv_common; kept for the module's lifetime.
    static PyObject* full_type = py::object(m.attr("Full")).release().ptr();
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        } catch (const recv::ringbuffer_full& e) {
            PyErr_SetString(full_type, e.what());
        }
    });
    bind_chunk_config(recv);
    bind_chunk(recv);
    bind_chunk_ringbuffer(recv);
    bind_ring_stream(recv);
    bind_groups(recv);
    bind_placement(recv);
}

} // namespace python
} // namespace spead
} // namespace gr
