"""The prcurve Python package against scikit-learn, NumPy and the JSON of
prcurve-eval: values, scikit-learn's conventions, zero-copy arrays and
strided views, the native dtypes, refusals, errors, merging and
serialization, the library search, and Result.plot without matplotlib."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tracemalloc

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve

import prcurve
from prcurve import _native

FAILURES = []


def check(condition, message):
    print("%s %s" % ("ok  " if condition else "FAIL", message), flush=True)
    if not condition:
        FAILURES.append(message)


def raises(kind, function, *words):
    """Calls function; True if it raises `kind` whose text has every word."""
    try:
        function()
    except kind as e:
        missing = [w for w in words if w not in str(e)]
        if missing:
            print("     message %r lacks %r" % (str(e), missing))
        return not missing
    except Exception as e:  # the wrong kind
        print("     raised %s: %s" % (type(e).__name__, e))
        return False
    return False


def sample(data):
    return (np.load(os.path.join(data, "scores_u8.npy")),
            np.load(os.path.join(data, "labels_u8.npy")),
            np.load(os.path.join(data, "scores.npy")))


def check_against_cli(tool, data, s8, l8):
    """Every column and summary equals prcurve-eval's JSON on the same
    files and options."""
    out = subprocess.run([tool, "--scores", os.path.join(data,
                          "scores_u8.npy"), "--labels",
                          os.path.join(data, "labels_u8.npy"), "--bins",
                          "255", "--per-image", "--json"],
                         stdout=subprocess.PIPE, check=True).stdout
    want = json.loads(out)
    res = prcurve.Accumulator(bins=255, per_image=True).update(
        s8, l8).compute()
    for name, column in [("threshold", "thresholds"), ("precision",
                         "precision"), ("recall", "recall"), ("f1", "f1"),
                         ("tp", "tp"), ("fp", "fp"), ("fn", "fn"),
                         ("tn", "tn")]:
        check(list(getattr(res, column)) == want["curve"][name],
              "column %s equals the CLI's" % column)
    check(list(res.image_precision) == want["per_image"]["precision"]
          and list(res.image_recall) == want["per_image"]["recall"],
          "per-image columns equal the CLI's")
    for name in ["average_precision", "auprc_trapezoid"]:
        check(getattr(res, name) == want[name], "%s equals the CLI's" % name)
    check(res.best_f1 == want["best_f1"]["value"]
          and res.best_f1_threshold == want["best_f1"]["threshold"],
          "best F1 equals the CLI's")
    per = want["per_image"]
    check(res.image_average_precision == per["average_precision"]
          and res.mean_image_average_precision ==
          per["mean_average_precision"]
          and res.images_without_positives ==
          per["images_without_positives"], "per-image summaries equal")
    check((res.pixels, res.positives, res.negatives, res.ignored,
           res.images) == (want["pixels"], want["positives"],
                           want["negatives"], want["ignored"],
                           want["images"]), "tallies equal the CLI's")


def check_against_sklearn(s8, l8, s32):
    keep = l8 != 255
    y, s = l8[keep], s8[keep]
    res = prcurve.Accumulator(bins=255).update(s8, l8).compute()
    exact = average_precision_score(y, s)
    check(abs(res.average_precision - exact) <= 1e-12,
          "uint8, 255 bins: AP %r equals sklearn %r"
          % (res.average_precision, exact))
    check(abs(prcurve.average_precision_score(y, s, bins=255) - exact)
          <= 1e-12, "average_precision_score equals sklearn's")

    p, r, t = prcurve.precision_recall_curve(y, s, bins=255)
    sp, sr, st = precision_recall_curve(y, s)
    check(p.shape == sp.shape and r.shape == sr.shape and t.shape ==
          st.shape, "precision_recall_curve shapes equal sklearn's %s"
          % (sp.shape,))
    check(np.abs(p - sp).max() <= 1e-12 and np.abs(r - sr).max() <= 1e-12
          and np.array_equal(t * 255, st),
          "uint8: points equal sklearn's, thresholds k/255 for its k")
    check(p[-1] == 1 and r[-1] == 0 and np.all(np.diff(t) > 0),
          "last point (1, 0) appended, thresholds increasing")

    # Float scores, binned: AP close to the exact one.
    ys = l8[keep]
    exact = average_precision_score(ys, s32[keep])
    got = prcurve.average_precision_score(ys, np.ascontiguousarray(
        s32[keep]))
    check(abs(got - exact) <= 2e-3, "float32, 1000 bins: AP within 2e-3 "
          "of sklearn (%.2e)" % abs(got - exact))
    bools = (l8 == 1)
    res = prcurve.Accumulator(bins=255, ignore_label=None).update(
        s8, bools).compute()
    check(abs(res.average_precision - average_precision_score(
        bools.ravel(), s8.ravel())) <= 1e-12, "bool labels equal sklearn")


def check_zero_copy():
    """The pointers handed to the library are the arrays' own, and feeding
    a 64 MB array allocates almost nothing."""
    seen = []
    lib = _native.LIB
    originals = lib.prc_batch_set_scores, lib.prc_batch_set_labels

    def recorder(original):
        def call(batch, dtype, pointer):
            seen.append(pointer)
            return original(batch, dtype, pointer)
        return call

    lib.prc_batch_set_scores = recorder(originals[0])
    lib.prc_batch_set_labels = recorder(originals[1])
    try:
        scores = np.random.default_rng(1).random((2, 64, 64))
        labels = (scores > 0.7).astype(np.uint8)
        prcurve.Accumulator().update(scores, labels)
        prcurve.average_precision_score(labels, scores)
    finally:
        lib.prc_batch_set_scores, lib.prc_batch_set_labels = originals
    check(seen == [scores.ctypes.data, labels.ctypes.data] * 2,
          "update and the sklearn face pass the arrays' own pointers")

    big = np.full((8, 1024, 1024), 0.5)  # 64 MB of float64
    mask = np.zeros((8, 1024, 1024), np.bool_)
    acc = prcurve.Accumulator()
    tracemalloc.start()
    acc.update(big, mask)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    check(peak < 1 << 20, "feeding 64 MB allocated %d bytes" % peak)


def same_result(a, b):
    """Every column and summary of two Results equal (NaN equal NaN)."""
    columns = ["precision", "recall", "tp", "fp", "fn", "tn", "f1"]
    if a.per_image:
        columns += ["image_precision", "image_recall"]
    return all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True)
               for k in columns) and all(
        getattr(a, k) == getattr(b, k) for k in
        ["average_precision", "best_f1", "pixels", "ignored", "images",
         "mean_image_average_precision"])


def check_strided_views(s8, l8):
    """Views with any strides are passed in place, as their own data
    pointer and byte strides, and count exactly as their contiguous
    copies; the native dtypes count as their float64 and uint8 values."""
    rng = np.random.default_rng(7)
    nchw = rng.random((4, 3, 40, 50)).astype(np.float32)
    masks = (rng.random((4, 2, 40, 50)) < 0.3).astype(np.uint8)
    masks[:, :, 0, :3] = 255
    views = [
        ("channel of NCHW", nchw[:, 1], masks[:, 0]),
        ("negative strides", nchw[::-1, 2, ::-1, ::-3],
         masks[::-1, 1, ::-1, ::-3]),
        ("crop", nchw[1:3, 0, 5:30, 7:44], masks[1:3, 1, 5:30, 7:44]),
        ("transposed", nchw[:, 0].transpose(0, 2, 1),
         masks[:, 0].transpose(0, 2, 1)),
        ("2-D column slice", nchw[0, 0, :, ::2], masks[0, 0, :, ::2]),
        ("Fortran order", np.asfortranarray(nchw[0, 0]),
         np.asfortranarray(masks[0, 0])),
        ("NHWC channel", np.ascontiguousarray(nchw.transpose(0, 2, 3, 1))
         [..., 2], masks[:, 1]),
        ("unaligned float64", np.frombuffer(
            b"\0" + nchw[0, 0].astype(np.float64).tobytes(), np.float64,
            offset=1).reshape(40, 50), masks[0, 0]),
        ("broadcast scores", np.broadcast_to(nchw[0, 0, 0], (40, 50)),
         masks[0, 1]),
    ]
    for name, scores, labels in views:
        want = prcurve.Accumulator(bins=97, per_image=True).update(
            np.ascontiguousarray(scores),
            np.ascontiguousarray(labels)).compute()
        got = prcurve.Accumulator(bins=97, per_image=True).update(
            scores, labels).compute()
        check(same_result(got, want), "%s: equal to the contiguous copy"
              % name)

    half = nchw[:, 1].astype(np.float16)
    raw = (nchw[:, 2] * 65535).astype(np.uint16)
    for name, scores, exact in [
            ("float16", half, half.astype(np.float64)),
            ("uint16", raw, raw / 65535.0),
            ("float16 view", half[:, ::-1, 1::2],
             half[:, ::-1, 1::2].astype(np.float64))]:
        got = prcurve.Accumulator(bins=65535).update(
            scores, masks[:, 0, :, :scores.shape[2]]).compute()
        want = prcurve.Accumulator(bins=65535).update(
            np.ascontiguousarray(exact),
            np.ascontiguousarray(masks[:, 0, :, :scores.shape[2]])
        ).compute()
        check(same_result(got, want), "%s scores count as their float64 "
              "values" % name)
    for kind in (np.int32, np.int64, np.bool_):
        labels = masks[:, 0] if kind != np.bool_ else masks[:, 0] == 1
        got = prcurve.Accumulator(ignore_label=None if kind == np.bool_
                                  else 255).update(
            nchw[:, 1], labels.astype(kind)[:, ::-1]).compute()
        want = prcurve.Accumulator(ignore_label=None if kind == np.bool_
                                   else 255).update(
            nchw[:, 1], np.ascontiguousarray(
                labels[:, ::-1]).astype(np.uint8)).compute()
        check(same_result(got, want), "%s labels, flipped, count as uint8"
              % np.dtype(kind).name)

    y = (rng.random((6, 30)) < 0.4).astype(np.int64)
    s = rng.random((6, 30))
    check(prcurve.average_precision_score(y[:, ::-2], s[:, ::-2]) ==
          prcurve.average_precision_score(np.ascontiguousarray(y[:, ::-2]),
                                          np.ascontiguousarray(s[:, ::-2])),
          "average_precision_score takes strided views")
    four = rng.random((2, 3, 4, 5))
    check(prcurve.average_precision_score(y.ravel()[:120].reshape(
        2, 3, 4, 5) == 1, four) == prcurve.average_precision_score(
        y.ravel()[:120] == 1, four.ravel()),
        "a 4-D contiguous array is fed as a whole")
    check(raises(ValueError, lambda: prcurve.average_precision_score(
        np.ones((2, 3, 4, 5), np.uint8)[:, ::2], four[:, ::2]),
        "np.ascontiguousarray"),
        "a 4-D view that needs a copy to be 3-D is refused")


def check_strided_zero_copy():
    """A strided view reaches the library as its own data pointer and
    strides, and feeding a large one allocates almost nothing."""
    seen = []
    lib = _native.LIB
    names = ["prc_batch_set_scores", "prc_batch_set_labels",
             "prc_batch_set_score_strides", "prc_batch_set_label_strides"]
    originals = [getattr(lib, name) for name in names]

    def recorder(name, original):
        def call(batch, *rest):
            if name.endswith("strides"):
                seen.append(None if rest[0] is None else tuple(rest[0]))
            else:
                seen.append(rest[1])
            return original(batch, *rest)
        return call

    for name, original in zip(names, originals):
        setattr(lib, name, recorder(name, original))
    try:
        tensor = np.random.default_rng(2).random((2, 3, 16, 24))
        labels = (tensor[:, :2] > 0.6).astype(np.uint8)
        scores, masks = tensor[:, 1, ::-1], labels[:, 0, :, 1::2]
        scores = scores[:, :, 1::2]
        prcurve.Accumulator().update(scores, masks)
    finally:
        for name, original in zip(names, originals):
            setattr(lib, name, original)
    check(seen == [scores.ctypes.data, scores.strides, masks.ctypes.data,
                   masks.strides],
          "a strided view is passed as its data pointer and strides: %r"
          % (seen,))

    big = np.full((8, 2, 1024, 1024), 0.5, np.float32)[:, 1, ::-1]  # 32 MB
    mask = np.zeros((8, 1024, 2048), np.bool_)[:, :, ::2]
    acc = prcurve.Accumulator()
    tracemalloc.start()
    acc.update(big, mask)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    check(peak < 1 << 20, "feeding a 32 MB strided view allocated %d bytes"
          % peak)
    check(acc.compute().pixels == 8 << 20, "the whole view was counted")


def check_refusals(s8, l8):
    acc = prcurve.Accumulator()
    before = acc.to_bytes()
    check(raises(TypeError, lambda: acc.update(s8, l8.astype(np.int16)),
                 "astype", "int16"), "int16 labels are refused")
    check(raises(TypeError, lambda: acc.update(s8, l8.astype(np.uint16)),
                 "astype", "uint16"), "uint16 labels are refused")
    check(raises(TypeError, lambda: acc.update(s8.astype(np.int32), l8),
                 "int32", "astype"), "int32 scores are refused")
    check(raises(TypeError, lambda: acc.update(
        (s8 / 255.0).astype(">f8"), l8), "byte order"),
        "big-endian scores are refused")
    check(raises(TypeError, lambda: acc.update(
        s8.astype(">f2"), l8), "byte order"),
        "big-endian float16 scores are refused")
    check(raises(TypeError, lambda: acc.update(s8, l8.astype(">i8")),
                 "byte order"), "big-endian int64 labels are refused")
    check(raises(TypeError, lambda: acc.update(
        s8.astype(object), l8), "object", "astype"),
        "object arrays are refused")
    check(raises(TypeError, lambda: acc.update(s8.tolist(), l8),
                 "numpy.ndarray"), "lists are refused")
    check(raises(ValueError, lambda: acc.update(s8, l8[:4]), "shape"),
          "shape mismatch is refused")
    check(raises(ValueError, lambda: acc.update(s8.ravel(), l8.ravel()),
                 "(H, W)"), "1-D arrays are refused by update")
    check(raises(ValueError, lambda: acc.update(s8[:0], l8[:0]), "empty"),
          "empty arrays are refused")

    nan = (s8 / 255.0)
    nan[1, 5, 6] = np.nan
    check(raises(prcurve.PrcurveError, lambda: acc.update(nan, l8),
                 "PRC_E_NAN", "image 1, row 5, column 6"),
          "NaN raises PrcurveError naming the pixel")
    seven = l8.copy()
    seven[0, 2, 3] = 7
    try:
        acc.update(s8, seven)
        error = None
    except prcurve.PrcurveError as e:
        error = e
    check(error is not None and error.name == "PRC_E_LABEL"
          and error.status == 11 and "row 2, column 3" in error.detail,
          "label 7: status, name and detail carried")
    check(acc.to_bytes() == before, "rejected batches changed nothing")

    check(raises(ValueError, lambda: prcurve.Accumulator(bins=0),
                 "1..16777216"), "bins=0 is refused with its range")
    check(raises(ValueError, lambda: prcurve.Accumulator(rule="le"),
                 "'ge'"), "an unknown rule is refused")
    check(raises(ValueError, lambda: prcurve.Accumulator(zero_division=2),
                 "'nan'"), "zero_division=2 is refused")
    check(raises(ValueError, lambda: prcurve.Accumulator(
        nan_policy="clamp"), "cannot be clamped"), "NaN cannot be clamped")
    check(raises(ValueError, lambda: prcurve.Accumulator(
        ignore_label=1), "2..255"), "ignore_label=1 is refused")
    clamp = prcurve.Accumulator(range_policy="clamp", nan_policy="skip")
    res = clamp.update(np.array([[1.5, -2.0, np.nan]]),
                       np.array([[1, 0, 1]], np.uint8)).compute()
    check(res.pixels == 2 and res.skipped == 1 and res.tp[-1] == 1,
          "clamp and skip policies count as documented")


def check_merge_and_bytes(s8, l8):
    whole = prcurve.Accumulator(bins=255, per_image=True).update(s8, l8)
    a = prcurve.Accumulator(bins=255, per_image=True).update(s8[:3], l8[:3])
    b = prcurve.Accumulator(bins=255, per_image=True).update(s8[3:], l8[3:])
    want = whole.compute()

    def same(res):
        return all(np.array_equal(getattr(res, k), getattr(want, k),
                                  equal_nan=True) for k in
                   ["precision", "recall", "tp", "fp", "fn", "tn",
                    "image_precision", "image_recall"]) and \
            res.average_precision == want.average_precision and \
            res.mean_image_average_precision == \
            want.mean_image_average_precision

    merged = prcurve.Accumulator.from_bytes(a.to_bytes()).merge(b)
    check(same(merged.compute()), "from_bytes(a) merged with b equals one "
          "pass")
    total = a.state().astype(np.uint64) + b.state()
    reduced = prcurve.Accumulator(bins=255, per_image=True).add_state(total)
    check(same(reduced.compute()), "summed states added back equal one pass")
    check(same(prcurve.Accumulator(bins=255, per_image=True).add_state(
        total.view(np.int64)).compute()), "int64 states (torch) work too")

    view = a.state()
    first = view.copy()
    a.update(s8[:1], l8[:1])
    check(not view.flags.writeable and not np.array_equal(view, first),
          "state() is a read-only live view")
    data = whole.to_bytes()
    check(prcurve.Accumulator.from_bytes(data).to_bytes() == data,
          "to_bytes round trip is exact")
    broken = bytearray(data)
    broken[len(broken) // 2] ^= 1
    check(raises(prcurve.PrcurveError, lambda: prcurve.Accumulator.
                 from_bytes(bytes(broken)), "PRC_E_CHECKSUM"),
          "a flipped bit is refused")
    rng = np.random.default_rng(5)
    for size in [0, 1, 7, 64, len(data)]:
        junk = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        check(raises(prcurve.PrcurveError, lambda: prcurve.Accumulator.
                     from_bytes(junk)), "%d random bytes are refused" % size)
    check(raises(prcurve.PrcurveError, lambda: prcurve.Accumulator(
        bins=10).merge(whole), "PRC_E_MISMATCH"), "merging unequal options")
    check(raises(prcurve.PrcurveError, lambda: whole.add_state(
        np.zeros(3, np.uint64)), "PRC_E_MISMATCH"), "a short state")
    whole.reset()
    check(whole.compute().pixels == 0, "reset forgets everything")


def check_undefined():
    res = prcurve.Accumulator().update(np.full((2, 2), 0.5),
                                       np.zeros((2, 2), np.uint8)).compute()
    check(res.average_precision is None and "PRC_E_NO_POSITIVES" in
          res.undefined.get("average_precision", ""),
          "AP without positives is None, with the reason")
    check(res.image_precision is None and res.image_average_precision is
          None, "per-image fields are None without per-image mode")
    check(raises(prcurve.PrcurveError, lambda:
                 prcurve.average_precision_score(np.zeros(4, np.uint8),
                                                 np.ones(4)),
                 "PRC_E_NO_POSITIVES"),
          "average_precision_score without positives raises")


def check_plot():
    res = prcurve.Accumulator().update(np.full((2, 2), 0.5),
                                       np.eye(2, dtype=np.uint8)).compute()
    try:
        import matplotlib  # noqa: F401
        print("matplotlib is installed: plot drawn, not checked further")
        res.plot()
    except ImportError:
        check(raises(ImportError, res.plot, "matplotlib", "--plot"),
              "plot() without matplotlib says it is needed")


def check_library_search(package):
    """With PRCURVE_LIBRARY unset, a package next to build/lib finds the
    library there; with it set to a bad path, the import error says so."""
    env = dict(os.environ)
    real = env.pop("PRCURVE_LIBRARY")
    with tempfile.TemporaryDirectory() as root:
        shutil.copytree(package, os.path.join(root, "examples", "python",
                                              "prcurve"))
        os.makedirs(os.path.join(root, "build", "lib"))
        os.symlink(os.path.realpath(real), os.path.join(
            root, "build", "lib", "libprcurve.so.0"))
        env["PYTHONPATH"] = os.path.join(root, "examples", "python")
        code = "import prcurve; print(prcurve.LIBRARY_PATH)"
        out = subprocess.run([sys.executable, "-c", code], env=env,
                             stdout=subprocess.PIPE,
                             universal_newlines=True).stdout
        check(out.startswith(os.path.join(root, "build", "lib")),
              "the build tree is searched: %r" % out)
        env["PRCURVE_LIBRARY"] = os.path.join(root, "missing.so")
        err = subprocess.run([sys.executable, "-c", code], env=env,
                             stderr=subprocess.PIPE,
                             universal_newlines=True).stderr
        check("ImportError" in err and "PRCURVE_LIBRARY" in err,
              "a bad PRCURVE_LIBRARY is an ImportError naming it")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--package", required=True)
    args = parser.parse_args()
    s8, l8, s32 = sample(args.data)
    print("library %s (%s)" % (prcurve.LIBRARY_PATH,
                               prcurve.library_version()))

    check_against_cli(args.eval, args.data, s8, l8)
    check_against_sklearn(s8, l8, s32)
    check_zero_copy()
    check_strided_views(s8, l8)
    check_strided_zero_copy()
    check_refusals(s8, l8)
    check_merge_and_bytes(s8, l8)
    check_undefined()
    check_plot()
    check_library_search(args.package)
    if FAILURES:
        sys.exit("%d check(s) failed" % len(FAILURES))
    print("binding: all checks passed")


if __name__ == "__main__":
    main()
