/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_FILL_PATTERN_H
#define INCLUDED_SPEAD_SEND_FILL_PATTERN_H

#include <gnuradio/spead/protocol/dtype.h>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace gr {
namespace spead {
namespace send {

/// A number of a fill pattern as written: exact when integral, a double otherwise.
struct fill_number {
    bool integral = true;
    std::int64_t integer = 0;
    double real = 0;
};

/**
 * \brief What the elements of an addressed item hold (element i counted in C order over
 * the flattened shape; a complex element gets the value as its real part, imaginary 0,
 * except for a frequency tone).
 *
 * - zeros: 0.
 * - constant (value=V): V.
 * - ramp (start=S, step=D; 0 and 1 by default): S + D * i; integer types wrap modulo
 *   2^bits as two's complement (a u1 ramp is i mod 256).
 * - noise (seed=N, scale=S): uniform values from splitmix64. Integers: lo + z mod
 *   (hi - lo + 1) with [lo, hi] the type's whole range, or [-S, S] (signed) / [0, S]
 *   (unsigned) within it when S is given; floats: S * (2u - 1) with u = (z >> 11) *
 *   2^-53 and S = 1 by default; complex: real then imaginary part from consecutive
 *   draws. Each sender s and substream c draws from its own generator, whose state
 *   starts at seed XOR mix64(s * 2^32 + c + 1).
 * - tone (channel=K[/K...], amplitude=A): a spectrum; axis 0 of the item is the
 *   channel, and channel k of the heap of substream c is global channel c * shape[0] + k;
 *   every element of the listed channels is A (default 1), the others 0.
 * - tone (frequency=F, amplitude=A): a time series; element i is A cos(2 pi F i)
 *   (complex: A exp(2 pi j F i)), F in cycles per element.
 * Integer types round doubles to nearest and saturate at the type's range.
 */
struct fill_pattern {
    enum class kind { zeros, constant, ramp, noise, tone };

    kind type = kind::zeros;
    fill_number value;                   ///< constant
    fill_number start;                   ///< ramp
    fill_number step{ true, 1, 1 };      ///< ramp
    std::uint64_t seed = 1;              ///< noise
    double scale = 0;                    ///< noise; 0: the default range
    std::vector<std::uint64_t> channels; ///< tone by channel
    double frequency = 0;                ///< tone by frequency (when channels is empty)
    double amplitude = 1;                ///< tone

    /// The values differ between senders (noise).
    bool depends_on_sender() const { return type == kind::noise; }
    /// The values differ between substreams (noise, tone by channel).
    bool depends_on_substream() const
    {
        return type == kind::noise || (type == kind::tone && !channels.empty());
    }
};

/**
 * \brief Parses "KIND[:KEY=VALUE]...": zeros, constant:value=V, ramp[:start=S][:step=D],
 * noise[:seed=N][:scale=S], tone:channel=K[/K...][:amplitude=A],
 * tone:frequency=F[:amplitude=A].
 * \throws std::invalid_argument naming the kind or key and the accepted ones.
 */
fill_pattern parse_fill_pattern(const std::string& text);

/// splitmix64's output function (the noise generator's seed mixing).
std::uint64_t splitmix64_mix(std::uint64_t z);

/**
 * \brief The wire bytes of an item of \p type and \p shape filled by \p pattern for
 * \p sender and \p substream, each element in the type's byte order.
 * \throws std::invalid_argument when the pattern cannot fill the type (a fraction in an
 * integer ramp; a pattern other than zeros for byte strings, voids or f2).
 */
std::vector<std::uint8_t> fill_values(const fill_pattern& pattern,
                                      const protocol::dtype& type,
                                      const std::vector<std::size_t>& shape,
                                      std::size_t sender,
                                      std::size_t substream);

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_FILL_PATTERN_H */
