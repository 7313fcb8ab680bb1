/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "udp_datagram_batch.h"
#include <netinet/in.h>
#include <netinet/udp.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

namespace gr {
namespace spead {
namespace recv {

udp_datagram_batch::udp_datagram_batch(std::size_t capacity,
                                       std::size_t buffer_size,
                                       bool gro)
    : d_capacity(capacity),
      d_buffer_size(buffer_size),
      d_gro(gro),
      d_storage(new std::uint8_t[capacity * buffer_size]),
      d_iov(capacity),
      d_messages(capacity),
      d_control(gro ? capacity : 0),
      d_planned(capacity, 0),
      d_first_planned(capacity, 0),
      d_split_iov(capacity * (2 * max_planned_per_datagram + 1))
{
    for (std::size_t i = 0; i < capacity; i++) {
        d_iov[i].iov_base = d_storage.get() + i * buffer_size;
        d_iov[i].iov_len = buffer_size;
        std::memset(&d_messages[i], 0, sizeof(d_messages[i]));
        auto& header = d_messages[i].msg_hdr;
        header.msg_iov = &d_iov[i];
        header.msg_iovlen = 1;
        if (gro) {
            header.msg_control = d_control[i].bytes;
            header.msg_controllen = sizeof(d_control[i].bytes);
        }
    }
    d_used = 0;
}

void udp_datagram_batch::clear_plan()
{
    for (std::size_t i = 0; i < d_capacity && d_planned[i]; i++) {
        auto& header = d_messages[i].msg_hdr;
        header.msg_iov = &d_iov[i];
        header.msg_iovlen = 1;
        d_planned[i] = 0;
    }
    d_plan = in_place_plan();
}

void udp_datagram_batch::plan_in_place(const in_place_plan& plan)
{
    clear_plan();
    const std::size_t packet_size = plan.header_size + plan.payload_size;
    if (plan.payload_size == 0 || packet_size > d_buffer_size)
        return;
    // Headers and payloads together may not take more than a plain buffer would.
    const std::size_t per_message = std::min({ plan.packets_per_datagram,
                                               max_planned_per_datagram,
                                               d_buffer_size / packet_size });
    if (per_message == 0)
        return;
    d_plan = plan;
    std::size_t next = 0;
    for (std::size_t i = 0; i < d_capacity && next < plan.packets; i++) {
        const std::size_t count = std::min(per_message, plan.packets - next);
        std::uint8_t* own = static_cast<std::uint8_t*>(d_iov[i].iov_base);
        struct iovec* list = &d_split_iov[i * (2 * max_planned_per_datagram + 1)];
        for (std::size_t j = 0; j < count; j++) {
            list[2 * j].iov_base = own + j * plan.header_size;
            list[2 * j].iov_len = plan.header_size;
            list[2 * j + 1].iov_base = plan.destination + (next + j) * plan.payload_size;
            list[2 * j + 1].iov_len = plan.payload_size;
        }
        list[2 * count].iov_base = own + count * plan.header_size;
        list[2 * count].iov_len = d_buffer_size - count * packet_size;
        auto& header = d_messages[i].msg_hdr;
        header.msg_iov = list;
        header.msg_iovlen = 2 * count + 1;
        d_planned[i] = count;
        d_first_planned[i] = next;
        next += count;
    }
}

const std::uint8_t* udp_datagram_batch::planned_header(std::size_t index,
                                                       std::size_t packet) const
{
    return static_cast<const std::uint8_t*>(d_iov[index].iov_base) +
           packet * d_plan.header_size;
}

const std::uint8_t* udp_datagram_batch::planned_payload(std::size_t index,
                                                        std::size_t packet) const
{
    return d_plan.destination + (d_first_planned[index] + packet) * d_plan.payload_size;
}

const std::uint8_t* udp_datagram_batch::overflow(std::size_t index) const
{
    return static_cast<const std::uint8_t*>(d_iov[index].iov_base) +
           d_planned[index] * d_plan.header_size;
}

const std::uint8_t* udp_datagram_batch::gather(std::size_t index)
{
    if (!d_gathered)
        d_gathered.reset(new std::uint8_t[d_capacity * d_buffer_size]);
    std::uint8_t* out = d_gathered.get() + index * d_buffer_size;
    const auto& header = d_messages[index].msg_hdr;
    std::size_t left = d_messages[index].msg_len;
    std::size_t done = 0;
    for (std::size_t k = 0; k < header.msg_iovlen && left > 0; k++) {
        const std::size_t piece = std::min(left, header.msg_iov[k].iov_len);
        std::memcpy(out + done, header.msg_iov[k].iov_base, piece);
        done += piece;
        left -= piece;
    }
    return out;
}

int udp_datagram_batch::receive(int fd, std::size_t max_messages)
{
    // The kernel rewrites these on output: restore what the last call changed.
    for (std::size_t i = 0; i < d_used; i++) {
        auto& header = d_messages[i].msg_hdr;
        header.msg_flags = 0;
        if (d_gro)
            header.msg_controllen = sizeof(d_control[i].bytes);
    }
    d_used = 0;
    const int received = recvmmsg(fd,
                                  d_messages.data(),
                                  unsigned(std::min(max_messages, d_capacity)),
                                  MSG_DONTWAIT,
                                  nullptr);
    if (received < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
    d_used = std::size_t(received);
    return received;
}

udp_datagram_batch::datagram udp_datagram_batch::get(std::size_t index) const
{
    const auto& message = d_messages[index];
    datagram d;
    d.data = overflow(index);
    d.length = message.msg_len;
    d.truncated = (message.msg_hdr.msg_flags & MSG_TRUNC) != 0;
    d.segment_size = 0;
#ifdef UDP_GRO
    if (d_gro) {
        // CMSG_NXTHDR takes a non-const header; it only reads through it.
        auto* header = const_cast<struct msghdr*>(&message.msg_hdr);
        for (struct cmsghdr* c = CMSG_FIRSTHDR(header); c != nullptr;
             c = CMSG_NXTHDR(header, c)) {
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
                c->cmsg_len >= CMSG_LEN(sizeof(int))) {
                int size = 0;
                std::memcpy(&size, CMSG_DATA(c), sizeof(size));
                if (size > 0)
                    d.segment_size = std::size_t(size);
            }
        }
    }
#endif
    return d;
}

} // namespace recv
} // namespace spead
} // namespace gr
