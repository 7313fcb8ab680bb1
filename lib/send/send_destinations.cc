/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "send_destinations.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cstring>
#include <stdexcept>

namespace gr {
namespace spead {
namespace send {

namespace {

constexpr const char* ACCEPTED =
    "HOST[+N][:PORT], comma-separated: 239.10.0.0+3:7148, [ff15::1]:7148, host:7148";

[[noreturn]] void bad(const std::string& spec, const std::string& why)
{
    throw std::invalid_argument("destination '" + spec + "': " + why +
                                " (accepted: " + ACCEPTED + ")");
}

unsigned long parse_number(const std::string& spec,
                           const std::string& text,
                           unsigned long max,
                           const char* what)
{
    if (text.empty() || text.size() > 10 ||
        text.find_first_not_of("0123456789") != std::string::npos)
        bad(spec, std::string(what) + " '" + text + "' is not a number");
    const unsigned long v = std::stoul(text);
    if (v > max)
        bad(spec, std::string(what) + " " + text + " is above " + std::to_string(max));
    return v;
}

void parse_one(const std::string& spec, int default_port, std::vector<endpoint>& out)
{
    std::string host, rest;
    bool bracketed = false;
    if (!spec.empty() && spec[0] == '[') {
        const std::size_t close = spec.find(']');
        if (close == std::string::npos)
            bad(spec, "no ']' after the IPv6 address");
        host = spec.substr(1, close - 1);
        rest = spec.substr(close + 1);
        bracketed = true;
    } else {
        if (spec.find(':') != spec.rfind(':'))
            bad(spec, "an IPv6 address needs brackets");
        const std::size_t end = spec.find_first_of("+:");
        host = spec.substr(0, end);
        rest = end == std::string::npos ? "" : spec.substr(end);
    }
    if (host.empty())
        bad(spec, "no host");
    unsigned long count = 0;
    int port = default_port;
    if (!rest.empty() && rest[0] == '+') {
        const std::size_t colon = rest.find(':');
        count = parse_number(
            spec, rest.substr(1, colon - 1), MAX_DESTINATIONS - 1, "the count");
        rest = colon == std::string::npos ? "" : rest.substr(colon);
    }
    if (!rest.empty()) {
        if (rest[0] != ':')
            bad(spec, "unexpected '" + rest + "'");
        port = int(parse_number(spec, rest.substr(1), 65535, "the port"));
    }
    if (count == 0) {
        out.push_back({ host, std::uint16_t(port) });
        return;
    }
    // A run of consecutive addresses: count up the low 32 bits.
    unsigned char bytes[16];
    const bool v6 = bracketed;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), bytes) != 1)
        bad(spec, "+N needs a literal address, not '" + host + "'");
    const std::size_t low = v6 ? 12 : 0;
    std::uint32_t base;
    std::memcpy(&base, bytes + low, 4);
    base = ntohl(base);
    if (std::uint64_t(base) + count > 0xffffffffULL)
        bad(spec, "the addresses run past the end of the address space");
    for (unsigned long i = 0; i <= count; i++) {
        const std::uint32_t a = htonl(base + std::uint32_t(i));
        std::memcpy(bytes + low, &a, 4);
        char text[INET6_ADDRSTRLEN];
        inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, text, sizeof(text));
        out.push_back({ text, std::uint16_t(port) });
    }
}

} // namespace

std::vector<endpoint> parse_destinations(const std::string& spec, int default_port)
{
    std::vector<endpoint> out;
    std::size_t from = 0;
    for (;;) {
        const std::size_t at = spec.find(',', from);
        parse_one(spec.substr(from, at - from), default_port, out);
        if (out.size() > MAX_DESTINATIONS)
            bad(spec, "more than " + std::to_string(MAX_DESTINATIONS) + " destinations");
        if (at == std::string::npos)
            return out;
        from = at + 1;
    }
}

std::vector<endpoint> destinations_of(const send_config& config)
{
    if (config.destinations.empty())
        return { { config.host, std::uint16_t(config.port) } };
    return config.destinations;
}

} // namespace send
} // namespace spead
} // namespace gr
