/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "axis_layout.h"
#include "block_transpose.h"
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {

namespace {

/// Copies one element of N bytes (a fixed size lets the compiler use one load/store).
template <std::size_t N>
struct fixed_copy {
    std::size_t size() const { return N; }
    void operator()(std::uint8_t* out, const std::uint8_t* in) const
    {
        std::memcpy(out, in, N);
    }
};

struct any_copy {
    std::size_t n;
    std::size_t size() const { return n; }
    void operator()(std::uint8_t* out, const std::uint8_t* in) const
    {
        std::memcpy(out, in, n);
    }
};

/// Elements along one axis, read with a stride, written side by side.
template <typename Copy>
void gather(Copy copy,
            const std::uint8_t* in,
            std::uint8_t* out,
            std::size_t n,
            std::size_t in_stride)
{
    for (std::size_t i = 0; i < n; i++)
        copy(out + i * copy.size(), in + i * in_stride);
}

/// Calls leaf(in, out) at every index of the axes \p order[level..] (outermost
/// first).
template <typename Leaf>
void walk(const std::vector<transpose_plan::dim>& dims,
          const std::vector<int>& order,
          std::size_t level,
          const std::uint8_t* in,
          std::uint8_t* out,
          const Leaf& leaf)
{
    if (level == order.size()) {
        leaf(in, out);
        return;
    }
    const transpose_plan::dim& d = dims[order[level]];
    for (std::size_t i = 0; i < d.size; i++)
        walk(dims, order, level + 1, in + i * d.in_stride, out + i * d.out_stride, leaf);
}

/// Tile width in elements: a few cache lines of output per row of a tile.
std::size_t tile_for(std::size_t element)
{
    return std::max<std::size_t>(16, 128 / std::max<std::size_t>(element, 1));
}

template <typename F>
void with_copy(std::size_t element, F&& f)
{
    switch (element) {
    case 1:
        return f(fixed_copy<1>());
    case 2:
        return f(fixed_copy<2>());
    case 4:
        return f(fixed_copy<4>());
    case 8:
        return f(fixed_copy<8>());
    case 16:
        return f(fixed_copy<16>());
    default:
        return f(any_copy{ element });
    }
}

std::vector<std::string> tokens(const std::string& text)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (c == ' ' || c == ',' || c == '\t') {
            if (!cur.empty())
                out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty())
        out.push_back(cur);
    return out;
}

bool parse_count(const std::string& text, std::int64_t& value)
{
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno != 0 || v > (1ull << 40))
        return false;
    value = std::int64_t(v);
    return true;
}

} // namespace

transpose_plan::transpose_plan(std::vector<dim> dims,
                               std::size_t element,
                               std::size_t offset,
                               std::size_t input_bytes)
    : d_element(element), d_offset(offset), d_input_bytes(input_bytes)
{
    std::size_t count = 1;
    for (const dim& d : dims)
        count *= d.size;
    d_output_bytes = count * element;
    if (count == 0)
        return;
    // Axes of one element say nothing about the order.
    std::vector<dim> kept;
    for (const dim& d : dims)
        if (d.size > 1)
            kept.push_back(d);
    // Neighbours in the output that are also neighbours in the input are one axis.
    for (const dim& d : kept) {
        if (!d_dims.empty() && d_dims.back().in_stride == d.in_stride * d.size) {
            d_dims.back().size *= d.size;
            d_dims.back().in_stride = d.in_stride;
        } else {
            d_dims.push_back(d);
        }
    }
    // An innermost axis contiguous in the input makes the element larger.
    if (!d_dims.empty() && d_dims.back().in_stride == d_element) {
        d_element *= d_dims.back().size;
        d_dims.pop_back();
    }
    std::size_t stride = d_element;
    for (auto it = d_dims.rbegin(); it != d_dims.rend(); ++it) {
        it->out_stride = stride;
        stride *= it->size;
    }
    // The output's innermost axis (a) is read with its input stride. When some other
    // axis is denser in the input, a is cut into tiles: for each tile, the denser axes
    // are walked inside it, so the few cache lines a tile reads are used whole before
    // moving on, and each tile's row is written whole. Sparser axes are walked outside.
    if (d_dims.empty())
        return;
    const int a = int(d_dims.size()) - 1;
    for (int i = 0; i < a; i++) {
        if (d_dims[i].in_stride < d_dims[a].in_stride)
            d_inner.push_back(i);
        else
            d_outer.push_back(i);
    }
    d_tiled = !d_inner.empty();
    if (!d_tiled)
        return;
    // The matrix path: when everything the inner axes reach lies within one input row
    // of the innermost output axis (a), the rows x reach block is transposed whole
    // (SIMD blocks, block_transpose.h) into a scratch matrix, one row per input column,
    // and each output row is then one of its rows. Columns no output takes (another
    // axis's index left out by select) are transposed for nothing, so the path is
    // taken only while they are a few.
    const dim& inner = d_dims[a];
    std::size_t reach = d_element, needed = 1;
    bool aligned = inner.in_stride % d_element == 0;
    for (int i : d_inner) {
        reach += (d_dims[i].size - 1) * d_dims[i].in_stride;
        needed *= d_dims[i].size;
        aligned = aligned && d_dims[i].in_stride % d_element == 0;
    }
    if (aligned && reach <= inner.in_stride && reach / d_element <= 4 * needed)
        d_matrix_columns = reach / d_element;
}

