#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Multicast across hosts: one sender and two receivers, each a network namespace of
its own, on a Linux bridge (the switch, in a fourth namespace), with IPv4 and IPv6.

  snd (10.77.0.1, fd77::1) --+
  ra  (10.77.0.2, fd77::2) --+-- br0 (mcast_snooping 0: every group is flooded to
  rb  (10.77.0.3, fd77::3) --+        every port, as a switch without IGMP/MLD snooping)

Receiver A joins G1 (IPv4, by interface address) and G3 (IPv6, by interface index);
receiver B joins G2 (IPv4) and G4 (IPv6) on the interfaces the OS chooses (by the
multicast routes). All four groups use the same UDP port. The sender sends recognisable
heaps (item 0x1000 = group number, 0x1001 = sequence number, 0x1002 = a payload
spelling both, in three packets) to each group; each receiver, a
gnuradio.spead.recv.Stream in its namespace (multicast_hosts_receiver.py), must get
exactly its groups' heaps, once each, with their values, and nothing of the others.
Since the bridge floods everything, B's groups reach A's interface; a bystander socket
on host A also joins B's groups, so that they reach A's UDP layer too (proved by its
datagram count): only the readers' own group bindings keep them out of A's stream.

A second test runs the command-line tools across the same hosts: spead_send (with
--interface / --interface-index and --ttl) to spead_recv.

