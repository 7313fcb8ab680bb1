/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PDU_SINK_H
#define INCLUDED_SPEAD_PDU_SINK_H

#include <gnuradio/block.h>
#include <gnuradio/spead/api.h>
#include <gnuradio/spead/sender_config.h>
#include <cstdint>
#include <map>
#include <string>

namespace gr {
namespace spead {

/*!
 * \brief SPEAD PDU Sink: each message becomes one SPEAD heap, sent over UDP (unicast
 * or multicast), TCP, or into a pcap file.
 * \ingroup spead
 *
 * \details
 * A PDU (metadata dict . uniform vector) on the "pdus" port: the vector is the value
 * of the item \p data_item (ID \p data_id), a 1-D array described with its numpy type
 * ('<f4' for an f32vector, '<c8' for c32vector, '|u1' for u8vector...), and each
 * metadata key named in \p meta_items becomes the item of that ID: an integer as an
 * immediate (format u40/u48 as the flavour), a double as a '<f8' scalar, a uniform
 * vector as an array, a string (symbol) as its characters (format c8, shape (length,)).
 * Other metadata keys are left out. A dict of items (as SPEAD Heap
 * Source's "dicts" port gives) works the same: its \p data_item entry is the data.
 * This is what SPEAD Heap Source's PDUs come back as: their metadata carries the heap's
 * scalar items by name.
 *
 * Descriptors travel in the first heap to each destination, whenever an item's type or
 * length changes, and every \p descriptors_every heaps. A start heap can go first and a
 * stop heap follows when the flowgraph stops. A message that is neither a PDU nor a
 * dict, or whose values do not fit, is counted (messages_dropped) and logged.
 *
 * Message ports: "pdus" (in); "stats" (out) publishes heaps_sent, packets_sent,
 * bytes_sent, heaps_failed and messages_dropped every config.stats_interval seconds and
 * when the block stops; any message on "stats_request" (in) makes it publish at once.
 */
class SPEAD_API pdu_sink : virtual public gr::block
{
public:
    typedef std::shared_ptr<pdu_sink> sptr;

    /*!
     * \param config transport, destination, packet size, rate, flavour
     * \param data_item name of the item holding the PDU's vector (non-empty)
     * \param data_id its item ID (0x400 and above)
     * \param meta_items metadata keys to send, each with its item ID (0x400 and above)
     * \param descriptors_every 0: descriptors only in each destination's first heap
     *        and when an item changes; N: also in every N-th heap to it
     * \param start_heap send a start heap to each destination first
     * \param stop_heap send a stop heap to each destination when the block stops
     * \throws std::invalid_argument naming the bad parameter and its accepted range
     */
    static sptr make(const sender_config& config,
                     const std::string& data_item = "data",
                     std::uint64_t data_id = 0x1601,
                     const std::map<std::string, std::uint64_t>& meta_items = {},
                     std::int64_t descriptors_every = 0,
                     bool start_heap = false,
                     bool stop_heap = true);

    /// Every statistic now, by name (what the stats port publishes).
    virtual std::map<std::string, std::uint64_t> statistics() const = 0;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PDU_SINK_H */
