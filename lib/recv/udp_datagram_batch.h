/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_UDP_DATAGRAM_BATCH_H
#define INCLUDED_SPEAD_RECV_UDP_DATAGRAM_BATCH_H

// Private to the UDP reader: the buffers and message headers of one recvmmsg call, and
// the reading of the UDP_GRO control message.

#include <sys/socket.h>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace gr {
namespace spead {

/**
 * \brief Room for \a capacity datagrams of up to \a buffer_size bytes each, received
 * with one recvmmsg call. With \a gro, each message also has room for the UDP_GRO
 * control message that tells the segment size of a coalesced datagram.
 */
class udp_datagram_batch
{
public:
    /// One received message as the kernel handed it over.
    struct datagram {
        const std::uint8_t* data;
        std::size_t length;
        /// The datagram did not fit its buffer: \a length bytes are all there is.
        bool truncated;
        /// Segment size of a coalesced datagram (UDP GRO), 0 for a plain datagram.
        std::size_t segment_size;
    };

    udp_datagram_batch(std::size_t capacity, std::size_t buffer_size, bool gro);
    udp_datagram_batch(const udp_datagram_batch&) = delete;
    udp_datagram_batch& operator=(const udp_datagram_batch&) = delete;

    /// Receives what is waiting on \p fd without blocking: the number of messages (0
    /// when none is waiting), or -errno for any other failure.
    int receive(int fd);

    /// Message \p index of the last receive().
    datagram get(std::size_t index) const;

    std::size_t capacity() const { return d_capacity; }
    std::size_t buffer_size() const { return d_buffer_size; }

private:
    /// Storage for one control message, aligned as the kernel writes it.
    union control_slot {
        struct cmsghdr header;
        unsigned char bytes[CMSG_SPACE(sizeof(int))];
    };

    const std::size_t d_capacity;
    const std::size_t d_buffer_size;
    const bool d_gro;
    /// One block for every buffer; left uninitialised, so pages that never receive
    /// anything (most of them, with 64 KiB GRO buffers) cost no memory.
    std::unique_ptr<std::uint8_t[]> d_storage;
    std::vector<struct iovec> d_iov;
    std::vector<struct mmsghdr> d_messages;
    std::vector<control_slot> d_control;
    std::size_t d_used = 0; ///< messages whose headers the last receive() changed
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_UDP_DATAGRAM_BATCH_H */