void transpose_plan::run(const std::uint8_t* in, std::uint8_t* out) const
{
    if (d_output_bytes == 0)
        return;
    in += d_offset;
    if (d_dims.empty()) {
        std::memcpy(out, in, d_element);
        return;
    }
    const dim& a = d_dims.back();
    if (d_matrix_columns) {
        const std::size_t row_bytes = a.size * d_element;
        // Per thread (a block's work thread): kept, so that heap after heap it is reused.
        thread_local std::vector<std::uint8_t> scratch;
        if (scratch.size() < d_matrix_columns * row_bytes)
            scratch.resize(d_matrix_columns * row_bytes);
        walk(d_dims, d_outer, 0, in, out, [&](const std::uint8_t* i, std::uint8_t* o) {
            transpose_matrix(i,
                             a.in_stride,
                             a.size,
                             d_matrix_columns,
                             d_element,
                             scratch.data(),
                             row_bytes);
            walk(d_dims, d_inner, 0, i, o, [&](const std::uint8_t* ti, std::uint8_t* to) {
                std::memcpy(to,
                            scratch.data() + std::size_t(ti - i) / d_element * row_bytes,
                            row_bytes);
            });
        });
        return;
    }
    with_copy(d_element, [&](auto copy) {
        if (!d_tiled) {
            walk(
                d_dims, d_outer, 0, in, out, [&](const std::uint8_t* i, std::uint8_t* o) {
                    gather(copy, i, o, a.size, a.in_stride);
                });
            return;
        }
        const std::size_t tile = tile_for(d_element);
        walk(d_dims, d_outer, 0, in, out, [&](const std::uint8_t* i, std::uint8_t* o) {
            for (std::size_t a0 = 0; a0 < a.size; a0 += tile) {
                const std::size_t n = std::min(tile, a.size - a0);
                walk(d_dims,
                     d_inner,
                     0,
                     i + a0 * a.in_stride,
                     o + a0 * a.out_stride,
                     [&](const std::uint8_t* ti, std::uint8_t* to) {
                         gather(copy, ti, to, n, a.in_stride);
                     });
            }
        });
    });
}

