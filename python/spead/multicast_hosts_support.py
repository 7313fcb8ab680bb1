#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Hosts made of network namespaces for qa_multicast_hosts: three hosts (snd, ra, rb) on
a bridge in a fourth (sw), sender sockets opened inside a namespace, and receivers
(multicast_hosts_receiver.py) run inside one. Every step is bounded in time."""

import ctypes
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

#: Seconds any single `ip` command, a receiver's start and its end may take.
STEP_TIMEOUT = 10
#: Seconds a receiver runs at most.
RECEIVER_TIMEOUT = 40

HERE = os.path.dirname(os.path.abspath(__file__))
PORT = 7148
GROUPS = {1: '239.77.0.1', 2: '239.77.0.2', 3: 'ff15::77:3', 4: 'ff15::77:4'}
ADDRESSES = {'snd': ('10.77.0.1', 'fd77::1'), 'ra': ('10.77.0.2', 'fd77::2'),
             'rb': ('10.77.0.3', 'fd77::3')}


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
    """multicast_hosts_receiver.py (or another script of this folder speaking JSON
    lines) in a namespace; its JSON lines land in a queue."""

    def __init__(self, ns, config, script='multicast_hosts_receiver.py', argv=None):
        """\p script (a path, or a name in this folder) takes CONFIG_JSON, or \p argv
        when given."""
        env = dict(os.environ)
        env['PYTHONPATH'] = os.pathsep.join(filter(None, [HERE, env.get('PYTHONPATH')]))
        config = dict(config, port=PORT, timeout=RECEIVER_TIMEOUT)
        self.proc = subprocess.Popen(
            ['ip', 'netns', 'exec', ns, '/usr/bin/python3', '-B',
             os.path.join(HERE, script)] + (argv or [json.dumps(config)]),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env)
        self.lines = queue.Queue()
        self.heaps = []
        self.others = []  # lines of any other kind
        self.log = []  # lines that are not JSON
        self.final = None
        self.stderr = ''
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                self.lines.put(json.loads(line))
            except ValueError:  # GNU Radio's console log shares stdout
                self.log.append(line)
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
            else:
                self.others.append(line)
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
