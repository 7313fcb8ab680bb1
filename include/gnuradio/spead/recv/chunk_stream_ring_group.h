/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_CHUNK_STREAM_RING_GROUP_H
#define INCLUDED_SPEAD_RECV_CHUNK_STREAM_RING_GROUP_H

#include <gnuradio/spead/recv/chunk_ring_stream.h>
#include <gnuradio/spead/recv/chunk_stream_group.h>
#include <memory>

namespace gr {
namespace spead {
namespace recv {

/**
 * \brief A chunk stream group whose chunks come from a ring of free chunks and go to a
 * ring of filled ones (spead2's chunk_stream_ring_group), as chunk_ring_stream does
 * for one stream.
 *
 * The allocate function of the configuration is replaced; its ready function, if set,
 * is called before each chunk is queued. Each member is a producer of the data ring:
 * when every member has stopped on its own (stop item, end of input), the ring stops
 * after the chunks queued. stop() (of the group or of any member) stops both rings at
 * once, so that it never waits for a consumer; chunks the stopped data ring refuses
 * are destroyed by the thread calling stop(). The rings may be shared between groups
 * that are started and stopped together.
 */
class chunk_stream_ring_group : public chunk_ring_pair, public chunk_stream_group
{
public:
    chunk_stream_ring_group(const chunk_stream_group_config& config,
                            std::shared_ptr<chunk_ringbuffer> data_ring,
                            std::shared_ptr<chunk_ringbuffer> free_ring);
    ~chunk_stream_ring_group() override;

    void stop() override;

protected:
    void stream_added(chunk_stream_group_member& member) override;
    void stream_stop_received(chunk_stream_group_member& member) override;
};

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_CHUNK_STREAM_RING_GROUP_H */
