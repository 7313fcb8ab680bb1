/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2.send's stream classes over the engine's send streams: the blocking ones
// (UdpStream, TcpStream, InprocStream, BytesStream) and the ones the asyncio module
// wraps (UdpStreamAsyncio, TcpStreamAsyncio, InprocStreamAsyncio), which report
// completions through an eventfd that the event loop watches.

#include "send_python.h"
#include "socket_arg.h"
#include <gnuradio/spead/recv/thread_pool.h>
#include <gnuradio/spead/send/inproc_stream.h>
#include <gnuradio/spead/send/streambuf_stream.h>
#include <gnuradio/spead/send/tcp_stream.h>
#include <gnuradio/spead/send/udp_stream.h>
#include <condition_variable>
#include <pybind11/stl.h>
#include <sys/eventfd.h>
#include <system_error>
#include <unistd.h>
#include <cerrno>
#include <chrono>
#include <mutex>
#include <sstream>

namespace gr {
namespace spead {
namespace python {

namespace {

using endpoint_list = std::vector<std::pair<std::string, std::uint16_t>>;

std::vector<send::endpoint> to_endpoints(const endpoint_list& list)
{
    std::vector<send::endpoint> out;
    for (const auto& e : list)
        out.push_back(send::endpoint{ e.first, e.second });
    return out;
}

/// The thread pool argument spead2 takes: checked and kept, not used (each stream has
/// its own sending thread).
py::object checked_pool(const py::object& pool)
{
    if (!py::isinstance<recv::thread_pool>(pool))
        throw py::type_error("thread_pool must be a ThreadPool");
    return pool;
}

std::vector<send::heap_reference> to_engine(const std::vector<py_heap_reference>& refs)
{
    std::vector<send::heap_reference> out;
    out.reserve(refs.size());
    for (const py_heap_reference& r : refs)
        out.push_back(r.to_engine());
    return out;
}

/// Base of every Python stream: owns the engine stream and destroys it without the
/// GIL (destruction waits for queued heaps, whose completions may need Python).
class py_stream
{
public:
    virtual ~py_stream() { shutdown(); }

    void set_cnt_sequence(std::uint64_t next, std::uint64_t step)
    {
        d_stream->set_cnt_sequence(next, step);
    }
    std::size_t num_substreams() const { return d_stream->get_num_substreams(); }

    /// Every derived destructor calls this first (the stream may use its members).
    void shutdown()
    {
        if (d_stream) {
            py::gil_scoped_release release;
            d_stream.reset();
        }
        d_keep.clear();
    }

    std::unique_ptr<send::stream> d_stream;
    py::object d_pool;
    /// Python objects an interrupted send still uses, freed with the stream.
    std::vector<py::object> d_keep;
};

/// A completion awaited by a blocking send.
struct sync_state {
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::error_code error;
    std::uint64_t bytes = 0;
};

/// The blocking send_heap / send_heaps.
class py_sync_stream : public py_stream
{
public:
    std::uint64_t send_heap(const py::object& heap,
                            std::int64_t cnt,
                            std::size_t substream_index,
                            double rate)
    {
        const send::heap& h = heap_of(heap).value;
        return wait(
            [&](send::completion_handler handler) {
                d_stream->async_send_heap(
                    h, std::move(handler), cnt, substream_index, rate);
            },
            py::make_tuple(heap));
    }

    std::uint64_t send_heaps(const std::vector<py_heap_reference>& refs,
                             send::group_mode mode)
    {
        const std::vector<send::heap_reference> heaps = to_engine(refs);
        py::list keep;
        for (const py_heap_reference& r : refs)
            keep.append(r.heap);
        return wait(
            [&](send::completion_handler handler) {
                d_stream->async_send_heaps(heaps, std::move(handler), mode);
            },
            keep);
    }

private:
    /// Starts a send and waits for it without the GIL; Ctrl-C interrupts the wait
    /// (the heaps then stay referenced by the stream until it is freed).
    template <typename Start>
    std::uint64_t wait(Start&& start, py::object heaps)
    {
        auto state = std::make_shared<sync_state>();
        start([state](const std::error_code& error, std::uint64_t bytes) {
            {
                std::lock_guard<std::mutex> lock(state->mutex);
                state->done = true;
                state->error = error;
                state->bytes = bytes;
            }
            state->cv.notify_all();
        });
        for (;;) {
            bool done;
            {
                py::gil_scoped_release release;
                std::unique_lock<std::mutex> lock(state->mutex);
                done = state->cv.wait_for(
                    lock, std::chrono::milliseconds(200), [&] { return state->done; });
            }
            if (done)
                break;
            if (PyErr_CheckSignals() != 0) {
                d_keep.push_back(std::move(heaps));
                throw py::error_already_set();
            }
        }
        if (state->error)
            throw std::system_error(state->error);
        return state->bytes;
    }
};

/// A completion to hand to Python: the callback and the heaps it kept alive.
struct pending_callback {
    PyObject* callback;
    std::vector<PyObject*> keep;
    std::error_code error;
    std::uint64_t bytes;
};

/// The sends of the asyncio classes: completions are queued and an eventfd becomes
/// readable; the event loop then calls process_callbacks().
class py_async_stream : public py_stream
{
public:
    py_async_stream()
    {
        d_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (d_fd < 0)
            throw std::system_error(errno, std::generic_category(), "eventfd");
    }

