/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// spead2.recv.Stream over the engine's ring_stream: readers, blocking and non-blocking
// get, iteration, statistics and the ring's file descriptor (for asyncio).
//
// The GIL: readers log from their own threads through the Python logger, which takes
// the GIL while the worker may hold the stream's lock. Every call here that takes an
// engine lock or waits for a worker therefore releases the GIL first.

#include "recv_python.h"

#include <gnuradio/spead/recv/inproc_reader.h>
#include <gnuradio/spead/recv/mem_reader.h>
#include <gnuradio/spead/recv/pcap_reader.h>
#include <gnuradio/spead/recv/ring_stream.h>
#include <gnuradio/spead/recv/tcp_reader.h>
#include <gnuradio/spead/recv/udp_endpoint.h>
#include <gnuradio/spead/recv/udp_reader.h>
#include <pybind11/stl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/ip/address.hpp>
#include <boost/system/system_error.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace python {

namespace {

using boost::asio::ip::tcp;
using boost::asio::ip::udp;

/// How long a blocking get() waits between checks for Ctrl-C.
constexpr auto signal_check_interval = std::chrono::milliseconds(50);

class stream_wrapper
{
public:
    stream_wrapper(py::object pool_object,
                   const stream_config& config,
                   const ring_stream_config& ring_config)
        : d_pool_object(std::move(pool_object))
    {
        thread_pool& pool = d_pool_object.cast<thread_pool&>();
        d_stream = std::make_unique<ring_stream>(pool, config, ring_config);
    }

    ~stream_wrapper()
    {
        {
            py::gil_scoped_release release;
            d_stream.reset();
        }
        // Buffers of buffer readers are released now, with the GIL and after the
        // readers are gone; then the thread pool reference.
        d_buffers.clear();
    }

    ring_stream& get() { return *d_stream; }

    template <typename T, typename... Args>
    void add_reader(Args&&... args)
    {
        {
            py::gil_scoped_release release;
            d_stream->emplace_reader<T>(std::forward<Args>(args)...);
        }
        flush_python_log(); // e.g. a socket buffer the kernel did not grant in full
    }

    void add_buffer_reader(const py::object& buffer)
    {
        auto view = std::make_unique<buffer_view>(buffer);
        const std::uint8_t* data = view->data();
        const std::size_t size = view->size();
        d_buffers.push_back(std::move(view));
        add_reader<mem_reader>(data, size);
    }

