#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Descriptor, Item and ItemGroup: turning received heaps into named values.

The rules are those of SPEAD-PROTOCOL.md section 7, which spead2's ItemGroup follows.
Descriptors and numpy headers are parsed, and values decoded, by the C++ protocol layer
(_ItemType); this module keeps the Python bookkeeping: which descriptor owns which ID
and name, versions, and presenting values (scalars, strings, arrays).
"""

import logging

import numpy as np

from . import spead_python as _bound

__all__ = ['Descriptor', 'Item', 'ItemGroup']

_logger = logging.getLogger('gnuradio.spead')

#: Item IDs at or below this describe packets or the stream; they never carry values.
_MAX_CONTROL_ID = _bound.STREAM_CTRL_ID
#: First ID ItemGroup.add_item picks when none is given.
_FIRST_USER_ID = 0x1000


def _normalise_shape(shape):
    out = []
    for dim in shape:
        if dim is None or (isinstance(dim, (int, np.integer)) and dim < 0):
            out.append(None)
        else:
            out.append(int(dim))
    if sum(dim is None for dim in out) > 1:
        raise ValueError('shape {} has more than one variable dimension'.format(tuple(out)))
    return tuple(out)


class Descriptor:
    """What a sender says about one item: ID, name, description, shape and type.

    The type is a numpy dtype (``dtype``, with ``order`` 'C' or 'F') or a SPEAD
    ``format``, a list of (code, bits) pairs such as ``[('u', 40)]``. A dimension of
    ``None`` in ``shape`` is variable (at most one).
    """

    def __init__(self, id, name, description, shape, dtype=None, order='C', format=None):
        shape = _normalise_shape(shape)
        if dtype is None and format is None:
            raise ValueError('one of dtype and format must be given')
        if dtype is not None and format is not None:
            raise ValueError('dtype and format are exclusive')
        if order not in ('C', 'F'):
            raise ValueError("order must be 'C' or 'F', not {!r}".format(order))
        if format is not None and order != 'C':
            raise ValueError("order 'F' needs a dtype, not a format")
        self.id = id
        self.name = name
        self.description = description
        self.shape = shape
        self.dtype = np.dtype(dtype) if dtype is not None else None
        self.order = order
        self.format = [(str(code), int(bits)) for code, bits in format] \
            if format is not None else None
        self._item_type = None

    @classmethod
    def from_raw(cls, raw_descriptor, flavour):
        """A Descriptor from a RawDescriptor received in a heap of ``flavour``.

        Raises ValueError when the numpy header or format cannot be interpreted or the
        name or description is not ASCII.
        """
        item_type = _bound._ItemType(raw_descriptor, flavour.bug_compat)
        name = raw_descriptor.name.decode('ascii')
        description = raw_descriptor.description.decode('ascii')
        if raw_descriptor.numpy_header:
            descriptor = cls(raw_descriptor.id, name, description, item_type.shape,
                             dtype=item_type.wire_dtype,
                             order='F' if item_type.fortran_order else 'C')
        else:
            descriptor = cls(raw_descriptor.id, name, description, raw_descriptor.shape,
                             format=raw_descriptor.format)
        descriptor._item_type = item_type
        return descriptor

    def to_raw(self, flavour=None):
        """This descriptor as a RawDescriptor (a numpy header when it has a dtype).

        ``flavour`` is accepted for spead2 compatibility; a RawDescriptor does not depend
        on it (field widths are chosen when it is encoded).
        """
        raw = _bound.RawDescriptor()
        raw.id = self.id
        raw.name = self.name.encode('ascii')
        raw.description = self.description.encode('ascii')
        if self.dtype is not None:
            if self.is_variable_size():
                raise ValueError('item {!r}: a variable dimension needs a format, '
                                 'not a dtype'.format(self.name))
            header = {'descr': np.lib.format.dtype_to_descr(self.dtype),
                      'fortran_order': self.order == 'F', 'shape': self.shape}
            raw.numpy_header = repr(header).encode('ascii')
            raw.shape = self.shape
        else:
            raw.format = self.format
            raw.shape = self.shape
        return raw

    @property
    def item_type(self):
        if self._item_type is None:
            self._item_type = _bound._ItemType(self.to_raw(), 0)
        return self._item_type

    def is_variable_size(self):
        """Whether a dimension of the shape is variable (None)."""
        return any(dim is None for dim in self.shape)

    @property
    def itemsize_bits(self):
        """Bits one element occupies on the wire."""
        if self.dtype is not None:
            return self.dtype.itemsize * 8
        return sum(bits for _, bits in self.format)

    def dynamic_shape(self, max_elements):
        """The shape with the variable dimension set to as many whole rows as
        ``max_elements`` elements fill."""
        known = 1
        for dim in self.shape:
            if dim is not None:
                known *= dim
        rows = max_elements // known if known else 0
        return tuple(rows if dim is None else dim for dim in self.shape)

    def compatible_shape(self, shape):
        """Whether a value of ``shape`` fits this descriptor's shape."""
        if len(shape) != len(self.shape):
            return False
        return all(want is None or want == have for want, have in zip(self.shape, shape))

    def _key(self):
        return (self.id, self.name, self.description, self.shape, self.dtype, self.order,
                self.format)

    def same_as(self, other):
        """Whether ``other`` describes the item identically (then it changes nothing)."""
        return self._key() == other._key()

    def __repr__(self):
        return '<{} id={:#x} name={!r} shape={} {}>'.format(
            type(self).__name__, self.id, self.name, self.shape,
            'dtype={}'.format(self.dtype) if self.dtype is not None
            else 'format={}'.format(self.format))


