/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SAMPLE_PACKER_H
#define INCLUDED_SPEAD_SAMPLE_PACKER_H

// Private to the sink blocks, free of GNU Radio types (tested by qa_spead_blocks): packs
// an input's samples into an item's wire bytes (the reverse of sample_converter), with
// VOLK, and says how the item is described (numpy dtype and shape).

#include "sample_converter.h"
#include <gnuradio/spead/protocol/numpy_header.h>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gr {
namespace spead {

/// What goes on the wire for an input.
enum class wire_choice {
    native, ///< the samples as they are, little-endian (complex: '<c8', float: '<f4'...)
    int8,   ///< float and complex inputs: x * scale rounded to int8 (complex: re, im)
    int16,  ///< float and complex inputs: x * scale rounded to int16 (complex: re, im)
    /// native, big-endian (complex: '>c8', float: '>f4', int '>i4', short '>i2'), for
    /// receivers that take SPEAD's big-endian convention without reading descriptors
    native_be,
    int16_be, ///< int16, big-endian ('>i2')
};

/// \throws std::invalid_argument naming \p parameter for anything but "" or "native",
/// "int8", "int16", "native_be", "int16_be".
wire_choice parse_wire_choice(const std::string& text, const std::string& parameter);

class sample_packer
{
public:
    /**
     * \param input the input's sample type
     * \param vlen samples per input item (1 or more)
     * \param wire native, or int8/int16 for float and complex inputs (a byte input may
     *        also be described as int8)
     * \param scale float and complex inputs to integers: the factor before rounding
     *        (values beyond the integer's range saturate)
     * \throws std::invalid_argument naming \p parameter when the wire choice does not
     *         apply to the input type, vlen is 0 or scale is not finite and positive
     */
    sample_packer(sample_type input,
                  std::size_t vlen,
                  wire_choice wire,
                  double scale,
                  const std::string& parameter);

    /// Wire bytes of one input item (vlen samples).
    std::size_t wire_bytes_per_item() const { return d_wire_bytes_per_item; }
    /// Bytes of one input item in the input buffer.
    std::size_t input_bytes_per_item() const { return sample_size(d_input) * d_vlen; }

    /// Packs \p n_items input items at \p in (any alignment) into \p out.
    void pack(const void* in, std::size_t n_items, std::uint8_t* out) const;

    /**
     * \brief The numpy header of an item holding \p items_per_heap input items:
     * shape (items_per_heap[, vlen][, 2]) — vlen when above 1, 2 for a complex input
     * packed as integer (re, im) pairs.
     */
    protocol::numpy_header describe(std::size_t items_per_heap) const;

private:
    sample_type d_input;
    std::size_t d_vlen;
    wire_choice d_wire; ///< native, int8 or int16
    bool d_big_endian;  ///< multi-byte wire scalars byte-swapped
    float d_scale;
    std::size_t d_wire_bytes_per_item;
};

} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SAMPLE_PACKER_H */
