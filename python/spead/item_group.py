#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Descriptor, Item and ItemGroup: turning received heaps into named values.

The rules are spead2's (SPEAD-PROTOCOL.md section 7), so that a spead2 program gets the
same values, types and version numbers: numpy arrays viewing the heap where the type is
a numpy one, Python objects (int, bool, object arrays) for any other field width
(item_bits), numpy headers read with ast.literal_eval and numpy.dtype.
"""

import ast
import logging
import numbers

import numpy as np

from . import spead_python as _bound
from .item_bits import format_dtype, pack_elements, unpack_elements

__all__ = ['Descriptor', 'Item', 'ItemGroup']

_logger = logging.getLogger('gnuradio.spead')

#: Item IDs at or below this describe packets or the stream; they never carry values.
_MAX_CONTROL_ID = _bound.STREAM_CTRL_ID
#: First ID ItemGroup.add_item picks when none is given.
_FIRST_USER_ID = 0x1000

# How set_from_raw turns bytes into a value.
_DECODE_NUMPY = 'numpy'          # view the bytes as the numpy type
_DECODE_IMMEDIATE = 'immediate'  # an immediate's value is the integer itself
_DECODE_BITS = 'bits'            # read fields bit by bit into Python objects

_NUMPY_HEADER_KEYS = ['descr', 'fortran_order', 'shape']


def _element_count(shape):
    count = 1
    for dim in shape:
        count *= dim
    return count


def _parse_numpy_header(text):
    """(shape, order, dtype) of a numpy header's text. Raises ValueError when it is not
    a dict of exactly descr, fortran_order and shape with valid values."""
    try:
        header = ast.literal_eval(text)
    except (SyntaxError, MemoryError, RecursionError) as error:
        raise ValueError('numpy header {!r} is not a Python literal: {}'.format(
            text, error)) from error
    if not isinstance(header, dict):
        raise ValueError('numpy header {!r} is not a dict'.format(header))
    try:
        keys = sorted(header)
    except TypeError as error:
        raise ValueError('numpy header keys {!r} are not strings'.format(
            list(header))) from error
    if keys != _NUMPY_HEADER_KEYS:
        raise ValueError('numpy header has keys {!r}, not {!r}'.format(
            keys, _NUMPY_HEADER_KEYS))
    shape = header['shape']
    if not isinstance(shape, tuple) or \
            not all(isinstance(dim, numbers.Integral) and dim >= 0 for dim in shape):
        raise ValueError('numpy header shape {!r} is not a tuple of sizes'.format(shape))
    if not isinstance(header['fortran_order'], bool):
        raise ValueError('numpy header fortran_order {!r} is not a bool'.format(
            header['fortran_order']))
    try:
        dtype = np.dtype(header['descr'])
    except TypeError as error:
        raise ValueError('numpy header descr {!r} is not a dtype'.format(
            header['descr'])) from error
    return shape, 'F' if header['fortran_order'] else 'C', dtype


class Descriptor:
    """What a sender says about one item: ID, name, description, shape and type.

    The type is a numpy ``dtype`` (``order`` 'C' or 'F'; no variable dimension) or a SPEAD
    ``format``, a list of (code, bits) pairs such as ``[('u', 40)]`` (``order`` 'C').
    A dimension of ``None`` in ``shape`` is variable (at most one). Raises ValueError
    when these rules are broken or the dtype holds objects or has no size.
    """

    def __init__(self, id, name, description, shape, dtype=None, order='C', format=None):
        shape = tuple(shape)
        variable = sum(dim is None for dim in shape)
        if variable > 1:
            raise ValueError('shape {} has more than one variable dimension'.format(shape))
        if dtype is not None:
            dtype = np.dtype(dtype)
            if dtype.hasobject:
                raise ValueError('dtype {} holds Python objects, which have no wire form'
                                 .format(dtype))
            if format is not None:
                raise ValueError('dtype and format are exclusive')
            if dtype.itemsize == 0:
                raise ValueError('dtype {} has no size'.format(dtype))
            if variable:
                raise ValueError('a dtype needs a fixed shape, not {}'.format(shape))
            element_type = dtype
        else:
            if format is None:
                raise ValueError('one of dtype and format must be given')
            if order != 'C':
                raise ValueError("a format needs order 'C', not {!r}".format(order))
            element_type = format_dtype(format)
        if order not in ('C', 'F'):
            raise ValueError("order must be 'C' or 'F', not {!r}".format(order))
        self.id = id
        self.name = name
        self.description = description
        self.shape = shape
        self.dtype = dtype
        self.order = order
        self.format = format
        self._element_type = element_type
        if not element_type.hasobject:
            self._decoding = _DECODE_NUMPY
        elif not shape and len(format) == 1 and format[0][0] in ('u', 'i') \
                and format[0][1] < 64:
            self._decoding = _DECODE_IMMEDIATE
        else:
            self._decoding = _DECODE_BITS

    @property
    def itemsize_bits(self):
        """Bits one element occupies on the wire."""
        if self.dtype is not None:
            return self.dtype.itemsize * 8
        return sum(bits for _, bits in self.format)

    def is_variable_size(self):
        """Whether a dimension of the shape is variable (None)."""
        return any(dim is None for dim in self.shape)

    def allow_immediate(self):
        """Whether a small value may be sent as an immediate item: not for a variable
        shape (the receiver could not tell its size) nor for elements of a fractional
        number of bytes (where the padding goes is not agreed)."""
        return not self.is_variable_size() and \
            (self.dtype is not None or self.itemsize_bits % 8 == 0)

    def dynamic_shape(self, max_elements):
        """The shape with the variable dimension set to as many whole rows as
        ``max_elements`` elements fill: the shape itself when it is fixed, else a list."""
        if not self.is_variable_size():
            return self.shape
        known = _element_count(dim for dim in self.shape if dim is not None)
        rows = max_elements // known if known else 0
        return [rows if dim is None else dim for dim in self.shape]

    def compatible_shape(self, shape):
        """Whether a value of ``shape`` fits this descriptor's shape."""
        if len(shape) != len(self.shape):
            return False
        return all(want is None or want == have for want, have in zip(self.shape, shape))

    @classmethod
    def from_raw(cls, raw_descriptor, flavour):
        """A Descriptor (or subclass) from a RawDescriptor received in a heap of
        ``flavour``. A numpy header wins over the shape and format; with
        BUG_COMPAT_SWAP_ENDIAN its byte order is reversed.

        Raises ValueError when the numpy header or format cannot be interpreted or the
        name or description is not ASCII.
        """
        dtype = None
        format = None
        if raw_descriptor.numpy_header:
            shape, order, dtype = _parse_numpy_header(
                raw_descriptor.numpy_header.decode('ascii'))
            if flavour.bug_compat & _bound.BUG_COMPAT_SWAP_ENDIAN:
                dtype = dtype.newbyteorder()
        else:
            shape = raw_descriptor.shape
            order = 'C'
            format = raw_descriptor.format
        return cls(raw_descriptor.id, raw_descriptor.name.decode('ascii'),
                   raw_descriptor.description.decode('ascii'), shape, dtype, order, format)

    def to_raw(self, flavour=None):
        """This descriptor as a RawDescriptor (a numpy header when it has a dtype,
        byte-swapped for a flavour with BUG_COMPAT_SWAP_ENDIAN).

        Raises UnicodeEncodeError when the name or description is not ASCII.
        """
        raw = _bound.RawDescriptor()
        raw.id = self.id
        raw.name = self.name.encode('ascii')
        raw.description = self.description.encode('ascii')
        raw.shape = self.shape
        if self.dtype is not None:
            dtype = self.dtype
            if flavour is not None and flavour.bug_compat & _bound.BUG_COMPAT_SWAP_ENDIAN:
                dtype = dtype.newbyteorder()
            header = {'descr': np.lib.format.dtype_to_descr(dtype),
                      'fortran_order': self.order == 'F', 'shape': tuple(self.shape)}
            raw.numpy_header = repr(header).encode('ascii')
        else:
            raw.format = self.format
        return raw

    def __repr__(self):
        return '<{} id={:#x} name={!r} shape={} {}>'.format(
            type(self).__name__, self.id if self.id is not None else 0, self.name,
            self.shape, 'dtype={}'.format(self.dtype) if self.dtype is not None
            else 'format={}'.format(self.format))


