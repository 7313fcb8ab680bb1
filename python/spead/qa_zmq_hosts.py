#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""A telescope's band over two receiving hosts, carried between hosts by GNU Radio's
ZeroMQ blocks. Hosts are network namespaces on one bridge (multicast_hosts_support):

  snd (10.77.0.1): sends an F-engine-like stream (4 antennas, 1024 channels over 4 IPv4
                   multicast groups, two polarisations, 48-bit timestamps) and runs the
                   assembling flowgraph (examples/python/zmq_band_assembler.py: ZMQ SUB
                   Message Sources subscribed to both hosts, a Python block that
                   assembles the band)
  ra  (10.77.0.2): a flowgraph (examples/python/zmq_band_host.py) joining groups 0-1: a
                   SPEAD Heap Source selecting antenna 2, rx_time on, PDUs into a ZMQ
                   PUB Message Sink bound to 10.77.0.2:5560
  rb  (10.77.0.3): the same for groups 2-3

The assembled band of antenna 2 must be exactly the values sent, frame by frame in
rx_time order with each frame's exact rx_time, and each host's statistics must show
its own half only and no loss.

ZMQ PUB drops what it publishes while no subscriber is connected, so the sender first
sends probe heaps (a fifth antenna, carrying the descriptors) to every group until the
assembler has seen a probe from each host and channel range; data frames follow, each
sent once the previous one has been assembled (pacing by progress, not by time).

Needs root for network namespaces; without them it prints why and exits 77 (ctest:
SKIP). Every step is bounded in time; namespaces are deleted at the end."""

import os
import signal
import socket
import sys
import tempfile
import time
import unittest

import numpy as np
from gnuradio import spead

from fengine_test_stream import FENG_ID_ID, FLAVOUR, FREQUENCY_ID, TIMESTAMP_ID, \
    FEngineStream, rx_time
from multicast_hosts_support import ADDRESSES, STEP_TIMEOUT, \
    Receiver, Topology, delete_stale_namespaces, namespaces_available, \
    sockets_in_namespace

SKIP = 77
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'examples',
                        'python')
PORT = 7148
GROUPS = ['239.78.0.{}'.format(g) for g in range(4)]
HALVES = {'ra': '239.78.0.0+1:{}'.format(PORT), 'rb': '239.78.0.2+1:{}'.format(PORT)}
ZMQ_PORT = 5560
ANTENNA = 2
PROBE_ANTENNA = 99
FRAMES = 5
SAMPLE_RATE = 1712e6
SYNC_TIME = 1700000000.25

#: Set by SIGTERM: the tests not yet started are skipped (the current one cleans up).
TERMINATED = False


def multicast_sender(ns):
    def make():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     socket.inet_aton(ADDRESSES['snd'][0]))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        return s

    return sockets_in_namespace(ns, make)


def wait_for(condition, receivers, timeout=STEP_TIMEOUT):
    """Reads the children's lines until condition() holds; False after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for r in receivers:
            r.take(0.02)
        if condition():
            return True
    return False


