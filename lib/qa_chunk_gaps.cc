/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Runs of missing heaps in a chunk's presence array.

#include "chunk_gaps.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>

namespace gr {
namespace spead {

class qa_chunk_gaps : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_chunk_gaps);
    CPPUNIT_TEST(test_runs);
    CPPUNIT_TEST_SUITE_END();

    static std::vector<std::size_t> flat(const std::vector<heap_run>& runs)
    {
        std::vector<std::size_t> out;
        for (const heap_run& r : runs) {
            out.push_back(r.first);
            out.push_back(r.count);
        }
        return out;
    }

public:
    void test_runs()
    {
        const std::uint8_t all[] = { 1, 1, 1 };
        CPPUNIT_ASSERT(missing_runs(all, 3).empty());
        const std::uint8_t none[] = { 0, 0, 0, 0 };
        CPPUNIT_ASSERT(flat(missing_runs(none, 4)) == std::vector<std::size_t>({ 0, 4 }));
        const std::uint8_t mixed[] = { 0, 1, 1, 0, 0, 1, 0 };
        CPPUNIT_ASSERT(flat(missing_runs(mixed, 7)) ==
                       std::vector<std::size_t>({ 0, 1, 3, 2, 6, 1 }));
        CPPUNIT_ASSERT(missing_runs(mixed, 0).empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_chunk_gaps);

} // namespace spead
} // namespace gr
