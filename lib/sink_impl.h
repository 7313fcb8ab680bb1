/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SINK_IMPL_H
#define INCLUDED_SPEAD_SINK_IMPL_H

#include "block_sender.h"
#include "rx_time.h"
#include "sample_packer.h"
#include "stats_publisher.h"
#include <gnuradio/spead/sink.h>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

namespace gr {
namespace spead {

class sink_impl : public sink
{
public:
    sink_impl(const sender_config& config,
              const std::vector<input_config>& inputs,
              std::int64_t items_per_heap,
              const std::string& timestamp_item,
              std::uint64_t timestamp_id,
              std::int64_t timestamp_step,
              const std::string& timestamp_source,
              double sample_rate,
              double sync_time,
              std::int64_t descriptors_every,
              bool start_heap,
              bool stop_heap,
              const constants& constant_items);
    ~sink_impl() override;

    bool start() override;
    bool stop() override;
    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    std::map<std::string, std::uint64_t> statistics() const override;

private:
    struct input_state {
        input_config config;
        sample_packer packer;
    };

    /// The timestamp of input item \p item (absolute offset).
    std::uint64_t timestamp_at(std::uint64_t item) const;
    void follow_rx_time_tags(std::uint64_t from, std::uint64_t to);
    void finish_heap();
    bool descriptors_due() const;
    void add_descriptors(send::heap& h) const;
    void log_failures();
    void publish_stats();

    sender_config d_config;
    std::vector<input_state> d_inputs;
    struct constant_item {
        std::string name;
        std::uint64_t id;
        std::uint64_t value;
    };
    std::vector<constant_item> d_constants;
    std::size_t d_items_per_heap;
    std::string d_timestamp_item;
    std::uint64_t d_timestamp_id;
    std::uint64_t d_timestamp_step;
    bool d_from_rx_time;
    rx_time_clock d_clock;
    std::uint64_t d_descriptors_every;
    bool d_start_heap;
    bool d_stop_heap;

    std::unique_ptr<block_sender> d_sender; ///< made by start(), gone after stop()
    mutable std::mutex d_sender_mutex;      ///< its lifetime, against statistics()
    block_sender::counters d_final_counters;
    block_sender::slot* d_slot = nullptr; ///< the heap being filled
    std::size_t d_filled = 0;             ///< input items in it
    std::uint64_t d_slot_timestamp = 0;
    std::uint64_t d_heaps = 0; ///< data heaps handed to the sender
    /// rx_time anchor: timestamp d_anchor_ticks at input item d_anchor_item.
    std::uint64_t d_anchor_item = 0;
    std::uint64_t d_anchor_ticks = 0;
    std::atomic<std::uint64_t> d_items_discarded{ 0 };
    /// rx_time tags that are not (seconds >= 0, fraction in [0, 1)).
    std::atomic<std::uint64_t> d_rx_time_ignored{ 0 };
    std::uint64_t d_failures_logged = 0;
    std::chrono::steady_clock::time_point d_last_failure_log;
    bool d_failed_to_start = false;

    pmt::pmt_t d_stats_port;
    stats_publisher d_publisher;
    std::atomic<bool> d_final_published{ false };
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SINK_IMPL_H */
