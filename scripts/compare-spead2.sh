#!/bin/sh
# Copyright 2026 gr-spead authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Speed side by side with spead2: compare-spead2.sh SPEAD2_BUILD_DIR [GR_SPEAD_BUILD_DIR]
# [--quick | --full] [options]. Needs a spead2 build (not part of CI); --help lists the
# options. The work is done by compare_spead2.py beside this script.
exec /usr/bin/python3 "$(dirname "$0")/compare_spead2.py" "$@"
