#!/usr/bin/env python3
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
"""Side-by-side speed comparison of gr-spead with spead2 (run by scripts/compare-spead2.sh).

In memory: spead2_bench mem against spead_bench mem (ring and no ring, 1 MiB and 4 KiB
heaps, the same packet size, ring and window sizes). Loopback: spead2_send in its own
process sends 1 MiB heaps in 8972-byte packets at each rate into each receiver in turn
(spead2_recv, spead_recv, a spead2 Python loop, the same loop on gnuradio.spead, and
spead.source with byte and complex output into a null sink); the receivers take turns
at every rate so that a machine's drift hits all of them. Prints, per receiver, heaps
received of heaps sent at each rate, the highest rate up to which every trial received
every heap and the fraction received from an unlimited sender, with ratios to
spead2's own figures. Senders: spead2_send and spead_send (UDP GSO where the kernel has
it, as both use it by default) each send the same heaps as fast as they can into
spead2_recv, taking turns; their rates are compared. It judges nothing: the exit status
is 0 unless a tool fails.
"""

import argparse
import json
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time

PYTHON = '/usr/bin/python3'
HEAP_SIZE = 1048576
PACKET = 8972
# An unlimited spead2_send on loopback sends roughly this fast; it sizes the trial.
UNLIMITED_GUESS_GBPS = 30.0

# In-memory scenarios: (label, heap size, our scenario, ring). spead2_bench mem's sender
# takes its packet size from --packet (the receiver's limit), so both encode in
# PACKET-byte packets.
MEM_PACKET = PACKET
MEM_SCENARIOS = [
    ('1 MiB heaps, ring', 1048576, '1MiB-8972', True),
    ('4 KiB heaps, ring', 4096, '4KiB-single', True),
    ('1 MiB heaps, no ring', 1048576, '1MiB-8972', False),
    ('4 KiB heaps, no ring', 4096, '4KiB-single', False),
]

RECEIVERS = ['spead2_recv', 'spead_recv', 'spead2 Python loop', 'gnuradio.spead Python loop',
             'spead.source byte', 'spead.source complex']
REFERENCE = 'spead2_recv'


# ---------------------------------------------------------------------------------------
# Children: the Python loop and the flowgraph, each in a process of its own. They print
# "ready" once listening, stop at the stop heap or when "stop" arrives on stdin, and print
# one JSON line with the heaps they took.

def stop_on_stdin(stop):
    def watch():
        sys.stdin.readline()
        stop()
    threading.Thread(target=watch, daemon=True).start()


def child_python_loop(module, port):
    if module == 'spead2':
        import spead2
        import spead2.recv as recv
    else:
        from gnuradio import spead as spead2
        from gnuradio.spead import recv
    thread_pool = spead2.ThreadPool()
    # spead2_recv --mem-pool's pool: what a script receiving large heaps would set up.
    pool = spead2.MemoryPool(16384, 32 * 1024 * 1024, 12, 8)
    stream = recv.Stream(thread_pool, recv.StreamConfig(memory_allocator=pool),
                         recv.RingStreamConfig())
    stream.add_udp_reader(port, bind_hostname='127.0.0.1')
    print('ready', flush=True)
    stop_on_stdin(stream.stop)
    heaps = 0
    for heap in stream:
        heaps += 1
    print(json.dumps({'heaps': heaps}), flush=True)


