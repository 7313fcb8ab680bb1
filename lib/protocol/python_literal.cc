/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "python_literal.h"
#include "python_repr.h"
#include <gnuradio/spead/protocol/decode_error.h>
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>

namespace gr {
namespace spead {
namespace protocol {

const char* python_literal::kind_name() const
{
    switch (type) {
    case kind::string:
        return "str";
    case kind::integer:
        return "int";
    case kind::boolean:
        return "bool";
    case kind::none:
        return "None";
    case kind::list:
        return "list";
    case kind::tuple:
        return "tuple";
    case kind::dict:
        return "dict";
    }
    return "?";
}

std::string python_literal::repr() const
{
    std::string out;
    switch (type) {
    case kind::string:
        return python_repr(text);
    case kind::integer:
        return std::to_string(integer);
    case kind::boolean:
        return boolean ? "True" : "False";
    case kind::none:
        return "None";
    case kind::list:
    case kind::tuple:
        out += type == kind::list ? '[' : '(';
        for (std::size_t i = 0; i < elements.size(); i++) {
            if (i > 0)
                out += ", ";
            out += elements[i].repr();
        }
        if (type == kind::tuple && elements.size() == 1)
            out += ',';
        out += type == kind::list ? ']' : ')';
        return out;
    case kind::dict:
        out += '{';
        for (std::size_t i = 0; i < entries.size(); i++) {
            if (i > 0)
                out += ", ";
            out += python_repr(entries[i].first) + ": " + entries[i].second.repr();
        }
        out += '}';
        return out;
    }
    return out;
}

namespace {

/**
 * Recursive descent over the text, one function per construct. Every read goes through
 * peek()/at_end(), so no input can read past the end; depth is bounded so no input can
 * exhaust the stack.
 */
class literal_parser
{
public:
    explicit literal_parser(const std::string& text) : d_text(text) {}

    python_literal parse_document()
    {
        skip_whitespace();
        python_literal value = parse_value(0);
        skip_whitespace();
        if (!at_end())
            fail("unexpected text after the value");
        return value;
    }

private:
    const std::string& d_text;
    std::size_t d_pos = 0;

    bool at_end() const { return d_pos >= d_text.size(); }
    char peek() const { return at_end() ? '\0' : d_text[d_pos]; }

    [[noreturn]] void fail(const std::string& what) const
    {
        // Quote a window of the text around the problem so that the message names the
        // bad value without copying a possibly huge input.
        constexpr std::size_t context = 24;
        const std::size_t from = d_pos > context ? d_pos - context : 0;
        const std::size_t to = std::min(d_text.size(), d_pos + context);
        std::string excerpt = d_text.substr(from, to - from);
        throw decode_error("Python literal: " + what + " at offset " +
                           std::to_string(d_pos) + " near " + python_repr(excerpt) +
                           (from > 0 || to < d_text.size() ? " (excerpt)" : ""));
    }

    std::string describe_current() const
    {
        if (at_end())
            return "end of text";
        return python_repr(std::string(1, peek()));
    }

    void skip_whitespace()
    {
        while (!at_end()) {
            const char c = peek();
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
                d_pos++;
            else
                break;
        }
    }

    void expect(char c)
    {
        if (peek() != c || at_end())
            fail(std::string("expected '") + c + "', found " + describe_current());
        d_pos++;
    }

    python_literal parse_value(int depth)
    {
        if (depth > PYTHON_LITERAL_MAX_DEPTH)
            fail("nesting deeper than " + std::to_string(PYTHON_LITERAL_MAX_DEPTH) +
                 " levels");
        const char c = peek();
        if (at_end())
            fail("expected a value, found end of text");
        if (c == '\'' || c == '"')
            return parse_string();
        if (c == '-' || c == '+' || (c >= '0' && c <= '9'))
            return parse_integer();
        if (c == '{')
            return parse_dict(depth);
        if (c == '[')
            return parse_list(depth);
        if (c == '(')
            return parse_parenthesised(depth);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
            return parse_name();
        fail("expected a value, found " + describe_current());
    }

