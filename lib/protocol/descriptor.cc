/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/protocol/decode_error.h>
#include <gnuradio/spead/protocol/descriptor.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/item_pointer.h>
#include <gnuradio/spead/protocol/packet.h>
#include <gnuradio/spead/protocol/simple_heap.h>
#include <algorithm>
#include <climits>
#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

namespace {

/// Sizes of the FORMAT and SHAPE fields (SPEAD-PROTOCOL.md section 5): they follow the
/// flavour's pointer layout, or PySPEAD 0.5.2's fixed 4 and 8 bytes.
struct field_layout {
    std::size_t format_width;
    std::size_t shape_width;
    std::uint8_t variable_flag;

    field_layout(int heap_address_bits, int bug_compat)
    {
        const bool fixed_widths = (bug_compat & BUG_COMPAT_DESCRIPTOR_WIDTHS) != 0;
        format_width = fixed_widths ? 4 : 1 + std::size_t(64 - heap_address_bits) / 8;
        shape_width = fixed_widths ? 8 : 1 + std::size_t(heap_address_bits) / 8;
        variable_flag = (bug_compat & BUG_COMPAT_SHAPE_BIT_1) ? 0x02 : 0x01;
    }
};

/// Big-endian unsigned number of \p length bytes (at most 8).
std::uint64_t load_be(const std::uint8_t* p, std::size_t length)
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < length; i++)
        v = (v << 8) | p[i];
    return v;
}

/// Writes the low \p length bytes of \p v big-endian.
void store_be(std::uint8_t* p, std::size_t length, std::uint64_t v)
{
    for (std::size_t i = length; i-- > 0;) {
        p[i] = std::uint8_t(v);
        v >>= 8;
    }
}

/// Largest value a big-endian field of \p bytes bytes holds.
std::uint64_t max_for_bytes(std::size_t bytes)
{
    return bytes >= 8 ? ~std::uint64_t(0) : (std::uint64_t(1) << (8 * bytes)) - 1;
}

/// The bytes of one item of the descriptor heap. An immediate item's bytes are the
/// heap_address_bits / 8 bytes of its value field, big-endian, as spead2 presents them.
std::vector<std::uint8_t> item_bytes(const simple_heap& heap, const heap_item& item)
{
    if (item.immediate) {
        const std::size_t size = std::size_t(heap.heap_address_bits) / 8;
        std::vector<std::uint8_t> out(size);
        store_be(out.data(), size, item.value);
        return out;
    }
    const auto begin = heap.payload.begin() + std::ptrdiff_t(item.offset);
    return std::vector<std::uint8_t>(begin, begin + std::ptrdiff_t(item.length));
}

std::string as_text(const std::vector<std::uint8_t>& bytes)
{
    return std::string(bytes.begin(), bytes.end());
}

/// Appends the FORMAT fields of \p bytes to \p out. Only whole fields are read: a
/// partial one at the end (a sender using other widths, such as PySPEAD's without
/// bug_compat) is ignored, as spead2 does.
void decode_format(const std::vector<std::uint8_t>& bytes,
                   const field_layout& layout,
                   std::vector<format_field>& out)
{
    const std::size_t width = layout.format_width;
    for (std::size_t i = 0; i + width <= bytes.size(); i += width) {
        const std::uint64_t bits = load_be(&bytes[i + 1], width - 1);
        // Only address widths below 32 bits give fields wide enough to overflow.
        if (bits > std::uint64_t(INT_MAX))
            throw decode_error("descriptor FORMAT field " + std::to_string(i / width) +
                               " has an absurd bit length " + std::to_string(bits));
        format_field f;
        f.code = char(bytes[i]);
        f.bits = int(bits);
        out.push_back(f);
    }
}

