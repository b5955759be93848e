#!/usr/bin/python3
"""Times the Python ways of getting a precision-recall curve of segmentation
maps, against libprcurve loaded through ctypes, on the data prcurve-bench
generates.

  * scikit-learn: precision_recall_curve + average_precision_score on every
    counted pixel (exact; slow, so run once by default; --sklearn-pixels
    caps the pixels on a fixed random subsample and extrapolates the time
    linearly, which flatters it a little since sorting is n log n);
  * the NumPy binned recipe: quantize scores to bins, one np.bincount of
    (bin, label) keys, reversed cumulative sums;
  * the same recipe with torch.bincount, when torch can be imported;
  * libprcurve: create, one feed of the whole array (zero copy), finalize,
    on one thread and on --threads threads (default: every cpu) when the
    library has PRC_OPT_THREADS; "lib x" is relative to the latter.

Every timing includes masking the ignore label (255), which libprcurve does
itself.  Each method's average precision (AP) is printed with its
difference from scikit-learn's exact AP: binned methods agree within the
bin width (1e-3 at 1000 bins, 1.5e-5 at 65536; 2.7e-4 and 4.2e-6 on the
bench's data), exactly for uint8 scores at 255 bins, and NumPy and
libprcurve agree with each other to rounding.

Usage:
  prcurve-bench --write-data DIR           # once: writes DIR/*.npy
  peers.py --data DIR --library build/lib/libprcurve.so
(PRCURVE_LIBRARY may name the library instead; --bench BIN makes the data
when DIR has none.)
"""
import argparse
import ctypes
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

IGNORE = 255
# Enum values from prcurve.h (part of the ABI, never renumbered).
PRC_OK = 0
OPT_BINS = 1
OPT_THREADS = 9
DTYPE_FLOAT32, DTYPE_UINT8 = 1, 3
AVERAGE_PRECISION = 1

CONFIGS = (("float32", 1000), ("float32", 65536), ("uint8", 255))


def timed(fn, runs):
    """Median seconds of `runs` calls, and the last call's value."""
    times, value = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), value


def step_ap(tp, fp):
    """scikit-learn's step-wise AP over rows of increasing threshold."""
    tp = tp.astype(np.float64)
    predicted = tp + fp
    precision = np.divide(tp, predicted, out=np.zeros_like(tp),
                          where=predicted > 0)
    recall = tp / tp[0]
    drop = recall - np.append(recall[1:], 0.0)
    return float(np.sum(drop * precision))


def numpy_recipe(scores, labels, bins):
    """The NumPy recipe: one bincount over (bin, label) keys, the ignore
    label folded into a third column (cheaper than compacting with a
    boolean mask), then reversed cumulative sums."""
    if scores.dtype == np.uint8:
        key = scores.astype(np.int32)
    else:
        key = (scores * np.float32(bins)).astype(np.int32)
        np.minimum(key, bins, out=key)
    key *= 3
    key += np.minimum(labels, 2)
    counts = np.bincount(key.ravel(), minlength=3 * (bins + 1))
    counts = counts.reshape(bins + 1, 3)
    fp = np.cumsum(counts[::-1, 0])[::-1]
    tp = np.cumsum(counts[::-1, 1])[::-1]
    return step_ap(tp, fp)


def torch_recipe(torch, scores, labels, bins):
    """The same recipe in torch, on tensors sharing NumPy's memory."""
    s, y = torch.from_numpy(scores), torch.from_numpy(labels)
    if s.dtype == torch.uint8:
        key = s.long()
    else:
        key = torch.clamp((s * bins).long(), max=bins)
    key = key * 3 + torch.clamp(y, max=2).long()
    counts = torch.bincount(key.reshape(-1), minlength=3 * (bins + 1))
    counts = counts.reshape(bins + 1, 3).flip(0).cumsum(0).flip(0)
    return step_ap(counts[:, 1].numpy(), counts[:, 0].numpy())