The namespaces, sender and receivers are multicast_hosts_support.py's. Needs root (or
CAP_NET_ADMIN and CAP_SYS_ADMIN), `ip` and `bridge`: without them the test exits with
SKIP (77). Every namespace has a name unique to this process and is deleted at the
end, whatever happens. Every step is bounded in time.
"""

import json
import os
import signal
import subprocess
import sys
import time
import unittest

from multicast_hosts_support import ADDRESSES, GROUPS, PORT, RECEIVER_TIMEOUT, \
    STEP_TIMEOUT, Receiver, Sender, Topology, delete_stale_namespaces, \
    namespaces_available
from recv_test_support import fragment, packet

SKIP = 77
HEAPS_PER_GROUP = 20
PACKET_PAYLOAD = 1400  # fits the veths' 1500-byte MTU with the headers
PROBE = 0xFFFF         # sequence number that marks a probe heap


def payload(group, seq):
    text = 'group {} heap {};'.format(group, seq).encode()
    return (text * (3000 // len(text) + 1))[:3000]


def data_heap(group, seq):
    """Heap counter group * 1000 + seq, 3000 payload bytes in three packets."""
    cnt = group * 1000 + seq
    data = payload(group, seq)
    items = [(True, 0x1000, group), (True, 0x1001, seq), (False, 0x1002, 0)]
    packets = []
    for offset in range(0, len(data), PACKET_PAYLOAD):
        packets.append(fragment(cnt, len(data), offset, data[offset:offset + PACKET_PAYLOAD],
                                items if offset == 0 else ()))
    return packets


def probe_heap(group, j):
    return [packet(100000 * group + j, [(0x1000, group), (0x1001, PROBE)])]


def groups_seen(receiver, probes):
    """The groups of the probe heaps (or of the data heaps) a receiver got."""
    return {h['items']['4096'] for h in receiver.heaps
            if (h['items'].get('4097') == PROBE) == probes}


#: Set by SIGTERM: the tests not yet started are skipped (the current one cleans up).
TERMINATED = False


class qa_multicast_hosts(unittest.TestCase):
    def setUp(self):
        if TERMINATED:
            self.skipTest('terminated')
        self.topology = Topology()
        self.addCleanup(self.topology.delete)
        self.topology.create()

    def start_receiver(self, role, config):
        r = Receiver(self.topology.ns[role], config)
        self.addCleanup(r.kill)
        self.assertTrue(r.wait_ready(), 'receiver {} did not start: {}'.format(
            role, r.proc.stderr.read() if r.proc.poll() is not None else 'timeout'))
        return r

    def test_each_receiver_gets_exactly_its_groups(self):
        a = self.start_receiver('ra', {
            'readers': [{'group': GROUPS[1], 'interface_address': ADDRESSES['ra'][0]},
                        {'group': GROUPS[3], 'interface_index_of': 'eth0'}],
            'bystander': [GROUPS[2], GROUPS[4]], 'bystander_interface': 'eth0'})
        b = self.start_receiver('rb', {'readers': [{'group': GROUPS[2]},
                                                   {'group': GROUPS[4]}]})
        sender = Sender(self.topology.ns['snd'])
        self.addCleanup(sender.close)
        mine = {'A': (a, {1, 3}), 'B': (b, {2, 4})}

        # Probes until each receiver has heard from both its groups (a new link may take
        # a moment to carry multicast), so that the data heaps meet a working network.
        deadline = time.monotonic() + STEP_TIMEOUT
        j = 0
        while time.monotonic() < deadline:
            for group in GROUPS:
                sender.send(group, probe_heap(group, j))
            j += 1
            time.sleep(0.05)
            for r, _ in mine.values():
                r.take()
            if all(groups <= groups_seen(r, probes=True) for r, groups in mine.values()):
                break
        for name, (r, groups) in mine.items():
            self.assertEqual(groups_seen(r, probes=True), groups,
                             'receiver {} probes after {} rounds'.format(name, j))

        # The data heaps, groups interleaved heap by heap.
        for seq in range(HEAPS_PER_GROUP):
            for group in GROUPS:
                sender.send(group, data_heap(group, seq))
        expected_total = 2 * HEAPS_PER_GROUP
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline and not all(
                len([h for h in r.heaps if h['items'].get('4097') != PROBE]) >=
                expected_total for r, _ in mine.values()):
            for r, _ in mine.values():
                r.take(0.05)
        # Time for anything that should not arrive to arrive.
        time.sleep(0.5)
        for r, _ in mine.values():
            r.finish()

        for name, (r, groups) in mine.items():
            self.assertIsNotNone(r.final, 'receiver {} ended abnormally: {}'.format(
                name, r.stderr))
            data = [h for h in r.heaps if h['items'].get('4097') != PROBE]
            received = sorted((h['items']['4096'], h['items']['4097']) for h in data)
            expected = sorted((g, s) for g in groups for s in range(HEAPS_PER_GROUP))
            self.assertEqual(received, expected, 'receiver {}'.format(name))
            for h in data:
                g, s = h['items']['4096'], h['items']['4097']
                self.assertTrue(h['complete'])
                self.assertEqual(h['heap'], g * 1000 + s)
                self.assertEqual(bytes.fromhex(h['items']['4098']), payload(g, s))
            self.assertEqual(groups_seen(r, probes=True), groups, 'receiver {}'.format(name))
            stats = r.final['stats']
            self.assertEqual(stats['packets_rejected'], 0, 'receiver {}'.format(name))
            self.assertEqual(stats['incomplete_heaps_evicted'], 0, 'receiver {}'.format(name))
        # B's groups did reach host A (the bystander got its 20 x 3 data packets per
        # group, and probes): A's stream kept them out by its own group bindings.
        self.assertGreaterEqual(a.final['bystander_datagrams'], 2 * HEAPS_PER_GROUP * 3)


class qa_multicast_hosts_tools(unittest.TestCase):
    """spead_send and spead_recv across the same hosts: A's spead_recv joins G1 by
    interface address, B's joins G4 by interface index; spead_send sends 8 KiB heaps
    to G1 (--interface, --ttl) and 4 KiB heaps to G4 (--interface-index, --ttl). Each
    receiver must see exactly the packets its sender sent (not one of the other
    group's) and heaps of its size. The tools come from SPEAD_APPS_DIR (set by ctest);
    without it this test is skipped."""

    def setUp(self):
        if TERMINATED:
            self.skipTest('terminated')
        apps = os.environ.get('SPEAD_APPS_DIR', '')
        self.send = os.path.join(apps, 'spead_send')
        self.recv = os.path.join(apps, 'spead_recv')
        if not (os.access(self.send, os.X_OK) and os.access(self.recv, os.X_OK)):
            self.skipTest('SPEAD_APPS_DIR does not hold spead_send and spead_recv')
        self.topology = Topology()
        self.addCleanup(self.topology.delete)
        self.topology.create()

    def start_recv(self, role, *args):
        proc = subprocess.Popen(
            ['ip', 'netns', 'exec', self.topology.ns[role], self.recv, '--json',
             '--timeout', str(RECEIVER_TIMEOUT), '--udp', str(PORT)] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def kill():
            if proc.poll() is None:
                proc.kill()
            proc.communicate()

        self.addCleanup(kill)
        # The address line says the group is joined (warnings may come first).
        line = ''
        deadline = time.monotonic() + STEP_TIMEOUT
        while 'listening on' not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
        self.assertIn('listening on', line, 'spead_recv in ' + role)
        return proc

    def run_send(self, *args):
        result = subprocess.run(
            ['ip', 'netns', 'exec', self.topology.ns['snd'], self.send, '--json', '--port',
             str(PORT), '--heaps', '20', '--packet-size', '1400', '--rate', '0.05',
             '--ttl', '1'] + list(args),
            capture_output=True, text=True, timeout=RECEIVER_TIMEOUT)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def finish(self, proc):
        out, err = proc.communicate(timeout=RECEIVER_TIMEOUT + STEP_TIMEOUT)
        self.assertEqual(proc.returncode, 0, err)
        lines = [json.loads(line) for line in out.splitlines()]
        return [l for l in lines if 'heap' in l], [l for l in lines if 'statistics' in l][0]

    def test_spead_send_to_spead_recv(self):
        a = self.start_recv('ra', '--bind', GROUPS[1], '--interface', ADDRESSES['ra'][0])
        b_index = json.loads(subprocess.run(
            ['ip', '-n', self.topology.ns['rb'], '-j', 'link', 'show', 'eth0'],
            capture_output=True, text=True, timeout=STEP_TIMEOUT, check=True).stdout)[0]
        b = self.start_recv('rb', '--bind', GROUPS[4], '--interface-index',
                            str(b_index['ifindex']))
        snd_index = json.loads(subprocess.run(
            ['ip', '-n', self.topology.ns['snd'], '-j', 'link', 'show', 'eth0'],
            capture_output=True, text=True, timeout=STEP_TIMEOUT, check=True).stdout)[0]
        sent = {1: self.run_send('--host', GROUPS[1], '--interface', ADDRESSES['snd'][0],
                                 '--heap-size', '8K'),
                4: self.run_send('--host', GROUPS[4], '--interface-index',
                                 str(snd_index['ifindex']), '--heap-size', '4K')}
        for group, proc, size in ((1, a, 8192), (4, b, 4096)):
            heaps, final = self.finish(proc)
            name = 'receiver of G{}'.format(group)
            self.assertEqual(final['end'], 'end of stream', name)
            # Every packet of its group (descriptors, 20 data heaps, stop), no other.
            self.assertEqual(final['statistics']['packets'], sent[group]['packets'], name)
            self.assertEqual(final['statistics']['packets_rejected'], 0, name)
            self.assertEqual([h['heap'] for h in heaps], list(range(1, 22)), name)
            for h in heaps[1:]:
                self.assertTrue(h['complete'], name)
                items = {i['id']: i for i in h['items']}
                # docs/tools.md: timestamp = heap index x heap size, data = heap size bytes.
                self.assertEqual(items[0x1600]['value'], str((h['heap'] - 2) * size), name)
                self.assertEqual(items[0x1601]['length'], size, name)


def main():
    # SIGTERM and Ctrl-C become an exception, so that the current test's cleanups run.
    def terminate(signum, frame):
        global TERMINATED
        TERMINATED = True
        raise SystemExit('qa_multicast_hosts: terminated by signal {}'.format(signum))

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    reason = namespaces_available()
    if reason:
        print('SKIP: qa_multicast_hosts needs network namespaces: ' + reason)
        sys.exit(SKIP)
    delete_stale_namespaces()
    unittest.main()


if __name__ == '__main__':
    main()
