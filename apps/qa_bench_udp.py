#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Smoke test of `spead_bench udp`: one 1-second loopback trial at a modest rate. It
checks that the report has its fields and that heaps arrived, not how fast.

usage: qa_bench_udp.py SPEAD_BENCH
"""

import json
import os
import subprocess
import sys
import unittest

BENCH = sys.argv[1]
del sys.argv[1]


class qa_bench_udp(unittest.TestCase):
    def test_one_short_trial(self):
        result = subprocess.run([BENCH, "udp", "--duration", "1", "--rate", "0.5",
                                 "--heap-size", "64K", "--packet-size", "1472", "--json"],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        for field in ("heap_size", "packet_size", "duration", "buffer_size_requested",
                      "buffer_size_granted", "points"):
            self.assertIn(field, report)
        self.assertEqual(len(report["points"]), 1)
        trial = report["points"][0]["median"]
        for field in ("offered_gbps", "sent_gbps", "received_gbps", "packets_per_s",
                      "heaps_sent", "heaps_received", "heaps_incomplete", "heaps_lost",
                      "loss_percent", "kernel_drops"):
            self.assertIn(field, trial)
        self.assertEqual(trial["offered_gbps"], 0.5)
        self.assertGreater(trial["heaps_sent"], 0)
        self.assertGreater(trial["heaps_received"], 0)
        self.assertEqual(trial["heaps_lost"], trial["heaps_sent"] - trial["heaps_received"])

    def short_trial(self, *options):
        result = subprocess.run([BENCH, "udp", "--duration", "0.3", "--rate", "0.5",
                                 "--heap-size", "64K", "--packet-size", "1472", "--json",
                                 *options],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertGreater(report["points"][0]["median"]["heaps_received"], 0)
        return report

    def test_default_pins_sender_and_receiver_to_two_cpus(self):
        allowed = sorted(os.sched_getaffinity(0))
        report = self.short_trial()
        if len(allowed) >= 2:
            self.assertEqual((report["sender_cpu"], report["receiver_cpu"]),
                             (allowed[0], allowed[1]))
        else:
            self.assertIsNone(report["sender_cpu"])
            self.assertIsNone(report["receiver_cpu"])

    def test_cpus_as_asked_or_unpinned(self):
        cpu = min(os.sched_getaffinity(0))
        report = self.short_trial("--sender-cpu", str(cpu), "--receiver-cpu", str(cpu))
        self.assertEqual((report["sender_cpu"], report["receiver_cpu"]), (cpu, cpu))
        report = self.short_trial("--no-pin")
        self.assertIsNone(report["sender_cpu"])
        self.assertIsNone(report["receiver_cpu"])

    def test_no_pin_excludes_cpu_choice(self):
        result = subprocess.run([BENCH, "udp", "--no-pin", "--sender-cpu", "0"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--no-pin", result.stderr)

    def test_bad_option(self):
        result = subprocess.run([BENCH, "udp", "--duration", "0"], capture_output=True,
                                text=True, timeout=60)
        self.assertEqual(result.returncode, 2)
        self.assertIn("--duration", result.stderr)


if __name__ == "__main__":
    unittest.main()
