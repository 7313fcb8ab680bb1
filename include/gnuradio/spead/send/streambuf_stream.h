/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_SEND_STREAMBUF_STREAM_H
#define INCLUDED_SPEAD_SEND_STREAMBUF_STREAM_H

#include <gnuradio/spead/send/stream.h>
#include <streambuf>

namespace gr {
namespace spead {
namespace send {

/**
 * \brief A send stream that writes its packets back to back into a std::streambuf
 * (spead2's streambuf_stream; a file, or memory as Python's BytesStream): the format a
 * memory or TCP reader takes. One substream. A short write fails the heap with EIO.
 * The streambuf must outlive the stream and is written from the stream's thread only.
 */
class streambuf_stream : public stream
{
public:
    explicit streambuf_stream(std::streambuf& streambuf,
                              const stream_config& config = stream_config());
};

} // namespace send
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_SEND_STREAMBUF_STREAM_H */
