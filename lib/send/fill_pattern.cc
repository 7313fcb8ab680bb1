/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "fill_pattern.h"
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {
namespace send {

namespace {

using protocol::dtype;

constexpr const char* FILL_KINDS =
    "zeros, constant:value=V, ramp[:start=S][:step=D], noise[:seed=N][:scale=S], "
    "tone:channel=K[/K...][:amplitude=A], tone:frequency=F[:amplitude=A]";

[[noreturn]] void bad(const std::string& what)
{
    throw std::invalid_argument("fill '" + what);
}

fill_number
parse_number(const std::string& pattern, const std::string& key, const std::string& text)
{
    fill_number n;
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(begin, &end, 0);
    if (!text.empty() && errno == 0 && *end == '\0') {
        n.integral = true;
        n.integer = i;
        n.real = double(i);
        return n;
    }
    errno = 0;
    const double d = std::strtod(begin, &end);
    if (text.empty() || errno != 0 || *end != '\0' || !std::isfinite(d))
        bad(pattern + "': " + key + "=" + text + " is not a number");
    n.integral = false;
    n.real = d;
    return n;
}

std::uint64_t parse_unsigned(const std::string& pattern,
                             const std::string& key,
                             const std::string& text)
{
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(begin, &end, 0);
    if (text.empty() || text[0] == '-' || errno != 0 || *end != '\0')
        bad(pattern + "': " + key + "=" + text + " is not an unsigned integer");
    return v;
}

std::vector<std::string> split(const std::string& text, char separator)
{
    std::vector<std::string> parts;
    std::size_t from = 0;
    for (;;) {
        const std::size_t at = text.find(separator, from);
        parts.push_back(text.substr(from, at - from));
        if (at == std::string::npos)
            return parts;
        from = at + 1;
    }
}

} // namespace

fill_pattern parse_fill_pattern(const std::string& text)
{
    const std::vector<std::string> parts = split(text, ':');
    fill_pattern p;
    const std::string& name = parts[0];
    const char* keys = "";
    if (name == "zeros") {
        p.type = fill_pattern::kind::zeros;
    } else if (name == "constant") {
        p.type = fill_pattern::kind::constant;
        keys = "value";
    } else if (name == "ramp") {
        p.type = fill_pattern::kind::ramp;
        keys = "start, step";
    } else if (name == "noise") {
        p.type = fill_pattern::kind::noise;
        keys = "seed, scale";
    } else if (name == "tone") {
        p.type = fill_pattern::kind::tone;
        keys = "channel or frequency, amplitude";
    } else {
        bad(text + "': unknown pattern '" + name + "' (accepted: " + FILL_KINDS + ")");
    }
    bool has_value = false, has_frequency = false;
    for (std::size_t i = 1; i < parts.size(); i++) {
        const std::size_t eq = parts[i].find('=');
        if (eq == std::string::npos)
            bad(text + "': '" + parts[i] + "' is not KEY=VALUE");
        const std::string key = parts[i].substr(0, eq);
        const std::string value = parts[i].substr(eq + 1);
        bool known = true;
        switch (p.type) {
        case fill_pattern::kind::zeros:
            known = false;
            break;
        case fill_pattern::kind::constant:
            if (key == "value") {
                p.value = parse_number(text, key, value);
                has_value = true;
            } else {
                known = false;
            }
            break;
        case fill_pattern::kind::ramp:
            if (key == "start")
                p.start = parse_number(text, key, value);
            else if (key == "step")
                p.step = parse_number(text, key, value);
            else
                known = false;
            break;
        case fill_pattern::kind::noise:
            if (key == "seed") {
                p.seed = parse_unsigned(text, key, value);
            } else if (key == "scale") {
                const fill_number n = parse_number(text, key, value);
                if (n.real <= 0)
                    bad(text + "': scale=" + value + " must be positive");
                p.scale = n.real;
            } else {
                known = false;
            }
            break;
        case fill_pattern::kind::tone:
            if (key == "channel") {
                p.channels.clear();
                for (const std::string& c : split(value, '/'))
                    p.channels.push_back(parse_unsigned(text, key, c));
            } else if (key == "frequency") {
                p.frequency = parse_number(text, key, value).real;
                has_frequency = true;
            } else if (key == "amplitude") {
                p.amplitude = parse_number(text, key, value).real;
            } else {
                known = false;
            }
            break;
        }
        if (!known)
            bad(text + "': unknown key '" + key + "' for " + name +
                " (accepted: " + (*keys ? keys : "none") + ")");
    }
    if (p.type == fill_pattern::kind::constant && !has_value)
        bad(text + "': constant needs value=V");
    if (p.type == fill_pattern::kind::tone && (p.channels.empty() == !has_frequency))
        bad(text + "': tone needs either channel=K[/K...] or frequency=F");
    return p;
}

std::uint64_t splitmix64_mix(std::uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

namespace {

/// The noise generator: splitmix64 from a given state.
class splitmix64
{
public:
    explicit splitmix64(std::uint64_t state) : d_state(state) {}
    std::uint64_t next() { return splitmix64_mix(d_state += 0x9e3779b97f4a7c15ULL); }

private:
    std::uint64_t d_state;
};

/// Stores the low itemsize bytes of \p v in \p order ('>' big-endian).
void store_uint(std::uint8_t* out, std::uint64_t v, std::size_t itemsize, char order)
{
    for (std::size_t b = 0; b < itemsize; b++) {
        const std::uint8_t byte = std::uint8_t(v >> (8 * b));
        out[order == '>' ? itemsize - 1 - b : b] = byte;
    }
}

void store_real(std::uint8_t* out, double v, std::size_t size, char order)
{
    if (size == 4) {
        const float f = float(v);
        std::uint32_t bits;
        std::memcpy(&bits, &f, 4);
        store_uint(out, bits, 4, order);
    } else {
        std::uint64_t bits;
        std::memcpy(&bits, &v, 8);
        store_uint(out, bits, 8, order);
    }
}

/// Rounds to nearest and saturates at [lo, hi].
std::int64_t saturate(double v, __int128 lo, __int128 hi)
{
    const double r = std::round(v);
    if (r <= double(lo))
        return std::int64_t(lo);
    if (r >= double(hi))
        return std::int64_t(std::uint64_t(hi)); // u8's top: its bit pattern
    if (r >= 9223372036854775808.0)
        return std::int64_t(std::uint64_t(r));
    return std::int64_t(r);
}

} // namespace

std::vector<std::uint8_t> fill_values(const fill_pattern& p,
                                      const dtype& type,
                                      const std::vector<std::size_t>& shape,
                                      std::size_t sender,
                                      std::size_t substream)
{
    std::size_t count = 1;
    for (std::size_t d : shape) {
        if (d != 0 && count > std::size_t(-1) / d / type.itemsize)
            throw std::invalid_argument("fill: the item is too large");
        count *= d;
    }
    std::vector<std::uint8_t> out(count * type.itemsize, 0);
    if (p.type == fill_pattern::kind::zeros)
        return out;

    const bool integer = type.type_kind == dtype::kind::signed_int ||
                         type.type_kind == dtype::kind::unsigned_int ||
                         type.type_kind == dtype::kind::boolean;
    const bool real = type.type_kind == dtype::kind::floating && type.itemsize != 2;
    const bool complex = type.type_kind == dtype::kind::complex;
    if (!integer && !real && !complex)
        throw std::invalid_argument(
            "fill: only zeros can fill dtype " + type.descr() +
            " (the others fill integers, booleans, f4, f8, c8 and c16)");
    const char order = type.byte_order;
    const std::size_t size = type.itemsize;
    const std::size_t bits = 8 * size;

    // The integer range of the type.
    __int128 lo = 0, hi = 1;
    if (type.type_kind == dtype::kind::signed_int) {
        lo = -(__int128(1) << (bits - 1));
        hi = (__int128(1) << (bits - 1)) - 1;
    } else if (type.type_kind == dtype::kind::unsigned_int) {
        hi = (__int128(1) << bits) - 1;
    }
    if (p.type == fill_pattern::kind::ramp && integer &&
        (!p.start.integral || !p.step.integral))
        throw std::invalid_argument(
            "fill ramp: start and step must be integers for dtype " + type.descr());

    splitmix64 noise(p.seed ^ splitmix64_mix((std::uint64_t(sender) << 32) +
                                             std::uint64_t(substream) + 1));
    __int128 noise_lo = lo, noise_hi = hi;
    if (p.scale > 0 && type.type_kind != dtype::kind::boolean) {
        const __int128 s = __int128(std::floor(p.scale));
        if (type.type_kind == dtype::kind::signed_int && -s > lo)
            noise_lo = -s;
        if (s < hi)
            noise_hi = s;
    }
    const double noise_scale = p.scale > 0 ? p.scale : 1.0;
    const std::size_t per_channel = shape.empty() || shape[0] == 0 ? 1 : count / shape[0];
    const std::uint64_t first_channel =
        std::uint64_t(substream) * (shape.empty() ? 1 : shape[0]);
    constexpr double two_pi = 6.283185307179586476925286766559;

    for (std::size_t i = 0; i < count; i++) {
        std::uint8_t* at = out.data() + i * size;
        double re = 0, im = 0;
        switch (p.type) {
        case fill_pattern::kind::zeros:
            break;
        case fill_pattern::kind::constant:
            re = p.value.real;
            if (integer && p.value.integral) {
                const __int128 v = p.value.integer;
                store_uint(at, std::uint64_t(v < lo ? lo : v > hi ? hi : v), size, order);
                continue;
            }
            break;
        case fill_pattern::kind::ramp:
            if (integer) {
                std::uint64_t v = std::uint64_t(p.start.integer) +
                                  std::uint64_t(p.step.integer) * std::uint64_t(i);
                if (type.type_kind == dtype::kind::boolean)
                    v = v != 0;
                store_uint(at, v, size, order);
                continue;
            }
            re = p.start.real + p.step.real * double(i);
            break;
        case fill_pattern::kind::noise:
            if (integer) {
                const unsigned __int128 n = (unsigned __int128)(noise_hi - noise_lo) + 1;
                const std::uint64_t z = noise.next();
                const __int128 v = noise_lo + __int128(z % n);
                store_uint(at, std::uint64_t(v), size, order);
                continue;
            }
            re = noise_scale * (2 * (double(noise.next() >> 11) * 0x1p-53) - 1);
            if (complex)
                im = noise_scale * (2 * (double(noise.next() >> 11) * 0x1p-53) - 1);
            break;
        case fill_pattern::kind::tone:
            if (!p.channels.empty()) {
                const std::uint64_t channel = first_channel + i / per_channel;
                for (std::uint64_t c : p.channels)
                    if (c == channel)
                        re = p.amplitude;
            } else {
                const double phase = two_pi * p.frequency * double(i);
                re = p.amplitude * std::cos(phase);
                if (complex)
                    im = p.amplitude * std::sin(phase);
            }
            break;
        }
        if (integer) {
            std::int64_t v = saturate(re, lo, hi);
            if (type.type_kind == dtype::kind::boolean)
                v = v != 0;
            store_uint(at, std::uint64_t(v), size, order);
        } else if (real) {
            store_real(at, re, size, order);
        } else {
            store_real(at, re, size / 2, order);
            store_real(at + size / 2, im, size / 2, order);
        }
    }
    return out;
}

} // namespace send
} // namespace spead
} // namespace gr
