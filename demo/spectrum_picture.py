#
# Copyright 2026 gr-spead authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
"""Spectrum picture: averages power spectra, draws the mean spectrum and a waterfall
into a PNG file, and prints a summary of what arrived (heaps, timestamps, the strongest
channels, the stream statistics) when the flowgraph ends.

Input: power spectra as float vectors of `channels` values, tagged by a SPEAD Source
(heap_cnt and timestamp on the first spectrum of each heap). Message input `stats`: the
source's statistics dictionaries (the last one is printed)."""

import numpy as np
import pmt
from gnuradio import gr


class blk(gr.sync_block):
    def __init__(self, channels=1024, output_png="spectrum.png", max_rows=4096):
        gr.sync_block.__init__(self, name="Spectrum picture",
                               in_sig=[(np.float32, channels)], out_sig=None)
        self.channels = channels
        self.output_png = output_png
        self.max_rows = max_rows
        self.rows = []
        self.spectra = 0
        self.heaps = []  # (heap_cnt, timestamp or None) from the tags
        self.markers = {}  # other tag keys (losses, incomplete heaps...) and counts
        self.stats = None
        self.message_port_register_in(pmt.intern("stats"))
        self.set_msg_handler(pmt.intern("stats"), self.handle_stats)

    def handle_stats(self, msg):
        self.stats = pmt.to_python(msg)

    def work(self, input_items, output_items):
        data = input_items[0]
        start = self.nitems_read(0)
        by_offset = {}
        for tag in self.get_tags_in_window(0, 0, len(data)):
            by_offset.setdefault(tag.offset, {})[pmt.symbol_to_string(tag.key)] = \
                pmt.to_python(tag.value)
        for offset in sorted(by_offset):
            tags = by_offset[offset]
            if "heap_cnt" in tags:
                self.heaps.append((tags["heap_cnt"], tags.get("timestamp")))
            for key in tags:
                if key not in ("heap_cnt", "timestamp"):
                    self.markers[key] = self.markers.get(key, 0) + 1
        if len(self.rows) < self.max_rows:
            self.rows.extend(np.array(data[:self.max_rows - len(self.rows)]))
        self.spectra += len(data)
        return len(data)

    def stop(self):
        self.report()
        return True

    def strongest_channels(self, mean, count=3):
        # Peaks: the channels of highest mean power, at least 8 channels apart.
        chosen = []
        for channel in np.argsort(mean)[::-1]:
            if all(abs(int(channel) - c) >= 8 for c in chosen):
                chosen.append(int(channel))
            if len(chosen) == count:
                break
        return chosen

    def report(self):
        print("== demo summary")
        print(f"heaps received: {len(self.heaps)}; spectra: {self.spectra} of "
              f"{self.channels} channels")
        if self.heaps:
            first, last = self.heaps[0], self.heaps[-1]
            print(f"heap counters {first[0]} .. {last[0]}; timestamps {first[1]} .. {last[1]}")
        print("markers: " + (", ".join(f"{k} x{v}" for k, v in sorted(self.markers.items()))
                             or "none (no lost or incomplete heaps)"))
        if not self.rows:
            print("no spectra: nothing to draw")
            return
        power = np.array(self.rows, dtype=np.float64)
        mean = power.mean(axis=0)
        floor = float(np.median(mean))
        peaks = self.strongest_channels(mean)
        print("strongest channels: " + ", ".join(
            f"{c} ({10 * np.log10(mean[c] / floor):.1f} dB above the median)"
            for c in peaks))
        if self.stats:
            keys = ["heaps", "packets", "packets_rejected", "incomplete_heaps_evicted",
                    "incomplete_heaps_flushed", "worker_blocked"]
            print("stream statistics: " + ", ".join(
                f"{k} {self.stats[k]}" for k in keys if k in self.stats))
        self.draw(power, mean, peaks)

    def draw(self, power, mean, peaks):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        db = 10 * np.log10(np.maximum(power, 1e-3))
        # Colours from just below the noise floor up: the lines stand out, the noise is calm.
        low, high = np.percentile(db, 5), db.max()
        fig, (top, bottom) = plt.subplots(
            2, 1, figsize=(9, 7), sharex=True, gridspec_kw={"height_ratios": [1, 2]})
        top.plot(10 * np.log10(mean), linewidth=0.8)
        for c in peaks:
            top.annotate(f"ch {c}", (c, 10 * np.log10(mean[c])),
                         textcoords="offset points", xytext=(4, -10), fontsize=8)
        top.set_ylabel("mean power (dB)")
        top.set_title(f"SPEAD channeliser stream received by gr-spead: {len(self.heaps)} "
                      f"heaps, {self.spectra} spectra")
        top.grid(alpha=0.3)
        image = bottom.imshow(db, aspect="auto", origin="lower", interpolation="nearest",
                              extent=[0, self.channels, 0, len(db)], cmap="viridis",
                              vmin=low, vmax=high)
        bottom.set_xlabel("frequency channel")
        bottom.set_ylabel("spectrum (time)")
        fig.colorbar(image, ax=bottom, orientation="horizontal", pad=0.12,
                     fraction=0.05, label="power (dB)")
        fig.tight_layout()
        fig.savefig(self.output_png, dpi=90)
        plt.close(fig)
        print(f"picture: {self.output_png}")
