/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_BLOCK_SENDER_H
#define INCLUDED_SPEAD_BLOCK_SENDER_H

// Private to the sink blocks, free of GNU Radio types: the send stream a sink's
// parameters describe, and a ring of heap slots whose buffers stay untouched until the
// stream has sent them (the engine sends item values where they are, without copying).

#include <gnuradio/spead/send/heap.h>
#include <gnuradio/spead/send/stream.h>
#include <gnuradio/spead/sender_config.h>
#include <condition_variable>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gr {
namespace spead {

/// Makes the send stream \p config describes (connects for TCP, creates the file for
/// pcap). \throws std::invalid_argument, std::runtime_error or std::system_error.
std::unique_ptr<send::stream> make_send_stream(const sender_config& config);

class block_sender
{
public:
    /// A heap being filled, or queued until the stream has sent it.
    struct slot {
        std::vector<std::vector<std::uint8_t>> buffers; ///< the sink's item values
        send::heap heap;
        std::uint64_t packets = 0; ///< packets of the heap queued from this slot
    };

    /// Counters of what went out, for the "stats" port.
    struct counters {
        std::uint64_t heaps_sent = 0;
        std::uint64_t packets_sent = 0;
        std::uint64_t bytes_sent = 0;
        std::uint64_t heaps_failed = 0;
        std::string last_error;
    };

    /// \param config validated parameters; \param stream where the heaps go
    block_sender(const sender_config& config, std::unique_ptr<send::stream> stream);
    /// Waits until every queued heap has gone.
    ~block_sender();
    block_sender(const block_sender&) = delete;
    block_sender& operator=(const block_sender&) = delete;

    const protocol::flavour& flavour() const { return d_flavour; }
    std::size_t num_substreams() const { return d_stream->get_num_substreams(); }

    /**
     * \brief The next slot, emptied of its heap (buffers keep their size), once the
     * stream has sent what it held; nullptr if that takes longer than \p wait (the
     * caller checks whether it must stop, then asks again).
     */
    slot* try_acquire(std::chrono::milliseconds wait);

    /// Queues the heap of the slot try_acquire() gave last, to \p substream.
    void send(slot& s, std::size_t substream);

    /// Sends \p h (built by the caller, kept alive until sent) and waits for it:
    /// descriptor, start and stop heaps.
    void send_now(const send::heap& h, std::size_t substream);

    /// Waits until every queued heap has gone.
    void flush();

    /// A start heap (\p start) or a stop heap to every destination, each waited for.
    void send_stream_control(bool start);

    counters get_counters() const;

    /// The statistics both sink blocks publish: heaps_sent, packets_sent, bytes_sent,
    /// heaps_failed.
    static std::map<std::string, std::uint64_t> statistics(const counters& c);

private:
    void sent(slot* s, const std::error_code& error, std::uint64_t bytes);
    /// The packets \p h is cut into (the stream reports bytes only).
    std::uint64_t packets_of(const send::heap& h) const;

    protocol::flavour d_flavour;
    std::unique_ptr<send::stream> d_stream;
    std::vector<std::unique_ptr<slot>> d_slots;
    std::vector<bool> d_busy;
    std::size_t d_next = 0;
    mutable std::mutex d_mutex;
    std::condition_variable d_cv;
    counters d_counters;
    std::size_t d_max_packet_size;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_BLOCK_SENDER_H */
