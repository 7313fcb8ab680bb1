/* -*- c++ -*- */
/*
 * Copyright 2026 gr-spead authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gnuradio/spead/recv/udp_endpoint.h>
#include <boost/asio/io_context.hpp>
#include <stdexcept>

namespace gr {
namespace spead {
namespace recv {

boost::asio::ip::udp::endpoint make_udp_bind_endpoint(const std::string& bind_hostname,
                                                      int port)
{
    using boost::asio::ip::udp;
    if (port < 0 || port > 65535)
        throw std::invalid_argument("UDP port " + std::to_string(port) +
                                    " is outside 0..65535");
    const auto port_number = static_cast<unsigned short>(port);
    if (bind_hostname.empty())
        return udp::endpoint(boost::asio::ip::address_v4::any(), port_number);

    boost::system::error_code ec;
    const auto literal = boost::asio::ip::make_address(bind_hostname, ec);
    if (!ec)
        return udp::endpoint(literal, port_number);

    boost::asio::io_context io; // the resolver needs one; resolving is synchronous
    udp::resolver resolver(io);
    const auto results = resolver.resolve(
        bind_hostname, std::to_string(port_number), udp::resolver::numeric_service, ec);
    if (ec || results.empty())
        throw std::runtime_error(
            "cannot resolve bind host name '" + bind_hostname +
            "': " + (ec ? ec.message() : std::string("no address found")));
    return results.begin()->endpoint();
}

} // namespace recv
} // namespace spead
} // namespace gr
