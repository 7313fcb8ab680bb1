-- SPDX-License-Identifier: GPL-3.0-or-later
-- Copyright 2026 gr-spead authors
--
-- A SPEAD dissector for Wireshark and tshark (neither has one built in).
--
--   tshark -X lua_script:spead.lua -r capture.pcap -Y spead
--   tshark -X lua_script:spead.lua -r capture.pcap -T fields -e spead.heap_cnt
--
-- or copy it into ~/.local/lib/wireshark/plugins/. It decodes the 8-byte header, the
-- flavour (any 64-bit flavour with a byte-multiple heap address width, e.g. SPEAD-64-40 and
-- SPEAD-64-48), every item pointer (reserved IDs by name, immediate values, addressed
-- offsets) and the payload, on the UDP ports set in the preferences (default 7148-7150),
-- and on any UDP port through a heuristic that checks the header, if enabled.
-- The wire format is the one in the SPEAD specification (see docs/protocol.md).

local spead = Proto("spead", "SPEAD (Streaming Protocol for Exchanging Astronomical Data)")

local reserved_names = {
    [0x00] = "NULL",
    [0x01] = "HEAP_CNT",
    [0x02] = "HEAP_LENGTH",
    [0x03] = "PAYLOAD_OFFSET",
    [0x04] = "PAYLOAD_LENGTH",
    [0x05] = "DESCRIPTOR",
    [0x06] = "STREAM_CTRL",
    [0x10] = "DESCRIPTOR_NAME",
    [0x11] = "DESCRIPTOR_DESCRIPTION",
    [0x12] = "DESCRIPTOR_SHAPE",
    [0x13] = "DESCRIPTOR_FORMAT",
    [0x14] = "DESCRIPTOR_ID",
    [0x15] = "DESCRIPTOR_DTYPE",
}

local stream_ctrl_names = {
    [0] = "start of stream",
    [1] = "descriptor reissue",
    [2] = "stop (end of stream)",
    [3] = "descriptor update",
}

local f = spead.fields
f.magic = ProtoField.uint8("spead.magic", "Magic", base.HEX)
f.version = ProtoField.uint8("spead.version", "Version", base.DEC)
f.item_pointer_width = ProtoField.uint8("spead.item_pointer_width",
    "Item pointer width (bytes, without the address)", base.DEC)
f.heap_address_width = ProtoField.uint8("spead.heap_address_width",
    "Heap address width (bytes)", base.DEC)
f.reserved = ProtoField.uint16("spead.reserved", "Reserved", base.HEX)
f.n_items = ProtoField.uint16("spead.n_items", "Number of item pointers", base.DEC)
f.flavour = ProtoField.string("spead.flavour", "Flavour")
f.heap_cnt = ProtoField.uint64("spead.heap_cnt", "Heap counter", base.DEC)
f.heap_length = ProtoField.uint64("spead.heap_length", "Heap length", base.DEC)
f.payload_offset = ProtoField.uint64("spead.payload_offset", "Payload offset", base.DEC)
f.payload_length = ProtoField.uint64("spead.payload_length", "Payload length", base.DEC)
f.stream_ctrl = ProtoField.uint64("spead.stream_ctrl", "Stream control", base.DEC)
f.item = ProtoField.bytes("spead.item", "Item pointer", base.SPACE)
f.item_id = ProtoField.uint32("spead.item.id", "Item ID", base.HEX)
f.item_name = ProtoField.string("spead.item.name", "Reserved name")
f.item_immediate = ProtoField.bool("spead.item.immediate", "Immediate")
f.item_value = ProtoField.uint64("spead.item.value", "Immediate value", base.DEC)
f.item_offset = ProtoField.uint64("spead.item.offset", "Offset in heap payload", base.DEC)
f.payload = ProtoField.bytes("spead.payload", "Payload")

local e_malformed = ProtoExpert.new("spead.malformed", "Malformed SPEAD packet",
    expert.group.MALFORMED, expert.severity.ERROR)
spead.experts = { e_malformed }

spead.prefs.ports = Pref.range("UDP ports", "7148-7150",
    "UDP ports whose datagrams are decoded as SPEAD", 65535)
spead.prefs.heuristic = Pref.bool("Try heuristic on every UDP port", true,
    "Decode any UDP datagram whose header looks like SPEAD (magic 0x53, version 4, " ..
    "widths adding up to 8 bytes)")

-- True when the first 8 bytes look like a 64-bit SPEAD header.
local function looks_like_spead(tvb)
    if tvb:len() < 8 then
        return false
    end
    local ipw = tvb(2, 1):uint()
    local haw = tvb(3, 1):uint()
    return tvb(0, 1):uint() == 0x53 and tvb(1, 1):uint() == 4 and ipw > 0 and haw > 0 and
               ipw + haw == 8