    ~py_async_stream() override
    {
        shutdown();
        for (pending_callback& p : d_pending)
            release(p);
        ::close(d_fd);
    }

    int fd() const { return d_fd; }

    bool async_send_heap(py::object heap,
                         py::object callback,
                         std::int64_t cnt,
                         std::size_t substream_index,
                         double rate)
    {
        const send::heap& h = heap_of(heap).value;
        // Raw references: the handler runs without the GIL and only queues them.
        PyObject* heap_ptr = heap.release().ptr();
        PyObject* callback_ptr = callback.release().ptr();
        return d_stream->async_send_heap(
            h,
            [this, heap_ptr, callback_ptr](const std::error_code& error,
                                           std::uint64_t bytes) {
                push(pending_callback{ callback_ptr, { heap_ptr }, error, bytes });
            },
            cnt,
            substream_index,
            rate);
    }

    bool async_send_heaps(const std::vector<py_heap_reference>& refs,
                          py::object callback,
                          send::group_mode mode)
    {
        const std::vector<send::heap_reference> heaps = to_engine(refs);
        std::vector<PyObject*> keep;
        for (const py_heap_reference& r : refs)
            keep.push_back(py::object(r.heap).release().ptr());
        PyObject* callback_ptr = callback.release().ptr();
        return d_stream->async_send_heaps(
            heaps,
            [this, keep, callback_ptr](const std::error_code& error,
                                       std::uint64_t bytes) {
                push(pending_callback{ callback_ptr, keep, error, bytes });
            },
            mode);
    }

    void flush()
    {
        py::gil_scoped_release release;
        d_stream->flush();
    }

    /// Calls the callbacks of the completed sends, in order: callback(exc, bytes).
    void process_callbacks()
    {
        std::uint64_t counter;
        while (::read(d_fd, &counter, sizeof(counter)) < 0 && errno == EINTR) {
        }
        std::vector<pending_callback> ready;
        {
            std::lock_guard<std::mutex> lock(d_mutex);
            ready.swap(d_pending);
        }
        std::size_t i = 0;
        try {
            for (; i < ready.size(); i++) {
                pending_callback& p = ready[i];
                for (PyObject* k : p.keep)
                    Py_DECREF(k);
                p.keep.clear();
                py::object callback = py::reinterpret_steal<py::object>(p.callback);
                p.callback = nullptr;
                py::object exc = py::none();
                if (p.error)
                    exc = py::reinterpret_borrow<py::object>(PyExc_OSError)(
                        p.error.value(), p.error.message());
                callback(exc, p.bytes);
            }
        } catch (...) {
            for (; i < ready.size(); i++)
                release(ready[i]);
            throw;
        }
    }

private:
    void push(pending_callback&& p)
    {
        bool was_empty;
        {
            std::lock_guard<std::mutex> lock(d_mutex);
            was_empty = d_pending.empty();
            d_pending.push_back(std::move(p));
        }
        if (was_empty) {
            const std::uint64_t one = 1;
            while (::write(d_fd, &one, sizeof(one)) < 0 && errno == EINTR) {
            }
        }
    }

    /// Drops the references of a callback that will not be called; with the GIL.
    static void release(pending_callback& p)
    {
        for (PyObject* k : p.keep)
            Py_DECREF(k);
        p.keep.clear();
        Py_XDECREF(p.callback);
        p.callback = nullptr;
    }

