/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_LIB_PROTOCOL_PYTHON_REPR_H
#define INCLUDED_SPEAD_LIB_PROTOCOL_PYTHON_REPR_H

#include <string>

namespace gr {
namespace spead {
namespace protocol {

/**
 * \brief A string as Python's repr() spells it: single quotes unless the text holds a
 * single quote and no double quote, backslash escapes for the quote, the backslash and
 * control characters, \\xNN for every byte outside printable ASCII.
 *
 * Internal to the protocol layer: numpy descr strings and headers are written this way so
 * that Python's ast.literal_eval reads back the same text.
 */
std::string python_repr(const std::string& text);

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_LIB_PROTOCOL_PYTHON_REPR_H */
