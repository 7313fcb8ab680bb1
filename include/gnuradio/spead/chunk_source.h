/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_CHUNK_SOURCE_H
#define INCLUDED_SPEAD_CHUNK_SOURCE_H

#include <gnuradio/spead/api.h>
#include <gnuradio/spead/receiver_config.h>
#include <gnuradio/sync_block.h>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gr {
namespace spead {

/*!
 * \brief SPEAD Chunk Source: heaps placed by their timestamp (and optionally a second
 * index item, e.g. the first channel of a range) into large chunks, emitted as one
 * contiguous sample stream with missing heaps zero-filled.
 * \ingroup spead
 *
 * \details
 * The receive engine's chunk stream writes each heap's payload straight into its place
 * in a chunk (recv::timestamp_placement): time step s = timestamp / heap_timestamp_step,
 * chunk s / heaps_per_chunk, and inside the chunk, time step after time step,
 * index_count heaps ordered by index value / index_step. A chunk holds
 * heaps_per_chunk x index_count heaps of heap_size bytes; heaps of other sizes, or
 * outside the window of max_chunks chunks, are counted and dropped.
 *
 * Each chunk's bytes are converted (from the numpy type \p wire to the output type, as
 * SPEAD Source converts) into samples, first put in another axis order when \p layout
 * says so: its axes name the chunk's dimensions, time steps first, then the index (when
 * there is an index item), then the heap's own axes with their sizes, e.g.
 * "time index chans:256 spectra:2 pols:2 -> time spectra pols index chans" turns an
 * F-engine's channel ranges into whole spectra. \p select fixes an axis to one index.
 * Heaps that did not arrive are zeros; tags on the chunk's first sample: chunk_id,
 * timestamp (the chunk's first timestamp), rx_time (with \p sample_rate, as SPEAD
 * Source tags it), and when heaps are missing, missing_heaps (their number) and present
 * (a u8vector, one entry per heap); without a layout, a "gap" tag on the output item
 * holding the first byte of every run of missing heaps, whose value is the number of
 * output items holding the run's zeros (with items longer than a heap, the first and
 * last in part). Chunks that never arrived are not emitted: chunks_lost on the next
 * chunk says how many; nor are the empty chunks the window opens before the first
 * heap's (as spead2's does). work() waits at most 100 ms for a chunk before it returns
 * to the scheduler, so messages and stop requests are handled while idle.
 *
 * Message ports: "stats" (out) publishes the stream's statistics (too_old_heaps and
 * rejected_heaps included) and chunks_emitted, heaps_missing, chunks_lost every
 * config.stats_interval seconds and at the end; "stats_request" (in).
 */
class SPEAD_API chunk_source : virtual public gr::sync_block
{
public:
    typedef std::shared_ptr<chunk_source> sptr;

    /*!
     * \param config transport, stream and thread parameters (memory parameters are not
     *        used: payload goes straight into chunks)
     * \param type output type: complex, float, int, short or byte
     * \param vlen samples per output item
     * \param wire numpy type of the heap's values ('|i1' int8, '<i2', '>f4'...)
     * \param scale integers to floats: values are divided by it
     * \param heap_size payload bytes of a data heap
     * \param timestamp_id ID of the immediate timestamp item
     * \param heap_timestamp_step timestamp difference between consecutive time steps
     * \param heaps_per_chunk time steps per chunk
     * \param index_id ID of the second immediate index item; 0: none
     * \param index_step the index value's step between neighbouring heaps
     * \param index_count heaps per time step
     * \param layout axis order of the output (empty: the chunk's byte order)
     * \param select AXIS=INDEX pairs fixing axes of the layout
     * \param max_chunks chunks being filled at once (the window)
     * \param ring_chunks chunks allocated in all (the window, the ring and the one
     *        being emitted: at least max_chunks + 2)
     * \param sample_rate timestamp ticks per second for rx_time; 0: no rx_time
     * \param sync_time UNIX time of timestamp 0
     * \param select_item ID of an immediate item: only heaps whose value of it is in
     *        \p select_values are placed (e.g. one antenna's, feng_id in {2}); the others
     *        are counted as heaps_skipped_by_selection (and, as every heap the place
     *        function refuses, rejected_heaps). 0: every heap
     * \param select_values the values of \p select_item to place
     * \param group_mode empty: one stream receives every endpoint of the address list;
     *        "lossy" or "lossless": one stream per endpoint (UDP only), in a chunk stream
     *        group filling the same chunks, each with its own reader and receive thread
     *        (config.threads does not apply; config.affinity is dealt out); the
     *        eviction mode says whether the window moves on without a member that has
     *        fallen behind (lossy) or waits for it (lossless)
     * \throws std::invalid_argument naming the bad parameter and its accepted range
     */
    static sptr make(const receiver_config& config,
                     const std::string& type,
                     std::int64_t vlen,
                     const std::string& wire,
                     double scale,
                     std::int64_t heap_size,
                     std::uint64_t timestamp_id,
                     std::int64_t heap_timestamp_step,
                     std::int64_t heaps_per_chunk,
                     std::uint64_t index_id = 0,
                     std::int64_t index_step = 1,
                     std::int64_t index_count = 1,
                     const std::string& layout = "",
                     const std::string& select = "",
                     std::int64_t max_chunks = 2,
                     std::int64_t ring_chunks = 6,
                     double sample_rate = 0.0,
                     double sync_time = 0.0,
                     std::uint64_t select_item = 0,
                     const std::vector<std::int64_t>& select_values = {},
                     const std::string& group_mode = "");

    /// The port the UDP or TCP socket is bound to once started (for port 0), else -1.
    virtual int local_port() const = 0;
    /// Every statistic now, by name (what the stats port publishes).
    virtual std::map<std::string, std::uint64_t> statistics() const = 0;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_CHUNK_SOURCE_H */
