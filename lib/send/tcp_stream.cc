/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "packet_writer.h"
#include "socket_util.h"
#include <gnuradio/spead/send/tcp_stream.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <system_error>
#include <unistd.h>
#include <cerrno>
#include <climits>
#include <stdexcept>

namespace gr {
namespace spead {
namespace send {

namespace {

class tcp_writer : public packet_writer
{
public:
    explicit tcp_writer(int fd) : d_fd(fd) {}
    ~tcp_writer() override { ::close(d_fd); }

    std::size_t num_substreams() const override { return 1; }

    void write(packet_batch& batch) override
    {
        d_iov.resize(batch.buffers.size());
        for (std::size_t i = 0; i < batch.buffers.size(); i++) {
            d_iov[i].iov_base = const_cast<std::uint8_t*>(batch.buffers[i].data);
            d_iov[i].iov_len = batch.buffers[i].size;
        }
        if (d_broken == 0)
            d_broken = send_all();
        if (d_broken != 0)
            for (batch_packet& p : batch.packets)
                p.error = d_broken;
    }

private:
    /// Sends every iovec; returns 0 or the errno that broke the connection.
    int send_all()
    {
        std::size_t next = 0;
        while (next < d_iov.size()) {
            msghdr m{};
            m.msg_iov = &d_iov[next];
            m.msg_iovlen = std::min<std::size_t>(d_iov.size() - next, IOV_MAX);
            const ssize_t sent = ::sendmsg(d_fd, &m, MSG_NOSIGNAL);
            if (sent < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK) {
                    wait_writable(d_fd);
                    continue;
                }
                return errno;
            }
            // Step over what went out, possibly ending inside an iovec.
            std::size_t left = std::size_t(sent);
            while (next < d_iov.size() && left >= d_iov[next].iov_len) {
                left -= d_iov[next].iov_len;
                next++;
            }
            if (next < d_iov.size()) {
                d_iov[next].iov_base =
                    static_cast<std::uint8_t*>(d_iov[next].iov_base) + left;
                d_iov[next].iov_len -= left;
            }
        }
        return 0;
    }

    int d_fd;
    int d_broken = 0;
    std::vector<iovec> d_iov;
};

std::unique_ptr<packet_writer> connect_writer(const std::vector<endpoint>& endpoints,
                                              std::size_t buffer_size,
                                              const std::string& interface_address)
{
    if (endpoints.size() != 1)
        throw std::invalid_argument(
            "TCP stream: endpoints must hold exactly one element, not " +
            std::to_string(endpoints.size()));
    const socket_address dest =
        resolve(endpoints[0].host, endpoints[0].port, SOCK_STREAM);
    const int fd = make_socket(dest.family(), SOCK_STREAM);
    try {
        set_send_buffer_size(fd, buffer_size);
        if (!interface_address.empty()) {
            const socket_address local = resolve(interface_address, 0, SOCK_STREAM);
            if (::bind(fd, local.get(), local.length) != 0)
                throw std::system_error(errno,
                                        std::generic_category(),
                                        "cannot bind to interface address " +
                                            interface_address);
        }
        while (::connect(fd, dest.get(), dest.length) != 0) {
            if (errno == EINTR)
                continue;
            throw std::system_error(
                errno, std::generic_category(), "cannot connect to " + dest.to_string());
        }
        // Packets are written in batches already: do not wait to coalesce them.
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    } catch (...) {
        ::close(fd);
        throw;
    }
    return std::make_unique<tcp_writer>(fd);
}

} // namespace

tcp_stream::tcp_stream(const std::vector<endpoint>& endpoints,
                       const stream_config& config,
                       std::size_t buffer_size,
                       const std::string& interface_address)
    : stream(connect_writer(endpoints, buffer_size, interface_address), config)
{
}

tcp_stream::tcp_stream(int fd, const stream_config& config)
    : stream(std::make_unique<tcp_writer>(duplicate_socket(fd)), config)
{
}

} // namespace send
} // namespace spead
} // namespace gr
