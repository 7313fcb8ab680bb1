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

Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) and `ip`: without them the test exits
with SKIP (77). Every namespace has a name unique to this process and is deleted at the
end, whatever happens. Every step is bounded in time.
"""

import ctypes
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

from recv_test_support import fragment, packet

SKIP = 77
#: Seconds any single `ip` command, the probing and each receiver may take.
STEP_TIMEOUT = 10
RECEIVER_TIMEOUT = 40

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = 7148
GROUPS = {1: '239.77.0.1', 2: '239.77.0.2', 3: 'ff15::77:3', 4: 'ff15::77:4'}
HEAPS_PER_GROUP = 20
PACKET_PAYLOAD = 1400  # fits the veths' 1500-byte MTU with the headers
PROBE = 0xFFFF         # sequence number that marks a probe heap

ADDRESSES = {'snd': ('10.77.0.1', 'fd77::1'), 'ra': ('10.77.0.2', 'fd77::2'),
             'rb': ('10.77.0.3', 'fd77::3')}


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


# --- network namespaces ---------------------------------------------------------------

def ip(*args):
    subprocess.run(['ip'] + list(args), check=True, capture_output=True, text=True,
                   timeout=STEP_TIMEOUT)


def netns_exec(ns, *args):
    subprocess.run(['ip', 'netns', 'exec', ns] + list(args), check=True,
                   capture_output=True, text=True, timeout=STEP_TIMEOUT)


class Topology:
    """The four namespaces; delete() removes whatever was made."""

    def __init__(self):
        tag = 'gspmc{}-{}'.format(os.getpid(), int(time.time() * 1000) % 100000)
        self.ns = {role: '{}-{}'.format(tag, role) for role in ('sw', 'snd', 'ra', 'rb')}
        self.made = []

    def create(self):
        for role in ('sw', 'snd', 'ra', 'rb'):
            ip('netns', 'add', self.ns[role])
            self.made.append(self.ns[role])
            # No duplicate address detection: addresses are usable at once.
            netns_exec(self.ns[role], 'sysctl', '-q', '-w', 'net.ipv6.conf.all.accept_dad=0',
                       'net.ipv6.conf.default.accept_dad=0')
            ip('-n', self.ns[role], 'link', 'set', 'lo', 'up')
        sw = self.ns['sw']
        ip('-n', sw, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0')
        ip('-n', sw, 'link', 'set', 'br0', 'up')
        for role in ('snd', 'ra', 'rb'):
            host = self.ns[role]
            port = 'p-' + role
            # Both ends are made inside namespaces: nothing is named in the caller's.
            ip('-n', sw, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0',
               'netns', host)
            ip('-n', sw, 'link', 'set', port, 'master', 'br0')
            ip('-n', sw, 'link', 'set', port, 'up')
            v4, v6 = ADDRESSES[role]
            ip('-n', host, 'addr', 'add', v4 + '/24', 'dev', 'eth0')
            ip('-n', host, '-6', 'addr', 'add', v6 + '/64', 'dev', 'eth0', 'nodad')
            ip('-n', host, 'link', 'set', 'eth0', 'up')
        self.wait_forwarding()
        # B joins without naming an interface: the kernel takes the one its route to
        # the group names (IPv6 has ff00::/8 on every interface already).
        ip('-n', self.ns['rb'], 'route', 'add', '224.0.0.0/4', 'dev', 'eth0')

    def wait_forwarding(self):
        """Waits (bounded) until the bridge forwards on all three ports."""
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            out = subprocess.run(['bridge', '-n', self.ns['sw'], '-j', 'link', 'show'],
                                 capture_output=True, text=True, timeout=STEP_TIMEOUT)
            try:
                states = [port.get('state') for port in json.loads(out.stdout or '[]')]
            except ValueError:
                states = []
            if len(states) == 3 and all(state == 'forwarding' for state in states):
                return
            time.sleep(0.05)

    def delete(self):
        for ns in reversed(self.made):
            try:
                ip('netns', 'delete', ns)
            except (subprocess.SubprocessError, OSError) as e:
                sys.stderr.write('qa_multicast_hosts: could not delete {}: {}\n'.format(ns, e))
        self.made = []


CLONE_NEWNET = 0x40000000
#: Set by SIGTERM: the tests not yet started are skipped (the current one cleans up).
TERMINATED = False


def sockets_in_namespace(ns, make):
    """Runs make() with the calling thread in network namespace \\p ns (setns), so the
    sockets it opens live there, then returns to this process's namespace."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open('/proc/thread-self/ns/net', os.O_RDONLY)
    target = os.open('/run/netns/' + ns, os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), 'setns ' + ns)
        try:
            return make()
        finally:
            if libc.setns(own, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), 'setns back')
    finally:
        os.close(own)
        os.close(target)