def sklearn_exact(scores, labels):
    """precision_recall_curve and average_precision_score, all pixels."""
    from sklearn.metrics import average_precision_score
    from sklearn.metrics import precision_recall_curve
    keep = labels != IGNORE
    s, y = scores[keep], labels[keep]
    precision_recall_curve(y, s)
    return float(average_precision_score(y, s))


class Library:
    """libprcurve through ctypes: the few calls a feed needs."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        pvp = ctypes.POINTER(ctypes.c_void_p)
        sig = {
            "prc_version_string": ([], ctypes.c_char_p),
            "prc_status_name": ([ctypes.c_int], ctypes.c_char_p),
            "prc_options_create": ([pvp], ctypes.c_int),
            "prc_options_free": ([vp], None),
            "prc_options_set": ([vp, ctypes.c_int, ctypes.c_int64],
                                ctypes.c_int),
            "prc_option_bounds": ([ctypes.c_int, vp, vp, vp], ctypes.c_int),
            "prc_batch_create": ([pvp], ctypes.c_int),
            "prc_batch_free": ([vp], None),
            "prc_batch_set_shape": ([vp, sz, sz, sz], ctypes.c_int),
            "prc_batch_set_scores": ([vp, ctypes.c_int, vp], ctypes.c_int),
            "prc_batch_set_labels": ([vp, ctypes.c_int, vp], ctypes.c_int),
            "prc_accumulator_create": ([pvp, vp], ctypes.c_int),
            "prc_accumulator_free": ([vp], None),
            "prc_accumulator_feed": ([vp, vp], ctypes.c_int),
            "prc_accumulator_finalize": ([vp, pvp], ctypes.c_int),
            "prc_result_free": ([vp], None),
            "prc_result_metric": ([vp, ctypes.c_int,
                                   ctypes.POINTER(ctypes.c_double)],
                                  ctypes.c_int),
        }
        for name, (args, result) in sig.items():
            fn = getattr(lib, name)
            fn.argtypes, fn.restype = args, result
        self.c = lib
        self.version = lib.prc_version_string().decode()
        self.has_threads = lib.prc_option_bounds(OPT_THREADS, None, None,
                                                 None) == PRC_OK

    def check(self, status, what):
        if status != PRC_OK:
            name = self.c.prc_status_name(status).decode()
            raise RuntimeError(f"{what}: {name}")

    def average_precision(self, scores, labels, bins, threads=1):
        """Create, feed the whole N x H x W array once, finalize."""
        c, h = self.c, [ctypes.c_void_p() for _ in range(4)]
        opts, acc, batch, res = h
        dtype = DTYPE_UINT8 if scores.dtype == np.uint8 else DTYPE_FLOAT32
        try:
            self.check(c.prc_options_create(ctypes.byref(opts)), "options")
            self.check(c.prc_options_set(opts, OPT_BINS, bins), "bins")
            if threads > 1:
                self.check(c.prc_options_set(opts, OPT_THREADS, threads),
                           "threads")
            self.check(c.prc_accumulator_create(ctypes.byref(acc), opts),
                       "accumulator_create")
            self.check(c.prc_batch_create(ctypes.byref(batch)), "batch")
            self.check(c.prc_batch_set_shape(batch, *scores.shape), "shape")
            self.check(c.prc_batch_set_scores(
                batch, dtype, scores.ctypes.data_as(ctypes.c_void_p)),
                "scores")
            self.check(c.prc_batch_set_labels(
                batch, DTYPE_UINT8, labels.ctypes.data_as(ctypes.c_void_p)),
                "labels")
            self.check(c.prc_accumulator_feed(acc, batch), "feed")
            self.check(c.prc_accumulator_finalize(acc, ctypes.byref(res)),
                       "finalize")
            ap = ctypes.c_double()
            self.check(c.prc_result_metric(res, AVERAGE_PRECISION,
                                           ctypes.byref(ap)), "metric")
            return ap.value
        finally:
            c.prc_result_free(res)
            c.prc_batch_free(batch)
            c.prc_accumulator_free(acc)
            c.prc_options_free(opts)


def load(directory, name, bench):
    paths = [os.path.join(directory, f"{name}_{part}.npy")
             for part in ("scores_f32", "scores_u8", "labels")]
    if not all(map(os.path.exists, paths)):
        if not bench:
            sys.exit(f"peers.py: {paths[0]} missing: run prcurve-bench "
                     f"--write-data {directory}, or pass --bench BIN")
        os.makedirs(directory, exist_ok=True)
        subprocess.run([bench, "--runs", "1", "--write-data", directory],
                       check=True, stdout=subprocess.DEVNULL)
    f32, u8, labels = (np.load(p) for p in paths)
    for a in (f32, u8, labels):
        assert a.flags.c_contiguous and a.shape == labels.shape
    return {"float32": f32, "uint8": u8}, labels


def subsample(scores, labels, cap, seed=12345):
    """A fixed random subset of the counted pixels, as 1 x 1 x n arrays."""
    keep = np.flatnonzero(labels.ravel() != IGNORE)
    if cap and cap < keep.size:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(keep, size=cap, replace=False))
    return (scores.ravel()[keep].reshape(1, 1, -1),
            labels.ravel()[keep].reshape(1, 1, -1), keep.size)


def run_sklearn(scores, labels, args):
    """Exact AP and its time on all counted pixels (or a subsample)."""
    s, y, n = subsample(scores, labels, args.sklearn_pixels)
    counted = int(np.count_nonzero(labels != IGNORE))
    seconds, ap = timed(lambda: sklearn_exact(s, y), args.sklearn_runs)
    scale = counted / n
    return {"seconds": seconds * scale, "measured_seconds": seconds,
            "pixels_run": n, "extrapolated": scale != 1.0, "ap": ap,
            "sub_scores": s, "sub_labels": y}


def config_rows(scores, labels, bins, ref, args, lib, torch):
    """Rows of one scores type and bin count; ref is scikit-learn's."""
    methods = [("numpy bincount",
                lambda: numpy_recipe(scores, labels, bins))]
    if torch is not None:
        methods.append(("torch.bincount",
                        lambda: torch_recipe(torch, scores, labels, bins)))
    methods.append(("libprcurve (ctypes)",
                    lambda: lib.average_precision(scores, labels, bins)))
    if args.threads > 1 and lib.has_threads:
        methods.append((f"libprcurve (ctypes, {args.threads} thr)",
                        lambda: lib.average_precision(scores, labels, bins,
                                                      args.threads)))
    rows = []
    if ref is not None:
        rows.append(dict(method="scikit-learn exact", seconds=ref["seconds"],
                         ap=ref["ap"], extrapolated=ref["extrapolated"],
                         pixels_run=ref["pixels_run"]))
    for method, fn in methods:
        seconds, ap = timed(fn, args.runs)
        rows.append(dict(method=method, seconds=seconds, ap=ap,
                         extrapolated=False, pixels_run=labels.size))
    lib_seconds = rows[-1]["seconds"]
    lib_ap = rows[-1]["ap"]
    for row in rows:
        row["libprcurve_speedup"] = row["seconds"] / lib_seconds
        row["ap_minus_libprcurve"] = row["ap"] - lib_ap
        if ref is not None and not ref["extrapolated"]:
            row["ap_minus_exact"] = row["ap"] - ref["ap"]
    if ref is not None and ref["extrapolated"]:
        # Bin resolution where the exact AP is known: on the subsample.
        sub_ap = numpy_recipe(ref["sub_scores"], ref["sub_labels"], bins)
        rows.append(dict(method="numpy on sklearn's subsample",
                         seconds=None, ap=sub_ap, extrapolated=False,
                         pixels_run=ref["pixels_run"],
                         ap_minus_exact=sub_ap - ref["ap"]))
    return rows