    python_literal parse_name()
    {
        const std::size_t start = d_pos;
        while (!at_end()) {
            const char c = peek();
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                (c >= '0' && c <= '9'))
                d_pos++;
            else
                break;
        }
        const std::string name = d_text.substr(start, d_pos - start);
        python_literal out;
        if (name == "True" || name == "False") {
            out.type = python_literal::kind::boolean;
            out.boolean = name == "True";
        } else if (name == "None") {
            out.type = python_literal::kind::none;
        } else {
            d_pos = start;
            // Names, calls and string prefixes are code, not data: never evaluated.
            fail("unsupported name " + python_repr(name.substr(0, 40)));
        }
        return out;
    }

    python_literal parse_integer()
    {
        const std::size_t start = d_pos;
        bool negative = false;
        if (peek() == '-' || peek() == '+') {
            negative = peek() == '-';
            d_pos++;
            skip_whitespace();
        }
        if (at_end() || peek() < '0' || peek() > '9')
            fail("expected digits, found " + describe_current());
        const bool leading_zero = peek() == '0';
        // Magnitude up to 2^63 so that the most negative int64 is representable.
        const std::uint64_t limit = std::uint64_t(1) << 63;
        std::uint64_t magnitude = 0;
        bool nonzero = false;
        bool previous_was_digit = false;
        while (!at_end()) {
            const char c = peek();
            if (c >= '0' && c <= '9') {
                const unsigned digit = unsigned(c - '0');
                if (magnitude > (limit - digit) / 10) {
                    d_pos = start;
                    fail("integer does not fit 64 bits");
                }
                magnitude = magnitude * 10 + digit;
                nonzero = nonzero || digit != 0;
                previous_was_digit = true;
            } else if (c == '_' && previous_was_digit) {
                previous_was_digit = false;
            } else {
                break;
            }
            d_pos++;
        }
        if (!previous_was_digit)
            fail("integer ends with '_'");
        if (peek() == '.' || peek() == 'e' || peek() == 'E' || peek() == 'x' ||
            peek() == 'X' || peek() == 'o' || peek() == 'O' || peek() == 'b' ||
            peek() == 'B' || peek() == 'j' || peek() == 'J')
            fail("only decimal integers are supported, found " + describe_current());
        // Python rejects "007": a number may only start with 0 when it is all zeros.
        if (leading_zero && nonzero) {
            d_pos = start;
            fail("integer with leading zeros");
        }
        if (!negative && magnitude == limit) {
            d_pos = start;
            fail("integer does not fit 64 bits");
        }
        python_literal out;
        out.type = python_literal::kind::integer;
        out.integer = negative ? std::int64_t(0 - magnitude) : std::int64_t(magnitude);
        return out;
    }

