/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_HEAP_SOURCE_IMPL_H
#define INCLUDED_SPEAD_HEAP_SOURCE_IMPL_H

#include "block_receiver.h"
#include "heap_selection.h"
#include "item_catalog.h"
#include "rx_time.h"
#include "stats_publisher.h"
#include <gnuradio/spead/heap_source.h>
#include <atomic>
#include <optional>
#include <thread>

namespace gr {
namespace spead {

class heap_source_impl : public heap_source
{
public:
    heap_source_impl(const receiver_config& config,
                     const std::string& payload_item,
                     const std::string& payload_type,
                     bool as_dict,
                     const std::string& select_item,
                     const std::vector<std::int64_t>& select_values,
                     const std::string& timestamp_item,
                     double sample_rate,
                     double sync_time,
                     bool tagged_stream,
                     const std::string& length_tag_key);
    ~heap_source_impl() override;

    bool start() override;
    bool stop() override;
    /// The tagged-stream output (only with tagged_stream): heaps' vectors in turn.
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    int local_port() const override { return d_receiver.local_port(); }
    std::map<std::string, std::uint64_t> statistics() const override;

private:
    /// Joins the threads and stops the stream, publishing nothing.
    void halt();
    /// The receive loop, on its own thread, when the block has no stream output.
    void run();
    /// Selects, publishes and counts one heap; returns its PDU (nil when skipped).
    pmt::pmt_t handle_heap(recv::heap& h);
    /// Starts emitting \p pdu's vector at the output's sample \p offset, with its tags.
    void begin_packet(const pmt::pmt_t& pdu, std::uint64_t offset);
    pmt::pmt_t heap_to_pdu(const recv::heap& h);
    pmt::pmt_t heap_to_dict(const recv::heap& h);
    pmt::pmt_t payload_vector(const recv::heap& h);
    /// \p d with rx_time added, when rx_time is on and \p h has a timestamp.
    pmt::pmt_t with_rx_time(const recv::heap& h, pmt::pmt_t d) const;
    void publish_stats();
    void publish_final_stats();
    std::vector<std::pair<std::string, std::uint64_t>> block_counters() const;

    block_receiver d_receiver;
    item_catalog d_catalog;
    std::optional<item_ref> d_payload_item;
    std::optional<protocol::dtype> d_payload_type;
    const bool d_as_dict;
    heap_selection d_selection;
    std::optional<item_ref> d_timestamp_item;
    rx_time_clock d_clock;
    const bool d_tagged_stream;
    const pmt::pmt_t d_length_tag_key;
    /// The vector being emitted on the stream output, and how many samples are out.
    pmt::pmt_t d_packet = pmt::PMT_NIL;
    std::size_t d_packet_items = 0, d_packet_done = 0;
    bool d_ended = false;

    std::thread d_thread;
    std::atomic<bool> d_stop{ false };
    stats_publisher d_publisher;
    std::atomic<bool> d_final_published{ false };
    /// PDUs go out on "pdus", dicts on "dicts", and either on "heaps" (the old name).
    pmt::pmt_t d_pdus_port, d_dicts_port, d_heaps_port, d_stats_port;

    std::atomic<std::uint64_t> d_heaps_published{ 0 }, d_heaps_incomplete{ 0 },
        d_heaps_skipped_by_selection{ 0 };
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_HEAP_SOURCE_IMPL_H */
