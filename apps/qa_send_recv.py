#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""spead_send and spead_recv run as a user would (`spead_bench udp` in
qa_bench_udp.py).

Expected figures come from hand computation (packet layout) or from this file's own
reading of the capture files (a small pcap and SPEAD header parser below), never from
the tools under test. Network tests use loopback only; every run has a timeout.

usage: qa_send_recv.py SPEAD_SEND SPEAD_RECV SPEAD_DUMP SPEAD_BENCH CAPTURES_DIR SCRATCH
"""

import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest

SEND, RECV, DUMP, BENCH, CAPTURES, SCRATCH = sys.argv[1:7]
del sys.argv[1:7]

TIMEOUT = 60

# In 1472-byte packets a data heap's first packet carries 6 item pointers (HEAP_CNT,
# HEAP_LENGTH, PAYLOAD_OFFSET, PAYLOAD_LENGTH, timestamp, data): 1472 - 8 - 48 = 1416
# payload bytes; later packets carry the 4 packet pointers: 1432 bytes.
FIRST, LATER = 1416, 1432


def packets_per_heap(heap_size):
    rest = max(heap_size - FIRST, 0)
    return 1 + -(-rest // LATER)


def run(*args, timeout=TIMEOUT):
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"{args} failed ({result.returncode}): {result.stderr}")
    return result.stdout


def scratch(name):
    os.makedirs(SCRATCH, exist_ok=True)
    return os.path.join(SCRATCH, name)


def read_spead_pcap(path):
    """Every UDP payload of an Ethernet/IPv4 capture, decoded just enough: a list of
    dicts with cnt, offset, length, heap_length, ctrl (STREAM_CTRL or None)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    pos, packets = 24, []
    while pos + 16 <= len(data):
        incl = struct.unpack(endian + "IIII", data[pos:pos + 16])[2]
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        ip = frame[14:]
        ihl = (ip[0] & 0x0F) * 4
        assert ip[9] == 17, "not UDP"
        spead = ip[ihl + 8:]
        assert spead[0] == 0x53 and spead[1] == 4
        address_bits = spead[3] * 8
        n = struct.unpack(">H", spead[6:8])[0]
        fields = {"ctrl": None, "heap_length": None}
        for i in range(n):
            raw = struct.unpack(">Q", spead[8 + 8 * i:16 + 8 * i])[0]
            immediate = raw >> 63
            item_id = (raw & ~(1 << 63)) >> address_bits
            value = raw & ((1 << address_bits) - 1)
            if immediate and item_id == 1:
                fields["cnt"] = value
            elif immediate and item_id == 2:
                fields["heap_length"] = value
            elif immediate and item_id == 3:
                fields["offset"] = value
            elif immediate and item_id == 4:
                fields["length"] = value
            elif immediate and item_id == 6:
                fields["ctrl"] = value
        assert len(spead) == 8 + 8 * n + fields["length"]
        packets.append(fields)
    return packets


def data_heaps(packets):
    """cnt -> list of payload offsets in arrival order, for the data heaps (cnt > 1,
    no STREAM_CTRL)."""
    heaps = {}
    for p in packets:
        if p["cnt"] > 1 and p["ctrl"] is None:
            heaps.setdefault(p["cnt"], []).append(p["offset"])
    return heaps


def recv_json(*args, timeout=TIMEOUT):
    """Runs spead_recv --json; returns (heaps, final statistics object)."""
    out = run(RECV, "--json", *args, timeout=timeout)
    lines = [json.loads(line) for line in out.splitlines()]
    heaps = [line for line in lines if "heap" in line]
    finals = [line for line in lines if "statistics" in line]
    assert len(finals) == 1, out[-2000:]
    return heaps, finals[0]


def send_json(*args, timeout=TIMEOUT):
    return json.loads(run(SEND, "--json", *args, timeout=timeout))


def item(heap, item_id):
    return [i for i in heap["items"] if i["id"] == item_id][0]