/// Appends the SHAPE dimensions of \p bytes to \p out (-1 for a variable one), whole
/// fields only as in decode_format. Several variable dimensions are kept: the item's
/// type rejects them when its values are decoded, as spead2's does.
void decode_shape(const std::vector<std::uint8_t>& bytes,
                  const field_layout& layout,
                  std::vector<std::int64_t>& out)
{
    const std::size_t width = layout.shape_width;
    for (std::size_t i = 0; i + width <= bytes.size(); i += width) {
        if (bytes[i] & layout.variable_flag)
            out.push_back(-1); // its size bytes mean nothing
        else // at most 7 size bytes (shape_width <= 8), so the value fits int64
            out.push_back(std::int64_t(load_be(&bytes[i + 1], width - 1)));
    }
}

} // namespace

std::optional<descriptor>
decode_descriptor(const std::uint8_t* data, std::size_t length, int bug_compat)
{
    const std::vector<simple_heap> heaps = assemble_packet_stream(data, length);
    if (heaps.empty())
        throw decode_error("descriptor item holds no SPEAD packet");
    if (heaps.size() != 1)
        throw decode_error("descriptor item holds " + std::to_string(heaps.size()) +
                           " heaps instead of one");
    const simple_heap& heap = heaps.front();
    if (!heap.complete())
        throw decode_error(
            "descriptor heap is incomplete: " + std::to_string(heap.received_bytes) +
            " of " + std::to_string(heap.payload.size()) + " payload bytes arrived");

    const field_layout layout(heap.heap_address_bits, bug_compat);
    descriptor out;
    bool have_id = false;
    // A repeated NAME, DESCRIPTION or DTYPE replaces the earlier one; a repeated FORMAT
    // or SHAPE adds its fields (spead2's reading of such a heap).
    for (const heap_item& item : heap.items()) {
        switch (item.id) {
        case DESCRIPTOR_ID_ID:
            // An addressed ID has no defined width: spead2 ignores it, so do we.
            if (item.immediate) {
                out.id = item.value;
                have_id = true;
            }
            break;
        case DESCRIPTOR_NAME_ID:
            out.name = as_text(item_bytes(heap, item));
            break;
        case DESCRIPTOR_DESCRIPTION_ID:
            out.description = as_text(item_bytes(heap, item));
            break;
        case DESCRIPTOR_FORMAT_ID:
            decode_format(item_bytes(heap, item), layout, out.format);
            break;
        case DESCRIPTOR_SHAPE_ID:
            decode_shape(item_bytes(heap, item), layout, out.shape);
            break;
        case DESCRIPTOR_DTYPE_ID:
            out.numpy_header = as_text(item_bytes(heap, item));
            break;
        default:
            break; // unknown items in a descriptor are ignored
        }
    }
    // ID 0 is NULL (padding): a descriptor for it describes nothing (spead2 drops it
    // too).
    if (!have_id || out.id == NULL_ID)
        return std::nullopt;
    return out;
}

