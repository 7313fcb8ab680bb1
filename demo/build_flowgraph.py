#!/usr/bin/python3
#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Writes channeliser_demo.grc: the demo flowgraph, with spectrum_picture.py embedded as
its Python block (GNU Radio Companion keeps an embedded block's code inside the .grc).
Run it after editing spectrum_picture.py; qa_demo.py checks that the two agree.
The flowgraph can be edited in GNU Radio Companion as usual, but its Python block's code
lives in spectrum_picture.py."""

import os
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def block(name, kind, parameters, coordinate):
    return {"name": name, "id": kind, "parameters": parameters,
            "states": {"coordinate": coordinate, "rotation": 0, "state": "enabled"}}


def flowgraph(source_code):
    return {
        "options": {
            "parameters": {
                "author": "gr-spead authors",
                "copyright": "2026 gr-spead authors",
                "description": "Receives a SPEAD stream shaped like a telescope "
                "channeliser's output (1024 channels of complex 8-bit samples, a "
                "timestamp item) from a capture file, and draws its mean spectrum and "
                "waterfall into a PNG file with a printed summary.",
                "generate_options": "no_gui",
                "id": "channeliser_demo",
                "run_options": "run",
                "title": "gr-spead demo: a channeliser stream",
            },
            "states": {"coordinate": [8, 8], "rotation": 0, "state": "enabled"},
        },
        "blocks": [
            block("channels", "variable", {"comment": "", "value": "1024"}, [200, 8]),
            block("capture", "parameter", {
                "comment": "", "hide": "none", "label": "Capture file", "short_id": "c",
                "type": "str", "value": "channeliser.pcap"}, [320, 8]),
            block("picture", "parameter", {
                "comment": "", "hide": "none", "label": "Output PNG", "short_id": "o",
                "type": "str", "value": "spectrum.png"}, [480, 8]),
            block("spead_source_0", "spead_source", {
                "comment": "", "transport": "pcap", "pcap_file": "capture",
                "num_outputs": "1", "item0": "spectra", "type0": "complex",
                "vlen0": "channels", "wire0": "auto", "scale0": "1",
                "tag_items": '["timestamp"]', "stats_interval": "1.0"}, [8, 200]),
            block("blocks_complex_to_mag_squared_0", "blocks_complex_to_mag_squared",
                  {"comment": "", "vlen": "channels"}, [360, 230]),
            block("spectrum_picture", "epy_block", {
                "_source_code": source_code, "comment": "", "channels": "channels",
                "output_png": "picture", "max_rows": "4096"}, [640, 216]),
        ],
        "connections": [
            ["spead_source_0", "0", "blocks_complex_to_mag_squared_0", "0"],
            ["blocks_complex_to_mag_squared_0", "0", "spectrum_picture", "0"],
            ["spead_source_0", "stats", "spectrum_picture", "stats"],
        ],
        "metadata": {"file_format": 1, "grc_version": "3.10.5.1"},
    }


class literal(str):
    pass


yaml.add_representer(literal, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|"))

if __name__ == "__main__":
    with open(os.path.join(HERE, "spectrum_picture.py")) as f:
        code = literal(f.read())
    with open(os.path.join(HERE, "channeliser_demo.grc"), "w") as f:
        yaml.dump(flowgraph(code), f, sort_keys=False, width=100)
    print("wrote demo/channeliser_demo.grc")
