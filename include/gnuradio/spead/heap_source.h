/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_HEAP_SOURCE_H
#define INCLUDED_SPEAD_HEAP_SOURCE_H

#include <gnuradio/block.h>
#include <gnuradio/spead/api.h>
#include <gnuradio/spead/receiver_config.h>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gr {
namespace spead {

/*!
 * \brief SPEAD Heap Source: receives a SPEAD stream and publishes every heap as a
 * message: a PDU on its "pdus" port, or a dict of every item on its "dicts" port.
 * \ingroup spead
 *
 * \details
 * By default a heap becomes a PDU (GNU Radio's convention: a pair of a metadata dict
 * and a uniform vector). The metadata holds heap_cnt, complete, heap_length,
 * received_length, start_of_stream, end_of_stream and every named item whose value is
 * a scalar or a string; the vector is the value of \p payload_item (converted to native
 * byte order, flattened; empty when the item is not chosen or not in the heap). With
 * \p as_dict, a heap becomes a dict of every item by name instead (plus heap_cnt and
 * complete). Incomplete heaps are published too when config.contiguous_only is false
 * (complete is then false, and their missing bytes read as zeros).
 *
 * With \p select_item, only heaps whose item has one of \p select_values are published;
 * the others (descriptor and control heaps too) are counted as
 * heaps_skipped_by_selection. With \p sample_rate, the metadata (or dict) carries
 * rx_time, as spead::source tags it: a tuple of whole seconds (uint64) and fractional
 * seconds (double), sync_time + timestamp / sample_rate, the timestamp being
 * \p timestamp_item's value.
 *
 * With \p tagged_stream, the block also has one stream output carrying the PDU's
 * vector of each heap (\p payload_item read as \p payload_type, which must then be a
 * numpy type string: it fixes the output's item size) one heap after another, as a
 * tagged stream: the first sample of each heap carries \p length_tag_key (the heap's
 * sample count, a long) and one tag per metadata key of its PDU (heap_cnt, rx_time,
 * timestamp, ...), as GNU Radio's PDU to Tagged Stream gives them. Heaps without the
 * item (descriptor heaps) add no samples. The block then ends the flowgraph by
 * returning WORK_DONE at the end of the stream.
 *
 * Message ports: "pdus" (out: PDUs, GNU Radio 3.10's convention), "dicts" (out: the
 * dicts of \p as_dict), "heaps" (out: the same messages as whichever of the two is in
 * use, the name of earlier versions), "stats" (out, as spead::source), "stats_request"
 * (in). Metadata keys: docs/blocks.md.
 * When the stream ends (end of a capture file, a stop item, a closed TCP connection)
 * the block publishes its final statistics and tells the flowgraph it is done.
 */
class SPEAD_API heap_source : virtual public gr::block
{
public:
    typedef std::shared_ptr<heap_source> sptr;

    /*!
     * \param config transport, stream, memory, thread and statistics parameters
     * \param payload_item the item whose value is the PDU's vector (name or ID); empty
     *        for none
     * \param payload_type "auto" (from the item's descriptor) or a numpy type string
     *        ('<c8', '|i1', '>i2', ...) to read the item's bytes as
     * \param as_dict publish a dict of every item on "dicts" instead of a PDU on
     *        "pdus" (GRC: Message Format)
     * \param select_item publish only heaps whose item of this name or ID has one of
     *        \p select_values; empty: every heap
     * \param select_values the values of \p select_item to publish (0 or more each)
     * \param timestamp_item the timestamp item (name or ID) rx_time is computed from
     * \param sample_rate timestamp ticks per second; 0: no rx_time
     * \param sync_time UNIX time in seconds of timestamp 0
     * \param tagged_stream add a stream output of \p payload_item's values, one heap
     *        after another, tagged with \p length_tag_key and the PDU metadata
     * \param length_tag_key the key of the tag giving each heap's sample count
     * \throws std::invalid_argument naming the bad parameter and its accepted range
     */
    static sptr make(const receiver_config& config,
                     const std::string& payload_item = "",
                     const std::string& payload_type = "auto",
                     bool as_dict = false,
                     const std::string& select_item = "",
                     const std::vector<std::int64_t>& select_values = {},
                     const std::string& timestamp_item = "",
                     double sample_rate = 0.0,
                     double sync_time = 0.0,
                     bool tagged_stream = false,
                     const std::string& length_tag_key = "packet_len");

    /// The port the UDP or TCP socket is bound to once started (for port 0), else -1.
    virtual int local_port() const = 0;
    /// Every statistic now, by name (what the stats port publishes).
    virtual std::map<std::string, std::uint64_t> statistics() const = 0;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_HEAP_SOURCE_H */
