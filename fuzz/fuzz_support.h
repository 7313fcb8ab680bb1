/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_FUZZ_SUPPORT_H
#define INCLUDED_SPEAD_FUZZ_SUPPORT_H

// What the harnesses share: the input formats (so that the seed generator writes inputs
// the harnesses read as intended), a check that aborts with a message (libFuzzer then
// keeps the input as a crash), and a silent log (malformed input is logged by design;
// printing it would slow the fuzzer down by orders of magnitude).

#include <gnuradio/spead/protocol/log.h>
#include <gnuradio/spead/recv/stream_stats.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace gr {
namespace spead {
namespace fuzz {

using bytes = std::vector<std::uint8_t>;

/// An invariant of the engine does not hold for this input: report and abort, so that
/// libFuzzer saves the input as a crash.
#define SPEAD_FUZZ_CHECK(condition)                         \
    do {                                                    \
        if (!(condition)) {                                 \
            std::fprintf(stderr,                            \
                         "%s:%d: invariant violated: %s\n", \
                         __FILE__,                          \
                         __LINE__,                          \
                         #condition);                       \
            std::abort();                                   \
        }                                                   \
    } while (0)

/// Packets counted by a reject reason because they did not decode.
inline std::uint64_t rejected_undecoded(const recv::stream_stats& rejects)
{
    namespace rej = recv::reject_stat_indices;
    std::uint64_t n = 0;
    for (std::size_t i = rej::packets_rejected_malformed_first;
         i < rej::packets_rejected_heap_length_mismatch;
         i++)
        n += rejects[i];
    return n;
}

/// Packets counted by a reject reason that never reached heap assembly (they did not
/// decode, were over a reader's size limit, or came after the stop): spead2's `packets`
/// leaves them out, so only the rest of the rejects are part of it.
inline std::uint64_t rejected_before_assembly(const recv::stream_stats& rejects)
{
    namespace rej = recv::reject_stat_indices;
    return rejected_undecoded(rejects) + rejects[rej::packets_rejected_oversize] +
           rejects[rej::packets_rejected_after_stop];
}

/// Drops every log message (called from LLVMFuzzerInitialize).
inline void silence_log()
{
    protocol::set_log_function([](protocol::log_level, const std::string&) {});
}

/// Reads an input front to back; past the end every read yields zeros, so that any
/// input is a valid one.
class byte_reader
{
public:
    byte_reader(const std::uint8_t* data, std::size_t size) : d_data(data), d_size(size)
    {
    }
    std::uint8_t u8() { return d_pos < d_size ? d_data[d_pos++] : 0; }
    std::uint16_t u16()
    {
        const std::uint16_t high = u8();
        return std::uint16_t(high << 8 | u8());
    }
    /// Up to \p n bytes (fewer at the end of the input).
    bytes take(std::size_t n)
    {
        const std::size_t k = n < remaining() ? n : remaining();
        bytes out(d_data + d_pos, d_data + d_pos + k);
        d_pos += k;
        return out;
    }
    std::size_t remaining() const { return d_size - d_pos; }
    const std::uint8_t* position() const { return d_data + d_pos; }

private:
    const std::uint8_t* d_data;
    std::size_t d_size;
    std::size_t d_pos = 0;
};

/**
 * Packet sequences (heap-assembly input): each packet is a big-endian 16-bit length and
 * that many bytes; a last length that runs past the end takes what is left.
 */
inline std::vector<bytes> split_packets(byte_reader& in, std::size_t max_packets)
{
    std::vector<bytes> packets;
    while (in.remaining() >= 2 && packets.size() < max_packets) {
        const std::size_t length = in.u16();
        packets.push_back(in.take(length));
    }
    return packets;
}

/// The inverse of split_packets (for the seed generator).
inline void join_packets(const std::vector<bytes>& packets, bytes& out)
{
    for (const auto& p : packets) {
        out.push_back(std::uint8_t(p.size() >> 8));
        out.push_back(std::uint8_t(p.size()));
        out.insert(out.end(), p.begin(), p.end());
    }
}

} // namespace fuzz
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_FUZZ_SUPPORT_H */