def run_dataset(name, arrays, labels, args, lib, torch):
    exact, rows = {}, []
    for dtype in ("float32", "uint8"):
        if args.sklearn_pixels >= 0:
            exact[dtype] = run_sklearn(arrays[dtype], labels, args)
    for dtype, bins in CONFIGS:
        for row in config_rows(arrays[dtype], labels, bins,
                               exact.get(dtype), args, lib, torch):
            row.update(data=name, scores=dtype, bins=bins,
                       pixels=labels.size)
            rows.append(row)
    return rows


def machine():
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": model, "cpus": os.cpu_count(), "numpy": np.__version__,
            "python": platform.python_version(),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE")}


def print_table(info, rows, notes):
    print(f"peers: {info['cpu']}, {info['cpus']} cpu(s), numpy "
          f"{info['numpy']}, scikit-learn {info.get('sklearn')}, "
          f"libprcurve {info['libprcurve']}")
    for note in notes:
        print(f"note: {note}")
    print(f"\n{'data':6} {'scores':7} {'bins':>6} {'method':31} "
          f"{'seconds':>9} {'G px/s':>7} {'lib x':>8} {'AP':>9} "
          f"{'AP - exact':>11} {'AP - lib':>10}")
    for r in rows:
        sec = r["seconds"]
        rate = r["pixels"] / sec * 1e-9 if sec else None
        method = r["method"] + (" *" if r["extrapolated"] else "")
        diff = r.get("ap_minus_exact")
        print(f"{r['data']:6} {r['scores']:7} {r['bins']:6} {method:31} "
              f"{fmt(sec, '9.4f')} {fmt(rate, '7.3f')} "
              f"{fmt(r.get('libprcurve_speedup'), '8.1f')} "
              f"{r['ap']:9.6f} {fmt(diff, '11.2e')} "
              f"{fmt(r.get('ap_minus_libprcurve'), '10.2e')}")
    if any(r["extrapolated"] for r in rows):
        print("* timed on a random subsample (pixels_run in --json), "
              "extrapolated linearly to all pixels; its AP is the "
              "subsample's")


