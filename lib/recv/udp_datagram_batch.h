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
namespace recv {

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

    /// Packets predicted to continue one heap, whose payloads the kernel is to write
    /// straight into it (see plan_in_place).
    struct in_place_plan {
        /// Where the first predicted payload goes; the others follow it back to back.
        std::uint8_t* destination = nullptr;
        std::size_t header_size = 0;  ///< header and item pointers of each, in bytes
        std::size_t payload_size = 0; ///< payload of each, in bytes (not 0)
        std::size_t packets = 0;      ///< predicted packets in all
        /// Packets per message: 1 without GRO; with GRO, segments expected in each
        /// coalesced datagram.
        std::size_t packets_per_datagram = 1;
    };

    /// Most packets planned into one message (bounds the scatter lists).
    static constexpr std::size_t max_planned_per_datagram = 32;

    udp_datagram_batch(std::size_t capacity, std::size_t buffer_size, bool gro);
    udp_datagram_batch(const udp_datagram_batch&) = delete;
    udp_datagram_batch& operator=(const udp_datagram_batch&) = delete;

    /// Receives what is waiting on \p fd without blocking, at most \p max_messages
    /// (at most capacity()): the number of messages (0 when none is waiting), or -errno
    /// for any other failure.
    int receive(int fd, std::size_t max_messages);

    /**
     * \brief Lays out the next receive() per \p plan. The first messages take the
     * predicted packets in order, packets_per_datagram each: each packet's header goes
     * to the message's own buffer (one after the other) and its payload to the next
     * payload_size bytes from plan.destination; whatever else the message holds goes to
     * the rest of its buffer, which together with the headers never exceeds
     * buffer_size(), so truncation is told as without a plan. Lasts until clear_plan().
     */
    void plan_in_place(const in_place_plan& plan);
    /// Back to one plain buffer per message.
    void clear_plan();

    /// Message \p index of the last receive(). For a message with planned packets,
    /// \a data is where the bytes after them are (see overflow()).
    datagram get(std::size_t index) const;

    /// Packets planned into message \p index (0 for a plain one).
    std::size_t planned_packets(std::size_t index) const { return d_planned[index]; }
    /// Index, among all the plan's packets, of the first one planned into message
    /// \p index.
    std::size_t first_planned(std::size_t index) const { return d_first_planned[index]; }
    /// Where planned packet \p packet of message \p index has its header
    /// (header_size bytes).
    const std::uint8_t* planned_header(std::size_t index, std::size_t packet) const;
    /// Where planned packet \p packet of message \p index has its payload.
    const std::uint8_t* planned_payload(std::size_t index, std::size_t packet) const;
    /// Where the bytes of message \p index after its planned packets are.
    const std::uint8_t* overflow(std::size_t index) const;
    /**
     * \brief Copies the bytes of message \p index, wherever the kernel put them, into
     * one block of its own and returns it (get(index).length bytes). For a message the
     * plan did not fit, before anything else writes where the plan put payloads.
     */
    const std::uint8_t* gather(std::size_t index);

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
    in_place_plan d_plan;
    /// Per message: packets planned into it, and the index of its first one.
    std::vector<std::size_t> d_planned;
    std::vector<std::size_t> d_first_planned;
    /// Scatter lists of planned messages: 2 * max_planned_per_datagram + 1 per message.
    std::vector<struct iovec> d_split_iov;
    /// Room for gather(), made on first use (a plan that always fits never needs it).
    std::unique_ptr<std::uint8_t[]> d_gathered;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_UDP_DATAGRAM_BATCH_H */
