/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_HEAP_DESCRIBER_H
#define INCLUDED_SPEAD_APPS_HEAP_DESCRIBER_H

#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/heap_items.h>
#include <gnuradio/spead/protocol/item_type.h>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace apps {

/// What the tools need of an assembled heap, whoever assembled it (the protocol
/// layer's simple collector offline, or the receive engine).
struct heap_view {
    std::uint64_t cnt = 0;
    int heap_address_bits = 40;
    const std::uint8_t* payload = nullptr;
    std::size_t payload_size = 0;
    std::vector<protocol::heap_item> items;
    bool complete = true;
    std::size_t received_bytes = 0;
};

/// A DESCRIPTOR item of a heap and what became of it.
struct descriptor_event {
    enum class kind {
        added,      ///< new, or replacing a different descriptor of the same ID
        unchanged,  ///< identical to the one already known (a reissue)
        without_id, ///< no DESCRIPTOR_ID: ignored
        malformed,  ///< could not be decoded
    };
    kind what = kind::added;
    protocol::descriptor desc; ///< for added and unchanged
    std::string type_error;    ///< added: why its values cannot be interpreted, if so
    std::string error;         ///< malformed: the decoder's reason
};

/// A heap item other than a descriptor: a stream control flag or a value.
struct item_event {
    std::uint64_t id = 0;
    bool immediate = false;
    std::size_t length = 0;  ///< addressed: bytes in the heap
    bool is_control = false; ///< STREAM_CTRL (value in control_value)
    std::uint64_t control_value = 0;
    std::string name; ///< empty when there is no usable descriptor
    std::optional<protocol::decoded_value> value; ///< when decoded
    std::string error;                            ///< why the value could not be decoded
};

/// Everything a heap said, in the order the tools print it.
struct heap_description {
    std::vector<descriptor_event> descriptors;
    std::vector<item_event> items;
};

/**
 * \brief Turns heaps into descriptors and values as an ItemGroup does
 * (SPEAD-PROTOCOL.md section 7): a heap's descriptors apply before its values, a value
 * without a descriptor is skipped, an identical descriptor changes nothing and a
 * different one replaces the old. Keeps the descriptors across heaps.
 */
class heap_describer
{
public:
    explicit heap_describer(int bug_compat) : d_bug_compat(bug_compat) {}

    heap_description describe(const heap_view& heap);

    /// Descriptors and values that could not be decoded so far.
    std::size_t decode_errors() const { return d_decode_errors; }

private:
    struct known_item {
        protocol::descriptor desc;
        std::optional<protocol::item_type>
            type; ///< empty when the descriptor cannot be used
    };

    descriptor_event add_descriptor(const heap_view& heap,
                                    const protocol::heap_item& item);
    item_event value_of(const heap_view& heap, const protocol::heap_item& item);

    int d_bug_compat;
    std::map<std::uint64_t, known_item> d_items;
    std::size_t d_decode_errors = 0;
};

/// "0x1600".
std::string hex_id(std::uint64_t id);

/// "stream control: stop (end of stream)" and the like.
std::string control_text(std::uint64_t value);

/**
 * \brief The text the tools print for a heap: "heap CNT: N payload bytes", then one
 * indented line per new descriptor and per item ("name (0x1600, immediate) = 42"),
 * arrays shown up to \p max_elements elements.
 */
std::string heap_text(const heap_view& heap,
                      const heap_description& description,
                      std::size_t max_elements = 6);

} // namespace apps
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_HEAP_DESCRIBER_H */
