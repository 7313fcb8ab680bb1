/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_PROTOCOL_ITEM_IDS_H
#define INCLUDED_SPEAD_PROTOCOL_ITEM_IDS_H

#include <cstdint>

namespace gr {
namespace spead {
namespace protocol {

/// \name Reserved item IDs (SPEAD-PROTOCOL.md section 3)
/// @{
constexpr std::uint64_t NULL_ID = 0x00;
constexpr std::uint64_t HEAP_CNT_ID = 0x01;
constexpr std::uint64_t HEAP_LENGTH_ID = 0x02;
constexpr std::uint64_t PAYLOAD_OFFSET_ID = 0x03;
constexpr std::uint64_t PAYLOAD_LENGTH_ID = 0x04;
constexpr std::uint64_t DESCRIPTOR_ID = 0x05;
constexpr std::uint64_t STREAM_CTRL_ID = 0x06;
constexpr std::uint64_t DESCRIPTOR_NAME_ID = 0x10;
constexpr std::uint64_t DESCRIPTOR_DESCRIPTION_ID = 0x11;
constexpr std::uint64_t DESCRIPTOR_SHAPE_ID = 0x12;
constexpr std::uint64_t DESCRIPTOR_FORMAT_ID = 0x13;
constexpr std::uint64_t DESCRIPTOR_ID_ID = 0x14;
constexpr std::uint64_t DESCRIPTOR_DTYPE_ID = 0x15;
/// @}

/// \name Values of the STREAM_CTRL item
/// @{
constexpr std::uint64_t CTRL_STREAM_START = 0;
constexpr std::uint64_t CTRL_DESCRIPTOR_REISSUE = 1;
constexpr std::uint64_t CTRL_STREAM_STOP = 2;
constexpr std::uint64_t CTRL_DESCRIPTOR_UPDATE = 3;
/// @}

/// Item IDs at or below this describe packets or the stream and never carry user values.
constexpr std::uint64_t MAX_CONTROL_ID = STREAM_CTRL_ID;

} // namespace protocol
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_PROTOCOL_ITEM_IDS_H */