    int d_fd = -1;
    std::mutex d_mutex;
    std::vector<pending_callback> d_pending;
};

// One C++ type per Python class (each has its own constructors and extras).
template <typename Base, int Kind>
class py_stream_of : public Base
{
public:
    ~py_stream_of() override { this->shutdown(); }
};
enum { UDP, TCP, INPROC };
using udp_sync = py_stream_of<py_sync_stream, UDP>;
using tcp_sync = py_stream_of<py_sync_stream, TCP>;
using inproc_sync = py_stream_of<py_sync_stream, INPROC>;
using udp_async = py_stream_of<py_async_stream, UDP>;
using tcp_async = py_stream_of<py_async_stream, TCP>;
using inproc_async = py_stream_of<py_async_stream, INPROC>;

/// BytesStream: into memory, returned by getvalue().
class py_bytes_stream : public py_sync_stream
{
public:
    ~py_bytes_stream() override { shutdown(); }
    std::stringbuf buffer;
};

template <typename T, typename Make>
T* make_stream(const py::object& pool, Make&& make)
{
    auto out = std::make_unique<T>();
    out->d_pool = checked_pool(pool);
    {
        py::gil_scoped_release release; // resolving and connecting may block
        out->d_stream = make();
    }
    return out.release();
}

template <typename T>
void def_sync(py::class_<T, py_stream> c)
{
    using namespace pybind11::literals;
    c.def("send_heap",
          &T::send_heap,
          "heap"_a,
          "cnt"_a = -1,
          "substream_index"_a = 0,
          "rate"_a = -1.0)
        .def(
            "send_heaps",
            [](T& s, const py_heap_reference_list& l, send::group_mode mode) {
                return s.send_heaps(l.refs, mode);
            },
            "heaps"_a,
            "mode"_a)
        .def("send_heaps", &T::send_heaps, "heaps"_a, "mode"_a);
}

template <typename T>
void def_async(py::class_<T, py_stream> c)
{
    using namespace pybind11::literals;
    c.def_property_readonly("fd", &T::fd)
        .def("async_send_heap",
             &T::async_send_heap,
             "heap"_a,
             "callback"_a,
             "cnt"_a = -1,
             "substream_index"_a = 0,
             "rate"_a = -1.0)
        .def(
            "async_send_heaps",
            [](T& s,
               const py_heap_reference_list& l,
               py::object callback,
               send::group_mode mode) {
                return s.async_send_heaps(l.refs, std::move(callback), mode);
            },
            "heaps"_a,
            "callback"_a,
            "mode"_a)
        .def("async_send_heaps", &T::async_send_heaps, "heaps"_a, "callback"_a, "mode"_a)
        .def("flush", &T::flush)
        .def("process_callbacks", &T::process_callbacks);
}

template <typename T>
py::class_<T, py_stream> bind_udp(py::module& m, const char* name)
{
    using namespace pybind11::literals;
    using send::stream_config;
    using send::udp_stream;
    py::class_<T, py_stream> c(m, name);
    const std::size_t default_size = udp_stream::DEFAULT_BUFFER_SIZE;
    c.def(py::init([](const py::object& pool,
                      const endpoint_list& endpoints,
                      const stream_config& config,
                      std::size_t buffer_size,
                      const std::string& interface_address) {
              return make_stream<T>(pool, [&] {
                  return std::make_unique<udp_stream>(
                      to_endpoints(endpoints), config, buffer_size, interface_address);
              });
          }),
          "thread_pool"_a.none(false),
          "endpoints"_a,
          "config"_a = stream_config(),
          "buffer_size"_a = default_size,
          "interface_address"_a = std::string())
        .def(py::init([](const py::object& pool,
                         const endpoint_list& endpoints,
                         const stream_config& config,
                         std::size_t buffer_size,
                         int ttl) {
                 return make_stream<T>(pool, [&] {
                     return std::make_unique<udp_stream>(
                         to_endpoints(endpoints), config, buffer_size, ttl);
                 });
             }),
             "thread_pool"_a.none(false),
             "endpoints"_a,
             "config"_a = stream_config(),
             "buffer_size"_a = default_size,
             "ttl"_a)
        .def(py::init([](const py::object& pool,
                         const endpoint_list& endpoints,
                         const stream_config& config,
                         std::size_t buffer_size,
                         int ttl,
                         const std::string& interface_address) {
                 return make_stream<T>(pool, [&] {
                     return std::make_unique<udp_stream>(to_endpoints(endpoints),
                                                         config,
                                                         buffer_size,
                                                         ttl,
                                                         interface_address);
                 });
             }),
             "thread_pool"_a.none(false),
             "endpoints"_a,
             "config"_a = stream_config(),
             "buffer_size"_a = default_size,
             "ttl"_a,
             "interface_address"_a)
        .def(py::init([](const py::object& pool,
                         const endpoint_list& endpoints,
                         const stream_config& config,
                         std::size_t buffer_size,
                         int ttl,
                         unsigned int interface_index) {
                 return make_stream<T>(pool, [&] {
                     return std::make_unique<udp_stream>(to_endpoints(endpoints),
                                                         config,
                                                         buffer_size,
                                                         ttl,
                                                         interface_index);
                 });
             }),
             "thread_pool"_a.none(false),
             "endpoints"_a,
             "config"_a = stream_config(),
             "buffer_size"_a = default_size,
             "ttl"_a,
             "interface_index"_a)
        .def(py::init([](const py::object& pool,
                         const udp_socket_arg& socket,
                         const endpoint_list& endpoints,
                         const stream_config& config) {
                 return make_stream<T>(pool, [&] {
                     return std::make_unique<udp_stream>(
                         socket.fd, to_endpoints(endpoints), config);
                 });
             }),
             "thread_pool"_a.none(false),
             "socket"_a,
             "endpoints"_a,
             "config"_a = stream_config());
    c.attr("DEFAULT_BUFFER_SIZE") = default_size;
    return c;
}

template <typename T>
py::class_<T, py_stream> bind_tcp(py::module& m, const char* name)
{
    using namespace pybind11::literals;
    using send::stream_config;
    using send::tcp_stream;
    py::class_<T, py_stream> c(m, name);
    const std::size_t default_size = tcp_stream::DEFAULT_BUFFER_SIZE;
    c.def(py::init([](const py::object& pool,
                      const tcp_socket_arg& socket,
                      const stream_config& config) {
              return make_stream<T>(
                  pool, [&] { return std::make_unique<tcp_stream>(socket.fd, config); });
          }),
          "thread_pool"_a.none(false),
          "socket"_a,
          "config"_a = stream_config())
        .def(py::init([](const py::object& pool,
                         const endpoint_list& endpoints,
                         const stream_config& config,
                         std::size_t buffer_size,
                         const std::string& interface_address) {
                 return make_stream<T>(pool, [&] {
                     return std::make_unique<tcp_stream>(
                         to_endpoints(endpoints), config, buffer_size, interface_address);
                 });
             }),
             "thread_pool"_a.none(false),
             "endpoints"_a,
             "config"_a = stream_config(),
             "buffer_size"_a = default_size,
             "interface_address"_a = std::string());
    c.attr("DEFAULT_BUFFER_SIZE") = default_size;
    return c;
}

template <typename T>
py::class_<T, py_stream> bind_inproc(py::module& m, const char* name)
{
    using namespace pybind11::literals;
    using queue_list = std::vector<std::shared_ptr<recv::inproc_queue>>;
    py::class_<T, py_stream> c(m, name);
    c.def(py::init([](const py::object& pool,
                      const queue_list& queues,
                      const send::stream_config& config) {
              return make_stream<T>(pool, [&] {
                  return std::make_unique<send::inproc_stream>(queues, config);
              });
          }),
          "thread_pool"_a.none(false),
          "queues"_a,
          "config"_a = send::stream_config())
        .def_property_readonly("queues", [](const T& s) {
            return static_cast<const send::inproc_stream&>(*s.d_stream).get_queues();
        });
    return c;
}

} // namespace

void bind_send_stream(py::module& m)
{
    using namespace pybind11::literals;
    // Send errors are OSError(errno, message) in Python, as in spead2.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        } catch (const std::system_error& e) {
            PyErr_SetObject(PyExc_OSError,
                            py::make_tuple(e.code().value(), e.what()).ptr());
        }
    });