class qa_zmq_hosts(unittest.TestCase):
    def setUp(self):
        if TERMINATED:
            self.skipTest('terminated')
        self.topology = Topology()
        self.addCleanup(self.topology.delete)
        self.topology.create()

    def start(self, role, argv, script):
        r = Receiver(self.topology.ns[role], {}, os.path.join(EXAMPLES, script), argv)
        self.addCleanup(r.kill)
        self.assertTrue(r.wait_ready(), '{} did not start: {}'.format(
            script, r.proc.stderr.read() if r.proc.poll() is not None else 'timeout'))
        return r

    def test_two_hosts_publish_halves_and_the_band_is_assembled_exactly(self):
        f = FEngineStream(n_ants=4, n_chans=1024, n_groups=4, spectra_per_heap=4)
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        output = os.path.join(tmp.name, 'band.npz')
        # Subscribers first: ZMQ connects (and reconnects) to a publisher not yet bound.
        assembler = self.start('snd', [
            '--subscribe', ','.join('{}=tcp://{}:{}'.format(role, ADDRESSES[role][0],
                                                          ZMQ_PORT) for role in HALVES),
            '--antenna', str(ANTENNA), '--shape', ','.join(str(n) for n in f.shape),
            '--channels', str(f.n_chans), '--output', output, '--until-eof'],
            'zmq_band_assembler.py')
        hosts = {role: self.start(role, [
            '--address', HALVES[role], '--interface-address', ADDRESSES[role][0],
            '--antennas', '{},{}'.format(ANTENNA, PROBE_ANTENNA),
            '--sample-rate', repr(SAMPLE_RATE), '--sync-time', repr(SYNC_TIME),
            '--publish', 'tcp://{}:{}'.format(ADDRESSES[role][0], ZMQ_PORT),
            '--until-eof'], 'zmq_band_host.py') for role in HALVES}
        children = [assembler] + list(hosts.values())
        tx = multicast_sender(self.topology.ns['snd'])
        self.addCleanup(tx.close)

        def send(group, packets):
            for p in packets:
                tx.sendto(p, (GROUPS[group], PORT))

        # Probes until the assembler hears every (host, channel range) through ZMQ.
        expected_probes = {('ra', 0), ('ra', 256), ('rb', 512), ('rb', 768)}

        def probes_seen():
            return {(line['probe'], line['frequency']) for line in assembler.others
                    if 'probe' in line}

        probe = 0
        deadline = time.monotonic() + 2 * STEP_TIMEOUT
        while probes_seen() != expected_probes and time.monotonic() < deadline:
            for g in range(f.n_groups):
                send(g, spead.encode_heap(
                    1000000 + probe * f.n_groups + g,
                    f.descriptor_items() + [(TIMESTAMP_ID, 0),
                                            (FENG_ID_ID, PROBE_ANTENNA),
                                            (FREQUENCY_ID, g * f.chans_per_group)],
                    flavour=FLAVOUR))
            probe += 1
            wait_for(lambda: probes_seen() == expected_probes, children, 0.1)
        if probes_seen() != expected_probes:
            for child in children:
                child.finish()
            self.fail('the probes did not cross both hosts and ZMQ: seen {}; hosts\' '
                      'statistics {}; stderr {}'.format(
                          sorted(probes_seen()),
                          {r: h.final and {k: v for k, v in h.final['stats'].items() if v}
                           for r, h in hosts.items()},
                          [c.stderr[-500:] + ''.join(c.log)[-1500:] for c in children]))

        # Frames of every antenna, group by group; the next once this one is assembled.
        for t in range(FRAMES):
            for g in range(f.n_groups):
                for a in range(f.n_ants):
                    send(g, f.heap_packets(t, g, a))
            self.assertTrue(wait_for(lambda: len(assembler.heaps) == (t + 1) * f.n_groups,
                                     children), 'frame {} was not assembled'.format(t))

        for child in children:
            child.finish()
        done = [line for line in assembler.others if 'frames' in line]
        self.assertEqual(done, [{'frames': FRAMES, 'incomplete': 0}], assembler.stderr)

        # The whole band of antenna 2, exactly, frame by frame in rx_time order.
        with np.load(output) as band:
            for t in range(FRAMES):
                seconds, fraction = rx_time(f.timestamp(t), SAMPLE_RATE, SYNC_TIME)
                self.assertEqual(int(band['rx_seconds'][t]), seconds)
                self.assertEqual(float(band['rx_fraction'][t]), fraction)
                values = np.concatenate([f.data(t, g, ANTENNA) for g in range(f.n_groups)])
                pairs = values.astype(np.float32)  # (channels, spectra, pols, 2)
                expected = (pairs[..., 0] + 1j * pairs[..., 1]).transpose(2, 1, 0)
                np.testing.assert_array_equal(band['band'][t], expected)

        # Each host's statistics: its two groups only, nothing lost or incomplete.
        for role, host in hosts.items():
            self.assertIsNotNone(host.final, host.stderr)
            stats = host.final['stats']
            probes = stats['heaps_published'] - 2 * FRAMES
            self.assertGreaterEqual(probes, 2, role)
            self.assertEqual(stats['heaps_skipped_by_selection'],
                             2 * FRAMES * (f.n_ants - 1), role)
            self.assertEqual(stats['heaps_incomplete'], 0, role)
            self.assertEqual(stats['incomplete_heaps_evicted'], 0, role)
            self.assertEqual(stats['packets_rejected'], 0, role)


def main():
    # SIGTERM and Ctrl-C become an exception, so that the current test's cleanups run.
    def terminate(signum, frame):
        global TERMINATED
        TERMINATED = True
        raise SystemExit('qa_zmq_hosts: terminated by signal {}'.format(signum))

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    reason = namespaces_available()
    if reason:
        print('SKIP: qa_zmq_hosts needs network namespaces: ' + reason)
        sys.exit(SKIP)
    delete_stale_namespaces()
    unittest.main()


if __name__ == '__main__':
    main()
