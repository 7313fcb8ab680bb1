/*
 * Copyright 2026 gr-spead authors
 *
 * This file is part of gr-spead
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

// Python view of the protocol layer: Flavour, constants, the heap encoder and a packet
// decoder (enough for tests and tools to build and inspect packets).

#include <gnuradio/spead/protocol/flavour.h>
#include <gnuradio/spead/protocol/heap_encoder.h>
#include <gnuradio/spead/protocol/item_ids.h>
#include <gnuradio/spead/protocol/packet.h>
#include <pybind11/operators.h>
#include <pybind11/pybind11.h>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace py = pybind11;
using namespace gr::spead::protocol;

namespace {

void bind_constants(py::module& m)
{
    m.attr("BUG_COMPAT_DESCRIPTOR_WIDTHS") =
        gr::spead::protocol::BUG_COMPAT_DESCRIPTOR_WIDTHS;
    m.attr("BUG_COMPAT_SHAPE_BIT_1") = gr::spead::protocol::BUG_COMPAT_SHAPE_BIT_1;
    m.attr("BUG_COMPAT_SWAP_ENDIAN") = gr::spead::protocol::BUG_COMPAT_SWAP_ENDIAN;
    m.attr("BUG_COMPAT_PYSPEAD_0_5_2") = gr::spead::protocol::BUG_COMPAT_PYSPEAD_0_5_2;

    m.attr("NULL_ID") = gr::spead::protocol::NULL_ID;
    m.attr("HEAP_CNT_ID") = gr::spead::protocol::HEAP_CNT_ID;
    m.attr("HEAP_LENGTH_ID") = gr::spead::protocol::HEAP_LENGTH_ID;
    m.attr("PAYLOAD_OFFSET_ID") = gr::spead::protocol::PAYLOAD_OFFSET_ID;
    m.attr("PAYLOAD_LENGTH_ID") = gr::spead::protocol::PAYLOAD_LENGTH_ID;
    m.attr("DESCRIPTOR_ID") = gr::spead::protocol::DESCRIPTOR_ID;
    m.attr("STREAM_CTRL_ID") = gr::spead::protocol::STREAM_CTRL_ID;
    m.attr("DESCRIPTOR_NAME_ID") = gr::spead::protocol::DESCRIPTOR_NAME_ID;
    m.attr("DESCRIPTOR_DESCRIPTION_ID") = gr::spead::protocol::DESCRIPTOR_DESCRIPTION_ID;
    m.attr("DESCRIPTOR_SHAPE_ID") = gr::spead::protocol::DESCRIPTOR_SHAPE_ID;
    m.attr("DESCRIPTOR_FORMAT_ID") = gr::spead::protocol::DESCRIPTOR_FORMAT_ID;
    m.attr("DESCRIPTOR_ID_ID") = gr::spead::protocol::DESCRIPTOR_ID_ID;
    m.attr("DESCRIPTOR_DTYPE_ID") = gr::spead::protocol::DESCRIPTOR_DTYPE_ID;
    m.attr("CTRL_STREAM_START") = gr::spead::protocol::CTRL_STREAM_START;
    m.attr("CTRL_DESCRIPTOR_REISSUE") = gr::spead::protocol::CTRL_DESCRIPTOR_REISSUE;
    m.attr("CTRL_STREAM_STOP") = gr::spead::protocol::CTRL_STREAM_STOP;
    m.attr("CTRL_DESCRIPTOR_UPDATE") = gr::spead::protocol::CTRL_DESCRIPTOR_UPDATE;
}

void bind_flavour(py::module& m)
{
    py::class_<flavour>(m, "Flavour", "SPEAD protocol variant (as spead2.Flavour)")
        .def(py::init<>())
        .def(py::init<int, int, int, int>(),
             py::arg("version"),
             py::arg("item_pointer_bits"),
             py::arg("heap_address_bits"),
             py::arg("bug_compat") = 0)
        .def_property_readonly("version", &flavour::version)
        .def_property_readonly("item_pointer_bits", &flavour::item_pointer_bits)
        .def_property_readonly("heap_address_bits", &flavour::heap_address_bits)
        .def_property_readonly("bug_compat", &flavour::bug_compat)
        .def(py::self == py::self)
        .def(py::self != py::self)
        .def("__repr__", [](const flavour& f) {
            return "Flavour(" + std::to_string(f.version()) + ", " +
                   std::to_string(f.item_pointer_bits()) + ", " +
                   std::to_string(f.heap_address_bits()) + ", " +
                   std::to_string(f.bug_compat()) + ")";
        });
}

/// A contiguous read-only view of any bytes-like object, released on destruction.
class byte_view
{
public:
    explicit byte_view(const py::handle& obj)
    {
        // PyBUF_SIMPLE asks for plain contiguous bytes: strided views raise BufferError.
        if (PyObject_GetBuffer(obj.ptr(), &d_view, PyBUF_SIMPLE) != 0)
            throw py::error_already_set();
    }
    ~byte_view() { PyBuffer_Release(&d_view); }
    byte_view(const byte_view&) = delete;
    byte_view& operator=(const byte_view&) = delete;

    const std::uint8_t* data() const
    {
        return static_cast<const std::uint8_t*>(d_view.buf);
    }
    std::size_t size() const { return std::size_t(d_view.len); }

private:
    Py_buffer d_view;
};

std::string hex_id(std::uint64_t id)
{
    std::ostringstream out;
    out << "0x" << std::hex << id;
    return out.str();
}

bool fits_uint64(const py::int_& number)
{
    return !(number < py::int_(0)) && !(number > py::int_(UINT64_MAX));
}

/// One (id, value) pair: an int is an immediate value, a bytes-like object the bytes of
/// an addressed item.
gr::spead::protocol::encoder_item to_encoder_item(const py::handle& entry)
{
    if (!py::isinstance<py::sequence>(entry) || py::isinstance<py::str>(entry) ||
        py::len(entry) != 2)
        throw py::type_error("each item must be an (id, value) pair, not " +
                             std::string(py::repr(entry)));
    const py::sequence pair = py::reinterpret_borrow<py::sequence>(entry);
    const py::object id_obj = pair[0];
    const py::object value = pair[1];
    if (!py::isinstance<py::int_>(id_obj) || !fits_uint64(py::int_(id_obj)))
        throw py::value_error("item id must be an int from 0 to 2**64 - 1, not " +
                              std::string(py::repr(id_obj)));
    const std::uint64_t id = id_obj.cast<std::uint64_t>();
    if (py::isinstance<py::int_>(value)) {
        const py::int_ number(value);
        if (!fits_uint64(number))
            throw py::value_error("item id " + hex_id(id) + ": immediate value " +
                                  std::string(py::repr(number)) + " is out of range");
        return gr::spead::protocol::encoder_item::make_immediate(
            id, number.cast<std::uint64_t>());
    }
    if (!PyObject_CheckBuffer(value.ptr()))
        throw py::type_error("item id " + hex_id(id) +
                             ": value must be an int (immediate) or a bytes-like object "
                             "(addressed), not " +
                             std::string(py::str(value.get_type().attr("__name__"))));
    const byte_view bytes(value);
    return gr::spead::protocol::encoder_item::make_addressed(
        id, std::vector<std::uint8_t>(bytes.data(), bytes.data() + bytes.size()));
}

py::list to_bytes_list(const std::vector<std::vector<std::uint8_t>>& packets)
{
    py::list out;
    for (const auto& packet : packets)
        out.append(
            py::bytes(reinterpret_cast<const char*>(packet.data()), packet.size()));
    return out;
}

gr::spead::protocol::encoder_options
make_options(const flavour& flav, std::size_t max_packet_size, bool include_heap_length)
{
    gr::spead::protocol::encoder_options options;
    options.flav = flav;
    options.max_packet_size = max_packet_size;
    options.include_heap_length = include_heap_length;
    return options;
}

py::dict packet_to_dict(const gr::spead::protocol::packet_view& packet)
{
    py::list items;
    for (std::size_t i = 0; i < packet.n_items; i++) {
        const gr::spead::protocol::item_pointer p = packet.pointer(i);
        items.append(py::make_tuple(p.immediate, p.id, p.value));
    }
    py::dict out;
    out["heap_cnt"] = packet.heap_cnt;
    out["heap_length"] = packet.heap_length;
    out["payload_offset"] = packet.payload_offset;
    out["payload_length"] = packet.payload_length;
    out["heap_address_bits"] = packet.heap_address_bits;
    out["items"] = items;
    out["payload"] =
        py::bytes(reinterpret_cast<const char*>(packet.payload), packet.payload_length);
    return out;
}

void bind_encoder(py::module& m)
{
    m.def(
        "encode_heap",
        [](std::uint64_t cnt,
           const py::iterable& items,
           const flavour& flav,
           std::size_t max_packet_size,
           bool include_heap_length,
           std::int64_t stream_ctrl) {
            gr::spead::protocol::heap_contents heap;
            heap.cnt = cnt;
            heap.stream_ctrl = stream_ctrl;
            for (const py::handle& entry : items)
                heap.items.push_back(to_encoder_item(entry));
            const gr::spead::protocol::encoder_options options =
                make_options(flav, max_packet_size, include_heap_length);
            std::vector<std::vector<std::uint8_t>> packets;
            {
                // The items are copied out of Python objects: encode without the GIL.
                py::gil_scoped_release release;
                packets = encode_heap(heap, options);
            }
            return to_bytes_list(packets);
        },
        py::arg("cnt"),
        py::arg("items"),
        py::arg("flavour") = flavour(),
        py::arg("max_packet_size") = 1472,
        py::arg("include_heap_length") = true,
        py::arg("stream_ctrl") = -1,
        "Cuts one heap into SPEAD packets laid out as spead2 does.\n\n"
        "items is a list of (id, value) pairs: an int value is sent as an immediate "
        "item,\n"
        "a bytes-like value as an addressed item in the payload. stream_ctrl >= 0 adds "
        "a\n"
        "STREAM_CTRL item (CTRL_STREAM_START, ...). Returns the packets as a list of "
        "bytes.\n"
        "Raises ValueError naming the bad item id or max_packet_size.");

    m.def(
        "encode_stop_heap",
        [](std::uint64_t cnt, const flavour& flav, std::size_t max_packet_size) {
            std::vector<std::vector<std::uint8_t>> packets;
            {
                py::gil_scoped_release release;
                packets =
                    encode_stop_heap(cnt, make_options(flav, max_packet_size, true));
            }
            return to_bytes_list(packets);
        },
        py::arg("cnt"),
        py::arg("flavour") = flavour(),
        py::arg("max_packet_size") = 1472,
        "The heap that ends a stream (STREAM_CTRL = CTRL_STREAM_STOP, no payload), as a\n"
        "list of bytes.");

    m.def(
        "decode_packet",
        [](const py::object& data) {
            const byte_view bytes(data);
            gr::spead::protocol::packet_view packet;
            const gr::spead::protocol::packet_status status =
                decode_packet(bytes.data(), bytes.size(), packet);
            if (status != gr::spead::protocol::packet_status::ok)
                throw py::value_error(to_string(status));
            return packet_to_dict(packet);
        },
        py::arg("data"),
        "Decodes one SPEAD packet (one datagram) into a dict: heap_cnt, heap_length (-1\n"
        "when absent), payload_offset, payload_length, heap_address_bits, items (every\n"
        "item pointer as (immediate, id, value)) and payload (bytes). Raises ValueError\n"
        "whose message is the reason the packet is rejected (e.g. 'bad_magic').");
}

} // namespace

void bind_protocol(py::module& m)
{
    bind_constants(m);
    bind_flavour(m);
    bind_encoder(m);
}