def _nest(flat, shape):
    """Nested lists of ``shape`` holding ``flat`` in C order (element itself for ())."""
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return flat[:shape[0]]
    step = _element_count(shape[1:])
    return [_nest(flat[row * step:(row + 1) * step], shape[1:]) for row in range(shape[0])]


class Item(Descriptor):
    """A Descriptor with a value and a version.

    ``version`` starts at 1 and every assignment to ``value`` raises it by one, so that
    a reader polling it sees every update. A value cannot be set to None.
    """

    def __init__(self, *args, value=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._value = value
        self.version = 1

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new_value):
        if new_value is None:
            raise ValueError('an item value cannot be None (SPEAD cannot send it)')
        self._value = new_value
        self.version += 1

    def _value_shape(self, available, element):
        """The value's shape and element count when ``available`` elements arrived (a
        variable dimension takes whole rows). Raises ValueError when too few arrived."""
        shape = self.dynamic_shape(available)
        count = _element_count(shape)
        if count > available:
            raise ValueError('item {}: too few bytes for shape {} ({} elements of {} '
                             'fit)'.format(self.name, tuple(shape), available, element))
        return shape, count

    def _decode_numpy(self, data, immediate, new_order):
        element_type = self._element_type
        shape, count = self._value_shape(data.size // element_type.itemsize, element_type)
        size = count * element_type.itemsize
        if immediate:
            if size == 0:
                raise ValueError('item {}: an immediate value cannot be empty'.format(
                    self.name))
            data = data[data.size - size:]  # immediates are padded at the front
        else:
            data = data[:size]
        flat = data.view(element_type).astype(
            element_type.newbyteorder(new_order), casting='equiv', copy=False)
        return np.reshape(flat, shape, order=self.order)

    def _decode_bits(self, data, immediate):
        element_bits = self.itemsize_bits
        shape, count = self._value_shape(data.size * 8 // element_bits,
                                         '{} bits'.format(element_bits))
        if immediate and count:
            data = data[data.size - (count * element_bits + 7) // 8:]
        flat = unpack_elements(data, self.format, count)
        return np.array(_nest(flat, list(shape)), self._element_type)

    def set_from_raw(self, raw_item, new_order='='):
        """Sets the value from a RawItem of a received heap (raising ``version``).

        A numpy type gives an array viewing the heap's memory, in native byte order
        (``new_order='='``; '|' keeps the order as sent, '<' or '>' asks for one); other
        formats give object arrays of Python ints and bools, or records with such
        fields. A shape of () gives a scalar (a Python int for a u40), a 1-d array of
        format [('c', 8)] an ASCII str. An immediate's value is in its last bytes.
        Raises ValueError when the bytes do not fit the descriptor.
        """
        data = np.frombuffer(raw_item, np.uint8)
        immediate = raw_item.is_immediate
        if self._decoding == _DECODE_NUMPY:
            value = self._decode_numpy(data, immediate, new_order)
        elif self._decoding == _DECODE_IMMEDIATE and immediate and \
                data.size * 8 == self.format[0][1]:
            value = raw_item.immediate_value
            code, bits = self.format[0]
            if code == 'i' and value >= 1 << (bits - 1):
                value -= 1 << bits
        else:
            value = self._decode_bits(data, immediate)
        if not self.shape and isinstance(value, np.ndarray):
            value = value[()]
        elif len(self.shape) == 1 and self.format == [('c', 8)]:
            value = b''.join(value).decode('ascii')
        self.value = value

    def _value_array(self):
        """The value as a numpy array of the item's type and a compatible shape."""
        value = self.value
        if value is None:
            raise ValueError('item {}: a value of None cannot be sent'.format(self.name))
        if isinstance(value, (bytes, str)) and len(self.shape) == 1:
            value = [value[i:i + 1] for i in range(len(value))]
        if self._decoding == _DECODE_IMMEDIATE and self.itemsize_bits % 8 == 0:
            # As 64-bit two's complement: a negative 'i' value keeps its low bytes.
            array = np.asarray(value, order=self.order).astype('>u8', copy=False)
            self._check_shape(array)
            # Only the low bytes: an immediate of itemsize_bits / 8 bytes.
            return array[np.newaxis].view(np.uint8)[-(self.itemsize_bits // 8):]
        array = np.asarray(value, dtype=self._element_type, order=self.order)
        self._check_shape(array)
        return array

    def _check_shape(self, array):
        if not self.compatible_shape(array.shape):
            raise ValueError('item {}: value has shape {}, not {}'.format(
                self.name, array.shape, self.shape))

    def to_buffer(self):
        """The value's wire bytes, as an object with the buffer protocol: the numpy
        array itself where the type is numpy's (transposed for Fortran order), else a
        bytearray of the fields packed MSB-first.

        Raises ValueError for a value of None, of the wrong shape or out of range, and
        UnicodeEncodeError for a string that is not ASCII.
        """
        array = self._value_array()
        if array.dtype.hasobject:
            elements = [array[()]] if not self.shape else list(array.ravel())
            return pack_elements(elements, self.format)
        if self.order == 'F':
            return array.transpose()
        return array


class ItemGroup:
    """Items by ID and by name, updated from received heaps (spead2.ItemGroup).

    A descriptor identical to the item's (same ID, name, description, shape and type)
    changes nothing. Any other descriptor replaces the items holding its ID and its name
    (two items, possibly): the new item has no value and a version above both, so that
    a reader polling versions sees the change.
    """

    def __init__(self):
        self._by_id = {}
        self._by_name = {}

    def _add_item(self, item):
        old_by_id = self._by_id.get(item.id)
        old_by_name = self._by_name.get(item.name)
        if old_by_id is not None and old_by_id.name == item.name and \
                old_by_id.description == item.description and \
                old_by_id.shape == item.shape and old_by_id.dtype == item.dtype and \
                old_by_id.order == item.order and old_by_id.format == item.format:
            if item.value is not None:
                old_by_id.value = item.value
            return
        if old_by_id is not None or old_by_name is not None:
            _logger.info('descriptor replacement for ID %#x, name %s', item.id, item.name)
        for old in (old_by_id, old_by_name):
            if old is not None:
                item.version = max(item.version, old.version + 1)
                self._by_id.pop(old.id, None)
                self._by_name.pop(old.name, None)
        self._by_id[item.id] = item
        self._by_name[item.name] = item

    def add_item(self, *args, **kwargs):
        """Makes an Item of the arguments and adds it (id=None picks the first unused ID
        from 0x1000); returns that Item.

        When an item with the same ID has an identical descriptor, that item stays and
        takes the value given (if any): the returned Item is then not in the group, as
        in spead2.
        """
        item = Item(*args, **kwargs)
        if item.id is None:
            item.id = _FIRST_USER_ID
            while item.id in self._by_id:
                item.id += 1
        self._add_item(item)
        return item

    def __getitem__(self, key):
        if isinstance(key, numbers.Integral):
            return self._by_id[key]
        return self._by_name[key]

    def __contains__(self, key):
        if isinstance(key, numbers.Integral):
            return key in self._by_id
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

        Returns a dict, name to Item, of the items whose value the heap set; each of
        them has its version raised by 2 (the assignment, and the update itself, as in
        spead2). A value of an ID without a descriptor is discarded with a warning.
        Raises ValueError when a descriptor or value cannot be interpreted; the stream
        is unaffected and the next heap can be applied.
        """
        for raw_descriptor in heap.get_descriptors():
            self._add_item(Item.from_raw(raw_descriptor, heap.flavour))
        updated = {}
        for raw_item in heap.get_items():
            if raw_item.id <= _MAX_CONTROL_ID:
                continue
            item = self._by_id.get(raw_item.id)
            if item is None:
                _logger.warning('item with ID %#x received but there is no descriptor',
                                raw_item.id)
                continue
            item.set_from_raw(raw_item, new_order=new_order)
            item.version += 1
            updated[item.name] = item
        return updated
