#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""HeapGenerator and send.ItemGroup: heaps carrying what changed in an ItemGroup.

The rules are spead2.send's, so that a spead2 sender runs unchanged: a descriptor goes
out the first time its item is seen, again every ``descriptor_frequency`` heaps, and
whenever the item under that ID was replaced; a value goes out when the item's
``version`` differs from the one last sent (assigning ``value`` raises it).
"""

import weakref

from .. import item_group as _recv_items
from ..spead_python import Flavour

__all__ = ['HeapGenerator', 'ItemGroup']

_CHOICES = ('stale', 'all', 'none')


class _SentState:
    """What was last sent of the item under one ID: which item object (weakly, so a
    generator does not keep replaced items alive), its value's version and the
    generator's heap counter when its descriptor went out (None: never)."""

    __slots__ = ('item', 'version', 'descriptor_cnt')

    def __init__(self, item):
        self.item = weakref.ref(item)
        self.version = None
        self.descriptor_cnt = None


def _heap_class():
    # Imported when first needed: the package imports this module while it is itself
    # being imported, and the Heap binding comes from the send engine.
    from . import Heap
    return Heap


class HeapGenerator:
    """Builds heaps holding the descriptors and values that changed since the last heap.

    ``item_group`` is the group to watch. With ``descriptor_frequency`` (an int),
    every descriptor is sent again once that many heaps have been made since it last
    went out. ``flavour`` is the Flavour of the heaps get_heap, get_start and get_end
    make.
    """

    def __init__(self, item_group, descriptor_frequency=None, flavour=Flavour()):
        # A send.ItemGroup is its own group: hold None rather than a reference cycle.
        self._item_group = None if item_group is self else item_group
        self._descriptor_frequency = descriptor_frequency
        self._flavour = flavour
        self._sent = {}
        # Heaps made so far (add_to_heap calls), not the heap counter on the wire.
        self._heaps_made = 0

    def _state(self, item):
        state = self._sent.get(item.id)
        if state is None:
            state = self._sent[item.id] = _SentState(item)
        return state

    def _descriptor_due(self, item, state):
        if state.descriptor_cnt is None:
            return True
        if self._descriptor_frequency is not None and \
                self._heaps_made - state.descriptor_cnt >= self._descriptor_frequency:
            return True
        if state.item() is not item:
            # The ID now names another item: its value is new too.
            state.item = weakref.ref(item)
            state.version = None
            return True
        return False

    def add_to_heap(self, heap, descriptors='stale', data='stale'):
        """Adds to ``heap`` (with heap.add_descriptor and heap.add_item) the descriptors
        and values selected, and returns ``heap``.

        ``descriptors``: 'stale' (never sent, due again by descriptor_frequency, or
        the item was replaced), 'all' or 'none'. ``data``: 'stale' (the value's version
        is not the one last sent), 'all' or 'none'; an item whose value is None is
        never added. Every call counts as one heap for descriptor_frequency.

        Raises ValueError when descriptors or data is not one of 'stale', 'all', 'none'.
        """
        if descriptors not in _CHOICES:
            raise ValueError("descriptors must be one of 'stale', 'all', 'none', not {!r}"
                             .format(descriptors))
        if data not in _CHOICES:
            raise ValueError("data must be one of 'stale', 'all', 'none', not {!r}"
                             .format(data))
        group = self if self._item_group is None else self._item_group
        for item in group.values():
            state = self._state(item)
            if descriptors == 'all' or \
                    (descriptors == 'stale' and self._descriptor_due(item, state)):
                heap.add_descriptor(item)
                state.descriptor_cnt = self._heaps_made
            if item.value is None:
                continue
            if data == 'all' or (data == 'stale' and state.version != item.version):
                heap.add_item(item)
                state.version = item.version
        self._heaps_made += 1
        return heap

    def get_heap(self, *args, **kwargs):
        """A new Heap of this generator's flavour filled by add_to_heap (same
        arguments)."""
        return self.add_to_heap(_heap_class()(self._flavour), *args, **kwargs)

    def get_start(self):
        """A new Heap holding only the start-of-stream control item."""
        heap = _heap_class()(self._flavour)
        heap.add_start()
        return heap

    def get_end(self):
        """A new Heap holding only the end-of-stream control item."""
        heap = _heap_class()(self._flavour)
        heap.add_end()
        return heap


class ItemGroup(_recv_items.ItemGroup, HeapGenerator):
    """An ItemGroup that is its own HeapGenerator (spead2.send.ItemGroup): the
    arguments are HeapGenerator's after item_group (descriptor_frequency, flavour)."""

    def __init__(self, *args, **kwargs):
        _recv_items.ItemGroup.__init__(self)
        HeapGenerator.__init__(self, self, *args, **kwargs)
