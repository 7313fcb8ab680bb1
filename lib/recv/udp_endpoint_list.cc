/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/udp_endpoint_list.h>
#include <boost/asio/ip/address.hpp>
#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

namespace {

using boost::asio::ip::address;

std::string trimmed(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos)
        return "";
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool all_digits(const std::string& s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isdigit(c) != 0;
    });
}

/// Parses one piece; its errors carry only the reason (the caller adds the piece).
class piece_parser
{
public:
    piece_parser(const std::string& piece, int default_port)
        : d_piece(piece), d_port(default_port)
    {
    }

    void parse()
    {
        std::string rest;
        if (d_piece[0] == '[') {
            const auto close = d_piece.find(']');
            if (close == std::string::npos)
                fail("'[' without a closing ']'");
            d_host = d_piece.substr(1, close - 1);
            if (!literal())
                fail("'" + d_host + "' in brackets is not an IP address");
            rest = d_piece.substr(close + 1);
        } else if (const auto plus = d_piece.find('+'); plus != std::string::npos) {
            d_host = d_piece.substr(0, plus);
            rest = d_piece.substr(plus);
        } else if (all_digits(d_piece)) {
            rest = ":" + d_piece; // a port alone
        } else if (std::count(d_piece.begin(), d_piece.end(), ':') > 1) {
            d_host = d_piece; // a bare IPv6 literal: it cannot carry a port
            if (!literal())
                fail("an IPv6 address with a port is written in brackets: "
                     "[address]:port");
        } else {
            const auto colon = d_piece.rfind(':');
            d_host = d_piece.substr(0, colon);
            if (colon != std::string::npos)
                rest = d_piece.substr(colon);
        }
        if (!rest.empty() && rest[0] == '+') {
            const auto colon = rest.find(':');
            d_count =
                number(rest.substr(1, colon == std::string::npos ? colon : colon - 1),
                       MAX_ENDPOINTS - 1,
                       "the count after '+'");
            rest = colon == std::string::npos ? "" : rest.substr(colon);
            if (d_count > 0 && !literal())
                fail("a range (+N) needs an IP address, not '" + d_host + "'");
        }
        if (!rest.empty()) {
            if (rest[0] != ':')
                fail("unexpected '" + rest + "' after the address");
            d_port = int(number(rest.substr(1), 65535, "the port"));
        }
    }

    /// The piece's endpoints, d_count + 1 of them.
    std::vector<endpoint_spec> expand() const
    {
        std::vector<endpoint_spec> out;
        const auto a = literal();
        if (!a) {
            out.push_back({ d_host, d_port });
            return out;
        }
        if (a->is_v4()) {
            const std::uint64_t first = a->to_v4().to_uint();
            if (first + d_count > 0xffffffffu)
                fail("the range runs past 255.255.255.255");
            for (std::uint64_t i = 0; i <= d_count; i++)
                out.push_back(
                    { boost::asio::ip::address_v4(std::uint32_t(first + i)).to_string(),
                      d_port });
        } else {
            auto bytes = a->to_v6().to_bytes();
            for (std::uint64_t i = 0; i <= d_count; i++) {
                if (i > 0) {
                    // Adds one to the 128-bit address, carrying from the last byte.
                    int b = 15;
                    while (b >= 0 && ++bytes[std::size_t(b)] == 0)
                        b--;
                    if (b < 0)
                        fail("the range runs past the last IPv6 address");
                }
                out.push_back({ boost::asio::ip::address_v6(bytes, a->to_v6().scope_id())
                                    .to_string(),
                                d_port });
            }
        }
        return out;
    }

private:
    [[noreturn]] void fail(const std::string& why) const
    {
        throw std::invalid_argument(why);
    }

    std::optional<address> literal() const
    {
        boost::system::error_code ec;
        const address a = boost::asio::ip::make_address(d_host, ec);
        if (ec)
            return std::nullopt;
        return a;
    }

    std::uint64_t
    number(const std::string& text, std::uint64_t max, const char* what) const
    {
        if (!all_digits(text) || text.size() > 10 || std::stoull(text) > max)
            fail(std::string(what) + " must be a whole number 0.." + std::to_string(max) +
                 ", not '" + text + "'");
        return std::stoull(text);
    }

    const std::string d_piece;
    std::string d_host;
    std::uint64_t d_count = 0;
    int d_port;
};

} // namespace

std::vector<endpoint_spec> parse_endpoint_list(const std::string& text,
                                               int default_port,
                                               const std::string& parameter)
{
    if (default_port < 0 || default_port > 65535)
        throw std::invalid_argument("port must be 0..65535, not " +
                                    std::to_string(default_port));
    std::vector<endpoint_spec> out;
    if (trimmed(text).empty()) {
        out.push_back({ "", default_port });
        return out;
    }
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos)
            comma = text.size();
        const std::string piece = trimmed(text.substr(start, comma - start));
        start = comma + 1;
        if (piece.empty())
            throw std::invalid_argument(parameter + ": an empty endpoint in the list '" +
                                        text + "'");
        std::vector<endpoint_spec> endpoints;
        try {
            piece_parser p(piece, default_port);
            p.parse();
            endpoints = p.expand();
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(parameter + ": bad endpoint '" + piece +
                                        "': " + e.what());
        }
        for (const endpoint_spec& e : endpoints) {
            // Port 0 asks the OS for a fresh port each time: never a duplicate.
            if (e.port != 0 && std::find(out.begin(), out.end(), e) != out.end())
                throw std::invalid_argument(parameter + ": endpoint " + e.host + ":" +
                                            std::to_string(e.port) +
                                            " is listed twice (in '" + piece + "')");
            if (out.size() == MAX_ENDPOINTS)
                throw std::invalid_argument(parameter + ": at most " +
                                            std::to_string(MAX_ENDPOINTS) +
                                            " endpoints, but '" + text + "' has more");
            out.push_back(e);
        }
    }
    return out;
}

} // namespace recv
} // namespace spead
} // namespace gr
