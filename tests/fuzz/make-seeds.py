"""Writes the seed corpora of the fuzz targets (run once; the files are
committed).  usage: /usr/bin/python3 make-seeds.py LIBPRCURVE_SO OUT_DIR"""
import ctypes as C
import os
import sys

import numpy as np

lib = C.CDLL(sys.argv[1])
out = sys.argv[2]
vp, sz = C.c_void_p, C.c_size_t


def accumulator(bins, rule, per_image, zero_division):
    o = vp()
    assert lib.prc_options_create(C.byref(o)) == 0
    for option, value in ((1, bins), (2, rule), (3, zero_division),
                          (7, per_image)):
        assert lib.prc_options_set(o, option, C.c_int64(value)) == 0
    a = vp()
    assert lib.prc_accumulator_create(C.byref(a), o) == 0
    return a


def feed(a, scores, labels):
    b = vp()
    lib.prc_batch_create(C.byref(b))
    assert lib.prc_batch_set_shape(b, sz(scores.shape[0]), sz(scores.shape[1]),
                                   sz(scores.shape[2])) == 0
    lib.prc_batch_set_scores(b, 1, scores.ctypes.data_as(vp))
    lib.prc_batch_set_labels(b, 3, labels.ctypes.data_as(vp))
    assert lib.prc_accumulator_feed(a, b) == 0


def serialized(a):
    n = sz()
    lib.prc_accumulator_serialize(a, None, sz(0), C.byref(n))
    buf = C.create_string_buffer(n.value)
    assert lib.prc_accumulator_serialize(a, buf, n, C.byref(n)) == 0
    return buf.raw


rng = np.random.default_rng(7)
os.makedirs(os.path.join(out, "deserialize"), exist_ok=True)
os.makedirs(os.path.join(out, "feed"), exist_ok=True)
configs = [(1, 0, 0, 0), (4, 1, 1, 2), (10, 0, 1, 1), (37, 1, 0, 0),
           (100, 0, 1, 0)]
for i, (bins, rule, per_image, zd) in enumerate(configs):
    a = accumulator(bins, rule, per_image, zd)
    if i:
        s = rng.random((3, 5, 7)).astype(np.float32)
        l = (rng.random((3, 5, 7)) < 0.3).astype(np.uint8)
        l[0, 0, :3] = 255
        feed(a, s, l)
    with open(os.path.join(out, "deserialize", "state-%d" % i), "wb") as f:
        f.write(serialized(a))

# Feed seeds: header bytes, then pixels (see fuzz_feed.c).
for i in range(6):
    header = bytes([rng.integers(256), rng.integers(256), i % 4, i, 7 + i,
                    i % 3, i % 2, 3 if i < 4 else 0])
    body = rng.integers(0, 256, size=200 + 100 * i, dtype=np.uint8).tobytes()
    with open(os.path.join(out, "feed", "batch-%d" % i), "wb") as f:
        f.write(header + body)
