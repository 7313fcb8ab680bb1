/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SINK_H
#define INCLUDED_SPEAD_SINK_H

#include <gnuradio/spead/api.h>
#include <gnuradio/spead/input_config.h>
#include <gnuradio/spead/sender_config.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gr {
namespace spead {

/*!
 * \brief SPEAD Sink: packs stream inputs into SPEAD heaps and sends them over UDP
 * (unicast or multicast), TCP, or into a pcap file.
 * \ingroup spead
 *
 * \details
 * Every \p items_per_heap input items (vectors of vlen samples) of every input make
 * one heap: one item per input, shaped (items_per_heap[, vlen][, 2]) with a numpy
 * descriptor, the constant items (immediates), plus an immediate timestamp item: the
 * number of the heap's first input item times \p timestamp_step, or, with \p
 * timestamp_source "rx_time", re-anchored at every rx_time tag ((tag time - sync_time) x
 * sample_rate ticks at the tag's item). Descriptors travel in the first heap to each
 * destination and again every \p descriptors_every heaps; a start heap (STREAM_CTRL =
 * start) can precede the data and a stop heap follows it when the flowgraph stops. Heaps
 * go to the destinations of config.address in turn. Input items that do not fill a last
 * heap are not sent.
 *
 * The heaps' buffers are sent where they are: at most config.max_heaps heaps are in
 * flight, and the block waits for one to leave before filling another (backpressure,
 * which with config.rate_gbps paces the flowgraph).
 *
 * Message ports: "stats" (out) publishes a dict of heaps_sent, packets_sent, bytes_sent,
 * heaps_failed, items_discarded and rx_time_tags_ignored (rx_time tags that are not
 * (whole seconds >= 0, fraction in [0, 1)): left out) every config.stats_interval
 * seconds and when the block stops; any message on "stats_request" (in) makes it
 * publish at once.
 */
class SPEAD_API sink : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<sink> sptr;
    /// Constant items by name: (item ID, value).
    typedef std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> constants;

    /*!
     * \param config transport, destination, packet size, rate, flavour
     * \param inputs one entry per stream input (at least one)
     * \param items_per_heap input items per heap (1 or more)
     * \param timestamp_item name of the timestamp item; empty: no timestamp
     * \param timestamp_id its item ID
     * \param timestamp_step timestamp ticks per input item
     * \param timestamp_source "counter" or "rx_time"
     * \param sample_rate rx_time: timestamp ticks per second
     * \param sync_time rx_time: UNIX time of timestamp 0
     * \param descriptors_every 0: descriptors only in each destination's first heap;
     *        N: also in every N-th heap to it
     * \param start_heap send a start heap to each destination first
     * \param stop_heap send a stop heap to each destination when the block stops
     * \param constant_items items every heap carries as immediates with a fixed
     *        value, by name: (ID, value), e.g. {"feng_id": {0x4101, 3}}; IDs as
     *        timestamp_id, values below 2^heap_address_bits
     * \throws std::invalid_argument naming the bad parameter and its accepted range
     */
    static sptr make(const sender_config& config,
                     const std::vector<input_config>& inputs,
                     std::int64_t items_per_heap,
                     const std::string& timestamp_item = "timestamp",
                     std::uint64_t timestamp_id = 0x1600,
                     std::int64_t timestamp_step = 1,
                     const std::string& timestamp_source = "counter",
                     double sample_rate = 0.0,
                     double sync_time = 0.0,
                     std::int64_t descriptors_every = 0,
                     bool start_heap = false,
                     bool stop_heap = true,
                     const constants& constant_items = {});

    /// Every statistic now, by name (what the stats port publishes).
    virtual std::map<std::string, std::uint64_t> statistics() const = 0;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SINK_H */
