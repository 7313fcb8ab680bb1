/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#ifndef INCLUDED_SPEAD_RECV_RINGBUFFER_ERRORS_H
#define INCLUDED_SPEAD_RECV_RINGBUFFER_ERRORS_H

#include <chrono>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

/// The ring was stopped and (for a consumer) holds nothing more (spead2's Stopped).
class ringbuffer_stopped : public std::runtime_error
{
public:
    ringbuffer_stopped() : std::runtime_error("ringbuffer stopped") {}
};

/// A non-blocking pop found nothing (spead2's Empty).
class ringbuffer_empty : public std::runtime_error
{
public:
    ringbuffer_empty() : std::runtime_error("ringbuffer is empty") {}
};

/**
 * The default longest spin of a ring side that has to wait, before it sleeps. Waking a
 * sleeping consumer costs the producer (the stream's worker, the bottleneck) a system
 * call and an inter-processor interrupt, far more than a short spin.
 */
constexpr std::chrono::microseconds RING_DEFAULT_MAX_SPIN{ 200 };

} // namespace recv
} // namespace spead
} // namespace gr

#endif /* INCLUDED_SPEAD_RECV_RINGBUFFER_ERRORS_H */