    boost::asio::io_context& io_context()
    {
        return d_stream->get_thread_pool().get_io_context();
    }

private:
    py::object d_pool_object; ///< keeps the ThreadPool alive while the stream lives
    std::vector<std::unique_ptr<buffer_view>> d_buffers;
    std::unique_ptr<ring_stream> d_stream;
};

/// Ring statistics of a stream (spead2's Stream.ringbuffer).
struct ringbuffer_view {
    ring_stream* stream;
};

/// A descriptor the caller keeps owning is duplicated, so that the reader can close its
/// own copy (the caller may go on using or close the Python socket).
int duplicate_fd(const py::object& sock)
{
    const int fd = sock.attr("fileno")().cast<int>();
    if (fd < 0)
        throw py::value_error("socket is closed");
    const int copy = ::dup(fd);
    if (copy < 0)
        throw std::system_error(errno, std::generic_category(), "dup of socket");
    return copy;
}

bool is_ipv6(const py::object& sock)
{
    return sock.attr("family").cast<int>() == AF_INET6;
}

/// An address literal or a host name (resolved, first address), for the parameter
/// \p name.
boost::asio::ip::address resolve_address(const std::string& text, const char* name)
{
    if (text.empty())
        throw py::value_error(std::string(name) + " must not be empty");
    try {
        py::gil_scoped_release release; // a name lookup may take a while
        return make_udp_bind_endpoint(text, 0).address();
    } catch (const std::runtime_error& e) {
        throw py::value_error(std::string(name) + ": " + e.what());
    }
}

udp::endpoint group_endpoint(const std::string& group, int port)
{
    if (port < 0 || port > 65535)
        throw py::value_error("port must be in 0..65535, not " + std::to_string(port));
    return udp::endpoint(resolve_address(group, "multicast_group"),
                         static_cast<unsigned short>(port));
}

py::object pop_blocking(ring_stream& stream)
{
    for (;;) {
        std::optional<heap> h;
        {
            py::gil_scoped_release release;
            h = stream.pop_for(signal_check_interval);
        }
        // Messages readers logged meanwhile reach Python logging from here too, so
        // that a consumer blocked in get() sees them without a main-thread pending call.
        flush_python_log();
        if (h)
            return wrap_heap(std::move(*h));
        if (PyErr_CheckSignals() != 0)
            throw py::error_already_set();
    }
}

void bind_stream(py::module& m, py::module& recv)
{
    py::class_<stream_wrapper> cls(recv,
                                   "Stream",
                                   "A receive stream whose heaps wait in a ring for the "
                                   "consumer (spead2.recv.Stream).");
    py::class_<ringbuffer_view>(
        cls, "Ringbuffer", "The ring between stream and consumer.")
        .def("size",
             [](const ringbuffer_view& r) { return r.stream->get_ringbuffer().size(); })
        .def("capacity", [](const ringbuffer_view& r) {
            return r.stream->get_ringbuffer().capacity();
        });

    cls.attr("DEFAULT_UDP_MAX_SIZE") = DEFAULT_UDP_MAX_SIZE;
    cls.attr("DEFAULT_UDP_BUFFER_SIZE") = DEFAULT_UDP_BUFFER_SIZE;
    cls.attr("DEFAULT_TCP_MAX_SIZE") = DEFAULT_TCP_MAX_SIZE;
    cls.attr("DEFAULT_TCP_BUFFER_SIZE") = DEFAULT_TCP_BUFFER_SIZE;

    cls.def(py::init([](const py::object& pool,
                        const stream_config& config,
                        const ring_stream_config& ring_config) {
                if (!py::isinstance<thread_pool>(pool))
                    throw py::type_error("thread_pool must be a ThreadPool");
                return std::make_unique<stream_wrapper>(pool, config, ring_config);
            }),
            py::arg("thread_pool"),
            py::arg("config") = stream_config(),
            py::arg("ring_config") = ring_stream_config())
        .def_property_readonly("config",
                               [](stream_wrapper& s) { return s.get().get_config(); })
        .def_property_readonly(
            "ring_config", [](stream_wrapper& s) { return s.get().get_ring_config(); })
        .def(
            "add_buffer_reader",
            [](stream_wrapper& s, const py::object& buffer) {
                s.add_buffer_reader(buffer);
            },
            py::arg("buffer"))
        .def(
            "add_udp_reader",
            [](stream_wrapper& s,
               int port,
               std::size_t max_size,
               std::size_t buffer_size,
               const std::string& bind_hostname) {
                const udp::endpoint endpoint =
                    make_udp_bind_endpoint(bind_hostname, port);
                s.add_reader<udp_reader>(endpoint, max_size, buffer_size);
            },
            py::arg("port"),
            py::arg("max_size") = DEFAULT_UDP_MAX_SIZE,
            py::arg("buffer_size") = DEFAULT_UDP_BUFFER_SIZE,
            py::arg("bind_hostname") = std::string())
        .def(
            "add_udp_reader",
            [](stream_wrapper& s,
               const std::string& multicast_group,
               int port,
               std::size_t max_size,
               std::size_t buffer_size,
               const std::string& interface_address) {
                const udp::endpoint endpoint = group_endpoint(multicast_group, port);
                if (endpoint.address().is_v6() && interface_address.empty()) {
                    // No interface named: an IPv6 group joins on the interface the OS
                    // picks, as interface_index=0 does.
                    s.add_reader<udp_reader>(endpoint, max_size, buffer_size, 0u);
                    return;
                }
                const auto interface =
                    interface_address.empty()
                        ? boost::asio::ip::address(boost::asio::ip::address_v4::any())
                        : resolve_address(interface_address, "interface_address");
                if (endpoint.address().is_v4() && !endpoint.address().is_multicast()) {
                    // A unicast address is accepted when it is the interface's own (or
                    // no interface is named): the socket simply binds to it.
                    if (!interface.is_unspecified() && interface != endpoint.address())
                        throw py::value_error("multicast_group " +
                                              endpoint.address().to_string() +
                                              " is a unicast address: it must then equal "
                                              "interface_address");
                    s.add_reader<udp_reader>(endpoint, max_size, buffer_size);
                    return;
                }
                s.add_reader<udp_reader>(endpoint, max_size, buffer_size, interface);
            },
            py::arg("multicast_group"),
            py::arg("port"),
            py::arg("max_size") = DEFAULT_UDP_MAX_SIZE,
            py::arg("buffer_size") = DEFAULT_UDP_BUFFER_SIZE,
            py::arg("interface_address") = std::string())
        .def(
            "add_udp_reader",
            [](stream_wrapper& s,
               const std::string& multicast_group,
               int port,
               std::size_t max_size,
               std::size_t buffer_size,
               unsigned int interface_index) {
                const udp::endpoint endpoint = group_endpoint(multicast_group, port);
                s.add_reader<udp_reader>(
                    endpoint, max_size, buffer_size, interface_index);
            },
            py::arg("multicast_group"),
            py::arg("port"),
            py::arg("max_size") = DEFAULT_UDP_MAX_SIZE,
            py::arg("buffer_size") = DEFAULT_UDP_BUFFER_SIZE,
            py::arg("interface_index") = 0u)
        .def(
            "add_udp_reader",
            [](stream_wrapper& s, const py::object& socket, std::size_t max_size) {
                const bool v6 = is_ipv6(socket);
                const int fd = duplicate_fd(socket);
                udp::socket sock(s.io_context());
                boost::system::error_code ec;
                sock.assign(v6 ? udp::v6() : udp::v4(), fd, ec);
                if (ec) {
                    ::close(fd);
                    throw boost::system::system_error(ec, "adopting the socket");
                }
                s.add_reader<udp_reader>(std::move(sock), max_size);
            },
            py::arg("socket"),
            py::arg("max_size") = DEFAULT_UDP_MAX_SIZE)
        .def(
            "add_tcp_reader",
            [](stream_wrapper& s,
               int port,
               std::size_t max_size,
               std::size_t buffer_size,
               const std::string& bind_hostname) {
                const udp::endpoint where = make_udp_bind_endpoint(bind_hostname, port);
                const tcp::endpoint endpoint(where.address(), where.port());
                s.add_reader<tcp_reader>(endpoint, max_size, buffer_size);
            },
            py::arg("port"),
            py::arg("max_size") = DEFAULT_TCP_MAX_SIZE,
            py::arg("buffer_size") = DEFAULT_TCP_BUFFER_SIZE,
            py::arg("bind_hostname") = std::string())
        .def(
            "add_tcp_reader",
            [](stream_wrapper& s, const py::object& acceptor, std::size_t max_size) {
                const bool v6 = is_ipv6(acceptor);
                const int fd = duplicate_fd(acceptor);
                tcp::acceptor sock(s.io_context());
                boost::system::error_code ec;
                sock.assign(v6 ? tcp::v6() : tcp::v4(), fd, ec);
                if (ec) {
                    ::close(fd);
                    throw boost::system::system_error(ec, "adopting the acceptor");
                }
                s.add_reader<tcp_reader>(std::move(sock), max_size);
            },
            py::arg("acceptor"),
            py::arg("max_size") = DEFAULT_TCP_MAX_SIZE)
        .def(
            "add_udp_pcap_file_reader",
            [](stream_wrapper& s,
               const std::string& filename,
               const std::string& filter) {
                s.add_reader<pcap_reader>(filename, filter);
            },
            py::arg("filename"),
            py::arg("filter") = std::string())
        .def(
            "add_inproc_reader",
            [](stream_wrapper& s, std::shared_ptr<inproc_queue> queue) {
                s.add_reader<inproc_reader>(std::move(queue));
            },
            py::arg("queue"))
        .def(
            "get",
            [](stream_wrapper& s) { return pop_blocking(s.get()); },
            "Waits for the next heap; raises Stopped at the end of the stream. Ctrl-C "
            "interrupts the wait.")
        .def(
            "get_nowait",
            [](stream_wrapper& s) {
                std::optional<heap> h;
                flush_python_log();
                {
                    py::gil_scoped_release release;
                    h = s.get().try_pop();
                }
                return wrap_heap(std::move(*h));
            },
            "The next heap if one is ready; raises Empty when none is, Stopped at the "
            "end.")
        .def("__iter__", [](py::object self) { return self; })
        .def("__next__",
             [](stream_wrapper& s) {
                 try {
                     return pop_blocking(s.get());
                 } catch (const ringbuffer_stopped&) {
                     throw py::stop_iteration();
                 }
             })
        .def("start",
             [](stream_wrapper& s) {
                 py::gil_scoped_release release;
                 s.get().start();
             })
        .def("stop",
             [](stream_wrapper& s) {
                 {
                     py::gil_scoped_release release;
                     s.get().stop();
                 }
                 flush_python_log();
             })
        .def_property_readonly("fd", [](stream_wrapper& s) { return s.get().get_fd(); })
        .def_property_readonly("stats",
                               [](stream_wrapper& s) {
                                   flush_python_log();
                                   py::gil_scoped_release release;
                                   return s.get().get_stats();
                               })
        .def_property_readonly(
            "ringbuffer",
            [](stream_wrapper& s) { return ringbuffer_view{ &s.get() }; },
            py::keep_alive<0, 1>());
    (void)m;
}

} // namespace

void bind_recv_stream(py::module& m, py::module& recv)
{
    // Socket failures (port in use, bad group) are OSError in Python, as in spead2.
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        } catch (const boost::system::system_error& e) {
            PyErr_SetObject(PyExc_OSError,
                            py::make_tuple(e.code().value(), e.what()).ptr());
        }
    });
    bind_stream(m, recv);
}

} // namespace python
} // namespace spead
} // namespace gr