class qa_send_recv(unittest.TestCase):
    def make_pcap(self, name, *args):
        path = scratch(name)
        summary = send_json("--pcap", path, "--packet-size", "1472", *args)
        return path, summary, read_spead_pcap(path)

    def test_pcap_counts_and_values(self):
        path, sent, packets = self.make_pcap("plain.pcap", "--heaps", "20",
                                             "--heap-size", "32K", "--flavour", "48")
        per_heap = packets_per_heap(32768)
        self.assertEqual(per_heap, 23)
        heaps = data_heaps(packets)
        # Counters 2..21 (data heap g has g + 2), each in 23 packets in order.
        self.assertEqual(sorted(heaps), list(range(2, 22)))
        for offsets in heaps.values():
            self.assertEqual(offsets, [0] + [FIRST + LATER * i for i in range(22)])
        descriptor_packets = [p for p in packets if p["cnt"] == 1]
        stop = [p for p in packets if p["ctrl"] == 2]
        self.assertEqual(len(stop), 1)
        self.assertEqual(stop[0]["cnt"], 22)
        self.assertEqual(len(packets), 20 * 23 + len(descriptor_packets) + 1)
        self.assertEqual(sent["packets"], len(packets))
        self.assertEqual(sent["data_heaps"], 20)
        self.assertEqual(sent["payload_bytes"], 20 * 32768)

        dump = run(DUMP, path)
        self.assertIn("  heaps: 22\n", dump)
        self.assertIn(f"  SPEAD packets decoded: {len(packets)} ", dump)
        self.assertIn("heap 5: 32768 payload bytes\n"
                      "  data (0x1601, 32768 B) = uint8[32768] {0, 1, 2, 3, 4, 5, ...}\n"
                      "  timestamp (0x1600, immediate) = 98304\n",
                      dump)

        received, final = recv_json("--pcap", path)
        # The stop heap ends the stream and is not delivered: descriptors + 20 heaps.
        self.assertEqual([h["heap"] for h in received], list(range(1, 22)))
        self.assertTrue(all(h["complete"] for h in received))
        names = [d["name"] for d in received[0]["descriptors"]]
        self.assertEqual(names, ["timestamp", "data"])
        self.assertEqual(received[0]["descriptors"][0]["format"], [["u", 48]])
        for h in received[1:]:
            g = h["heap"] - 2
            self.assertEqual(item(h, 0x1600)["value"], str(g * 32768))
            self.assertEqual(item(h, 0x1601)["length"], 32768)
        self.assertEqual(final["statistics"]["packets"], len(packets))
        self.assertEqual(final["statistics"]["heaps"], 21)
        self.assertEqual(final["statistics"]["packets_rejected"], 0)

    def test_drop_losses_match_the_receiver(self):
        path, sent, packets = self.make_pcap("drop.pcap", "--heaps", "200",
                                             "--heap-size", "8K", "--drop", "0.03",
                                             "--seed", "11")
        per_heap = packets_per_heap(8192)
        self.assertEqual(per_heap, 6)
        heaps = data_heaps(packets)
        damaged = {cnt for cnt in range(2, 202) if len(heaps.get(cnt, [])) < per_heap}
        # Damaged heaps whose first packet survived are live in the receiver and leave
        # it incomplete; the others never start (a heap must begin at offset 0).
        started = {cnt for cnt in damaged if 0 in heaps.get(cnt, [])}
        missing_packets = 200 * per_heap - sum(len(v) for v in heaps.values())
        self.assertGreater(len(damaged), 5)
        self.assertGreater(len(damaged), len(started))  # both cases occur
        self.assertEqual(sent["dropped"], missing_packets)
        self.assertEqual(sent["damaged_heaps"], len(damaged))
        self.assertEqual(sent["data_packets_scheduled"], 200 * per_heap)

        received, final = recv_json("--pcap", path)
        complete = {h["heap"] for h in received if h["complete"] and h["heap"] > 1}
        self.assertEqual(complete, set(range(2, 202)) - damaged)
        st = final["statistics"]
        self.assertEqual(st["incomplete_heaps_evicted"] + st["incomplete_heaps_flushed"],
                         len(started))
        self.assertEqual(st["packets"], len(packets))
        # A receiver that keeps incomplete heaps hands out exactly the started ones.
        received, _ = recv_json("--pcap", path, "--no-contiguous-only")
        self.assertEqual({h["heap"] for h in received if not h["complete"]}, started)

        # The same seed damages the same packets; another seed others.
        _, again, _ = self.make_pcap("drop2.pcap", "--heaps", "200", "--heap-size", "8K",
                                     "--drop", "0.03", "--seed", "11")
        self.assertEqual(again["dropped"], sent["dropped"])
        _, other, _ = self.make_pcap("drop3.pcap", "--heaps", "200", "--heap-size", "8K",
                                     "--drop", "0.03", "--seed", "12")
        self.assertNotEqual(read_spead_pcap(scratch("drop3.pcap")), packets)

    def test_reorder_breaks_in_order_heaps_only(self):
        path, sent, packets = self.make_pcap("reorder.pcap", "--heaps", "200",
                                             "--heap-size", "8K", "--reorder", "0.05",
                                             "--seed", "5")
        heaps = data_heaps(packets)
        self.assertEqual(sorted(heaps), list(range(2, 202)))
        in_order = {cnt for cnt, offsets in heaps.items() if offsets == sorted(offsets)}
        self.assertGreater(len(in_order), 100)
        self.assertLess(len(in_order), 200)
        self.assertGreater(sent["reordered"], 0)
        self.assertEqual(len(packets), sent["packets"])

        received, _ = recv_json("--pcap", path)
        complete = {h["heap"] for h in received if h["complete"] and h["heap"] > 1}
        self.assertEqual(complete, in_order)
        received, final = recv_json("--pcap", path, "--allow-out-of-order")
        complete = {h["heap"] for h in received if h["complete"] and h["heap"] > 1}
        self.assertEqual(complete, set(range(2, 202)))
        self.assertEqual(final["statistics"]["packets_rejected"], 0)

    def test_duplicates_are_rejected_and_counted(self):
        path, sent, packets = self.make_pcap("dup.pcap", "--heaps", "100",
                                             "--heap-size", "8K", "--duplicate", "0.05",
                                             "--seed", "3")
        seen, repeats = set(), 0
        for p in packets:
            key = (p["cnt"], p["offset"])
            repeats += key in seen
            seen.add(key)
        self.assertGreater(repeats, 0)
        self.assertEqual(sent["duplicated"], repeats)
        self.assertEqual(len(packets), 100 * 6 + repeats + len(
            [p for p in packets if p["cnt"] == 1]) + 1)
        received, final = recv_json("--pcap", path)
        self.assertEqual(len([h for h in received if h["complete"] and h["heap"] > 1]), 100)
        self.assertEqual(final["statistics"]["packets_rejected"], repeats)
        self.assertEqual(final["statistics"]["packets"], len(packets))

    def test_interleaved_senders_need_substreams(self):
        path, sent, packets = self.make_pcap("senders.pcap", "--heaps", "30",
                                             "--heap-size", "8K", "--senders", "3")
        data = [p for p in packets if p["cnt"] > 1 and p["ctrl"] is None]
        # Round robin: consecutive data packets come from senders 0, 1, 2, 0, ...
        self.assertEqual([p["cnt"] % 3 for p in data[:6]], [0, 1, 2, 0, 1, 2])
        self.assertEqual(sorted({p["cnt"] for p in data}), list(range(6, 36)))
        received, _ = recv_json("--pcap", path, "--substreams", "3", "--max-heaps", "1")
        self.assertEqual(len([h for h in received if h["complete"] and h["heap"] > 1]), 30)
        # One window of one heap: in each round the first packets of the heaps of
        # senders 0, 1 and 2 arrive in turn, each evicting the one before; the later
        # packets of the evicted heaps are refused (a heap starts at offset 0, and a
        # refused packet evicts nothing), so only sender 2's heaps complete.
        received, final = recv_json("--pcap", path, "--max-heaps", "1")
        self.assertEqual({h["heap"] for h in received if h["complete"] and h["heap"] > 1},
                         {cnt for cnt in range(6, 36) if cnt % 3 == 2})
        self.assertEqual(final["statistics"]["incomplete_heaps_evicted"] +
                         final["statistics"]["incomplete_heaps_flushed"], 20)

    def test_recv_options(self):
        path, _, packets = self.make_pcap("options.pcap", "--heaps", "50", "--heap-size", "8K")
        received, final = recv_json("--pcap", path, "--mem-pool", "--mem-lower", "1K",
                                    "--mem-upper", "16K", "--mem-max-free", "4",
                                    "--mem-initial", "2", "--threads", "2",
                                    "--ring-heaps", "2", "--count", "10")
        self.assertEqual([h["heap"] for h in received], list(range(1, 11)))
        self.assertEqual(final["end"], "--count reached")
        # A consumer that never spins: every heap still arrives.
        received, final = recv_json("--pcap", path, "--max-spin", "0", "--ring-heaps", "1")
        self.assertEqual([h["heap"] for h in received], list(range(1, 52)))
        self.assertEqual(final["end"], "end of stream")
        # Without stop_on_stop_item the stop heap is a heap like the others.
        received, final = recv_json("--pcap", path, "--no-stop-on-stop-item")
        self.assertEqual(len(received), 52)
        self.assertTrue(received[-1]["stop"])
        self.assertEqual(received[-1]["items"], [{"id": 6, "control": 2,
                                                 "text": "stream control: stop (end of stream)"}])
        self.assertEqual(final["statistics"]["packets"], len(packets))
        # Text output: heaps as spead_dump prints them, then the statistics.
        out = run(RECV, "--pcap", path, "--values", "3")
        self.assertIn("heap 3: 8192 payload bytes\n"
                      "  data (0x1601, 8192 B) = uint8[8192] {0, 1, 2, ...}\n"
                      "  timestamp (0x1600, immediate) = 8192\n", out)
        self.assertIn("  heaps received here: 51 (0 incomplete)", out)
        self.assertIn(f"  packets: {len(packets)}\n", out)
        self.assertNotIn("UDP readers", out)  # a capture has none
        # A heap larger than max_heap_size is refused.
        _, final = recv_json("--pcap", path, "--max-heap-size", "4K")
        self.assertEqual(final["heaps_printed"], 1)  # the descriptors only
        self.assertGreater(final["statistics"]["packets_rejected_heap_too_large"], 0)

    def start_receiver(self, *args):
        proc = subprocess.Popen([RECV, "--json", "--timeout", "30", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        # Warnings (a receive buffer smaller than asked) may come first.
        for _ in range(10):
            line = proc.stderr.readline()
            if "listening on" in line or not line:
                break
        self.assertIn("listening on", line)
        port = int(line.rsplit(":", 1)[1])
        return proc, port

    def finish_receiver(self, proc):
        out, err = proc.communicate(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        lines = [json.loads(line) for line in out.splitlines()]
        return [l for l in lines if "heap" in l], [l for l in lines if "statistics" in l][0]

    def check_network_run(self, received, final, sent, heaps):
        self.assertEqual([h["heap"] for h in received], list(range(1, heaps + 2)))
        self.assertTrue(all(h["complete"] for h in received))
        for h in received[1:]:
            self.assertEqual(item(h, 0x1600)["value"], str((h["heap"] - 2) * 8192))
        self.assertEqual(final["statistics"]["packets"], sent["packets"])
        self.assertEqual(final["end"], "end of stream")

    def test_udp_loopback(self):
        proc, port = self.start_receiver("--udp", "0", "--bind", "127.0.0.1")
        sent = send_json("--port", str(port), "--heaps", "50", "--heap-size", "8K",
                         "--packet-size", "1472", "--rate", "0.2")
        received, final = self.finish_receiver(proc)
        self.check_network_run(received, final, sent, 50)
        # Six packets per heap: the reader predicts those after each heap's first and
        # has the kernel write their payloads into the heap.
        udp = final["udp_readers"]
        self.assertGreater(udp["packets_received_in_place"], 0)
        self.assertLessEqual(udp["packets_received_in_place"], sent["packets"])
        self.assertGreaterEqual(udp["datagrams_mispredicted"], 0)

    def test_affinity_pins_every_receive_thread(self):
        cpu = max(os.sched_getaffinity(0))
        proc, port = self.start_receiver("--udp", "0", "--bind", "127.0.0.1",
                                          "--threads", "2", "--affinity", str(cpu))
        allowed = {}
        for task in os.listdir(f"/proc/{proc.pid}/task"):
            with open(f"/proc/{proc.pid}/task/{task}/status") as f:
                for line in f:
                    if line.startswith("Cpus_allowed_list:"):
                        allowed[task] = line.split()[1]
        self.assertGreaterEqual(len(allowed), 3)  # the main thread and two readers
        self.assertEqual(set(allowed.values()), {str(cpu)}, allowed)
        sent = send_json("--affinity", str(cpu), "--port", str(port), "--heaps", "50",
                         "--heap-size", "8K", "--packet-size", "1472", "--rate", "0.2")
        received, final = self.finish_receiver(proc)
        self.check_network_run(received, final, sent, 50)

    def test_busy_poll_receives_everything(self):
        proc, port = self.start_receiver("--udp", "0", "--bind", "127.0.0.1",
                                          "--busy-poll", "100000")
        sent = send_json("--port", str(port), "--heaps", "50", "--heap-size", "8K",
                         "--packet-size", "1472", "--rate", "0.2")
        received, final = self.finish_receiver(proc)
        self.check_network_run(received, final, sent, 50)

    def test_udp_loopback_gso(self):
        # Runs of equal-sized packets leave as UDP_SEGMENT sends; the receiver must see
        # the same datagrams (coalesced by GRO where the reader has it, or cut apart by
        # the kernel).
        proc, port = self.start_receiver("--udp", "0", "--bind", "127.0.0.1")
        result = subprocess.run([SEND, "--json", "--gso", "--port", str(port), "--heaps", "50",
                                 "--heap-size", "32K", "--packet-size", "1472", "--rate",
                                 "0.2"], capture_output=True, text=True, timeout=TIMEOUT)
        if result.returncode != 0 and "UDP_SEGMENT" in result.stderr:
            self.skipTest("the kernel refuses UDP_SEGMENT: " + result.stderr)
        self.assertEqual(result.returncode, 0, result.stderr)
        sent = json.loads(result.stdout)
        received, final = self.finish_receiver(proc)
        self.assertEqual([h["heap"] for h in received], list(range(1, 52)))
        self.assertTrue(all(h["complete"] for h in received))
        for h in received[1:]:
            self.assertEqual(item(h, 0x1600)["value"], str((h["heap"] - 2) * 32768))
        self.assertEqual(final["statistics"]["packets"], sent["packets"])
        # 23 packets per data heap; the descriptor heap (344 bytes) and the stop heap
        # fit one packet each.
        self.assertEqual(sent["packets"], 50 * 23 + 1 + 1)
        self.assertEqual(final["statistics"]["packets_rejected"], 0)

    def test_udp_ipv6_loopback(self):
        try:
            with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
                s.bind(("::1", 0))
        except OSError:
            self.skipTest("no IPv6 loopback")
        proc, port = self.start_receiver("--udp", "0", "--bind", "::1")
        sent = send_json("--host", "::1", "--port", str(port), "--heaps", "20",
                         "--heap-size", "8K", "--packet-size", "1472", "--rate", "0.2")
        received, final = self.finish_receiver(proc)
        self.check_network_run(received, final, sent, 20)

    def test_udp_multicast_v4_on_loopback(self):
        # Joined and sent on the loopback interface by its address (127.0.0.1).
        proc = subprocess.Popen([RECV, "--json", "--timeout", "30", "--udp", "0", "--bind",
                                 "239.255.91.7", "--interface", "127.0.0.1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        line = ""
        for _ in range(10):
            line = proc.stderr.readline()
            if "listening on" in line or not line:
                break
        if "listening on" not in line:
            proc.kill()
            proc.communicate()
            self.skipTest("cannot join an IPv4 group on loopback here: " + line)
        port = int(line.rsplit(":", 1)[1])
        sent = send_json("--host", "239.255.91.7", "--interface", "127.0.0.1", "--ttl", "0",
                         "--port", str(port), "--heaps", "20", "--heap-size", "8K",
                         "--packet-size", "1472", "--rate", "0.2")
        received, final = self.finish_receiver(proc)
        self.check_network_run(received, final, sent, 20)

    def test_spead2_source_syntax_joins_groups_into_one_stream(self):
        # spead2_recv's syntax: [host]:port sources (here with gr-spead's +N range) made
        # one stream by --joint, --bind as the interface address. Three groups, each sent
        # six heaps (descriptors and five data heaps, no stop heap); --count ends it.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        groups = ["239.255.92.0", "239.255.92.1", "239.255.92.5"]
        proc = subprocess.Popen([RECV, "--json", "--timeout", "30", "--count", "18",
                                 "--joint", "239.255.92.0+1:%d" % port,
                                 "239.255.92.5:%d" % port, "--bind", "127.0.0.1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        listening = []
        for _ in range(10):
            line = proc.stderr.readline()
            if "listening on" in line:
                listening.append(line.strip())
            if len(listening) == 3 or not line:
                break
        if len(listening) < 3 and proc.poll() not in (None, 0):
            self.skipTest("cannot join IPv4 groups on loopback here: " + line)
        self.assertEqual(listening, ["spead_recv: listening on udp %s:%d" % (g, port)
                                     for g in groups])
        packets = 0
        for group in groups:
            packets += send_json("--host", group, "--interface", "127.0.0.1", "--ttl", "0",
                                 "--port", str(port), "--heaps", "5", "--heap-size", "8K",
                                 "--packet-size", "1472", "--rate", "0.2",
                                 "--no-stop")["packets"]
        received, final = self.finish_receiver(proc)
        self.assertEqual(sorted(h["heap"] for h in received), sorted(list(range(1, 7)) * 3))
        self.assertEqual(final["end"], "--count reached")
        self.assertEqual(final["statistics"]["packets"], packets)

    def test_udp_multicast_v6_with_interface_index(self):
        # In a network namespace of its own (as the reader's own test does): a veth pair
        # with a link-local address; the group is joined and sent to on interface qa0 by
        # its index. Skipped where namespaces cannot be made.
        script = """
set -e
ip link set lo up
ip link add qa0 type veth peer name qa1
ip link set qa0 up
ip link set qa1 up
ip -6 addr add fe80::1/64 dev qa0 nodad
index=$(ip -o link show qa0 | cut -d: -f1)
"$1" --json --timeout 20 --udp 7148 --bind ff15::5eed:93 --interface-index $index \
    > "$3" 2> "$3.err" &
sleep 0.5
"$2" --json --host ff15::5eed:93 --port 7148 --interface-index $index --heaps 20 \
    --heap-size 8K --packet-size 1472 --rate 0.2 > "$4"
wait
"""
        out = scratch("mc6_recv.json")
        sent_path = scratch("mc6_send.json")
        for path in (out, sent_path):
            if os.path.exists(path):
                os.remove(path)
        try:
            result = subprocess.run(["unshare", "-n", "sh", "-c", script, "sh", RECV, SEND,
                                     out, sent_path], capture_output=True, text=True,
                                    timeout=TIMEOUT)
        except FileNotFoundError:
            self.skipTest("no unshare")
        if result.returncode != 0 and not os.path.exists(sent_path):
            self.skipTest("no network namespace here: " + result.stderr.strip())
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(sent_path) as f:
            sent = json.load(f)
        with open(out) as f:
            lines = [json.loads(line) for line in f]
        received = [l for l in lines if "heap" in l]
        final = [l for l in lines if "statistics" in l][0]
        self.check_network_run(received, final, sent, 20)

    def test_tcp_loopback(self):
        proc, port = self.start_receiver("--tcp", "0", "--bind", "127.0.0.1")
        sent = send_json("--tcp", "--port", str(port), "--heaps", "100",
                         "--heap-size", "8K", "--packet-size", "1472")
        received, final = self.finish_receiver(proc)
        self.check_network_run(received, final, sent, 100)

    def test_tcp_receiver_gone_reports_what_went_out(self):
        # A receiver that reads a little and hangs up: the send fails, and spead_send
        # still says what went out before it (and exits 1).
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(listener.close)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(TIMEOUT)
        port = listener.getsockname()[1]

        def hang_up_after_a_read():
            conn, _ = listener.accept()
            taken = 0
            while taken < 1 << 20:  # 1 MiB: several of the sender's batches
                data = conn.recv(65536)
                if not data:
                    break
                taken += len(data)
            conn.close()

        for extra in ([], ["--json"]):
            receiver = threading.Thread(target=hang_up_after_a_read)
            receiver.start()
            result = subprocess.run([SEND, "--tcp", "--port", str(port), "--heaps", "100000",
                                     "--heap-size", "8K", "--packet-size", "1472", *extra],
                                    capture_output=True, text=True, timeout=TIMEOUT)
            receiver.join(TIMEOUT)
            self.assertEqual(result.returncode, 1, result.stderr)
            self.assertIn("send failed", result.stderr)
            if extra:
                summary = json.loads(result.stdout)
                self.assertIn("send failed", summary["error"])
                packets = summary["packets"]
            else:
                self.assertIn("stopped early:", result.stdout)
                packets = int(re.search(r"packets: (\d+)", result.stdout).group(1))
            # At least the mebibyte the receiver read went out (1472-byte packets), far
            # from all of the 100000 heaps.
            self.assertGreaterEqual(packets, (1 << 20) // 1472)
            self.assertLess(packets, 100000)
        # A run that completes has no error.
        self.assertIsNone(send_json("--pcap", os.path.join(SCRATCH, "ok.pcap"),
                                    "--heaps", "1")["error"])

    def test_signal_stops_with_statistics(self):
        proc, _ = self.start_receiver("--udp", "0", "--bind", "127.0.0.1",
                                      "--stats-interval", "0.1")
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertIn("interval", lines[0])
        self.assertEqual(lines[-1]["end"], "interrupted (SIGINT)")
        self.assertEqual(lines[-1]["statistics"]["heaps"], 0)

    def test_reference_captures(self):
        for name, port in (("spead2_64_40_single_packet.pcap", 7148),
                           ("spead2_64_48_single_packet.pcap", 7149)):
            received, final = recv_json("--pcap", os.path.join(CAPTURES, name))
            self.assertEqual(len(received), 21)
            self.assertEqual(final["statistics"]["packets"], 22)
            descriptions = {d["name"]: d["description"] for d in received[0]["descriptors"]}
            self.assertEqual(descriptions, {
                "timestamp": "ADC sample count of first sample (immediate)",
                "seq": "Heap sequence number (8-byte payload scalar)",
                "data": "4096 complex int8 samples as (re, im) pairs"})
            for k, h in enumerate(received[1:]):
                self.assertEqual(h["heap"], k + 2)
                self.assertEqual(item(h, 0x1600)["value"], str(1000000 + 8192 * k))
                self.assertEqual(item(h, 0x1601)["value"], str(k))
            # re = ((0 + k) % 256) - 128, im = -re clipped to int8.
            self.assertTrue(item(received[1], 0x1602)["value"].startswith(
                "int8[4096,2] {-128, 127, -127, 127,"))
        received, final = recv_json("--pcap", os.path.join(CAPTURES,
                                                           "spead2_64_40_multi_packet.pcap"))
        self.assertEqual(len(received), 21)
        self.assertEqual(final["statistics"]["packets"], 462)
        self.assertEqual(final["statistics"]["incomplete_heaps_evicted"], 0)
        self.assertTrue(item(received[2], 0x1602)["value"].startswith(
            "complex64[4096] {(0+1j), (1+1j),"))
        # A filter that matches nothing: no heap, no packet.
        received, final = recv_json("--pcap", os.path.join(
            CAPTURES, "spead2_64_40_multi_packet.pcap"), "--filter", "udp dst port 1")
        self.assertEqual((len(received), final["statistics"]["packets"]), (0, 0))

    def test_reference_captures_as_text(self):
        """The human-readable output (what a user reads at a terminal) shows every heap,
        descriptor and value of the shared captures as their README states them."""
        def heaps_of(text):
            heaps, current = {}, None
            for line in text.splitlines():
                match = re.match(r"heap (\d+): (\d+) payload bytes$", line)
                if match:
                    current = heaps.setdefault(int(match.group(1)),
                                               {"bytes": int(match.group(2)), "lines": []})
                elif current is not None and line.startswith("  "):
                    current["lines"].append(line.strip())
                else:
                    current = None
            return heaps

        def statistic(text, name):
            return int(re.search(r"^  %s: (\d+)$" % name, text, re.M).group(1))

        def clip(v):
            return max(-128, min(127, v))

        for name in ("spead2_64_40_single_packet.pcap", "spead2_64_48_single_packet.pcap"):
            text = run(RECV, "--pcap", os.path.join(CAPTURES, name))
            heaps = heaps_of(text)
            self.assertEqual(sorted(heaps), list(range(1, 22)))
            self.assertIn('descriptor 0x1600 "timestamp": ADC sample count of first sample '
                          '(immediate)', heaps[1]["lines"])
            self.assertIn('descriptor 0x1601 "seq": Heap sequence number (8-byte payload '
                          'scalar)', heaps[1]["lines"])
            self.assertIn('descriptor 0x1602 "data": 4096 complex int8 samples as (re, im) '
                          'pairs', heaps[1]["lines"])
            for k in range(20):
                lines = heaps[k + 2]["lines"]
                self.assertEqual(heaps[k + 2]["bytes"], 8200)
                self.assertIn("timestamp (0x1600, immediate) = %d" % (1000000 + 8192 * k),
                              lines)
                self.assertIn("seq (0x1601, 8 B) = %d" % k, lines)
                re_ = [((i + k) % 256) - 128 for i in range(3)]
                first = ", ".join("%d, %d" % (r, clip(-r)) for r in re_)
                self.assertIn("data (0x1602, 8192 B) = int8[4096,2] {%s, ...}" % first, lines)
            self.assertEqual(statistic(text, "heaps"), 21)
            self.assertEqual(statistic(text, "packets"), 22)

        text = run(RECV, "--pcap", os.path.join(CAPTURES, "spead2_64_40_multi_packet.pcap"))
        heaps = heaps_of(text)
        self.assertEqual(sorted(heaps), list(range(1, 22)))
        self.assertIn('descriptor 0x1602 "data": 4096 complex64 samples', heaps[1]["lines"])
        for k in range(20):
            self.assertEqual(heaps[k + 2]["bytes"], 32768)
            first = ", ".join("(%d+%dj)" % (i, k) for i in range(6))
            self.assertIn("data (0x1602, 32768 B) = complex64[4096] {%s, ...}" % first,
                          heaps[k + 2]["lines"])
        self.assertEqual(statistic(text, "packets"), 462)
        self.assertEqual(statistic(text, "incomplete_heaps_evicted"), 0)

    def test_bench_ring_counts_what_it_passed(self):
        # The hand-off benchmark: items went through, and the rate is their count over
        # the time (speed is not judged).
        result = json.loads(run(BENCH, "ring", "--seconds", "0.1", "--capacity", "3",
                                "--json"))
        self.assertEqual(result["capacity"], 3)
        self.assertGreater(result["items"], 0)
        self.assertAlmostEqual(result["items_per_s"], result["items"] / result["seconds"],
                               delta=0.01 * result["items_per_s"] + 1)
        self.assertLessEqual(result["producer_blocked"], result["items"])

    def test_bad_command_lines(self):
        cases = [([SEND, "--drop", "2"], "--drop"),
                 ([SEND, "--pcap", "x", "--tcp"], "--tcp"),
                 ([SEND, "--flavour", "41"], "--flavour"),
                 ([RECV], "source"),
                 ([RECV, "--udp", "0", "--max-heaps", "0"], "--max-heaps"),
                 ([RECV, "--udp", "70000"], "--udp"),
                 ([BENCH, "udp", "--rate", "x"], "--rate"),
                 ([RECV, "--udp", "0", "--affinity", "0,x"], "--affinity"),
                 ([RECV, "--udp", "0", "--affinity", ""], "--affinity"),
                 ([RECV, "--udp", "0", "--max-spin", "1000001"], "--max-spin"),
                 ([RECV, "--udp", "0", "--busy-poll", "1000001"], "--busy-poll"),
                 ([RECV, "--tcp", "0", "--busy-poll", "10"], "--busy-poll"),
                 ([BENCH, "udp", "--busy-poll", "-1"], "--busy-poll"),
                 ([SEND, "--affinity", "-1"], "--affinity"),
                 ([BENCH, "ring", "--capacity", "0"], "--capacity"),
                 ([RECV, "239.1.1.1:1", "239.1.1.2:1"], "--joint"),
                 ([RECV, "--udp", "1", "239.1.1.1:5"], "not both"),
                 ([RECV, "--joint", "a.pcap", "239.1.1.1:5"], "the only source"),
                 ([RECV, "--udp", "1", "--bind", "239.1.1.1+x"],
                  "--bind: bad endpoint '239.1.1.1+x'")]
        for args, needle in cases:
            result = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn(needle, result.stderr, args)
        missing = subprocess.run([RECV, "--pcap", "/nonexistent.pcap"], capture_output=True,
                                 text=True, timeout=TIMEOUT)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("/nonexistent.pcap", missing.stderr)
        for tool in (SEND, RECV):
            self.assertIn("usage:", run(tool, "--help"))


if __name__ == "__main__":
    unittest.main()