def child_source(output, port, ring_heaps=0, buffer_bytes=0):
    from gnuradio import blocks, gr, spead
    tb = gr.top_block()
    if output == 'byte':
        out = spead.output_config('0x1000', 'byte', wire='|u1')
        itemsize = 1
    else:
        out = spead.output_config('0x1000', 'complex', wire='|i1', scale=128)
        itemsize = gr.sizeof_gr_complex
    src = spead.source([out], transport='udp', address='127.0.0.1', port=port,
                       heap_size=HEAP_SIZE, stats_interval=0, ring_heaps=ring_heaps,
                       receive_into_output=bool(os.environ.get('SOURCE_RECEIVE_INTO_OUTPUT')))
    if buffer_bytes > 0:
        src.set_min_output_buffer(0, max(2, buffer_bytes // itemsize))
    tb.connect(src, blocks.null_sink(itemsize))
    tb.start()
    print('ready', flush=True)
    stop_on_stdin(tb.stop)
    tb.wait()
    stats = src.statistics()
    print(json.dumps({'heaps': stats['heaps_emitted'],
                      'worker_blocked': stats['worker_blocked']}), flush=True)


# ---------------------------------------------------------------------------------------
# Trials

class Tools:
    def __init__(self, spead2_dir, gr_dir):
        self.spead2_bin = os.path.join(spead2_dir, 'cxx', 'src')
        self.spead2_py = os.path.join(spead2_dir, 'py', 'lib', 'python3', 'dist-packages')
        self.gr_build = gr_dir
        self.gr_py = os.path.join(gr_dir, 'test_modules')
        self.gr_home = os.path.join(gr_dir, 'home')
        os.makedirs(self.gr_home, exist_ok=True)

    def spead2(self, name):
        return os.path.join(self.spead2_bin, name)

    def ours(self, name):
        # Installed programs are built in apps/, the benchmark harness in bench/.
        for folder in ('bench', 'apps'):
            path = os.path.join(self.gr_build, folder, name)
            if os.access(path, os.X_OK):
                return path
        return os.path.join(self.gr_build, 'apps', name)

    def check(self):
        missing = [p for p in (self.spead2('spead2_send'), self.spead2('spead2_recv'),
                               self.spead2('spead2_bench'), self.ours('spead_recv'),
                               self.ours('spead_bench')) if not os.access(p, os.X_OK)]
        for d in (self.spead2_py, self.gr_py):
            if not os.path.isdir(d):
                missing.append(d)
        if missing:
            sys.exit('compare-spead2: missing: ' + ', '.join(missing))

    def env(self, python_path=None):
        env = dict(os.environ, HOME=self.gr_home)
        if python_path:
            env['PYTHONPATH'] = python_path
        return env


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def udp_bound(port):
    """Whether some socket is bound to UDP port (the receiver is ready for packets)."""
    suffix = ':%04X' % port
    with open('/proc/net/udp') as f:
        return any(line.split()[1].endswith(suffix) for line in list(f)[1:])


def receiver_command(tools, receiver, port, source_options=(0, 0)):
    """(argv, env, has a stdin protocol) of one receiver listening on 127.0.0.1:port."""
    script = os.path.abspath(__file__)
    if receiver == 'spead2_recv':
        return ([tools.spead2('spead2_recv'), '--ring', '--mem-pool', '--quiet',
                 '127.0.0.1:%d' % port], tools.env(), False)
    if receiver == 'spead_recv':
        return ([tools.ours('spead_recv'), '--udp', str(port), '--bind', '127.0.0.1',
                 '--quiet', '--mem-pool'], tools.env(), False)
    if receiver == 'spead2 Python loop':
        return ([PYTHON, script, '--child', 'loop', 'spead2', str(port)],
                tools.env(tools.spead2_py), True)
    if receiver == 'gnuradio.spead Python loop':
        return ([PYTHON, script, '--child', 'loop', 'gnuradio.spead', str(port)],
                tools.env(tools.gr_py), True)
    output = receiver.split()[-1]
    return ([PYTHON, script, '--child', 'source', output, str(port)] +
            [str(x) for x in source_options],
            tools.env(tools.gr_py), True)


def heaps_from_output(receiver, text):
    if receiver == 'spead2_recv':
        m = re.search(r'^Received (\d+) heaps', text, re.M)
        return int(m.group(1)) if m else None
    if receiver == 'spead_recv':
        m = re.search(r'heaps received here: (\d+) \((\d+) incomplete\)', text)
        return int(m.group(1)) - int(m.group(2)) if m else None
    report = child_report(text)
    return report['heaps'] if report else None


def child_report(text):
    """The JSON line a child (Python loop or flowgraph) ends with, or None."""
    for line in reversed(text.splitlines()):
        if line.startswith('{'):
            return json.loads(line)
    return None


def heaps_for(rate, seconds):
    gbps = rate if rate > 0 else UNLIMITED_GUESS_GBPS
    return max(20, int(gbps * 1e9 / 8 * seconds / HEAP_SIZE))


def loopback_trial(tools, receiver, rate, seconds, source_options=(0, 0), grace=2.0):
    """One trial: returns dict(sent, received, sender_gbps)."""
    port = free_port()
    argv, env, stdin_protocol = receiver_command(tools, receiver, port, source_options)
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not udp_bound(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.communicate()[0] if proc.poll() is not None else ''
            proc.kill()
            sys.exit('compare-spead2: %s did not start:\n%s' % (receiver, out))
        time.sleep(0.02)
    time.sleep(0.1)  # the reader is bound; let its thread reach its first receive
    heaps = heaps_for(rate, seconds)
    # The receiver's CPU time is taken from when it is ready (start-up and imports not
    # counted) to its end: its whole use, read when it is reaped, less what it had used.
    cpu_at_ready = process_cpu_seconds(proc.pid)
    sender = subprocess.run(
        [tools.spead2('spead2_send'), '--heap-size', str(HEAP_SIZE), '--packet', str(PACKET),
         '--rate', str(rate), '--heaps', str(heaps), '127.0.0.1:%d' % port],
        capture_output=True, text=True, timeout=600)
    if sender.returncode != 0:
        proc.kill()
        sys.exit('compare-spead2: spead2_send failed: ' + sender.stderr)
    m = re.search(r'in ([\d.e+-]+) seconds, ([\d.e+-]+) Gb/s', sender.stdout)
    children_before = children_cpu_seconds()
    try:
        out = proc.communicate(timeout=grace)[0]
    except subprocess.TimeoutExpired:
        # The stop heap was lost: end the receiver as its user would.
        if stdin_protocol:
            proc.stdin.write('stop\n')
            proc.stdin.flush()
        else:
            proc.send_signal(2)
        try:
            out = proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            out = proc.communicate()[0]
    cpu = children_cpu_seconds() - children_before - cpu_at_ready
    received = heaps_from_output(receiver, out)
    if received is None:
        sys.exit('compare-spead2: no count from %s:\n%s' % (receiver, out))
    return {'receiver': receiver, 'rate': rate, 'sent': heaps, 'received': received,
            'sender_gbps': float(m.group(2)) if m else None, 'cpu_seconds': cpu,
            # The source block's receive thread waiting for room in its ring.
            'worker_blocked': (child_report(out) or {}).get('worker_blocked')}


def process_cpu_seconds(pid):
    """User and system CPU time a running process (all its threads) has used so far."""
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    # utime and stime are fields 14 and 15 of the line, counted from the pid.
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def children_cpu_seconds():
    """User and system CPU time of every child reaped so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


SENDERS = ['spead2_send', 'spead_send']
SENDER_HEAPS = 4000


def sender_trial(tools, sender):
    """One unlimited send of SENDER_HEAPS heaps into spead2_recv: dict(sender, gbps,
    heaps_per_s, received)."""
    port = free_port()
    argv, env, _ = receiver_command(tools, REFERENCE, port)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    while not udp_bound(port):
        if proc.poll() is not None:
            sys.exit('compare-spead2: spead2_recv did not start:\n' + proc.communicate()[0])
        time.sleep(0.02)
    time.sleep(0.1)
    if sender == 'spead2_send':
        argv = [tools.spead2('spead2_send'), '--heap-size', str(HEAP_SIZE), '--packet',
                str(PACKET), '--heaps', str(SENDER_HEAPS), '127.0.0.1:%d' % port]
    else:
        argv = [tools.ours('spead_send'), '--heap-size', str(HEAP_SIZE), '--packet-size',
                str(PACKET), '--heaps', str(SENDER_HEAPS), '--no-descriptors',
                '--port', str(port), '--json']
    r = subprocess.run(argv, capture_output=True, text=True, timeout=600, env=tools.env())
    if r.returncode != 0:
        proc.kill()
        sys.exit('compare-spead2: %s failed: %s' % (sender, r.stdout + r.stderr))
    if sender == 'spead2_send':
        m = re.search(r'in ([\d.e+-]+) seconds, ([\d.e+-]+) Gb/s', r.stdout)
        seconds, gbps = float(m.group(1)), float(m.group(2))
    else:
        summary = json.loads(r.stdout)
        seconds, gbps = summary['seconds'], summary['gbps']
    try:
        out = proc.communicate(timeout=3)[0]
    except subprocess.TimeoutExpired:
        proc.send_signal(2)
        out = proc.communicate(timeout=30)[0]
    return {'sender': sender, 'gbps': gbps, 'heaps_per_s': SENDER_HEAPS / seconds,
            'received': heaps_from_output(REFERENCE, out)}


def mem_spead2(tools, heap_size, ring):
    argv = [tools.spead2('spead2_bench'), 'mem', '--heap-size', str(heap_size),
            '--packet', str(PACKET)]
    if ring:
        argv.append('--ring')
    r = subprocess.run(argv, capture_output=True, text=True, timeout=1200)
    m_bytes = re.search(r'Transferred (\d+) bytes', r.stdout)
    m_rate = re.search(r'([\d.e+-]+) Gbps', r.stdout)
    if r.returncode != 0 or not (m_bytes and m_rate):
        sys.exit('compare-spead2: spead2_bench failed:\n' + r.stdout + r.stderr)
    # spead2_bench prints the rate of the whole buffer (headers too); its buffer holds
    # 1 GiB / heap_size + 1 heaps, the last an end-of-stream heap.
    heaps = (1 << 30) // heap_size + 1
    heaps_per_s = float(m_rate.group(1)) * 1e9 / 8 / (int(m_bytes.group(1)) / heaps)
    return heaps_per_s


def mem_ours(tools, scenario, ring, seconds):
    argv = [tools.ours('spead_bench'), 'mem', '--json', '--seconds', str(seconds),
            '--rounds', '1', '--scenario', scenario, '--packet-size', str(MEM_PACKET),
            '--ring-heaps', '4', '--max-heaps', '4']
    if not ring:
        argv.append('--drop-on-worker')
    r = subprocess.run(argv, capture_output=True, text=True, timeout=1200,
                       env=tools.env())
    if r.returncode != 0:
        sys.exit('compare-spead2: spead_bench failed:\n' + r.stdout + r.stderr)
    return json.loads(r.stdout)['scenarios'][0]['heaps_per_s']


# ---------------------------------------------------------------------------------------
# Report

def span(values, fmt):
    lo, hi = min(values), max(values)
    return fmt % lo if fmt % lo == fmt % hi else (fmt % lo) + '-' + (fmt % hi)


def rate_label(rate):
    return 'unlimited' if rate == 0 else '%g Gb/s' % rate


def percent(received, sent):
    """received of sent in per cent, with as many decimals as it takes for a loss not to
    read as 100.0 %."""
    value = 100.0 * received / sent
    for decimals in (1, 2, 3):
        text = '%.*f' % (decimals, value)
        if received == sent or float(text) < 100.0:
            return text
    return '99.999'


def percent_span(trials):
    values = sorted(trials, key=lambda t: t['received'] / t['sent'])
    lo = percent(values[0]['received'], values[0]['sent'])
    hi = percent(values[-1]['received'], values[-1]['sent'])
    return (lo if lo == hi else lo + '-' + hi) + ' %'


def fmt(value, form):
    return form % value if value is not None else '-'


def ratio(a, b):
    return '%.2f' % (a / b) if a is not None and b else '-'


def summarize(trials, receivers, rates):
    """Per receiver: highest rate up to which every trial was loss-free, and the median
    fraction received at unlimited rate."""
    limited = sorted(r for r in rates if r > 0)
    out = {}
    for rcv in receivers:
        best = None
        for rate in limited:
            mine = [t for t in trials if t['receiver'] == rcv and t['rate'] == rate]
            # Up to the first rate at which a trial lost anything: a loss at a lower
            # rate is not outweighed by luck at a higher one.
            if not mine or not all(t['received'] == t['sent'] for t in mine):
                break
            best = rate
        full = [t for t in trials if t['receiver'] == rcv and t['rate'] == 0]
        fractions = [t['received'] / t['sent'] for t in full]
        # What the receiver took from an unlimited sender, in Gb/s of heaps: the fraction
        # alone depends on how fast the sender went, which varies from trial to trial
        # with what the receiver leaves it of the two CPUs.
        taken = [t['sender_gbps'] * t['received'] / t['sent'] for t in full
                 if t['sender_gbps']]
        # CPU time per GB received at the lowest rate, where every receiver keeps up:
        # what each spends on the same work.
        low = [t['cpu_seconds'] / (t['received'] * HEAP_SIZE / 1e9) for t in trials
               if t['receiver'] == rcv and limited and t['rate'] == limited[0]
               and t['received'] and t.get('cpu_seconds') is not None]
        out[rcv] = {'loss_free_gbps': best,
                    'full_rate_fraction': statistics.median(fractions) if fractions else None,
                    'full_rate_gbps': statistics.median(taken) if taken else None,
                    'cpu_per_gb': statistics.median(low) if low else None}
    return out


def print_report(mem, trials, receivers, rates, machine, senders=(), buffers=None):
    print('\n## Side by side with spead2 (%s)\n' % machine.split(', load')[0])
    if mem:
        print('| in memory (packets of %d B) | spead2 heaps/s | gr-spead heaps/s | ratio |'
              % MEM_PACKET)
        print('|---|---|---|---|')
        for label, heap_size, _, _ in MEM_SCENARIOS:
            if label not in mem:
                continue
            theirs = [x[0] for x in mem[label]]
            ours = [x[1] for x in mem[label]]
            ratios = [o / t for t, o in mem[label]]
            print('| %s | %s | %s | **%s** |' % (label, span(theirs, '%.0f'), span(ours, '%.0f'),
                                             span(ratios, '%.2f')))
        print()
    if trials:
        print('| receiver | ' + ' | '.join(rate_label(r) for r in rates) +
              ' | highest loss-free | x spead2_recv | received at unlimited | x spead2_recv |')
        print('|---' * (len(rates) + 5) + '|')
        summary = summarize(trials, receivers, rates)
        ref = summary.get(REFERENCE, {})
        rows_after = []
        for rcv in receivers:
            cells = []
            for rate in rates:
                mine = [t for t in trials if t['receiver'] == rcv and t['rate'] == rate]
                cells.append(percent_span(mine) if mine else '')
            s = summary[rcv]
            best = s['loss_free_gbps']
            full = s['full_rate_fraction']
            print('| %s | %s | %s | %s | %s | %s |' % (
                rcv, ' | '.join(cells), rate_label(best) if best else 'none',
                ratio(best or 0.0, ref.get('loss_free_gbps')),
                '%.1f %%' % (100 * full) if full is not None else '-',
                ratio(full, ref.get('full_rate_fraction'))))
            rows_after.append('| %s | %s | %s | %s | %s |' % (
                rcv, fmt(s['full_rate_gbps'], '%.1f'),
                ratio(s['full_rate_gbps'], ref.get('full_rate_gbps')),
                fmt(s['cpu_per_gb'], '%.3f'), ratio(s['cpu_per_gb'], ref.get('cpu_per_gb'))))
        limited = sorted(r for r in rates if r > 0)
        print('\n| receiver | Gb/s taken from an unlimited sender | x spead2_recv '
              '| CPU s per GB received at %s | x spead2_recv |'
              % (rate_label(limited[0]) if limited else '-'))
        print('|---|---|---|---|---|')
        print('\n'.join(rows_after))
        sent = [t['sender_gbps'] for t in trials if t['rate'] == 0 and t['sender_gbps']]
        if sent:
            print('\nunlimited spead2_send sent at %s Gb/s' % span(sent, '%.1f'))
    if senders:
        print('\n| sender (unlimited, %d heaps of %d B in %d-byte packets, into spead2_recv) '
              '| Gb/s | heaps/s | x spead2_send | received by spead2_recv |'
              % (SENDER_HEAPS, HEAP_SIZE, PACKET))
        print('|---|---|---|---|---|')
        ref = statistics.median(t['heaps_per_s'] for t in senders
                                if t['sender'] == 'spead2_send')
        for name in SENDERS:
            mine = [t for t in senders if t['sender'] == name]
            print('| %s | %s | %s | **%s** | %s |' % (
                name, span([t['gbps'] for t in mine], '%.1f'),
                span([t['heaps_per_s'] for t in mine], '%.0f'),
                span([t['heaps_per_s'] / ref for t in mine], '%.2f'),
                span([100.0 * (t['received'] or 0) / SENDER_HEAPS for t in mine], '%.1f') + ' %'))
    if buffers:
        print(buffers)
    print('load average before and after: %s' % machine.split('load ')[-1])


def report_from_json(path):
    with open(path) as f:
        saved = json.load(f)
    trials = saved['trials']
    present = {t['receiver'] for t in trials}
    receivers = [r for r in RECEIVERS if r in present]
    rates = sorted({t['rate'] for t in trials}, key=lambda r: (r == 0, r))
    print_report(saved['mem'], trials, receivers, rates, saved['machine'], saved['senders'],
                 saved.get('buffers'))
    return 0


def machine_line():
    model = 'unknown CPU'
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    model = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    return '%s, %d CPUs, load %.2f' % (model, os.cpu_count(), os.getloadavg()[0])


def buffers_line():
    """What the receivers' 8 MiB socket buffer requests come to on this machine."""
    try:
        with open('/proc/sys/net/core/rmem_max') as f:
            limit = int(f.read())
        with open('/proc/self/status') as f:
            caps = next(int(l.split()[1], 16) for l in f if l.startswith('CapEff:'))
    except (OSError, StopIteration, ValueError):
        return None
    asked = 8 << 20
    clipped = min(asked, limit)
    forced = bool(caps >> 12 & 1) and os.environ.get(
        'GR_SPEAD_UDP_FORCE_BUFFER', '').lower() not in ('0', 'off', 'false', 'no')
    ours = asked if forced else clipped
    why = ('CAP_NET_ADMIN: SO_RCVBUFFORCE' if forced else
           'GR_SPEAD_UDP_FORCE_BUFFER=0' if caps >> 12 & 1 else 'no CAP_NET_ADMIN')
    return ('UDP receive buffers (every receiver asks for %d bytes): spead2 gets %d '
            '(net.core.rmem_max), gr-spead %d (%s)' % (asked, clipped, ours, why))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--child':
        kind, what, port = sys.argv[2], sys.argv[3], int(sys.argv[4])
        if kind == 'loop':
            return child_python_loop(what, port)
        return child_source(what, port, int(sys.argv[5]), int(sys.argv[6]))

    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(
        prog='compare-spead2.sh',
        description=__doc__.split('\n\n')[1] if '\n\n' in __doc__ else __doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('spead2_build', metavar='SPEAD2_BUILD_DIR', nargs='?',
                   help='spead2 build folder (tools in cxx/src, Python in '
                        'py/lib/python3/dist-packages)')
    p.add_argument('gr_build', metavar='GR_SPEAD_BUILD_DIR', nargs='?',
                   default=os.path.join(os.path.dirname(here), 'build'),
                   help='gr-spead build folder (default: build in the checkout)')
    mode = p.add_mutually_exclusive_group()
    mode.add_argument('--quick', action='store_true',
                      help='a few minutes: rates 10,20,30,unlimited, 2 s trials, one of each')
    mode.add_argument('--full', action='store_true',
                      help='(default) rates 5 to 35 in steps of 5 and unlimited, 4 s trials, 2 of each')
    p.add_argument('--rates', help='comma-separated Gb/s, 0 = unlimited (overrides the mode)')
    p.add_argument('--seconds', type=float, help='seconds of sending per trial')
    p.add_argument('--repeats', type=int, help='trials per receiver and rate')
    p.add_argument('--mem-repeats', type=int, help='in-memory runs per scenario')
    p.add_argument('--receivers', help='comma-separated subset of: ' + ', '.join(RECEIVERS))
    p.add_argument('--no-mem', action='store_true', help='skip the in-memory part')
    p.add_argument('--no-loopback', action='store_true', help='skip the loopback part')
    p.add_argument('--no-senders', action='store_true', help='skip the senders part')
    p.add_argument('--json', metavar='FILE', help='write every trial to FILE')
    p.add_argument('--source-ring-heaps', type=int, default=0, metavar='N',
                   help="spead.source's ring_heaps (default 0: the block's auto depth)")
    p.add_argument('--source-buffer', type=int, default=0, metavar='BYTES',
                   help="spead.source's output buffer (default 0: the block's own choice, "
                        "two heaps of samples)")
    p.add_argument('--report', metavar='FILE',
                   help='print the tables of an earlier run saved with --json FILE, and '
                        'run nothing')
    a = p.parse_args()
    if a.report:
        return report_from_json(a.report)
    if not a.spead2_build:
        p.error('SPEAD2_BUILD_DIR is needed (unless --report)')

    if a.quick:
        rates, seconds, repeats, mem_repeats = [10, 20, 30, 0], 2.0, 1, 1
    else:
        rates, seconds, repeats, mem_repeats = [5, 10, 15, 20, 25, 30, 35, 0], 4.0, 2, 2
    if a.rates:
        rates = [float(x) for x in a.rates.split(',')]
    rates = sorted(rates, key=lambda r: (r == 0, r))
    seconds = a.seconds or seconds
    repeats = a.repeats or repeats
    mem_repeats = a.mem_repeats or mem_repeats
    receivers = RECEIVERS
    if a.receivers:
        receivers = [r.strip() for r in a.receivers.split(',')]
        unknown = [r for r in receivers if r not in RECEIVERS]
        if unknown:
            p.error('unknown receivers: %s' % ', '.join(unknown))
    tools = Tools(os.path.abspath(a.spead2_build), os.path.abspath(a.gr_build))
    tools.check()

    machine = machine_line()
    mem = {}
    if not a.no_mem:
        # Alternate the two tools so that drift in memory speed hits both.
        for rep in range(mem_repeats):
            for label, heap_size, scenario, ring in MEM_SCENARIOS:
                theirs = mem_spead2(tools, heap_size, ring)
                # spead2_bench runs about 100 GiB; ours a few seconds at the same rate.
                ours = mem_ours(tools, scenario, ring, 3.0)
                mem.setdefault(label, []).append((theirs, ours))
                print('mem %-22s spead2 %10.0f heaps/s  gr-spead %10.0f heaps/s  %.2fx'
                      % (label, theirs, ours, ours / theirs), file=sys.stderr, flush=True)
    trials = []
    if not a.no_loopback:
        for rate in rates:
            for rep in range(repeats):
                # Rotate the order each repetition: no receiver always goes first.
                shift = (rep + rates.index(rate)) % len(receivers)
                for rcv in receivers[shift:] + receivers[:shift]:
                    t = loopback_trial(tools, rcv, rate, seconds,
                                       (a.source_ring_heaps, a.source_buffer))
                    trials.append(t)
                    blocked = t['worker_blocked']
                    print('%-10s %-28s %5d of %5d heaps (sender %.1f Gb/s)%s'
                          % (rate_label(rate), rcv, t['received'], t['sent'],
                             t['sender_gbps'] or 0,
                             '' if blocked is None else ', worker blocked %d' % blocked),
                          file=sys.stderr, flush=True)
    senders = []
    if not a.no_senders:
        for rep in range(repeats + 1):
            for name in SENDERS if rep % 2 == 0 else SENDERS[::-1]:
                t = sender_trial(tools, name)
                senders.append(t)
                print('sender %-12s %.1f Gb/s, %.0f heaps/s, %s of %d received'
                      % (name, t['gbps'], t['heaps_per_s'], t['received'], SENDER_HEAPS),
                      file=sys.stderr, flush=True)
    machine += ' -> %.2f' % os.getloadavg()[0]
    buffers = buffers_line()
    if a.json:
        with open(a.json, 'w') as f:
            json.dump({'machine': machine, 'mem': mem, 'trials': trials, 'senders': senders,
                       'buffers': buffers},
                      f, indent=1)
    print_report(mem, trials, receivers, rates, machine, senders, buffers)
    return 0


if __name__ == '__main__':
    sys.exit(main())