class Item(Descriptor):
    """A Descriptor with a value. Setting ``value`` raises ``version`` by one."""

    def __init__(self, *args, value=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._value = value
        self.version = 1 if value is not None else 0

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new_value):
        self._value = new_value
        self.version += 1

    def set_from_raw(self, raw_item, new_order='='):
        """Sets the value from a RawItem of a received heap.

        Values are numpy arrays in native byte order (``new_order='='``), viewing the
        heap's memory when no conversion is needed; ``new_order='|'`` keeps the byte
        order as sent, '<' or '>' asks for one. A 0-d value becomes a numpy scalar, a
        1-d array of format [('c', 8)] a str. Raises ValueError when the bytes do not
        fit the descriptor.
        """
        if new_order not in ('=', '|', '<', '>'):
            raise ValueError("new_order must be one of '=', '|', '<', '>', not {!r}"
                             .format(new_order))
        item_type = self.item_type
        array = item_type.decode(raw_item, new_order == '|')
        if new_order in ('<', '>'):
            array = array.astype(array.dtype.newbyteorder(new_order), copy=False)
        if item_type.is_string:
            value = array.tobytes().decode('ascii')
        elif array.ndim == 0:
            value = array[()]
        else:
            value = array
        self.value = value

    @classmethod
    def from_raw(cls, raw_descriptor, flavour):
        descriptor = Descriptor.from_raw(raw_descriptor, flavour)
        item = cls(descriptor.id, descriptor.name, descriptor.description, descriptor.shape,
                   dtype=descriptor.dtype, order=descriptor.order, format=descriptor.format)
        item._item_type = descriptor._item_type
        return item


class ItemGroup:
    """Items by ID and by name, updated from received heaps (spead2.ItemGroup)."""

    def __init__(self):
        self._by_id = {}
        self._by_name = {}
        self._warned_ids = set()

    def _add_item(self, item):
        old_by_id = self._by_id.get(item.id)
        old_by_name = self._by_name.get(item.name)
        if old_by_id is not None and old_by_id is old_by_name and old_by_id.same_as(item):
            return old_by_id  # the same descriptor again: keep the item and its value
        for old in (old_by_id, old_by_name):
            if old is not None:
                self._by_id.pop(old.id, None)
                self._by_name.pop(old.name, None)
        self._by_id[item.id] = item
        self._by_name[item.name] = item
        self._warned_ids.discard(item.id)
        return item

    def add_item(self, id=None, name=None, description='', shape=(), dtype=None, order='C',
                 format=None, value=None):
        """Adds (or replaces) an item and returns it; ``id=None`` picks an unused ID."""
        if name is None:
            raise ValueError('an item needs a name')
        if id is None:
            id = max([_FIRST_USER_ID - 1] + list(self._by_id)) + 1
        item = Item(id, name, description, shape, dtype=dtype, order=order, format=format,
                    value=value)
        return self._add_item(item)

    def __getitem__(self, key):
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            return self._by_id[int(key)]
        return self._by_name[key]

    def __contains__(self, key):
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            return int(key) in self._by_id
        return key in self._by_name

    def __len__(self):
        return len(self._by_name)

    def __iter__(self):
        return iter(self._by_name)

    def keys(self):
        """Item names."""
        return self._by_name.keys()

    def ids(self):
        """Item IDs."""
        return self._by_id.keys()

    def values(self):
        return self._by_name.values()

    def items(self):
        return self._by_name.items()

    def update(self, heap, new_order='='):
        """Applies a received heap: its descriptors first, then its values.

        Returns a dict, name to Item, of the items whose value the heap set. Values of
        IDs without a descriptor are discarded with a warning (once per ID until its
        descriptor arrives). Raises ValueError when a descriptor or value cannot be
        interpreted; the stream is unaffected and the next heap can be applied.
        """
        for raw_descriptor in heap.get_descriptors():
            self._add_item(Item.from_raw(raw_descriptor, heap.flavour))
        updated = {}
        for raw_item in heap.get_items():
            if raw_item.id <= _MAX_CONTROL_ID:
                continue
            item = self._by_id.get(raw_item.id)
            if item is None:
                if raw_item.id not in self._warned_ids:
                    self._warned_ids.add(raw_item.id)
                    _logger.warning('item with ID %#x received but there is no descriptor '
                                    'for it: value discarded', raw_item.id)
                continue
            item.set_from_raw(raw_item, new_order=new_order)
            updated[item.name] = item
        return updated
