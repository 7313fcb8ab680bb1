/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "layout_json.h"
#include <cstdint>
#include <stdexcept>

namespace gr {
namespace spead {
namespace send {

const char* json_value::kind_name() const
{
    switch (type) {
    case kind::null:
        return "null";
    case kind::boolean:
        return "true/false";
    case kind::number:
        return "number";
    case kind::string:
        return "string";
    case kind::array:
        return "array";
    case kind::object:
        return "object";
    }
    return "?";
}

namespace {

class json_parser
{
public:
    explicit json_parser(const std::string& text) : d_text(text) {}

    json_value document()
    {
        json_value v = value(0);
        skip_space();
        if (d_pos != d_text.size())
            fail("unexpected text after the document");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < d_pos && i < d_text.size(); i++) {
            if (d_text[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        std::string found = d_pos < d_text.size() ? "'" + d_text.substr(d_pos, 12) + "'"
                                                  : std::string("the end");
        throw std::invalid_argument("JSON line " + std::to_string(line) + " column " +
                                    std::to_string(column) + ": " + what + " (found " +
                                    found + ")");
    }

    void skip_space()
    {
        while (d_pos < d_text.size() && (d_text[d_pos] == ' ' || d_text[d_pos] == '\t' ||
                                         d_text[d_pos] == '\n' || d_text[d_pos] == '\r'))
            d_pos++;
    }

    bool take(char c)
    {
        skip_space();
        if (d_pos < d_text.size() && d_text[d_pos] == c) {
            d_pos++;
            return true;
        }
        return false;
    }

    void expect(char c)
    {
        if (!take(c))
            fail(std::string("expected '") + c + "'");
    }

    bool word(const char* w)
    {
        const std::string s(w);
        if (d_text.compare(d_pos, s.size(), s) == 0) {
            d_pos += s.size();
            return true;
        }
        return false;
    }

    json_value value(int depth)
    {
        if (depth > JSON_MAX_DEPTH)
            fail("nested too deeply");
        skip_space();
        if (d_pos >= d_text.size())
            fail("expected a value");
        json_value v;
        const char c = d_text[d_pos];
        if (c == '{') {
            d_pos++;
            v.type = json_value::kind::object;
            if (take('}'))
                return v;
            do {
                skip_space();
                if (d_pos >= d_text.size() || d_text[d_pos] != '"')
                    fail("expected a key in double quotes");
                std::string key = string_body();
                for (const auto& m : v.members)
                    if (m.first == key)
                        fail("key \"" + key + "\" repeated");
                expect(':');
                v.members.emplace_back(std::move(key), value(depth + 1));
            } while (take(','));
            expect('}');
        } else if (c == '[') {
            d_pos++;
            v.type = json_value::kind::array;
            if (take(']'))
                return v;
            do {
                v.elements.push_back(value(depth + 1));
            } while (take(','));
            expect(']');
        } else if (c == '"') {
            v.type = json_value::kind::string;
            v.text = string_body();
        } else if (word("true") || word("false")) {
            v.type = json_value::kind::boolean;
            v.boolean = d_text[d_pos - 1] == 'e' && d_text[d_pos - 2] == 'u';
        } else if (word("null")) {
            v.type = json_value::kind::null;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            v.type = json_value::kind::number;
            v.text = number();
        } else {
            fail("expected a value");
        }
        return v;
    }

    std::string number()
    {
        const std::size_t start = d_pos;
        auto digits = [&] {
            const std::size_t from = d_pos;
            while (d_pos < d_text.size() && d_text[d_pos] >= '0' && d_text[d_pos] <= '9')
                d_pos++;
            if (d_pos == from)
                fail("expected a digit");
        };
        if (d_text[d_pos] == '-')
            d_pos++;
        digits();
        if (d_pos < d_text.size() && d_text[d_pos] == '.') {
            d_pos++;
            digits();
        }
        if (d_pos < d_text.size() && (d_text[d_pos] == 'e' || d_text[d_pos] == 'E')) {
            d_pos++;
            if (d_pos < d_text.size() && (d_text[d_pos] == '+' || d_text[d_pos] == '-'))
                d_pos++;
            digits();
        }
        return d_text.substr(start, d_pos - start);
    }

    unsigned hex4()
    {
        unsigned v = 0;
        for (int i = 0; i < 4; i++, d_pos++) {
            if (d_pos >= d_text.size())
                fail("expected 4 hex digits after \\u");
            const char h = d_text[d_pos];
            v <<= 4;
            if (h >= '0' && h <= '9')
                v |= unsigned(h - '0');
            else if (h >= 'a' && h <= 'f')
                v |= unsigned(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                v |= unsigned(h - 'A' + 10);
            else
                fail("expected 4 hex digits after \\u");
        }
        return v;
    }

    static void append_utf8(std::string& out, std::uint32_t cp)
    {
        if (cp < 0x80) {
            out += char(cp);
        } else if (cp < 0x800) {
            out += char(0xc0 | (cp >> 6));
            out += char(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += char(0xe0 | (cp >> 12));
            out += char(0x80 | ((cp >> 6) & 0x3f));
            out += char(0x80 | (cp & 0x3f));
        } else {
            out += char(0xf0 | (cp >> 18));
            out += char(0x80 | ((cp >> 12) & 0x3f));
            out += char(0x80 | ((cp >> 6) & 0x3f));
            out += char(0x80 | (cp & 0x3f));
        }
    }

    /// At an opening quote: the decoded string, the closing quote consumed.
    std::string string_body()
    {
        d_pos++;
        std::string out;
        for (;;) {
            if (d_pos >= d_text.size())
                fail("unterminated string");
            const char c = d_text[d_pos++];
            if (c == '"')
                return out;
            if (static_cast<unsigned char>(c) < 0x20) {
                d_pos--;
                fail("control character in a string");
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (d_pos >= d_text.size())
                fail("unterminated string");
            const char e = d_text[d_pos++];
            switch (e) {
            case '"':
            case '\\':
            case '/':
                out += e;
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                std::uint32_t cp = hex4();
                if (cp >= 0xd800 && cp < 0xdc00 && word("\\u")) {
                    const std::uint32_t low = hex4();
                    if (low >= 0xdc00 && low < 0xe000)
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                }
                append_utf8(out, cp);
                break;
            }
            default:
                d_pos--;
                fail("unknown escape in a string");
            }
        }
    }

    const std::string& d_text;
    std::size_t d_pos = 0;
};

} // namespace

json_value parse_json(const std::string& text) { return json_parser(text).document(); }

} // namespace send
} // namespace spead
} // namespace gr
