/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SOURCE_H
#define INCLUDED_SPEAD_SOURCE_H

#include <gnuradio/block.h>
#include <gnuradio/spead/api.h>
#include <gnuradio/spead/output_config.h>
#include <gnuradio/spead/receiver_config.h>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gr {
namespace spead {

/*!
 * \brief SPEAD Source: receives a SPEAD stream and emits chosen items' values as
 * sample streams, one output per item, with heap metadata as stream tags.
 * \ingroup spead
 *
 * \details
 * Each heap's value of each output's item becomes a run of samples on that output,
 * converted from its wire representation (from the descriptor, or set explicitly) with
 * VOLK straight from heap memory, or first put into another axis order (an output's
 * layout and select: per-polarisation spectra from an F-engine item) by a blocked
 * transpose. The first sample of each heap's data carries the tags
 * heap_cnt, the values of the chosen tag items (under their names), and markers for
 * incomplete heaps, lost heaps, zero-fill and unusable heaps (docs/blocks.md). A heap
 * whose item is missing or has the wrong size is counted and tagged, never emitted
 * misaligned; with zero_fill, lost heaps and missing bytes become zeros (at most
 * max_fill_heaps heaps per gap) so the sample timeline stays aligned.
 *
 * Message ports: "stats" (out) publishes a dict of every statistic each
 * config.stats_interval seconds and when the stream ends; any message on
 * "stats_request" (in) makes it publish at once.
 *
 * With \p select_item, only heaps whose item has one of \p select_values are emitted
 * (e.g. one antenna's heaps of an F-engine stream: feng_id in {2}); the others are
 * counted as heaps_skipped_by_selection and take no part in loss detection. With
 * \p sample_rate, the first sample of each emitted heap (and of a zero-fill whose time is
 * known) carries an rx_time tag as UHD sources give it: a tuple of whole seconds (uint64)
 * and fractional seconds (double), sync_time + timestamp / sample_rate, the timestamp
 * being \p timestamp_item's value.
 *
 * A stream that ends (end of a capture file, a stop item, a closed TCP connection)
 * ends the flowgraph once its heaps are emitted.
 */
class SPEAD_API source : virtual public gr::block
{
public:
    typedef std::shared_ptr<source> sptr;

    /*!
     * \param config transport, stream, memory, thread and statistics parameters
     * \param outputs one entry per stream output (at least one)
     * \param tag_items items whose values tag each heap's first sample (names or IDs)
     * \param heap_cnt_step lost heaps are counted from gaps in the heap counter, which
     *        advances by this step per heap (0: off)
     * \param timestamp_item the timestamp item (name or ID): with timestamp_step, lost
     *        heaps are counted from gaps in its value instead; with sample_rate, it
     *        gives rx_time
     * \param timestamp_step how much timestamp_item advances per heap (0: loss is
     *        detected from the heap counter)
     * \param zero_fill emit zeros for lost heaps and for the missing bytes of
     *        incomplete heaps
     * \param max_fill_heaps at most this many heaps of zeros per gap (0 or more)
     * \param select_item emit only heaps whose item of this name or ID has one of
     *        \p select_values; empty: every heap
     * \param select_values the values of \p select_item to emit (0 or more each)
     * \param sample_rate timestamp ticks per second, for rx_time tags; 0: no rx_time
     * \param sync_time UNIX time in seconds of timestamp 0, for rx_time tags
     * \throws std::invalid_argument naming the bad parameter and its accepted range
     */
    static sptr make(const receiver_config& config,
                     const std::vector<output_config>& outputs,
                     const std::vector<std::string>& tag_items = {},
                     std::int64_t heap_cnt_step = 1,
                     const std::string& timestamp_item = "",
                     std::int64_t timestamp_step = 0,
                     bool zero_fill = false,
                     std::int64_t max_fill_heaps = 16,
                     const std::string& select_item = "",
                     const std::vector<std::int64_t>& select_values = {},
                     double sample_rate = 0.0,
                     double sync_time = 0.0);

    /// The port the UDP or TCP socket is bound to once started (for port 0), else -1.
    virtual int local_port() const = 0;
    /// Every statistic now, by name (what the stats port publishes).
    virtual std::map<std::string, std::uint64_t> statistics() const = 0;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SOURCE_H */
