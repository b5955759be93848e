"""Helpers shared by the prcurve-eval tests: a small PNG decoder (written
for these tests, independent of the tool's libpng reader), a PNG writer for
hostile inputs, and a runner that enforces the tool's output contract."""

import json
import os
import struct
import subprocess
import sys
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(raw, height, width):
    """Undoes the per-row filters of a non-interlaced 8-bit gray image."""
    out = np.zeros((height, width), dtype=np.uint8)
    prev = [0] * width
    pos = 0
    for y in range(height):
        kind = raw[pos]
        row = list(raw[pos + 1:pos + 1 + width])
        pos += 1 + width
        for x in range(width):
            left = row[x - 1] if x > 0 else 0
            up = prev[x]
            upleft = prev[x - 1] if x > 0 else 0
            pred = [0, left, up, (left + up) // 2,
                    _paeth(left, up, upleft)][kind]
            row[x] = (row[x] + pred) & 0xFF
        out[y] = row
        prev = row
    return out


def read_png_gray8(path):
    """Pixels of an 8-bit grayscale, non-interlaced PNG as a uint8 array."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == PNG_SIGNATURE, path
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, color, _, _, interlace = header
    assert (depth, color, interlace) == (8, 0, 0), (path, header)
    return _unfilter(zlib.decompress(idat), height, width)


def write_png(path, pixels, color_type=0, bit_depth=8, palette=None):
    """Writes rows of raw sample bytes as a PNG of the given kind (16-bit
    samples as big-endian '>u2' arrays); `palette` is a list of RGB triples
    for color type 3."""
    pixels = np.ascontiguousarray(pixels)
    height, width = pixels.shape[0], pixels.shape[1]
    raw = b"".join(b"\0" + pixels[y].tobytes() for y in range(height))

    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + \
            struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type,
                       0, 0, 0)
    plte = b""
    if palette is not None:
        plte = chunk(b"PLTE", b"".join(bytes(rgb) for rgb in palette))
    with open(path, "wb") as f:
        f.write(PNG_SIGNATURE + chunk(b"IHDR", ihdr) + plte +
                chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class Tool:
    """Runs prcurve-eval and checks the output contract of every run."""

    def __init__(self, path, wrapper=""):
        self.command = wrapper.split() + [path]

    def run(self, *args, timeout=300):
        """(exit status, stdout, stderr); a run that hangs is killed after
        `timeout` seconds and reported as exit status None."""
        try:
            proc = subprocess.run(self.command + [str(a) for a in args],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE,
                                  universal_newlines=True,
                                  errors="backslashreplace",
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, "", "killed after %d s" % timeout
        return proc.returncode, proc.stdout, proc.stderr

    def ok(self, *args):
        code, out, err = self.run(*args)
        if code != 0 or err:
            sys.exit("FAIL: %s\n  exit %d, stderr %r" % (args, code, err))
        return out

    def json(self, *args):
        return json.loads(self.ok(*(list(args) + ["--json"])))


def sample_paths(data_dir):
    """The float32 stack, its PNG labels, and the uint8 pair."""
    pngs = [os.path.join(data_dir, "labels", "slice_%02d.png" % i)
            for i in range(8)]
    return {
        "scores": os.path.join(data_dir, "scores.npy"),
        "pngs": pngs,
        "scores_u8": os.path.join(data_dir, "scores_u8.npy"),
        "labels_u8": os.path.join(data_dir, "labels_u8.npy"),
    }


class Checker:
    """Counts failed checks and reports them all before exiting."""

    def __init__(self):
        self.failures = 0

    def check(self, condition, message):
        if not condition:
            self.failures += 1
            print("FAIL: " + message)

    def finish(self, name):
        if self.failures:
            sys.exit("%s: %d check(s) failed" % (name, self.failures))
        print("%s: all checks passed" % name)
