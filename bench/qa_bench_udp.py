#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Smoke test of `spead_bench udp`: one 1-second loopback trial at a modest rate. It
checks that the report has its fields and that heaps arrived, not how fast; that
`spead_bench mem` refuses bad options naming them, and that a short run of it reports
which copy the engine used, as GR_SPEAD_AVX_COPY chooses it.

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
        # 44 of each heap's 45 packets can be received in place; how many are depends
        # on how the reads fall, but at this rate most of them.
        self.assertGreater(trial["packets_in_place"], trial["packets_received"] // 2)
        self.assertLessEqual(trial["packets_in_place"], trial["packets_received"])
        self.assertGreaterEqual(trial["messages_gathered"], 0)

    def test_in_place_off_by_environment(self):
        environment = dict(os.environ, GR_SPEAD_UDP_IN_PLACE="0")
        result = subprocess.run([BENCH, "udp", "--duration", "0.3", "--rate", "0.5",
                                 "--heap-size", "64K", "--packet-size", "1472", "--json"],
                                capture_output=True, text=True, timeout=120,
                                env=environment)
        self.assertEqual(result.returncode, 0, result.stderr)
        trial = json.loads(result.stdout)["points"][0]["median"]
        self.assertGreater(trial["heaps_received"], 0)
        self.assertEqual(trial["packets_in_place"], 0)
        self.assertEqual(trial["messages_gathered"], 0)

    def short_trial(self, *options):
        result = subprocess.run([BENCH, "udp", "--duration", "0.3", "--rate", "0.5",
                                 "--heap-size", "64K", "--packet-size", "1472", "--json",
                                 *options],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        report = json.loads(result.stdout)
        self.assertGreater(report["points"][0]["median"]["heaps_received"], 0)
        return report

    def test_pin_puts_sender_and_receiver_on_two_cpus(self):
        allowed = sorted(os.sched_getaffinity(0))
        report = self.short_trial("--pin")
        if len(allowed) >= 2:
            self.assertIn(report["sender_cpu"], allowed)
            self.assertIn(report["receiver_cpu"], allowed)
            self.assertNotEqual(report["sender_cpu"], report["receiver_cpu"])
        else:
            self.assertIsNone(report["sender_cpu"])
            self.assertIsNone(report["receiver_cpu"])

    def test_cpus_as_asked_or_unpinned(self):
        cpu = min(os.sched_getaffinity(0))
        report = self.short_trial("--sender-cpu", str(cpu), "--receiver-cpu", str(cpu))
        self.assertEqual((report["sender_cpu"], report["receiver_cpu"]), (cpu, cpu))
        report = self.short_trial("--pin", "--receiver-cpu", str(cpu))
        self.assertEqual(report["receiver_cpu"], cpu)
        report = self.short_trial()
        self.assertIsNone(report["sender_cpu"])
        self.assertIsNone(report["receiver_cpu"])

    def test_force_buffer_passes_rmem_max_only_with_cap_net_admin(self):
        asked = 32 << 20
        report = self.short_trial("--force-buffer", "--buffer-size", str(asked))
        with open("/proc/sys/net/core/rmem_max") as f:
            rmem_max = int(f.read())
        with open("/proc/self/status") as f:
            cap_eff = int(next(line for line in f if line.startswith("CapEff:")).split()[1], 16)
        cap_net_admin = bool(cap_eff & (1 << 12))
        self.assertEqual(report["buffer_forced"], cap_net_admin)
        if cap_net_admin:
            self.assertGreaterEqual(report["buffer_size_granted"], asked)
        else:
            self.assertLessEqual(report["buffer_size_granted"], rmem_max)

    def test_bad_option(self):
        for option, value in (("--duration", "0"), ("--sender-cpu", "-1"),
                              ("--receiver-cpu", "x")):
            result = subprocess.run([BENCH, "udp", option, value], capture_output=True,
                                    text=True, timeout=60)
            self.assertEqual(result.returncode, 2, option)
            self.assertIn(option, result.stderr)

    def test_mem_bad_option(self):
        for option, value in (("--rounds", "0"), ("--max-spin", "-1"),
                              ("--ring-heaps", "x"), ("--scenario", "nope"),
                              ("--seconds", "0")):
            result = subprocess.run([BENCH, "mem", option, value], capture_output=True,
                                    text=True, timeout=60)
            self.assertEqual(result.returncode, 2, option)
            self.assertIn(option, result.stderr)

    def run_mem(self, environment):
        result = subprocess.run([BENCH, "mem", "--seconds", "0.1", "--rounds", "1",
                                 "--scenario", "4KiB-single", "--json"],
                                capture_output=True, text=True, timeout=120,
                                env=environment)
        self.assertEqual(result.returncode, 0, result.stderr)
        scenario = json.loads(result.stdout)["scenarios"][0]
        self.assertEqual(scenario["memcpy"], "standard")
        self.assertGreater(scenario["heaps_per_s"], 0)
        # The engine's own copy is measured beside glibc's, whichever it is.
        self.assertGreater(scenario["same_copy_gbps"], 0)
        self.assertGreater(scenario["memcpy_gbps"], 0)
        return scenario["copy_routine"]

    def test_mem_reports_the_standard_copy(self):
        with open("/proc/cpuinfo") as f:
            has_avx = any(line.startswith("flags") and " avx " in line + " "
                          for line in f)
        environment = dict(os.environ)
        environment.pop("GR_SPEAD_AVX_COPY", None)
        routine = self.run_mem(environment)
        self.assertEqual("AVX loop" in routine, has_avx, routine)
        routine = self.run_mem(dict(os.environ, GR_SPEAD_AVX_COPY="0"))
        self.assertEqual(routine, "glibc memcpy")


if __name__ == "__main__":
    unittest.main()
