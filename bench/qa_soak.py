#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Short runs of `spead_bench soak`: no heap lost at a modest rate, memory flat, and
the heap memory bounded under a flood of distinct heap counters left incomplete.

The rate (0.2 Gb/s) is far below what loopback carries on the slowest machine we run
on, in 1472-byte packets (a sender burst of one 64-packet batch is under 100 KB), and
the receive buffer is forced to 64 MiB where the test may (root, as in CI): over a
second of traffic even counting the kernel's overhead per datagram, so that even a
process starved of CPU for a second (after which the sender catches up in a burst)
loses nothing. A lost heap therefore means a bug, not a busy machine. (Without root the
buffer is what net.core.rmem_max allows, and a long stall could lose packets: the
report's kernel_drops then says so.) Memory is judged with a generous margin (16 MiB of
RSS growth after the warm-up, where the receiver holds about 1 MiB of heaps); the
pool's allocator count, which has no noise, must stay between the pool's 16 buffers and
the bound computed here from the documented defaults. Every run has a timeout.

usage: qa_soak.py SPEAD_BENCH
"""

import json
import os
import subprocess
import sys
import unittest

BENCH = sys.argv[1]
del sys.argv[1]

HEAP = 65536
# 65536 bytes: 1472 - 8 - 6 x 8 = 1416 in the first packet (six item pointers), 1472 - 8
# - 4 x 8 = 1432 in each later one (four): 1 + ceil(64120 / 1432) = 46 packets.
PACKETS_PER_HEAP = 46
# The receiver's defaults (docs/tools.md): a window of 4 heaps, a ring of 8, a pool of
# 4 + 8 + 4 = 16 buffers kept. Heap memory may reach those 16 buffers plus one for every
# heap the stream can hold beyond the pool's free ones: the window, the new heap, the
# heap being pushed, the ring and the consumer's heap (4 + 1 + 1 + 8 + 1).
POOL_BUFFERS = 16
HEAP_MEMORY_BOUND = (POOL_BUFFERS + 4 + 1 + 1 + 8 + 1) * HEAP
COMMON = ["--rate", "0.2", "--heap-size", "64K", "--packet-size", "1472",
          "--force-buffer", "--buffer-size", "64M", "--rss-margin", "16M", "--json"]


def soak(*args, timeout=120):
    result = subprocess.run([BENCH, "soak", *COMMON, *args], capture_output=True,
                            text=True, timeout=timeout)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    samples = [line["sample"] for line in lines if "sample" in line]
    finals = [line["soak"] for line in lines if "soak" in line]
    assert len(finals) == 1, result.stdout[-2000:] + result.stderr
    return result.returncode, samples, finals[0], result.stderr


class qa_soak(unittest.TestCase):
    def check_samples(self, samples, final):
        # The start (before any packet), one per interval, the end.
        self.assertGreaterEqual(len(samples), 3)
        self.assertEqual(samples[0]["heaps_received"], 0)
        self.assertEqual(samples[-1], final["end"])
        for s in samples:
            self.assertGreater(s["rss"], 0)
            self.assertGreaterEqual(s["peak_rss"], s["rss"])
        received = [s["heaps_received"] for s in samples]
        self.assertEqual(received, sorted(received))

    def check_heap_memory(self, final):
        """The pool's buffers are made up front; a busy consumer may make the pool
        refill beyond them, never beyond the bound."""
        self.assertEqual(final["pool_buffers"], POOL_BUFFERS)
        self.assertEqual(final["heap_memory_bound"], HEAP_MEMORY_BOUND)
        self.assertEqual(final["start"]["heap_memory"], POOL_BUFFERS * HEAP)
        for sample in (final["start"], final["warm"], final["end"]):
            self.assertGreaterEqual(sample["heap_memory_peak"], POOL_BUFFERS * HEAP)
            self.assertLessEqual(sample["heap_memory_peak"], HEAP_MEMORY_BOUND)
        self.assertTrue(final["pool_bounded"])

    def test_no_loss_and_flat_memory_at_a_modest_rate(self):
        # SPEAD_SOAK_SECONDS lengthens the run (e.g. 3600 for an hour; docs/soak-and-multicast.md).
        duration = os.environ.get("SPEAD_SOAK_SECONDS", "15")
        status, samples, final, err = soak("--duration", duration, "--interval", "5",
                                           "--warmup", "5")
        self.check_samples(samples, final)
        end = final["end"]
        # About 0.2e9 / 8 / (46 * 1472) = 369 heaps/s: thousands in 15 s or more.
        self.assertGreater(final["sent"]["data_heaps"], 1000)
        self.assertEqual(final["sent"]["damaged_heaps"], 0)
        self.assertEqual(end["heaps_received"], final["sent"]["data_heaps"], err)
        self.assertEqual(final["heaps_lost"], 0)
        self.assertEqual(end["heaps_corrupt"], 0)
        self.assertEqual(end["heaps_missing"], 0)
        self.assertEqual(end["heaps_incomplete"], 0)
        self.assertEqual(end["packets_rejected"], 0)
        # Every data packet and the stop heap's arrived.
        self.assertEqual(end["packets"], final["sent"]["packets"])
        self.assertEqual(end["packets"], final["sent"]["data_heaps"] * PACKETS_PER_HEAP + 1)
        self.assertEqual(end["payload_bytes"], end["heaps_received"] * HEAP)
        self.assertFalse(final["stop_heap_lost"])
        self.assertTrue(final["memory_flat"], final)
        self.assertLessEqual(final["rss_growth"], 16 << 20)
        self.check_heap_memory(final)
        self.assertTrue(final["pass"])
        self.assertEqual(status, 0)

    def test_memory_bounded_under_a_flood_of_incomplete_heaps(self):
        # One packet in twenty dropped: a 46-packet heap is intact with probability
        # 0.95^46 = 0.09, so most are damaged, and each one started (its first packet
        # arrived) waits in the window until a newer heap evicts it: thousands of
        # distinct counters left incomplete, with a few intact heaps among them.
        status, samples, final, err = soak("--duration", "6", "--interval", "2",
                                           "--warmup", "2", "--drop", "0.05", "--seed", "7")
        self.check_samples(samples, final)
        end = final["end"]
        sent = final["sent"]
        self.assertGreater(sent["data_heaps"], 1000)
        self.assertGreater(sent["damaged_heaps"], 0.8 * sent["data_heaps"])
        self.assertGreater(end["heaps_incomplete"], 0.5 * sent["data_heaps"])
        # The few heaps the sender left intact all arrive, intact.
        self.assertGreater(sent["data_heaps"], sent["damaged_heaps"])
        self.assertEqual(end["heaps_received"], sent["data_heaps"] - sent["damaged_heaps"])
        self.assertEqual(end["heaps_corrupt"], 0)
        self.assertEqual(final["heaps_lost"], 0)
        self.check_heap_memory(final)
        self.assertTrue(final["memory_flat"], final)
        self.assertTrue(final["pass"], final)
        self.assertEqual(status, 0)

    def test_bad_command_lines(self):
        for args, needle in ((["--rate", "0"], "--rate"),
                             (["--duration", "5", "--warmup", "5"], "--warmup"),
                             (["--drop", "1"], "--drop"),
                             (["--bogus"], "--bogus")):
            result = subprocess.run([BENCH, "soak", *args], capture_output=True, text=True,
                                    timeout=30)
            self.assertEqual(result.returncode, 2, args)
            self.assertIn(needle, result.stderr, args)


if __name__ == "__main__":
    unittest.main()
