/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_CHUNK_SOURCE_IMPL_H
#define INCLUDED_SPEAD_CHUNK_SOURCE_IMPL_H

#include "axis_layout.h"
#include "block_receiver.h"
#include "rx_time.h"
#include "sample_converter.h"
#include "stats_publisher.h"
#include <gnuradio/spead/chunk_source.h>
#include <gnuradio/spead/recv/chunk_placement.h>
#include <gnuradio/spead/recv/chunk_ringbuffer.h>
#include <atomic>
#include <memory>
#include <optional>
#include <set>
#include <vector>

namespace gr {
namespace spead {

class chunk_source_impl : public chunk_source
{
public:
    chunk_source_impl(const receiver_config& config,
                      const std::string& type,
                      std::int64_t vlen,
                      const std::string& wire,
                      double scale,
                      std::int64_t heap_size,
                      std::uint64_t timestamp_id,
                      std::int64_t heap_timestamp_step,
                      std::int64_t heaps_per_chunk,
                      std::uint64_t index_id,
                      std::int64_t index_step,
                      std::int64_t index_count,
                      const std::string& layout,
                      const std::string& select,
                      std::int64_t max_chunks,
                      std::int64_t ring_chunks,
                      double sample_rate,
                      double sync_time,
                      std::uint64_t select_item,
                      const std::vector<std::int64_t>& select_values,
                      const std::string& group_mode);
    ~chunk_source_impl() override;

    bool start() override;
    bool stop() override;
    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    int local_port() const override { return d_receiver.local_port(); }
    std::map<std::string, std::uint64_t> statistics() const override;

private:
    enum class next_result { ready, none, ended };
    /// Takes the next filled chunk, waiting briefly: zeroes its missing heaps, arranges
    /// it, tags it. none: nothing came in time; ended: the stream has ended.
    next_result next_chunk();
    /// Gives a chunk back to the stream (its presence cleared).
    void recycle(std::unique_ptr<recv::chunk>&& c);
    /// Gives back the chunk just emitted.
    void release_chunk();
    void publish_stats();
    std::vector<std::pair<std::string, std::uint64_t>> block_counters() const;

    block_receiver d_receiver;
    sample_type d_type;
    std::size_t d_vlen;
    sample_converter d_converter;
    recv::timestamp_placement d_placement;
    std::optional<transpose_plan> d_plan;
    std::size_t d_max_chunks;
    std::size_t d_ring_chunks;
    rx_time_clock d_clock;
    std::uint64_t d_select_item;            ///< 0: no selection
    std::set<std::int64_t> d_select_values; ///< the values placed
    /// One member stream per endpoint with this eviction mode; none: one stream.
    std::optional<recv::chunk_stream_group_config::eviction_mode> d_group_mode;
    std::size_t d_item_wire_bytes; ///< wire bytes behind one output item
    std::size_t d_items_per_chunk; ///< output items of one chunk

    std::shared_ptr<recv::chunk_ringbuffer> d_data_ring;
    std::shared_ptr<recv::chunk_ringbuffer> d_free_ring;
    std::unique_ptr<recv::chunk> d_chunk;   ///< the chunk being emitted
    const std::uint8_t* d_source = nullptr; ///< its bytes, arranged when laid out
    std::vector<std::uint8_t> d_arranged;
    std::size_t d_emitted = 0; ///< output items of it already emitted
    std::optional<std::int64_t> d_last_chunk_id;
    bool d_ended = false;

    std::atomic<std::uint64_t> d_chunks_emitted{ 0 };
    std::atomic<std::uint64_t> d_heaps_missing{ 0 };
    std::atomic<std::uint64_t> d_chunks_lost{ 0 };

    stats_publisher d_publisher;
    std::atomic<bool> d_final_published{ false };
    pmt::pmt_t d_stats_port;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_CHUNK_SOURCE_IMPL_H */
