/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/heap.h>
#include <string>

namespace gr {
namespace spead {
namespace recv {

std::vector<protocol::descriptor> heap::get_descriptors() const
{
    std::vector<protocol::descriptor> descriptors;
    for (const protocol::heap_item& item : d_items) {
        if (item.immediate || item.id != protocol::DESCRIPTOR_ID)
            continue; // a descriptor is a packet stream: it needs payload bytes
        // Items come from extract_heap_items, which keeps them inside the payload; the
        // check guards a heap built some other way.
        if (!d_payload || item.offset > d_payload_size ||
            item.length > d_payload_size - item.offset)
            continue;
        try {
            auto decoded = protocol::decode_descriptor(
                d_payload.get() + item.offset, item.length, d_flavour.bug_compat());
            if (decoded) {
                // The numpy header alone describes the item: spead2 hands out no
                // format or shape beside it.
                if (!decoded->numpy_header.empty()) {
                    decoded->format.clear();
                    decoded->shape.clear();
                }
                descriptors.push_back(std::move(*decoded));
            }
        } catch (const protocol::decode_error& e) {
            // One bad descriptor must not cost the others, nor the heap's values.
            log_message(protocol::log_level::warning,
                        "heap " + std::to_string(d_cnt) +
                            ": skipping malformed descriptor at payload offset " +
                            std::to_string(item.offset) + ": " + e.what());
        }
    }
    return descriptors;
}

} // namespace recv
} // namespace spead
} // namespace gr