def fmt(value, spec):
    width = int(spec.split(".")[0])
    return format(value, spec) if value is not None else "-".rjust(width)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default="bench-data",
                   help="directory of prcurve-bench --write-data files")
    p.add_argument("--bench", help="prcurve-bench, to make missing data")
    p.add_argument("--library", default=os.environ.get("PRCURVE_LIBRARY"),
                   help="libprcurve.so (default: $PRCURVE_LIBRARY)")
    p.add_argument("--dataset", choices=("small", "large", "all"),
                   default="small")
    p.add_argument("--runs", type=int, default=5,
                   help="runs of each fast method (median)")
    p.add_argument("--sklearn-runs", type=int, default=1)
    p.add_argument("--sklearn-pixels", type=int, default=0,
                   help="cap on scikit-learn's pixels (0: all; -1: skip)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                   help="libprcurve's threads for the second library row "
                        "and the reference of 'lib x' (default: every cpu)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if not args.library:
        p.error("give --library or set PRCURVE_LIBRARY")
    return args


def main():
    args = parse_args()
    lib, notes, info = Library(args.library), [], machine()
    info["libprcurve"] = lib.version
    try:
        import sklearn
        import sklearn.metrics  # imported here, not inside a timing
        info["sklearn"] = sklearn.__version__
    except ImportError:
        args.sklearn_pixels = -1
        notes.append("scikit-learn not importable: skipped")
    try:
        import torch
        # As the target states it: torch on every thread peers.py uses.
        torch.set_num_threads(max(args.threads, 1))
        info["torch"] = torch.__version__
        notes.append(f"torch {torch.__version__}, "
                     f"{torch.get_num_threads()} thread(s)")
    except ImportError:
        torch = None
        notes.append("torch not importable: torch.bincount skipped")
    rows = []
    names = ("small", "large") if args.dataset == "all" else (args.dataset,)
    for name in names:
        arrays, labels = load(args.data, name, args.bench)
        rows += run_dataset(name, arrays, labels, args, lib, torch)
    if args.json:
        json.dump({"machine": info, "notes": notes, "results": rows},
                  sys.stdout, indent=1)
        print()
    else:
        print_table(info, rows, notes)


if __name__ == "__main__":
    main()