std::vector<std::uint8_t> encode_descriptor(const descriptor& desc, const flavour& flav)
{
    const int address_bits = flav.heap_address_bits();
    const field_layout layout(address_bits, flav.bug_compat());

    // The ID is both an item ID (in the pointers of the described item) and the
    // immediate value of DESCRIPTOR_ID here, so it must fit both fields.
    const std::uint64_t max_id = std::min(flav.max_id(), flav.max_address());
    if (desc.id == NULL_ID || desc.id > max_id)
        throw std::invalid_argument("descriptor ID " + std::to_string(desc.id) +
                                    " does not fit the flavour (1 to " +
                                    std::to_string(max_id) + ")");
    const std::uint64_t max_bits = max_for_bytes(layout.format_width - 1);
    for (const format_field& f : desc.format)
        if (f.bits < 0 || std::uint64_t(f.bits) > max_bits)
            throw std::invalid_argument(
                "descriptor format field ('" + std::string(1, f.code) + "', " +
                std::to_string(f.bits) + ") does not fit a " +
                std::to_string(layout.format_width) + "-byte format field");
    const std::uint64_t max_dim = max_for_bytes(layout.shape_width - 1);
    int variable_dims = 0;
    for (const std::int64_t dim : desc.shape) {
        if (dim < 0)
            variable_dims++;
        else if (std::uint64_t(dim) > max_dim)
            throw std::invalid_argument(
                "descriptor dimension " + std::to_string(dim) + " does not fit a " +
                std::to_string(layout.shape_width) + "-byte shape field");
    }
    if (variable_dims > 1)
        throw std::invalid_argument("descriptor shape has " +
                                    std::to_string(variable_dims) +
                                    " variable dimensions; at most one is allowed");

    const bool have_numpy = !desc.numpy_header.empty();
    const std::size_t format_size = desc.format.size() * layout.format_width;
    const std::size_t shape_size = desc.shape.size() * layout.shape_width;
    const std::size_t payload_size = desc.name.size() + desc.description.size() +
                                     format_size + shape_size + desc.numpy_header.size();
    if (payload_size > flav.max_address())
        throw std::invalid_argument("descriptor payload of " +
                                    std::to_string(payload_size) +
                                    " bytes does not fit the flavour's " +
                                    std::to_string(address_bits) + "-bit addresses");

    // Same layout as spead2: the four packet items, the ID, then one addressed pointer
    // per field in payload order (HEAP_CNT is always 1, as spead2 writes it).
    std::vector<std::uint64_t> pointers;
    auto immediate = [&](std::uint64_t id, std::uint64_t value) {
        pointers.push_back(item_pointer{ true, id, value }.encode(address_bits));
    };
    std::uint64_t offset = 0;
    auto addressed = [&](std::uint64_t id, std::size_t size) {
        pointers.push_back(item_pointer{ false, id, offset }.encode(address_bits));
        offset += size;
    };
    immediate(HEAP_CNT_ID, 1);
    immediate(HEAP_LENGTH_ID, payload_size);
    immediate(PAYLOAD_OFFSET_ID, 0);
    immediate(PAYLOAD_LENGTH_ID, payload_size);
    immediate(DESCRIPTOR_ID_ID, desc.id);
    addressed(DESCRIPTOR_NAME_ID, desc.name.size());
    addressed(DESCRIPTOR_DESCRIPTION_ID, desc.description.size());
    addressed(DESCRIPTOR_FORMAT_ID, format_size);
    addressed(DESCRIPTOR_SHAPE_ID, shape_size);
    if (have_numpy)
        addressed(DESCRIPTOR_DTYPE_ID, desc.numpy_header.size());

    std::vector<std::uint8_t> out(PACKET_HEADER_SIZE +
                                  ITEM_POINTER_SIZE * pointers.size() + payload_size);
    out[0] = SPEAD_MAGIC;
    out[1] = SPEAD_VERSION;
    out[2] = std::uint8_t((64 - address_bits) / 8);
    out[3] = std::uint8_t(address_bits / 8);
    store_be(&out[6], 2, pointers.size());
    std::uint8_t* p = &out[PACKET_HEADER_SIZE];
    for (const std::uint64_t pointer : pointers) {
        store_be64(p, pointer);
        p += ITEM_POINTER_SIZE;
    }
    p = std::copy(desc.name.begin(), desc.name.end(), p);
    p = std::copy(desc.description.begin(), desc.description.end(), p);
    for (const format_field& f : desc.format) {
        p[0] = std::uint8_t(f.code);
        store_be(p + 1, layout.format_width - 1, std::uint64_t(f.bits));
        p += layout.format_width;
    }
    for (const std::int64_t dim : desc.shape) {
        // A variable dimension carries its flag and a zero size.
        p[0] = dim < 0 ? layout.variable_flag : 0;
        store_be(p + 1, layout.shape_width - 1, dim < 0 ? 0 : std::uint64_t(dim));
        p += layout.shape_width;
    }
    std::copy(desc.numpy_header.begin(), desc.numpy_header.end(), p);
    return out;
}

} // namespace protocol
} // namespace spead
} // namespace gr
