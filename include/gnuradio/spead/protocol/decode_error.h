/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_DECODE_ERROR_H
#define INCLUDED_SPEAD_PROTOCOL_DECODE_ERROR_H

#include <stdexcept>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief A heap's contents cannot be interpreted (bad descriptor, numpy header, format,
 * or too few bytes for a shape).
 *
 * Derives from std::invalid_argument so that Python sees a ValueError. It concerns one
 * heap only: callers report it and go on with the next heap.
 */
class decode_error : public std::invalid_argument
{
public:
    explicit decode_error(const std::string& what) : std::invalid_argument(what) {}
};

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_DECODE_ERROR_H */
