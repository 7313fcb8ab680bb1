/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// pcap send streams: one UDP frame per packet, read back by the capture reader.

#include "qa_send_support.h"
#include <gnuradio/spead/protocol/pcap_file.h>
#include <gnuradio/spead/send/pcap_stream.h>
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>
#include <cstdio>
#include <stdexcept>
#include <string>

using gr::spead::protocol::flavour;
using gr::spead::send::heap;
using gr::spead::send::pcap_stream;
namespace qa = gr::spead::qa;

class qa_pcap_stream : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_pcap_stream);
    CPPUNIT_TEST(test_frames_are_the_packets);
    CPPUNIT_TEST(test_unwritable_path_names_it);
    CPPUNIT_TEST_SUITE_END();

    static std::string temp_path(const char* name)
    {
        ::mkdir(SPEAD_TEST_TMPDIR, 0755);
        return std::string(SPEAD_TEST_TMPDIR) + "/" + name;
    }

public:
    void test_frames_are_the_packets()
    {
        const std::string path = temp_path("qa_pcap_stream.pcap");
        const auto value = qa::ramp_bytes(5000);
        heap h(flavour(4, 64, 48));
        h.add_item(0x1600, 12345);
        h.add_item(0x1000, value.data(), value.size(), false);
        heap end(flavour(4, 64, 48));
        end.add_end();
        {
            pcap_stream s(path, 7148);
            s.send_heap(h, 7);
            s.send_heap(end, 8);
        }
        auto expected = qa::expected_packets(h, 7, 1472);
        const auto tail = qa::expected_packets(end, 8, 1472);
        expected.insert(expected.end(), tail.begin(), tail.end());
        const auto frames = gr::spead::protocol::read_pcap_udp(path);
        CPPUNIT_ASSERT_EQUAL(expected.size(), frames.size());
        for (std::size_t i = 0; i < frames.size(); i++) {
            CPPUNIT_ASSERT_EQUAL(std::uint16_t(7148), frames[i].dst_port);
            CPPUNIT_ASSERT(frames[i].payload == expected[i]);
        }
        std::remove(path.c_str());
    }

    void test_unwritable_path_names_it()
    {
        try {
            pcap_stream s("/nonexistent-folder/x.pcap", 7148);
            CPPUNIT_FAIL("made a file in a folder that does not exist");
        } catch (const std::runtime_error& e) {
            CPPUNIT_ASSERT(std::string(e.what()).find("/nonexistent-folder/x.pcap") !=
                           std::string::npos);
        }
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_pcap_stream);