end

function spead.dissector(tvb, pinfo, tree)
    if not looks_like_spead(tvb) then
        return 0
    end
    pinfo.cols.protocol = "SPEAD"
    local ipw = tvb(2, 1):uint()
    local haw = tvb(3, 1):uint()
    local n = tvb(6, 2):uint()
    local flavour = string.format("SPEAD-64-%d", haw * 8)

    local root = tree:add(spead, tvb(), "SPEAD, " .. flavour)
    local header = root:add(spead, tvb(0, 8), "Header")
    header:add(f.magic, tvb(0, 1))
    header:add(f.version, tvb(1, 1))
    header:add(f.item_pointer_width, tvb(2, 1))
    header:add(f.heap_address_width, tvb(3, 1))
    header:add(f.reserved, tvb(4, 2))
    header:add(f.n_items, tvb(6, 2))
    header:add(f.flavour, tvb(0, 4), flavour):set_generated()

    if tvb:len() < 8 + 8 * n then
        root:add_proto_expert_info(e_malformed,
            string.format("%d item pointers do not fit in %d bytes", n, tvb:len()))
        return tvb:len()
    end

    local heap_cnt, payload_length
    local info = {}
    for i = 0, n - 1 do
        local at = 8 + 8 * i
        local first = tvb(at, 1):uint()
        local immediate = first >= 0x80
        -- The ID is the top (ipw * 8 - 1) bits after the mode bit; the address the rest.
        local id = tvb(at, ipw):uint() % (2 ^ (ipw * 8 - 1))
        local value_range = tvb(at + ipw, haw)
        local value = value_range:uint64()
        local name = reserved_names[id]
        local label = name or string.format("0x%x", id)
        local item = root:add(f.item, tvb(at, 8))
        item:add(f.item_id, tvb(at, ipw), id)
        if name then
            item:add(f.item_name, tvb(at, ipw), name):set_generated()
        end
        item:add(f.item_immediate, tvb(at, 1), immediate)
        if immediate then
            item:add(f.item_value, value_range, value)
            item:set_text(string.format("%s = %s (immediate)", label, tostring(value)))
            if id == 0x01 then
                root:add(f.heap_cnt, value_range, value):set_generated()
                heap_cnt = value
            elseif id == 0x02 then
                root:add(f.heap_length, value_range, value):set_generated()
            elseif id == 0x03 then
                root:add(f.payload_offset, value_range, value):set_generated()
            elseif id == 0x04 then
                root:add(f.payload_length, value_range, value):set_generated()
                payload_length = value
            elseif id == 0x06 then
                local ctrl = root:add(f.stream_ctrl, value_range, value)
                ctrl:set_generated()
                ctrl:append_text(" (" ..
                    (stream_ctrl_names[value:tonumber()] or "unknown") .. ")")
                table.insert(info, stream_ctrl_names[value:tonumber()] or "ctrl")
            end
        else
            item:add(f.item_offset, value_range, value)
            item:set_text(string.format("%s at offset %s", label, tostring(value)))
        end
    end

    local payload_at = 8 + 8 * n
    local payload_bytes = tvb:len() - payload_at
    if payload_bytes > 0 then
        root:add(f.payload, tvb(payload_at, payload_bytes))
    end
    if payload_length == nil or heap_cnt == nil then
        root:add_proto_expert_info(e_malformed,
            "HEAP_CNT or PAYLOAD_LENGTH missing (both are required)")
    elseif payload_length:tonumber() ~= payload_bytes then
        root:add_proto_expert_info(e_malformed, string.format(
            "PAYLOAD_LENGTH %s but %d payload bytes", tostring(payload_length),
            payload_bytes))
    end

    local summary = string.format("%s heap %s, %d items, %d payload bytes", flavour,
        heap_cnt and tostring(heap_cnt) or "?", n, payload_bytes)
    if #info > 0 then
        summary = summary .. ", " .. table.concat(info, ", ")
    end
    pinfo.cols.info = summary
    return tvb:len()
end

local registered_ports = ""

local function register_ports()
    local udp = DissectorTable.get("udp.port")
    if registered_ports ~= "" then
        udp:remove(registered_ports, spead)
    end
    registered_ports = spead.prefs.ports
    if registered_ports ~= "" then
        udp:add(registered_ports, spead)
    end
end

function spead.prefs_changed()
    register_ports()
end

register_ports()

spead:register_heuristic("udp", function(tvb, pinfo, tree)
    if not spead.prefs.heuristic or not looks_like_spead(tvb) then
        return false
    end
    spead.dissector(tvb, pinfo, tree)
    return true
end)