    static int hex_value(char c)
    {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    // Called with d_pos just after the backslash.
    void parse_escape(std::string& out)
    {
        if (at_end())
            fail("unterminated string");
        const char c = peek();
        d_pos++;
        switch (c) {
        case '\n':
            return; // line continuation inside a string
        case '\\':
        case '\'':
        case '"':
            out += c;
            return;
        case 'a':
            out += '\a';
            return;
        case 'b':
            out += '\b';
            return;
        case 'f':
            out += '\f';
            return;
        case 'n':
            out += '\n';
            return;
        case 'r':
            out += '\r';
            return;
        case 't':
            out += '\t';
            return;
        case 'v':
            out += '\v';
            return;
        case 'x': {
            const int high = hex_value(peek());
            const int low = at_end() || d_pos + 1 >= d_text.size()
                                ? -1
                                : hex_value(d_text[d_pos + 1]);
            if (high < 0 || low < 0)
                fail("\\x escape needs two hex digits");
            d_pos += 2;
            out += static_cast<char>(high * 16 + low);
            return;
        }
        case 'N':
        case 'u':
        case 'U':
            d_pos--;
            fail(std::string("unsupported escape \\") + c);
        default:
            break;
        }
        if (c >= '0' && c <= '7') {
            int value = c - '0';
            for (int i = 0; i < 2 && peek() >= '0' && peek() <= '7' && !at_end(); i++) {
                value = value * 8 + (peek() - '0');
                d_pos++;
            }
            if (value > 0xff)
                fail("octal escape beyond \\377");
            out += static_cast<char>(value);
            return;
        }
        // Python keeps an unknown escape as written, backslash included.
        out += '\\';
        out += c;
    }

    python_literal parse_string()
    {
        const char quote = peek();
        d_pos++;
        python_literal out;
        out.type = python_literal::kind::string;
        while (true) {
            if (at_end())
                fail("unterminated string");
            const char c = peek();
            if (c == quote) {
                d_pos++;
                break;
            }
            if (c == '\n' || c == '\r')
                fail("line break inside a string");
            if (c == '\0')
                fail("NUL byte inside a string");
            if (static_cast<unsigned char>(c) >= 0x80)
                fail("non-ASCII byte inside a string");
            d_pos++;
            if (c == '\\')
                parse_escape(out.text);
            else
                out.text += c;
        }
        return out;
    }

    /// Elements separated by commas up to \p close; returns whether a comma was seen
    /// (which is what makes "(x,)" a tuple and "(x)" just x).
    bool parse_elements(char close, int depth, std::vector<python_literal>& out)
    {
        bool saw_comma = false;
        skip_whitespace();
        while (peek() != close || at_end()) {
            out.push_back(parse_value(depth + 1));
            skip_whitespace();
            if (peek() == ',' && !at_end()) {
                saw_comma = true;
                d_pos++;
                skip_whitespace();
            } else if (peek() != close || at_end()) {
                fail(std::string("expected ',' or '") + close + "', found " +
                     describe_current());
            }
        }
        d_pos++;
        return saw_comma;
    }

    python_literal parse_list(int depth)
    {
        d_pos++;
        python_literal out;
        out.type = python_literal::kind::list;
        parse_elements(']', depth, out.elements);
        return out;
    }

    python_literal parse_parenthesised(int depth)
    {
        d_pos++;
        python_literal out;
        out.type = python_literal::kind::tuple;
        const bool saw_comma = parse_elements(')', depth, out.elements);
        if (out.elements.size() == 1 && !saw_comma) {
            python_literal inner = std::move(out.elements.front());
            return inner;
        }
        return out;
    }

    python_literal parse_dict(int depth)
    {
        d_pos++;
        python_literal out;
        out.type = python_literal::kind::dict;
        std::set<std::string> seen_keys;
        skip_whitespace();
        while (peek() != '}' || at_end()) {
            const std::size_t key_pos = d_pos;
            python_literal key = parse_value(depth + 1);
            if (key.type != python_literal::kind::string) {
                d_pos = key_pos;
                fail(std::string("dict key must be a str, not ") + key.kind_name());
            }
            if (!seen_keys.insert(key.text).second) {
                d_pos = key_pos;
                fail("repeated dict key " + python_repr(key.text));
            }
            skip_whitespace();
            expect(':');
            skip_whitespace();
            out.entries.emplace_back(key.text, parse_value(depth + 1));
            skip_whitespace();
            if (peek() == ',' && !at_end()) {
                d_pos++;
                skip_whitespace();
            } else if (peek() != '}' || at_end()) {
                fail("expected ',' or '}', found " + describe_current());
            }
        }
        d_pos++;
        return out;
    }
};

} // namespace

python_literal parse_python_literal(const std::string& text)
{
    literal_parser parser(text);
    return parser.parse_document();
}

} // namespace protocol
} // namespace spead
} // namespace gr