    py::class_<py_stream>(m, "Stream", "Base of the send streams (spead2.send.Stream).")
        .def("set_cnt_sequence", &py_stream::set_cnt_sequence, "next"_a, "step"_a)
        .def_property_readonly("num_substreams", &py_stream::num_substreams);

    def_sync(bind_udp<udp_sync>(m, "UdpStream"));
    def_async(bind_udp<udp_async>(m, "UdpStreamAsyncio"));
    def_sync(bind_tcp<tcp_sync>(m, "TcpStream"));
    def_async(bind_tcp<tcp_async>(m, "TcpStreamAsyncio"));
    def_sync(bind_inproc<inproc_sync>(m, "InprocStream"));
    def_async(bind_inproc<inproc_async>(m, "InprocStreamAsyncio"));

    py::class_<py_bytes_stream, py_stream> bytes_class(m, "BytesStream");
    bytes_class
        .def(py::init([](const py::object& pool, const send::stream_config& config) {
                 auto out = std::make_unique<py_bytes_stream>();
                 out->d_pool = checked_pool(pool);
                 out->d_stream =
                     std::make_unique<send::streambuf_stream>(out->buffer, config);
                 return out.release();
             }),
             "thread_pool"_a.none(false),
             "config"_a = send::stream_config())
        .def("getvalue", [](py_bytes_stream& s) {
            {
                py::gil_scoped_release release;
                s.d_stream->flush();
            }
            return py::bytes(s.buffer.str());
        });
    def_sync(bytes_class);
}

} // namespace python
} // namespace spead
} // namespace gr
