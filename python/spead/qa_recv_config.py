#!/usr/bin/env python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""spead2.recv's configuration and statistics classes, the top-level helpers
(ThreadPool, allocators, MemoryPool) and constants, as spead2 documents them."""

import logging

from gnuradio import gr_unittest

import gnuradio.spead as spead2
from gnuradio.spead import recv
from recv_test_support import get_heaps, packet, stop_packet

SPEAD2_STATS = ['heaps', 'incomplete_heaps_evicted', 'incomplete_heaps_flushed', 'packets',
                'batches', 'max_batch', 'single_packet_heaps', 'search_dist',
                'worker_blocked']


class qa_recv_config(gr_unittest.TestCase):
    def test_stream_config_defaults(self):
        c = recv.StreamConfig()
        self.assertEqual((c.max_heaps, c.substreams, c.bug_compat, c.memcpy),
                         (4, 1, 0, spead2.MEMCPY_STD))
        self.assertEqual((c.stop_on_stop_item, c.allow_unsized_heaps, c.allow_out_of_order,
                          c.stream_id, c.explicit_start), (True, True, False, 0, False))
        self.assertIsInstance(c.memory_allocator, spead2.MemoryAllocator)
        r = recv.RingStreamConfig()
        self.assertEqual((r.heaps, r.contiguous_only, r.incomplete_keep_payload_ranges,
                          r.max_spin_us), (4, True, False, 200))

    def test_keyword_arguments_and_properties(self):
        pool = spead2.MemoryPool(1, 1024, 4, 2)
        c = recv.StreamConfig(max_heaps=9, substreams=3, bug_compat=spead2.BUG_COMPAT_PYSPEAD_0_5_2,
                              memcpy=spead2.MEMCPY_NONTEMPORAL, memory_allocator=pool,
                              stop_on_stop_item=False, allow_unsized_heaps=False,
                              allow_out_of_order=True, stream_id=17, explicit_start=True)
        self.assertEqual((c.max_heaps, c.substreams, c.bug_compat, c.memcpy, c.stream_id),
                         (9, 3, 7, spead2.MEMCPY_NONTEMPORAL, 17))
        self.assertIs(c.memory_allocator, pool)
        self.assertEqual((c.stop_on_stop_item, c.allow_unsized_heaps, c.allow_out_of_order,
                          c.explicit_start), (False, False, True, True))
        c.max_heaps = 2
        self.assertEqual(c.max_heaps, 2)
        r = recv.RingStreamConfig(heaps=16, contiguous_only=False,
                                  incomplete_keep_payload_ranges=True, max_spin_us=0)
        self.assertEqual((r.heaps, r.contiguous_only, r.incomplete_keep_payload_ranges,
                          r.max_spin_us), (16, False, True, 0))
        r.max_spin_us = 1000000
        self.assertEqual(r.max_spin_us, 1000000)

    def test_invalid_values_raise_value_error_naming_the_parameter(self):
        for kwargs, name in [({'max_heaps': 0}, 'max_heaps'),
                             ({'substreams': 0}, 'substreams'), ({'bug_compat': 8}, 'bug_compat'),
                             ({'memcpy': 5}, 'memcpy')]:
            with self.subTest(**kwargs), self.assertRaisesRegex(ValueError, name):
                recv.StreamConfig(**kwargs)
        with self.assertRaisesRegex(ValueError, 'heaps'):
            recv.RingStreamConfig(heaps=0)
        with self.assertRaisesRegex(ValueError, 'max_spin_us'):
            recv.RingStreamConfig(max_spin_us=1000001)
        with self.assertRaisesRegex(TypeError, 'max_spin_us'):
            recv.RingStreamConfig(max_spin_us=1.5)

    def test_values_that_do_not_convert_raise_type_error(self):
        # As spead2 4.4.1 (checked): its sizes are unsigned C++ integers, so a negative or
        # too large int fails the conversion with TypeError rather than ValueError.
        for kwargs in [{'max_heaps': -1}, {'max_heaps': 2 ** 64}, {'substreams': -1},
                       {'stream_id': -1}, {'bug_compat': -1}, {'max_heaps': 1.5}]:
            with self.subTest(**kwargs), self.assertRaises(TypeError):
                recv.StreamConfig(**kwargs)
        for kwargs in [{'heaps': -1}, {'heaps': '3'}]:
            with self.subTest(**kwargs), self.assertRaises(TypeError):
                recv.RingStreamConfig(**kwargs)
        with self.assertRaisesRegex(TypeError, 'max_spin_us'):  # not in spead2
            recv.RingStreamConfig(max_spin_us=-1)
        c = recv.StreamConfig()
        with self.assertRaisesRegex(ValueError, 'max_heaps'):
            c.max_heaps = 0
        with self.assertRaises(TypeError):
            recv.StreamConfig(no_such_option=1)

    def test_custom_statistics(self):
        c = recv.StreamConfig()
        first = c.next_stat_index()
        self.assertEqual(first, recv.stream_stat_indices.CUSTOM)
        self.assertEqual(c.add_stat('mine'), first)
        self.assertEqual(c.add_stat('peak', recv.StreamStatConfig.Mode.MAXIMUM), first + 1)
        self.assertEqual(c.next_stat_index(), first + 2)
        self.assertEqual(c.get_stat_index('peak'), first + 1)
        self.assertEqual(c.get_stat_index('heaps'), 0)
        with self.assertRaisesRegex(IndexError, 'nope'):
            c.get_stat_index('nope')
        with self.assertRaises(ValueError):
            c.add_stat('heaps')
        self.assertEqual([s.name for s in c.stats][:9], SPEAD2_STATS)
        self.assertEqual(c.stats[-1],
                         recv.StreamStatConfig('peak', recv.StreamStatConfig.Mode.MAXIMUM))

    def test_stat_config(self):
        counter = recv.StreamStatConfig('n')
        self.assertEqual(counter.name, 'n')
        self.assertEqual(counter.mode, recv.StreamStatConfig.Mode.COUNTER)
        self.assertEqual(counter.combine(3, 4), 7)
        maximum = recv.StreamStatConfig('m', recv.StreamStatConfig.Mode.MAXIMUM)
        self.assertEqual(maximum.combine(3, 4), 4)
        self.assertNotEqual(counter, maximum)

    def test_stat_indices_match_spead2_order(self):
        for index, name in enumerate(SPEAD2_STATS):
            self.assertEqual(getattr(recv.stream_stat_indices, name.upper()), index)
        # Exactly spead2's names (checked against spead2 4.4.1), and CUSTOM, which
        # spead2's C++ API has and its Python module does not.
        self.assertEqual(sorted(n for n in dir(recv.stream_stat_indices) if n.isupper()),
                         sorted([n.upper() for n in SPEAD2_STATS] + ['CUSTOM']))
        self.assertEqual(recv.stream_stat_indices.CUSTOM, 9)
        # Importable as a module too, as spead2.recv.stream_stat_indices is.
        from gnuradio.spead.recv.stream_stat_indices import HEAPS, WORKER_BLOCKED
        self.assertEqual((HEAPS, WORKER_BLOCKED), (0, 8))

    def test_stream_config_stats_are_spead2s_nine(self):
        # spead2 4.4.1's StreamConfig().stats, names and modes in order.
        mode = recv.StreamStatConfig.Mode
        expected = [recv.StreamStatConfig(n, mode.MAXIMUM if n == 'max_batch'
                                          else mode.COUNTER) for n in SPEAD2_STATS]
        self.assertEqual(recv.StreamConfig().stats, expected)
        self.assertEqual(recv.StreamConfig().next_stat_index(), 9)
        stream = recv.Stream(spead2.ThreadPool())
        self.assertEqual(list(stream.stats), SPEAD2_STATS)
        self.assertEqual(stream.stats.config, expected)
        self.assertNotIn('packets_rejected', stream.stats)

    def test_custom_stats_start_at_nine_and_count(self):
        c = recv.StreamConfig()
        self.assertEqual(c.add_stat('mine'), 9)
        self.assertEqual(c.add_stat('peak', recv.StreamStatConfig.Mode.MAXIMUM), 10)
        stream = recv.Stream(spead2.ThreadPool(), c)
        stats = stream.stats
        self.assertEqual(len(stats), 11)
        self.assertEqual(list(stats)[9:], ['mine', 'peak'])
        stats['mine'] = 4
        self.assertEqual(stats[9], 4)
        # The reject counters keep their own list, whatever the custom statistics.
        self.assertEqual(len(stream.reject_stats), len(recv.Stream(spead2.ThreadPool()).reject_stats))

    def test_reject_stats_count_a_malformed_packet(self):
        bad = bytearray(packet(2, [(0x1000, b'cd')]))
        bad[0] = 0x54  # not SPEAD's magic
        stream = recv.Stream(spead2.ThreadPool())
        stream.add_buffer_reader(packet(1, [(0x1000, b'ab')]) + bytes(bad))
        self.assertEqual(len(get_heaps(stream)), 1)
        rejects = stream.reject_stats
        self.assertIsInstance(rejects, recv.StreamStats)
        self.assertEqual(rejects['packets_rejected'], 1)
        self.assertEqual(rejects['packets_rejected_bad_magic'], 1)
        self.assertEqual(rejects[recv.reject_stat_indices.PACKETS_REJECTED_BAD_MAGIC], 1)
        self.assertEqual(sum(rejects.values()), 2)
        self.assertEqual(stream.stats['heaps'], 1)
        self.assertNotIn('packets_rejected_bad_magic', stream.stats)

    def test_reject_stat_indices(self):
        rejects = recv.Stream(spead2.ThreadPool()).reject_stats
        names = list(rejects)
        self.assertEqual(names[0], 'packets_rejected')
        self.assertEqual(names[-3:], ['heaps_dropped_incomplete',
                                      'heaps_dropped_allocation_failed',
                                      'heaps_dropped_ring_stopped'])
        for index, name in enumerate(names):
            self.assertEqual(getattr(recv.reject_stat_indices, name.upper()), index)
        self.assertEqual(len([n for n in dir(recv.reject_stat_indices) if n.isupper()]),
                         len(names))
        from gnuradio.spead.recv.reject_stat_indices import PACKETS_REJECTED
        self.assertEqual(PACKETS_REJECTED, 0)
        # Snapshots of the reject counters add; they do not add to Stream.stats.
        self.assertEqual((rejects + rejects)['packets_rejected'], 0)
        with self.assertRaises(ValueError):
            rejects + recv.Stream(spead2.ThreadPool()).stats

    def test_stream_stats_mapping_sequence_and_addition(self):
        c = recv.StreamConfig()
        c.add_stat('peak', recv.StreamStatConfig.Mode.MAXIMUM)
        tp = spead2.ThreadPool()
        stream = recv.Stream(tp, c)
        stream.add_buffer_reader(packet(1, [(0x1000, b'ab')]) + stop_packet(2))
        self.assertEqual(len(get_heaps(stream)), 1)
        stats = stream.stats
        self.assertEqual(stats.config, c.stats)
        self.assertEqual(len(stats), len(c.stats))
        self.assertEqual(list(stats), [s.name for s in c.stats])
        self.assertEqual(list(stats.keys()), [s.name for s in c.stats])
        self.assertEqual(stats['heaps'], 1)
        self.assertEqual(stats[0], 1)
        self.assertEqual(stats.heaps, 1)
        self.assertEqual(stats['packets'], 2)
        self.assertEqual(stats[recv.stream_stat_indices.PACKETS], 2)
        self.assertIn('heaps', stats)
        self.assertNotIn('nope', stats)
        self.assertEqual(stats.get('nope', 'dflt'), 'dflt')
        with self.assertRaises(KeyError):
            stats['nope']
        with self.assertRaises(IndexError):
            stats[len(stats)]
        # As spead2 4.4.1: an unsigned index (a negative one is a TypeError), names only
        # for "in", and keys(), values(), items() are iterators.
        with self.assertRaises(TypeError):
            stats[-1]
        with self.assertRaises(TypeError):
            stats[-1] = 3
        with self.assertRaises(TypeError):
            0 in stats
        self.assertEqual(next(stats.items()), ('heaps', 1))
        self.assertEqual(next(stats.keys()), 'heaps')
        self.assertEqual(next(stats.values()), 1)
        self.assertEqual(dict(stats.items())['heaps'], 1)
        self.assertEqual(list(stats.values())[0], 1)
        # Addition: counters add, maxima take the larger.
        other = recv.StreamStats(c.stats)
        other['heaps'] = 5
        other['peak'] = 2
        stats['peak'] = 7
        total = stats + other
        self.assertEqual(total['heaps'], 6)
        self.assertEqual(total['peak'], 7)
        stats += other
        self.assertEqual(stats['heaps'], 6)
        with self.assertRaises(ValueError):
            stats + recv.StreamStats()

    def test_constants(self):
        self.assertEqual((spead2.MEMCPY_STD, spead2.MEMCPY_NONTEMPORAL), (0, 1))
        self.assertEqual(spead2.DEFAULT_UDP_MAX_SIZE, 9200)
        self.assertEqual(spead2.DEFAULT_UDP_BUFFER_SIZE, 8 * 1024 * 1024)
        self.assertEqual(spead2.DEFAULT_TCP_MAX_SIZE, 65536)
        self.assertEqual(spead2.DEFAULT_TCP_BUFFER_SIZE, 212992)
        self.assertEqual(recv.Stream.DEFAULT_UDP_MAX_SIZE, 9200)
        self.assertEqual((spead2.HEAP_CNT_ID, spead2.HEAP_LENGTH_ID, spead2.PAYLOAD_OFFSET_ID,
                          spead2.PAYLOAD_LENGTH_ID, spead2.DESCRIPTOR_ID, spead2.STREAM_CTRL_ID),
                         (1, 2, 3, 4, 5, 6))
        self.assertEqual((spead2.DESCRIPTOR_NAME_ID, spead2.DESCRIPTOR_DESCRIPTION_ID,
                          spead2.DESCRIPTOR_SHAPE_ID, spead2.DESCRIPTOR_FORMAT_ID,
                          spead2.DESCRIPTOR_ID_ID, spead2.DESCRIPTOR_DTYPE_ID),
                         (0x10, 0x11, 0x12, 0x13, 0x14, 0x15))
        self.assertEqual((spead2.CTRL_STREAM_START, spead2.CTRL_DESCRIPTOR_REISSUE,
                          spead2.CTRL_STREAM_STOP, spead2.CTRL_DESCRIPTOR_UPDATE), (0, 1, 2, 3))
        self.assertEqual((spead2.BUG_COMPAT_DESCRIPTOR_WIDTHS, spead2.BUG_COMPAT_SHAPE_BIT_1,
                          spead2.BUG_COMPAT_SWAP_ENDIAN), (1, 2, 4))
        self.assertTrue(issubclass(spead2.Stopped, Exception))
        self.assertTrue(issubclass(spead2.Empty, Exception))

    def test_thread_pool_and_allocators(self):
        self.assertEqual(spead2.ThreadPool().num_threads, 1)
        self.assertEqual(spead2.ThreadPool(2, [0]).num_threads, 2)
        self.assertEqual(spead2.ThreadPool(threads=1, affinity=[]).num_threads, 1)
        with self.assertRaisesRegex(ValueError, 'threads'):
            spead2.ThreadPool(0)
        mmap = spead2.MmapAllocator()
        self.assertEqual((mmap.flags, mmap.prefer_huge), (0, False))
        self.assertTrue(spead2.MmapAllocator(flags=0, prefer_huge=True).prefer_huge)
        tp = spead2.ThreadPool()
        pool = spead2.MemoryPool(tp, 16, 4096, 8, 2, 1, allocator=mmap)
        self.assertEqual((pool.lower, pool.upper, pool.max_free, pool.initial, pool.low_water),
                         (16, 4096, 8, 2, 1))
        self.assertTrue(pool.warn_on_empty)
        pool.warn_on_empty = False
        self.assertFalse(pool.warn_on_empty)
        plain = spead2.MemoryPool(lower=16, upper=4096, max_free=8, initial=2)
        self.assertIsInstance(plain, spead2.MemoryAllocator)
        with self.assertRaisesRegex(ValueError, 'lower'):
            spead2.MemoryPool(100, 10, 1, 0)
        # Heaps received through each allocator carry the right bytes.
        for allocator in (mmap, pool, plain, spead2.MemoryAllocator()):
            stream = recv.Stream(tp, recv.StreamConfig(memory_allocator=allocator))
            stream.add_buffer_reader(packet(1, [(0x1000, b'payload!')]))
            heaps = get_heaps(stream)
            item = [i for i in heaps[0].get_items() if i.id == 0x1000][0]
            self.assertEqual(bytes(item), b'payload!')

    def test_nontemporal_copy_delivers_the_same_bytes(self):
        payload = bytes(range(256)) * 64
        for memcpy in (spead2.MEMCPY_STD, spead2.MEMCPY_NONTEMPORAL):
            stream = recv.Stream(spead2.ThreadPool(), recv.StreamConfig(memcpy=memcpy))
            stream.add_buffer_reader(packet(1, [(0x1000, payload)]))
            heaps = get_heaps(stream)
            item = [i for i in heaps[0].get_items() if i.id == 0x1000][0]
            self.assertEqual(bytes(item), payload)

    def test_memory_pool_warns_on_the_python_logger_when_empty(self):
        def receive_two(pool):
            stream = recv.Stream(spead2.ThreadPool(), recv.StreamConfig(memory_allocator=pool))
            stream.add_buffer_reader(packet(1, [(0x1000, b'a' * 64)])
                                     + packet(2, [(0x1000, b'b' * 64)]))
            return get_heaps(stream)

        # A pool that starts empty must allocate on the receive path: it says so.
        with self.assertLogs('gnuradio.spead', logging.WARNING) as logs:
            receive_two(spead2.MemoryPool(1, 4096, 4, 0))
        self.assertTrue(any('empty' in line for line in logs.output), logs.output)
        quiet = spead2.MemoryPool(1, 4096, 4, 0)
        quiet.warn_on_empty = False
        with self.assertNoLogs('gnuradio.spead', logging.WARNING):
            receive_two(quiet)


if __name__ == '__main__':
    gr_unittest.run(qa_recv_config)
