#!/usr/bin/python3
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sends heaps with one library and receives them with the other, over UDP on loopback,
both ways (gr-spead to spead2, spead2 to gr-spead), and checks that every heap arrives
with the values that were sent. Run by hand against a spead2 build (CI has no spead2):

    /usr/bin/python3 scripts/interop-with-spead2.py \
        --spead2-path SPEAD2_PY --gr-spead-path build/test_modules

Each library runs in its own process (a child of this script), as users run them.
Exit status 0 when every heap agrees in both directions, 1 otherwise.
"""

import argparse
import json
import os
import subprocess
import sys

# The items of every heap: enough kinds to exercise descriptors and values (immediate
# integers, an odd-width format, numpy arrays of several dtypes and shapes, a string).
CHILD = r"""
import json, sys, time
import numpy as np
role, library, port, heaps = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
if library == "spead2":
    import spead2, spead2.send, spead2.recv
else:
    import gnuradio.spead as spead2
    from gnuradio.spead import send, recv
    spead2.send, spead2.recv = send, recv

def values(k):
    rng = np.random.default_rng(k)
    return {
        "timestamp": k * 2048,
        "feng_id": k % 4,
        "odd": k * 3 - 1,
        "spectrum": rng.integers(-128, 128, size=(64, 2, 2), dtype=np.int8),
        "power": rng.random(33, dtype=np.float64).astype(">f4"),
        "flags": rng.integers(0, 2**16, size=17, dtype=np.uint16),
        "name": "heap %d" % k,
    }

def add_items(ig):
    ig.add_item(0x1600, "timestamp", "sample count", (), format=[("u", 48)])
    ig.add_item(0x4101, "feng_id", "antenna", (), format=[("u", 48)])
    ig.add_item(0x4102, "odd", "an odd width", (), format=[("i", 20)])
    ig.add_item(0x4300, "spectrum", "channels, pols, complex", (64, 2, 2), dtype=np.int8)
    ig.add_item(0x4301, "power", "big-endian floats", (33,), dtype=">f4")
    ig.add_item(0x4302, "flags", "uint16 flags", (17,), dtype=np.uint16)
    ig.add_item(0x4303, "name", "a string", (None,), format=[("c", 8)])

def plain(v):
    if isinstance(v, np.ndarray):
        # Values compare in native byte order: receivers convert (as spead2 does).
        v = np.ascontiguousarray(v, dtype=v.dtype.newbyteorder("="))
        return [v.dtype.str, list(v.shape), v.tobytes().hex()]
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, (np.integer, int)):
        return int(v)
    return str(v)

if role == "send":
    time.sleep(0.5)  # the receiver binds first
    flavour = spead2.Flavour(4, 64, 48, 0)
    config = spead2.send.StreamConfig(max_packet_size=1472, rate=50e6)
    stream = spead2.send.UdpStream(spead2.ThreadPool(), [("127.0.0.1", port)], config)
    ig = spead2.send.ItemGroup(flavour=flavour)
    add_items(ig)
    for k in range(heaps):
        for name, value in values(k).items():
            ig[name].value = value
        stream.send_heap(ig.get_heap())
    stream.send_heap(ig.get_end())
else:
    stream = spead2.recv.Stream(spead2.ThreadPool(), spead2.recv.StreamConfig(max_heaps=8))
    stream.add_udp_reader(port, bind_hostname="127.0.0.1", buffer_size=4 << 20)
    ig = spead2.ItemGroup()
    got = []
    for heap in stream:
        changed = ig.update(heap)
        if "timestamp" in changed:
            got.append({n: plain(ig[n].value) for n in ig.keys()})
    expect = []
    for k in range(heaps):
        v = values(k)
        expect.append({n: plain(x) if n != "name" else x for n, x in v.items()})
    print(json.dumps({"got": got, "expect": expect}))
"""


def run(sender, receiver, port, heaps, paths):
    def child(role, library):
        env = dict(os.environ, PYTHONPATH=paths[library])
        return subprocess.Popen([sys.executable, "-c", CHILD, role, library, str(port), str(heaps)],
                                env=env, stdout=subprocess.PIPE, text=True)
    rx = child("recv", receiver)
    tx = child("send", sender)
    tx.wait(timeout=60)
    out, _ = rx.communicate(timeout=60)
    result = json.loads(out)
    got, expect = result["got"], result["expect"]
    bad = [k for k, (g, e) in enumerate(zip(got, expect)) if g != e]
    ok = len(got) == len(expect) and not bad and tx.returncode == 0
    print(f"{sender} -> {receiver}: {len(got)} of {len(expect)} heaps received, "
          f"{len(bad)} differ{'' if ok else '  FAIL'}")
    for k in bad[:3]:
        for name in expect[k]:
            if got[k].get(name) != expect[k][name]:
                print(f"  heap {k} item {name}: got {got[k].get(name)!r:.80} "
                      f"expected {expect[k][name]!r:.80}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spead2-path", required=True, help="where spead2 is imported from")
    parser.add_argument("--gr-spead-path", required=True,
                        help="where gnuradio.spead is imported from (a build's test_modules)")
    parser.add_argument("--heaps", type=int, default=200)
    parser.add_argument("--port", type=int, default=9177)
    args = parser.parse_args()
    paths = {"spead2": os.path.abspath(args.spead2_path),
             "gr-spead": os.path.abspath(args.gr_spead_path)}
    ok = run("gr-spead", "spead2", args.port, args.heaps, paths)
    ok &= run("spead2", "gr-spead", args.port + 1, args.heaps, paths)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
