#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#

"""Files that ship with gr-spead: the reference captures made by spead2 and the
F-engine-like capture made by gr-spead, which the example flowgraphs read
(tests/data/captures/README.md and tests/data/fengine/README.md say what each holds)."""

import os

__all__ = ['reference_capture']


def _capture_dirs():
    dirs = []
    if os.environ.get('SPEAD_CAPTURES_DIR'):
        dirs.append(os.environ['SPEAD_CAPTURES_DIR'])
    try:
        from . import data_files_paths as _paths
    except ImportError:  # a copy of the package without its configured paths
        return dirs
    # Installed first; the source tree serves a module run from its build tree.
    dirs.append(os.path.join(_paths.INSTALLED_DATA_DIR, 'captures'))
    dirs.append(_paths.SOURCE_CAPTURES_DIR)
    # Made by gr-spead rather than spead2: kept apart in the source tree.
    dirs.append(os.path.join(os.path.dirname(_paths.SOURCE_CAPTURES_DIR), 'fengine'))
    return dirs


def reference_capture(name):
    """The path of the reference capture ``name`` (e.g.
    ``'spead2_64_40_single_packet.pcap'`` or ``'fengine_4ant_256ch.pcap'``), looked up in
    $SPEAD_CAPTURES_DIR, then where gr-spead installed it (share/gr-spead/captures), then
    in its source tree (tests/data/captures, tests/data/fengine).

    Raises FileNotFoundError naming the places searched.
    """
    dirs = _capture_dirs()
    for d in dirs:
        path = os.path.join(d, name)
        if os.path.isfile(path):
            return path
    raise FileNotFoundError('no capture named {!r} in {}'.format(
        name, ', '.join(dirs) or 'any known folder'))
