/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_APPS_BENCH_WORKLOAD_H
#define INCLUDED_SPEAD_APPS_BENCH_WORKLOAD_H

#include <gnuradio/spead/recv/memcpy.h>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace bench {

/// One benchmark case: the shape of the heaps and how the stream receives them.
struct scenario {
    std::string name;
    std::size_t heap_size = 0;        ///< payload bytes per heap (one addressed item)
    std::size_t max_packet_size = 0;  ///< encoder limit, header and pointers included
    std::size_t heaps = 0;            ///< heaps in the prebuilt buffer (one pass)
    bool shuffle_within_heap = false; ///< packets of each heap in a seeded random order
    recv::memcpy_function copy = recv::memcpy_function::standard;
    std::string description;
};

/// The scenarios `spead_bench mem` knows, in the order they run by default.
const std::vector<scenario>& mem_scenarios();

/// Where one packet's payload lies in the buffer and where it goes in its heap.
struct payload_span {
    std::size_t buffer_offset = 0; ///< first payload byte in workload::buffer
    std::size_t heap_offset = 0;   ///< PAYLOAD_OFFSET
    std::size_t length = 0;        ///< PAYLOAD_LENGTH
};

/// A prebuilt buffer of encoded packets (stream framing) and what it must decode to.
struct workload {
    std::vector<std::uint8_t> buffer;
    std::vector<payload_span> spans; ///< one per packet, in buffer order
    std::size_t heaps = 0;
    std::size_t heap_size = 0;
    std::size_t packets = 0;
    std::size_t payload_bytes = 0; ///< sum of span lengths (heaps * heap_size)

    /// The payload byte heap \p cnt must hold at \p offset (a cheap function of both, so
    /// that a misplaced or stale packet is caught by the verification pass).
    static std::uint8_t expected_byte(std::uint64_t cnt, std::size_t offset);
};

/// Item ID of the single addressed item every benchmark heap carries.
constexpr std::uint64_t BENCH_ITEM_ID = 0x1000;

/// Seed of the per-heap packet shuffle, fixed so every run sends the same order.
constexpr std::uint32_t SHUFFLE_SEED = 20260101;

/**
 * \brief Encodes \p s.heaps heaps (counters 1..heaps) with the project's encoder and
 * concatenates their packets. \throws std::runtime_error when the encoder output does
 * not decode as expected (a broken workload would make every figure meaningless).
 */
workload build_workload(const scenario& s);

} // namespace bench
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_APPS_BENCH_WORKLOAD_H */
