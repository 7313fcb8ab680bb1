#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""spead_send with heap layouts, into pcap files decoded by gnuradio.spead.

Every expected value is computed here from the layout's rules (docs/tools.md), not
read back from the tool. The F-engine capture of test_fengine was also decoded by hand
with spead2 4.4.1 (spead2.recv.Stream + add_udp_pcap_file_reader + spead2.ItemGroup):
the same 128 heaps, shapes, dtypes, immediates and values.

usage: qa_send_layout.py SPEAD_SEND LAYOUTS_DIR SCRATCH
(gnuradio.spead on PYTHONPATH)
"""

import json
import os
import socket
import struct
import subprocess
import sys
import unittest

import numpy as np
from gnuradio import spead

SEND, LAYOUTS, SCRATCH = sys.argv[1:4]
del sys.argv[1:4]

TIMEOUT = 60


def scratch(name):
    os.makedirs(SCRATCH, exist_ok=True)
    return os.path.join(SCRATCH, name)


def send(*args, expect_fail=False):
    result = subprocess.run((SEND, "--json") + args, capture_output=True, text=True,
                            timeout=TIMEOUT)
    if expect_fail:
        return result
    if result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}): {result.stderr}")
    return json.loads(result.stdout)


def read_frames(path):
    """(destination address, destination port, UDP payload) of each frame of a classic
    Ethernet / IPv4 pcap, read by hand."""
    with open(path, "rb") as f:
        data = f.read()
    endian = "<" if struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4 else ">"
    pos, frames = 24, []
    while pos + 16 <= len(data):
        incl = struct.unpack(endian + "IIII", data[pos:pos + 16])[2]
        ip = data[pos + 16 + 14:pos + 16 + incl]
        pos += 16 + incl
        ihl = (ip[0] & 0x0F) * 4
        address = ".".join(str(b) for b in ip[16:20])
        port = struct.unpack(">H", ip[ihl + 2:ihl + 4])[0]
        frames.append((address, port, ip[ihl + 8:]))
    return frames


def heap_cnt(payload):
    """HEAP_CNT of a SPEAD packet (the first item pointer) and its address width."""
    bits = payload[3] * 8
    raw = struct.unpack(">Q", payload[8:16])[0]
    assert (raw & ~(1 << 63)) >> bits == 1
    return raw & ((1 << bits) - 1)


def decode(path, substreams):
    """Every heap of the capture through gnuradio.spead: a list of (cnt, changed items
    {name: value}, descriptor names)."""
    stream = spead.recv.Stream(spead.ThreadPool(),
                               spead.recv.StreamConfig(max_heaps=8,
                                                       substreams=substreams))
    stream.add_udp_pcap_file_reader(path)
    ig = spead.ItemGroup()
    heaps = []
    for heap in stream:
        names = [d.name for d in heap.get_descriptors()]
        changed = ig.update(heap)
        heaps.append((heap.cnt, {k: v.value for k, v in changed.items()}, names))
    return ig, heaps


class test_send_layout(unittest.TestCase):

    def test_fengine(self):
        """The shipped MeerKAT-like F-engine layout: 4 antennas, 4 multicast groups of 256
        channels, timestamps stepping per frame, descriptors again after 64 heaps."""
        path = scratch("fengine.pcap")
        summary = send("--pcap", path, "--layout",
                       os.path.join(LAYOUTS, "meerkat_fengine.json"),
                       "--dest", "239.10.0.0+3:7148", "--heaps", "128")
        self.assertEqual(summary["data_heaps"], 128)
        # 4 descriptor heaps at the start, 4 more after heap 64, 4 stop heaps.
        self.assertEqual(summary["control_heaps"], 12)
        self.assertEqual(summary["heap_address_bits"], 48)
        self.assertEqual(summary["senders"], 4)

        ig, heaps = decode(path, 4)
        self.assertEqual(ig["feng_raw"].shape, (256, 256, 2, 2))
        self.assertEqual(ig["feng_raw"].dtype, np.dtype("i1"))
        for name in ("timestamp", "feng_id", "frequency"):
            self.assertEqual(ig[name].format, [("u", 48)])
            self.assertEqual(ig[name].shape, ())
        self.assertEqual(ig["feng_raw"].id, 0x4300)
        self.assertEqual(ig["feng_id"].id, 0x4101)
        self.assertEqual(ig["frequency"].id, 0x4103)
        self.assertEqual(ig["timestamp"].id, 0x1600)

        data = [(cnt, values) for cnt, values, names in heaps if "feng_raw" in values]
        described = [cnt for cnt, values, names in heaps if names]
        self.assertEqual(len(data), 128)
        self.assertEqual(len(described), 8)
        # The first descriptor heap is counter 1, the others count down from 2^48 - 1.
        top = (1 << 48) - 1
        self.assertEqual(described, [1, top, top - 1, top - 2,
                                     top - 3, top - 4, top - 5, top - 6])
        for g, (cnt, values) in enumerate(data):
            sender, k = g % 4, g // 4
            substream, frame = k % 4, k // 4
            self.assertEqual(cnt, g + 8)
            self.assertEqual(values["timestamp"], frame * 524288)
            self.assertEqual(values["feng_id"], sender)
            self.assertEqual(values["frequency"], substream * 256)
            expected = np.zeros((256, 256, 2, 2), np.int8)
            for channel in (100, 700):
                if channel // 256 == substream:
                    expected[channel % 256] = 40
            np.testing.assert_array_equal(values["feng_raw"], expected)

        # Each heap went to the group of its channel range; control heaps to every group.
        groups = {}
        for address, port, payload in read_frames(path):
            self.assertEqual(port, 7148)
            groups.setdefault(heap_cnt(payload), set()).add(address)
        for g in range(128):
            substream = (g // 4) % 4
            self.assertEqual(groups[g + 8], {f"239.10.0.{substream}"})
        self.assertEqual(groups[1], {"239.10.0.0"})
        stops = [136, 137, 138, 139]
        self.assertEqual([groups[c] for c in stops],
                         [{f"239.10.0.{d}"} for d in range(4)])

    def test_udp_destinations(self):
        """Over UDP on loopback: 127.0.0.1 and 127.0.0.2 each get the heaps of their
        substream (and a descriptor and a stop heap), with and without --gso."""
        for gso in ((), ("--gso",)):
            sockets = []
            for address in ("127.0.0.1", "127.0.0.2"):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
                s.bind((address, sockets[0].getsockname()[1] if sockets else 0))
                s.settimeout(0.5)
                sockets.append(s)
            port = sockets[0].getsockname()[1]
            try:
                send("--dest", f"127.0.0.1+1:{port}", "--heaps", "8", "--packet-size",
                     "1472", "--item", "name=x,id=0x1700,shape=4000,dtype=u1", *gso)
                for index, s in enumerate(sockets):
                    cnts = set()
                    while True:
                        try:
                            cnts.add(heap_cnt(s.recv(65536)))
                        except socket.timeout:
                            break
                    # Heap g (cnt g + 2) is substream g mod 2; control heaps: the
                    # descriptors (1, or 2^40 - 1) and the stop heap (10 + index).
                    data = {g + 2 for g in range(8) if g % 2 == index}
                    control = {1 if index == 0 else (1 << 40) - 1, 10 + index}
                    self.assertEqual(cnts, data | control, (gso, index))
            finally:
                for s in sockets:
                    s.close()

    def test_plain_layout_file(self):
        """apps/layouts/plain.json is the built-in layout: the same bytes."""
        a, b = scratch("builtin.pcap"), scratch("plain.pcap")
        send("--pcap", a, "--heaps", "3")
        send("--pcap", b, "--heaps", "3", "--layout", os.path.join(LAYOUTS, "plain.json"))
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())

    def test_items_on_command_line(self):
        """Compact items: dtypes of both byte orders, ramps, constants, a frequency tone,
        immediates of every rule, a start heap."""
        path = scratch("items.pcap")
        send("--pcap", path, "--heaps", "6", "--senders", "2", "--substreams", "3",
             "--start-heap", "--packet-size", "1472",
             "--item", "name=ts,id=0x1600,immediate,format=u40,value=1000,step_per_frame=7",
             "--item", "name=mix,id=0x1610,immediate,format=u16,value=-1,"
                       "step_per_heap=1,step_per_sender=0x100,step_per_substream=0x1000",
             "--item", "name=ramp,id=0x1700,shape=3x5,dtype=>u2,fill=ramp:start=65530:step=2",
             "--item", "name=little,id=0x1701,shape=4,dtype=<i4,fill=constant:value=-5",
             "--item", "name=wave,id=0x1702,shape=8,dtype=c8,"
                       "fill=tone:frequency=0.25:amplitude=2",
             "--item", "name=f,id=0x1703,shape=3,format=f64,fill=ramp:start=0.5:step=0.25")
        ig, heaps = decode(path, 2)
        self.assertEqual(ig["ramp"].dtype, np.dtype(">u2"))
        self.assertEqual(ig["little"].dtype, np.dtype("<i4"))
        self.assertEqual(ig["wave"].dtype, np.dtype("c8"))
        self.assertEqual(ig["f"].format, [("f", 64)])
        self.assertEqual(ig["mix"].format, [("u", 16)])
        data = [values for cnt, values, names in heaps if "ramp" in values]
        self.assertEqual(len(data), 6)
        for g, values in enumerate(data):
            sender, k = g % 2, g // 2
            substream, frame = k % 3, k // 3
            self.assertEqual(values["ts"], 1000 + 7 * frame)
            self.assertEqual(values["mix"],
                             (-1 + g + 0x100 * sender + 0x1000 * substream) & 0xFFFF)
            np.testing.assert_array_equal(
                values["ramp"], ((65530 + 2 * np.arange(15)) % 65536).reshape(3, 5))
            np.testing.assert_array_equal(values["little"], [-5] * 4)
            # cos and sin of multiples of pi/2 are within 1e-15 of 0 in doubles.
            np.testing.assert_allclose(values["wave"], [2, 2j, -2, -2j, 2, 2j, -2, -2j],
                                       rtol=0, atol=1e-6)
            np.testing.assert_array_equal(values["f"], [0.5, 0.75, 1.0])
        # The start heap comes first, before the descriptors.
        frames = read_frames(path)
        self.assertEqual(heap_cnt(frames[0][2]), (1 << 40) - 1)

    def test_noise_is_seeded(self):
        """Noise: the same seed gives the same bytes, senders differ from each other."""
        item = "name=n,id=0x1700,shape=64,dtype=i1,fill=noise:seed={}:scale=10"
        values = []
        for seed in (3, 3, 4):
            path = scratch(f"noise{seed}.pcap")
            send("--pcap", path, "--heaps", "2", "--senders", "2",
                 "--item", item.format(seed))
            _, heaps = decode(path, 2)
            values.append([v["n"] for _, v, _ in heaps if "n" in v])
        np.testing.assert_array_equal(values[0], values[1])
        self.assertFalse(np.array_equal(values[0], values[2]))
        self.assertFalse(np.array_equal(values[0][0], values[0][1]))
        for v in values[0]:
            self.assertTrue(np.all(np.abs(v) <= 10))

    def test_errors_name_the_field(self):
        for args, words in [
            (("--item", "name=x,id=0x1700,shape=4,dtype=q4"), ["item 'x'", "dtype=q4"]),
            (("--item", "name=x,id=0x1700,shape=4,dtype=i1,fill=sine"),
             ["item 'x'", "sine", "ramp"]),
            (("--item", "name=x,id=0x3,immediate"), ["item 'x'", "reserved"]),
            (("--item", "name=x,id=0x1700,colour=red"), ["unknown field 'colour'"]),
            (("--item", "name=x,id=0x1700,immediate", "--heap-size", "1K"),
             ["--heap-size"]),
            (("--dest", "239.1.1.1+3,239.2.2.2", "--substreams", "2"), ["substreams"]),
            (("--dest", "bad+2"), ["destination 'bad+2'", "literal address"]),
            (("--tcp", "--dest", "127.0.0.1+1"), ["--tcp"]),
        ]:
            result = send("--pcap", scratch("error.pcap"), *args, expect_fail=True)
            if "--tcp" in args:
                result = send(*args, expect_fail=True)
            self.assertEqual(result.returncode, 2, (args, result.stderr))
            for word in words:
                self.assertIn(word, result.stderr, args)
        bad = scratch("bad_layout.json")
        with open(bad, "w") as f:
            f.write('{"items": [{"name": "x", "id": 5888, "shape": [4], "dtype": "i1",\n'
                    '  "fill": "ramp:start=0.5"}]}')
        result = send("--pcap", scratch("error.pcap"), "--layout", bad, expect_fail=True)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("item 'x'", result.stderr)
        self.assertIn("integers", result.stderr)
        with open(bad, "w") as f:
            f.write('{"items": [{"name": "x", "id": 5888,}]}')
        result = send("--pcap", scratch("error.pcap"), "--layout", bad, expect_fail=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("line 1 column", result.stderr)


if __name__ == "__main__":
    unittest.main()
