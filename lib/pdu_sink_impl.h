/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PDU_SINK_IMPL_H
#define INCLUDED_SPEAD_PDU_SINK_IMPL_H

#include "block_sender.h"
#include "stats_publisher.h"
#include <gnuradio/spead/pdu_sink.h>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace gr {
namespace spead {

class pdu_sink_impl : public pdu_sink
{
public:
    pdu_sink_impl(const sender_config& config,
                  const std::string& data_item,
                  std::uint64_t data_id,
                  const std::map<std::string, std::uint64_t>& meta_items,
                  std::int64_t descriptors_every,
                  bool start_heap,
                  bool stop_heap);
    ~pdu_sink_impl() override;

    bool start() override;
    bool stop() override;

    std::map<std::string, std::uint64_t> statistics() const override;

private:
    /// One item of the heap a message becomes.
    struct entry {
        std::uint64_t id;
        std::string name;
        bool immediate;      ///< an integer sent as an immediate
        std::uint64_t value; ///< its value
        const void* data;    ///< else: the bytes, in the message
        std::size_t length;
        std::string numpy_header; ///< and their description
        /// A string: its characters, sent with format c8 and shape (length,).
        bool text = false;
        std::string characters;
    };

    void handle_message(const pmt::pmt_t& msg);
    /// The entries of \p msg, or false (with the reason) when it cannot be sent.
    bool entries_of(const pmt::pmt_t& msg, std::vector<entry>& out, std::string& why);
    bool entry_of(const std::string& name,
                  std::uint64_t id,
                  const pmt::pmt_t& value,
                  std::vector<entry>& out);
    void drop(const std::string& why);
    void publish_stats();

    sender_config d_config;
    std::string d_data_item;
    std::uint64_t d_data_id;
    std::map<std::string, std::uint64_t> d_meta_items;
    std::uint64_t d_descriptors_every;
    bool d_start_heap;
    bool d_stop_heap;

    std::unique_ptr<block_sender> d_sender;
    mutable std::mutex d_sender_mutex;
    block_sender::counters d_final_counters;
    std::uint64_t d_heaps = 0;
    /// Per destination: its next heap carries the descriptors.
    std::vector<bool> d_describe;
    /// Descriptions last sent, by item ID: a change sends descriptors again.
    std::map<std::uint64_t, std::string> d_described;
    std::atomic<std::uint64_t> d_messages_dropped{ 0 };
    std::chrono::steady_clock::time_point d_last_drop_log;

    pmt::pmt_t d_stats_port;
    stats_publisher d_publisher;
    std::atomic<bool> d_final_published{ false };
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PDU_SINK_IMPL_H */
