/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SOURCE_IMPL_H
#define INCLUDED_SPEAD_SOURCE_IMPL_H

#include "axis_layout.h"
#include "block_receiver.h"
#include "heap_gap_detector.h"
#include "heap_selection.h"
#include "item_catalog.h"
#include "output_lease.h"
#include "rx_time.h"
#include "sample_converter.h"
#include "stats_publisher.h"
#include <gnuradio/spead/source.h>
#include <atomic>
#include <chrono>
#include <deque>
#include <optional>

namespace gr {
namespace spead {

class source_impl : public source
{
public:
    source_impl(const receiver_config& config,
                const std::vector<output_config>& outputs,
                const std::vector<std::string>& tag_items,
                std::int64_t heap_cnt_step,
                const std::string& timestamp_item,
                std::int64_t timestamp_step,
                bool zero_fill,
                std::int64_t max_fill_heaps,
                const std::string& select_item,
                const std::vector<std::int64_t>& select_values,
                double sample_rate,
                double sync_time);
    ~source_impl() override;

    bool start() override;
    bool stop() override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    int local_port() const override { return d_receiver.local_port(); }
    std::map<std::string, std::uint64_t> statistics() const override;

private:
    using tag_list = std::vector<std::pair<pmt::pmt_t, pmt::pmt_t>>;

    struct output_state {
        output_config config;
        item_ref ref;
        sample_type type;
        std::size_t vlen;
        std::optional<protocol::dtype> explicit_wire;
        // Resolved from the descriptors (again when they change).
        std::optional<std::uint64_t> id;
        std::optional<sample_converter> converter;
        std::size_t fixed_bytes = 0; ///< item size from a fixed descriptor shape, or 0
        std::string unresolved_reason;
        /// Output items per heap of the last good heap: the length of a zero-fill.
        std::size_t items_per_heap = 0;
        /// Another axis order (layout, select); the plan is made from the item's shape.
        axis_layout layout;
        std::optional<transpose_plan> plan;
        /// Buffers of transposed values, kept for the next heaps.
        std::vector<std::vector<std::uint8_t>> spare;
    };

    /// A run of samples to emit on every output: one heap's values, or zeros.
    struct unit {
        std::optional<recv::heap> h; ///< keeps the memory the sources point into
        struct part {
            const std::uint8_t* src = nullptr; ///< null: zeros
            std::size_t items = 0;
            std::size_t done = 0;
            /// The values in the output's layout, when it has one (src points here).
            std::vector<std::uint8_t> arranged;
            /// The heap as d_lease placed it (output_lease_allocator::placed_heap),
            /// when its values go out whole.
            std::optional<std::uint64_t> placed;
            /// The output stream position of src, when the heap's memory is a lease of
            /// the output buffer.
            std::optional<std::uint64_t> lease;
        };
        std::vector<part> parts;
        tag_list tags; ///< on the first item of every output
    };

    enum class heap_problem { none, missing, size, immediate, unresolved };

    void resolve_outputs();
    /// Makes \p out's transpose plan for item type \p t (null: no descriptor).
    void plan_layout(output_state& out, const protocol::item_type* t);
    /// The values of \p item arranged in \p out's layout, in a recycled buffer.
    std::vector<std::uint8_t> arrange(output_state& out, const std::uint8_t* item);
    /// Turns one heap into units to emit (none, zeros, data).
    void process_heap(recv::heap&& h);
    /// A unit of zeros standing for \p heaps heaps, when every output's heap length is
    /// known; else nullopt.
    std::optional<unit> zero_unit(std::uint64_t heaps);
    /// Zeroes the bytes an incomplete heap lacks; returns the bytes zeroed.
    std::size_t zero_missing_bytes(recv::heap& h);
    heap_problem check_item(const recv::heap& h,
                            output_state& out,
                            const protocol::heap_item*& item,
                            std::size_t& bytes);
    void add_value_tags(const recv::heap& h, tag_list& tags);
    /// An rx_time tag for \p timestamp, when rx_time is on.
    void add_rx_time(std::optional<std::uint64_t> timestamp, tag_list& tags) const;
    void queue_unit(unit&& u);
    /// With d_lease: makes the single output's part of \p u lease-aware (the heap's
    /// memory is a lease) and tells d_lease the size of heaps to lend. False: \p u
    /// holds its own copy of the values, and the heap need not be kept.
    bool note_lease(unit& u, const recv::heap& h, const protocol::heap_item& item);
    /// Copies the values of the queued unit whose lease is at \p position into the unit
    /// itself and ends the lease, so that the output may write over it.
    void evacuate_lease(std::uint64_t position);
    /**
     * \brief Writes the next \p n items of part \p p (single output, with d_lease) at
     * \p dest, stream position \p at; \p base / \p base_at: the output pointer and its
     * position at the start of this work() call. False: the bytes are held by a heap
     * still being received (nothing written).
     */
    bool emit_leased(unit::part& p,
                     std::size_t n,
                     std::size_t item_size,
                     std::uint8_t* base,
                     std::uint64_t base_at,
                     std::uint64_t at);
    void publish_stats();
    std::vector<std::pair<std::string, std::uint64_t>> block_counters() const;

    block_receiver d_receiver;
    /// Heap memory in the output buffer (single output; made at each start()), or null.
    std::shared_ptr<output_lease_allocator> d_lease;
    /// Since when the next unit waits for a heap being received in its way.
    std::optional<std::chrono::steady_clock::time_point> d_held_since;
    item_catalog d_catalog;
    std::uint64_t d_catalog_version = ~std::uint64_t(0);
    std::vector<output_state> d_outputs;
    std::vector<item_ref> d_tag_items;
    std::vector<pmt::pmt_t> d_tag_keys;
    heap_gap_detector d_cnt_gaps;
    std::optional<item_ref> d_timestamp_item;
    heap_gap_detector d_timestamp_gaps;
    /// The timestamp of the last heap that moved d_timestamp_gaps on (where a fill
    /// starts from).
    std::optional<std::uint64_t> d_last_timestamp;
    heap_selection d_selection;
    rx_time_clock d_clock;
    const bool d_zero_fill;
    const std::uint64_t d_max_fill_heaps;

    std::deque<unit> d_units;
    /// Tags waiting for the next emitted sample (from heaps that emitted nothing).
    tag_list d_pending_tags;
    bool d_ended = false;

    stats_publisher d_publisher;
    std::atomic<bool> d_final_published{ false };
    pmt::pmt_t d_stats_port;
    pmt::pmt_t d_srcid;

    // Block counters (published with the engine's statistics).
    std::atomic<std::uint64_t> d_heaps_emitted{ 0 }, d_heaps_lost{ 0 },
        d_heaps_zero_filled{ 0 }, d_heaps_incomplete{ 0 }, d_heaps_bad{ 0 },
        d_heaps_late{ 0 }, d_heaps_skipped{ 0 }, d_heaps_skipped_by_selection{ 0 },
        d_heaps_emitted_in_place{ 0 };
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SOURCE_IMPL_H */