class Sender:
    """Two UDP sockets in the sender's namespace: IPv4 out of 10.77.0.1, IPv6 out of
    eth0 by index, TTL / hop limit 1 (one link: the bridge forwards frames, it routes
    nothing)."""

    def __init__(self, ns):
        def make():
            v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            v4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                          socket.inet_aton(ADDRESSES['snd'][0]))
            v4.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF,
                          socket.if_nametoindex('eth0'))
            v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
            return v4, v6

        self.v4, self.v6 = sockets_in_namespace(ns, make)

    def send(self, group, packets):
        sock = self.v6 if ':' in GROUPS[group] else self.v4
        for p in packets:
            sock.sendto(p, (GROUPS[group], PORT))

    def close(self):
        self.v4.close()
        self.v6.close()


class Receiver:
    """multicast_hosts_receiver.py in a namespace; its JSON lines land in a queue."""

    def __init__(self, ns, config):
        env = dict(os.environ)
        env['PYTHONPATH'] = os.pathsep.join(filter(None, [HERE, env.get('PYTHONPATH')]))
        config = dict(config, port=PORT, timeout=RECEIVER_TIMEOUT)
        self.proc = subprocess.Popen(
            ['ip', 'netns', 'exec', ns, '/usr/bin/python3', '-B',
             os.path.join(HERE, 'multicast_hosts_receiver.py'), json.dumps(config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env)
        self.lines = queue.Queue()
        self.heaps = []
        self.final = None
        self.stderr = ''
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def take(self, timeout=0.0):
        """Moves the lines that arrived into heaps / final; False at the end."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            return True
        while line is not None:
            if 'heap' in line:
                self.heaps.append(line)
            elif 'stats' in line:
                self.final = line
            elif 'ready' in line:
                self.ready = True
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return True
        return False

    def wait_ready(self):
        self.ready = False
        deadline = time.monotonic() + STEP_TIMEOUT
        while not self.ready and time.monotonic() < deadline:
            if not self.take(0.1):
                break
        return self.ready

    def groups_seen(self, probes):
        return {h['items']['4096'] for h in self.heaps
                if (h['items'].get('4097') == PROBE) == probes}

    def finish(self):
        """Closes stdin (the receiver's cue to end) and collects everything."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr = self.proc.stderr.read()
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline and self.take(0.1):
            pass

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                pipe.close()
            except OSError:
                pass


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
            if all(groups <= r.groups_seen(probes=True) for r, groups in mine.values()):
                break
        for name, (r, groups) in mine.items():
            self.assertEqual(r.groups_seen(probes=True), groups,
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
            self.assertEqual(r.groups_seen(probes=True), groups, 'receiver {}'.format(name))
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


def delete_stale_namespaces():
    """Deletes namespaces left by runs of this test whose process is gone (ctest's
    timeout kills with SIGKILL, which leaves no chance to clean up): the process id in
    the name tells. Namespaces of live runs are left alone."""
    try:
        listing = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True,
                                 timeout=STEP_TIMEOUT).stdout
    except (subprocess.SubprocessError, OSError):
        return
    for line in listing.splitlines():
        name = line.split()[0] if line.split() else ''
        match = re.match(r'gspmc(\d+)-', name)
        if not match or os.path.exists('/proc/' + match.group(1)):
            continue
        try:
            ip('netns', 'delete', name)
            sys.stderr.write('qa_multicast_hosts: deleted stale namespace {}\n'.format(name))
        except (subprocess.SubprocessError, OSError):
            pass


def namespaces_available():
    """Why namespaces cannot be made here, or None when they can."""
    if shutil.which('ip') is None or shutil.which('bridge') is None:
        return 'no ip or bridge command (iproute2)'
    if os.geteuid() != 0:
        return 'not root: ip netns add needs CAP_SYS_ADMIN and CAP_NET_ADMIN'
    probe = 'gspmc{}-probe'.format(os.getpid())
    try:
        ip('netns', 'add', probe)
    except (subprocess.SubprocessError, OSError) as e:
        return 'ip netns add failed: {}'.format(getattr(e, 'stderr', '') or e)
    try:
        ip('-n', probe, 'link', 'add', 'br0', 'type', 'bridge')
        ip('-n', probe, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1')
    except (subprocess.SubprocessError, OSError) as e:
        return 'no bridge or veth in a namespace: {}'.format(getattr(e, 'stderr', '') or e)
    finally:
        try:
            ip('netns', 'delete', probe)
        except (subprocess.SubprocessError, OSError):
            pass
    return None


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
