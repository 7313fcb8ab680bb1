/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "heap_layout.h"
#include "layout_json.h"
#include "send_destinations.h"
#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <stdexcept>
#include <string>

using namespace gr::spead::send;
using gr::spead::protocol::dtype;
using gr::spead::protocol::format_field;

namespace {

template <typename F>
std::string error_of(F f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// Destinations as "host:port" lines, for comparisons.
std::string text_of(const std::vector<endpoint>& d)
{
    std::string out;
    for (const endpoint& e : d)
        out += e.host + ":" + std::to_string(e.port) + "\n";
    return out;
}

} // namespace

class qa_heap_layout : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(qa_heap_layout);
    CPPUNIT_TEST(test_compact_item);
    CPPUNIT_TEST(test_compact_item_errors);
    CPPUNIT_TEST(test_layout_file);
    CPPUNIT_TEST(test_layout_file_errors);
    CPPUNIT_TEST(test_check_items);
    CPPUNIT_TEST(test_descriptors);
    CPPUNIT_TEST(test_immediate_rule);
    CPPUNIT_TEST(test_json_values);
    CPPUNIT_TEST(test_json_errors);
    CPPUNIT_TEST(test_destinations);
    CPPUNIT_TEST_SUITE_END();

public:
    void test_compact_item()
    {
        const layout_item a =
            parse_item_spec("id=0x4300,name=feng_raw,shape=256x4x2,dtype=i1,fill=ramp");
        CPPUNIT_ASSERT_EQUAL(std::string("feng_raw"), a.name);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x4300), a.id);
        CPPUNIT_ASSERT((a.shape == std::vector<std::size_t>{ 256, 4, 2 }));
        CPPUNIT_ASSERT(a.dtype_given && a.format.empty() && !a.immediate);
        CPPUNIT_ASSERT(a.type == dtype::scalar(dtype::kind::signed_int, 1, '|'));
        CPPUNIT_ASSERT(a.fill.type == fill_pattern::kind::ramp);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2048), a.value_bytes());

        const layout_item b = parse_item_spec(
            "name=t,id=5888,immediate,format=u48,value=-1,step_per_frame=2048");
        CPPUNIT_ASSERT(b.immediate && !b.dtype_given);
        CPPUNIT_ASSERT((b.format == std::vector<format_field>{ { 'u', 48 } }));
        CPPUNIT_ASSERT_EQUAL(~std::uint64_t(0), b.rule.value);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2048), b.rule.step_per_frame);

        const layout_item c =
            parse_item_spec("name=x,id=1,immediate=false,format=f64,shape=");
        CPPUNIT_ASSERT(!c.immediate && c.shape.empty());
        CPPUNIT_ASSERT(c.type == dtype::scalar(dtype::kind::floating, 8, '>'));
        CPPUNIT_ASSERT(parse_item_spec("name=y,dtype=>u2").type ==
                       dtype::scalar(dtype::kind::unsigned_int, 2, '>'));
    }

    void test_compact_item_errors()
    {
        std::string e = error_of([] { parse_item_spec("name=x,dtype=q4"); });
        CPPUNIT_ASSERT(contains(e, "item 'x'") && contains(e, "dtype=q4") &&
                       contains(e, "<i1"));
        e = error_of([] { parse_item_spec("dtype=i1,name=x,colour=red"); });
        CPPUNIT_ASSERT(contains(e, "item 'x'") && contains(e, "'colour'") &&
                       contains(e, "step_per_frame"));
        e = error_of([] { parse_item_spec("name=x,shape=4xy"); });
        CPPUNIT_ASSERT(contains(e, "shape=4xy") && contains(e, "256x256x2x2"));
        e = error_of([] { parse_item_spec("name=x,format=u65"); });
        CPPUNIT_ASSERT(contains(e, "format=u65") && contains(e, "f32"));
        e = error_of([] { parse_item_spec("name=x,id=-3"); });
        CPPUNIT_ASSERT(contains(e, "id=-3") && contains(e, "unsigned"));
        e = error_of([] { parse_item_spec("name=x,immediate=maybe"); });
        CPPUNIT_ASSERT(contains(e, "true or false"));
        e = error_of([] { parse_item_spec("name=x,,id=3"); });
        CPPUNIT_ASSERT(contains(e, "empty field"));
        e = error_of([] { parse_item_spec("name=x,fill=ramp:slope=1"); });
        CPPUNIT_ASSERT(contains(e, "item 'x'") && contains(e, "'slope'"));
    }

    void test_layout_file()
    {
        const heap_layout l = parse_layout_json(R"({
            "description": "two items",
            "flavour": 48, "senders": 4, "substreams": 2, "descriptors": false,
            "descriptors_every": 16, "start_heap": true, "stop_heap": false,
            "items": [
              {"name": "t", "id": "0x1600", "immediate": true, "step_per_frame": 10},
              {"name": "d", "id": 5889, "shape": [3, 2], "dtype": "<u2",
               "fill": "noise:seed=2", "description": "data"}
            ]})");
        CPPUNIT_ASSERT_EQUAL(48, *l.heap_address_bits);
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), *l.senders);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), *l.substreams);
        CPPUNIT_ASSERT(!*l.descriptors && *l.start_heap && !*l.stop_heap);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(16), *l.descriptors_every);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), l.items.size());
        CPPUNIT_ASSERT(l.items[0].immediate);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1600), l.items[0].id);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(10), l.items[0].rule.step_per_frame);
        CPPUNIT_ASSERT((l.items[1].shape == std::vector<std::size_t>{ 3, 2 }));
        CPPUNIT_ASSERT_EQUAL(std::string("data"), l.items[1].description);
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(2), l.items[1].fill.seed);
        const heap_layout minimal = parse_layout_json(R"({"items": [{"name": "a"}]})");
        CPPUNIT_ASSERT(!minimal.heap_address_bits && !minimal.senders);
    }

    void test_layout_file_errors()
    {
        std::string e = error_of([] { parse_layout_json(R"({"items": [], "x": 1})"); });
        CPPUNIT_ASSERT(contains(e, "'x'") && contains(e, "descriptors_every"));
        e = error_of([] { parse_layout_json(R"({"items": []})"); });
        CPPUNIT_ASSERT(contains(e, "at least one item"));
        e = error_of([] { parse_layout_json(R"({"flavour": 44, "items": [{}]})"); });
        CPPUNIT_ASSERT(contains(e, "flavour=44") && contains(e, "multiple of 8"));
        e = error_of([] { parse_layout_json(R"({"senders": 0, "items": [{}]})"); });
        CPPUNIT_ASSERT(contains(e, "senders=0") && contains(e, "[1, 1024]"));
        e = error_of([] { parse_layout_json(R"({"start_heap": 1, "items": [{}]})"); });
        CPPUNIT_ASSERT(contains(e, "start_heap") && contains(e, "true or false"));
        e = error_of([] {
            parse_layout_json(R"({"items": [{"id": 3, "shape": true, "name": "z"}]})");
        });
        CPPUNIT_ASSERT(contains(e, "item 'z'") && contains(e, "shape=true"));
        e = error_of([] {
            parse_layout_json(R"({"items": [{"name": "z", "shape": [2, "x"]}]})");
        });
        CPPUNIT_ASSERT(contains(e, "item 'z'") && contains(e, "list of integers"));
        e = error_of(
            [] { parse_layout_json(R"({"items": [{"name": "z", "id": null}]})"); });
        CPPUNIT_ASSERT(contains(e, "id cannot be null"));
        e = error_of([] { read_layout_file("/nonexistent/layout.json"); });
        CPPUNIT_ASSERT(contains(e, "/nonexistent/layout.json"));
    }

    void test_check_items()
    {
        std::vector<layout_item> items{ parse_item_spec("name=t,id=0x1600,immediate"),
                                        parse_item_spec("name=d,id=0x1601,dtype=u1") };
        check_layout_items(items, 40);
        // An immediate without a format takes the flavour's width.
        CPPUNIT_ASSERT((items[0].format == std::vector<format_field>{ { 'u', 40 } }));

        auto error_for = [](std::vector<std::string> specs, int bits) {
            std::vector<layout_item> items;
            for (const auto& s : specs)
                items.push_back(parse_item_spec(s));
            return error_of([&] { check_layout_items(items, bits); });
        };
        std::string e = error_for({}, 40);
        CPPUNIT_ASSERT(contains(e, "no items"));
        e = error_for({ "name=a,id=0x5,immediate" }, 40);
        CPPUNIT_ASSERT(contains(e, "item 'a'") && contains(e, "0x5 is reserved") &&
                       contains(e, "0x16"));
        e = error_for({ "name=a,id=0x12,immediate" }, 40);
        CPPUNIT_ASSERT(contains(e, "reserved"));
        e = error_for({ "name=a,id=0x800000,immediate" }, 40);
        CPPUNIT_ASSERT(contains(e, "too wide") && contains(e, "0x7fffff"));
        e = error_for({ "name=a,id=0x1600,immediate", "name=a,id=0x1601,immediate" }, 40);
        CPPUNIT_ASSERT(contains(e, "item 'a'") && contains(e, "name is used twice"));
        e = error_for({ "name=a,id=0x1600,immediate", "name=b,id=0x1600,immediate" }, 40);
        CPPUNIT_ASSERT(contains(e, "item 'b'") && contains(e, "also item 'a'"));
        e = error_for({ "name=a,id=0x1600,immediate,format=u48" }, 40);
        CPPUNIT_ASSERT(contains(e, "8 to 40 bits") && contains(e, "u40"));
        e = error_for({ "name=a,id=0x1600,immediate,format=u12" }, 40);
        CPPUNIT_ASSERT(contains(e, "whole bytes"));
        e = error_for({ "name=a,id=0x1600,immediate,dtype=u1" }, 40);
        CPPUNIT_ASSERT(contains(e, "format u or i"));
        e = error_for({ "name=a,id=0x1600,immediate,shape=2" }, 40);
        CPPUNIT_ASSERT(contains(e, "no shape"));
        e = error_for({ "name=a,id=0x1600,shape=2" }, 40);
        CPPUNIT_ASSERT(contains(e, "item 'a'") && contains(e, "no type"));
        e = error_for({ "name=a,id=0x1600,shape=2,format=u12" }, 40);
        CPPUNIT_ASSERT(contains(e, "for immediates") && contains(e, "f64"));
        e = error_for({ "id=0x1600,format=u8" }, 40);
        CPPUNIT_ASSERT(contains(e, "item 1") && contains(e, "no name"));
    }

    void test_descriptors()
    {
        layout_item d =
            parse_item_spec("name=d,id=0x1601,shape=3x2,dtype=<i2,description=x");
        auto desc = d.describe();
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(0x1601), desc.id);
        CPPUNIT_ASSERT_EQUAL(std::string("x"), desc.description);
        CPPUNIT_ASSERT_EQUAL(
            std::string("{'descr': '<i2', 'fortran_order': False, 'shape': (3, 2)}"),
            desc.numpy_header);
        CPPUNIT_ASSERT((desc.shape == std::vector<std::int64_t>{ 3, 2 }));
        CPPUNIT_ASSERT(desc.format.empty());
        layout_item f = parse_item_spec("name=f,id=0x1602,shape=4,format=i16");
        desc = f.describe();
        CPPUNIT_ASSERT(desc.numpy_header.empty());
        CPPUNIT_ASSERT((desc.format == std::vector<format_field>{ { 'i', 16 } }));
        CPPUNIT_ASSERT((desc.shape == std::vector<std::int64_t>{ 4 }));
        CPPUNIT_ASSERT(f.type == dtype::scalar(dtype::kind::signed_int, 2, '>'));
    }

    void test_immediate_rule()
    {
        immediate_rule r;
        r.value = 5;
        r.step_per_heap = 1;
        r.step_per_frame = 100;
        r.step_per_sender = 10000;
        r.step_per_substream = 1000000;
        heap_position p;
        p.heap = 7;
        p.frame = 2;
        p.sender = 3;
        p.substream = 4;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(5 + 7 + 200 + 30000 + 4000000), r.at(p));
        r = immediate_rule();
        r.value = ~std::uint64_t(0); // -1
        r.step_per_heap = 1;
        CPPUNIT_ASSERT_EQUAL(std::uint64_t(6), r.at(p));
    }

    void test_json_values()
    {
        const json_value v = parse_json(" {\"a\": [1, -2.5e3, true, false, null], \"s\": "
                                        "\"x\\n\\u00e9\\ud83d\\ude00\\\"\","
                                        " \"o\": {}} ");
        CPPUNIT_ASSERT(v.type == json_value::kind::object);
        CPPUNIT_ASSERT_EQUAL(std::size_t(3), v.members.size());
        const json_value& a = v.members[0].second;
        CPPUNIT_ASSERT_EQUAL(std::size_t(5), a.elements.size());
        CPPUNIT_ASSERT_EQUAL(std::string("1"), a.elements[0].text);
        CPPUNIT_ASSERT_EQUAL(std::string("-2.5e3"), a.elements[1].text);
        CPPUNIT_ASSERT(a.elements[2].boolean && !a.elements[3].boolean);
        CPPUNIT_ASSERT(a.elements[4].type == json_value::kind::null);
        CPPUNIT_ASSERT_EQUAL(std::string("x\n\xc3\xa9\xf0\x9f\x98\x80\""),
                             v.members[1].second.text);
        CPPUNIT_ASSERT(v.members[2].second.type == json_value::kind::object);
    }

    void test_json_errors()
    {
        std::string e = error_of([] { parse_json("{\n  \"a\": 1,\n}"); });
        CPPUNIT_ASSERT(contains(e, "line 3 column 1") && contains(e, "double quotes"));
        e = error_of([] { parse_json("{\"a\": 1, \"a\": 2}"); });
        CPPUNIT_ASSERT(contains(e, "\"a\" repeated"));
        e = error_of([] { parse_json("[1] 2"); });
        CPPUNIT_ASSERT(contains(e, "after the document"));
        e = error_of([] { parse_json("\"abc"); });
        CPPUNIT_ASSERT(contains(e, "unterminated"));
        e = error_of([] { parse_json("[01.]"); });
        CPPUNIT_ASSERT(contains(e, "digit"));
        e = error_of([] { parse_json(std::string(40, '[') + std::string(40, ']')); });
        CPPUNIT_ASSERT(contains(e, "nested too deeply"));
        e = error_of([] { parse_json("'a'"); });
        CPPUNIT_ASSERT(contains(e, "expected a value"));
    }

    void test_destinations()
    {
        std::vector<endpoint> d = parse_destinations("239.10.0.254+3:7148", 9);
        CPPUNIT_ASSERT_EQUAL(std::string("239.10.0.254:7148\n239.10.0.255:7148\n"
                                         "239.10.1.0:7148\n239.10.1.1:7148\n"),
                             text_of(d));
        d = parse_destinations("[ff15::1]+1,localhost,10.0.0.1:5", 9);
        CPPUNIT_ASSERT_EQUAL(
            std::string("ff15::1:9\nff15::2:9\nlocalhost:9\n10.0.0.1:5\n"), text_of(d));
        std::string e = error_of([] { parse_destinations("name+2", 9); });
        CPPUNIT_ASSERT(contains(e, "'name+2'") && contains(e, "literal address") &&
                       contains(e, "HOST[+N][:PORT]"));
        e = error_of([] { parse_destinations("1.2.3.4:70000", 9); });
        CPPUNIT_ASSERT(contains(e, "70000 is above 65535"));
        e = error_of([] { parse_destinations("ff15::1", 9); });
        CPPUNIT_ASSERT(contains(e, "brackets"));
        e = error_of([] { parse_destinations("255.255.255.255+1", 9); });
        CPPUNIT_ASSERT(contains(e, "past the end"));
        e = error_of([] { parse_destinations("1.2.3.4+9999", 9); });
        CPPUNIT_ASSERT(contains(e, "above 4095"));
        e = error_of([] { parse_destinations(",", 9); });
        CPPUNIT_ASSERT(contains(e, "no host"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(qa_heap_layout);