axis_layout axis_layout::parse(const std::string& layout,
                               const std::string& select,
                               const std::string& parameter)
{
    axis_layout l;
    const auto fail = [&](const std::string& why) {
        throw std::invalid_argument(parameter + ": " + why);
    };
    const std::size_t arrow = layout.find("->");
    if (arrow != std::string::npos && layout.find("->", arrow + 2) != std::string::npos)
        fail("layout '" + layout + "' has more than one '->'");
    const std::vector<std::string> in_names = tokens(layout.substr(0, arrow));
    const std::vector<std::string> sel = tokens(select);
    if (in_names.empty()) {
        if (arrow != std::string::npos || !sel.empty())
            fail("layout must name the item's axes, e.g. 'channels spectra pols -> "
                 "pols spectra channels' (select needs it too)");
        return l;
    }
    auto find = [&](const std::string& name) -> int {
        for (std::size_t i = 0; i < l.d_in.size(); i++)
            if (l.d_in[i].name == name)
                return int(i);
        return -1;
    };
    for (const std::string& t : in_names) {
        axis a;
        const std::size_t colon = t.find(':');
        a.name = t.substr(0, colon);
        if (colon != std::string::npos) {
            if (!parse_count(t.substr(colon + 1), a.size) || a.size < 1)
                fail("layout axis '" + t + "': the size after ':' must be 1 or more");
        }
        if (a.name.empty() || a.name.find_first_of("=>-") != std::string::npos)
            fail("layout axis '" + t + "' needs a name (letters, digits, '_')");
        if (find(a.name) >= 0)
            fail("layout names axis '" + a.name + "' twice");
        l.d_in.push_back(a);
    }
    for (const std::string& t : sel) {
        const std::size_t eq = t.find('=');
        const int i = eq == std::string::npos ? -1 : find(t.substr(0, eq));
        std::int64_t index = -1;
        if (eq == std::string::npos || !parse_count(t.substr(eq + 1), index))
            fail("select '" + t + "' must be AXIS=INDEX, e.g. 'pols=0'");
        if (i < 0)
            fail("select '" + t + "' names an axis the layout does not have");
        if (l.d_in[i].selected >= 0)
            fail("select fixes axis '" + l.d_in[i].name + "' twice");
        if (l.d_in[i].size > 0 && index >= l.d_in[i].size)
            fail("select '" + t + "': the index must be below the axis size " +
                 std::to_string(l.d_in[i].size));
        l.d_in[i].selected = index;
    }
    if (arrow == std::string::npos) {
        for (std::size_t i = 0; i < l.d_in.size(); i++)
            if (l.d_in[i].selected < 0)
                l.d_order.push_back(i);
        return l;
    }
    for (const std::string& t : tokens(layout.substr(arrow + 2))) {
        const int i = find(t);
        if (i < 0)
            fail("layout output axis '" + t +
                 "' is not one of the item's axes (named before '->', without sizes)");
        if (l.d_in[i].selected >= 0)
            fail("layout output axis '" + t + "' is fixed by select; leave it out");
        if (std::find(l.d_order.begin(), l.d_order.end(), std::size_t(i)) !=
            l.d_order.end())
            fail("layout output names axis '" + t + "' twice");
        l.d_order.push_back(std::size_t(i));
    }
    for (const axis& a : l.d_in)
        if (a.selected < 0 &&
            std::none_of(l.d_order.begin(), l.d_order.end(), [&](std::size_t i) {
                return l.d_in[i].name == a.name;
            }))
            fail("layout output leaves out axis '" + a.name +
                 "': name it after '->' or fix it with select");
    return l;
}

bool axis_layout::sizes_given() const
{
    return std::all_of(
        d_in.begin(), d_in.end(), [](const axis& a) { return a.size > 0; });
}

transpose_plan axis_layout::plan(const std::vector<std::int64_t>& shape,
                                 std::size_t element,
                                 bool pair) const
{
    // Sizes in the layout win over the descriptor's shape, which may be flat.
    std::vector<std::int64_t> dims = sizes_given() ? std::vector<std::int64_t>() : shape;
    if (pair && !dims.empty()) {
        if (dims.back() != 2)
            throw std::invalid_argument(
                "a complex output read from (re, im) pairs needs the item's last axis "
                "to be the pair (of length 2), and leaves it out of the layout");
        dims.pop_back();
    }
    const std::size_t n = d_in.size();
    if (!sizes_given() && dims.size() != n)
        throw std::invalid_argument(
            "the layout names " + std::to_string(n) + " axes but the item's shape has " +
            std::to_string(dims.size()) +
            (dims.empty() ? " (no descriptor yet, or a scalar): give the sizes, as "
                            "'channels:1024'"
                          : (pair ? " besides the (re, im) pair" : "")));
    std::vector<std::size_t> sizes(n);
    for (std::size_t i = 0; i < n; i++) {
        std::int64_t s = d_in[i].size;
        if (s < 1)
            s = dims[i];
        if (s < 0)
            throw std::invalid_argument("axis '" + d_in[i].name +
                                        "' has a variable size in the descriptor: "
                                        "give it as '" +
                                        d_in[i].name + ":SIZE'");
        if (d_in[i].selected >= s)
            throw std::invalid_argument(
                "select " + d_in[i].name + "=" + std::to_string(d_in[i].selected) +
                ": the axis has " + std::to_string(s) + " entries");
        sizes[i] = std::size_t(s);
    }
    std::vector<std::size_t> strides(n);
    std::size_t stride = element;
    for (std::size_t i = n; i-- > 0;) {
        strides[i] = stride;
        stride *= sizes[i];
    }
    std::size_t offset = 0;
    for (std::size_t i = 0; i < n; i++)
        if (d_in[i].selected >= 0)
            offset += std::size_t(d_in[i].selected) * strides[i];
    std::vector<transpose_plan::dim> out;
    for (std::size_t i : d_order)
        out.push_back({ sizes[i], strides[i], 0 });
    return transpose_plan(std::move(out), element, offset, stride);
}

} // namespace spead
} // namespace gr
