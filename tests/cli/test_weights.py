"""prcurve-eval --weights against independent references: on uint8 scores
with --bins 255 and weights in whole units of 1/1024, AP equals
scikit-learn's average_precision_score with sample_weight and AUROC its
roc_auc_score (1e-12); TP, FP, FN and TN at every row and the tallies
equal NumPy weighted sums; integer weights give the JSON numbers of the
pixels repeated that many times; weights shared by the classes; files
taken as sequences; the summary, CSV and plot; the errors (negative, NaN
and too large weights, shape mismatch, file counts, dtypes); and mpi_eval
on 2 ranks over loopback equals one process (when mpirun is given)."""

import argparse
import csv
import json
import os
import subprocess
import tempfile

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from cli_common import Checker, Tool, write_png

MPI_FLAGS = ["--allow-run-as-root", "--oversubscribe", "--mca", "btl",
             "self,vader"]


def make_data(tmp, rng, files=3, shape=(2, 20, 24), dtype=np.float64):
    """uint8 scores, uint8 labels with some ignored, weights k/1024."""
    paths = {"scores": [], "labels": [], "weights": []}
    arrays = {"scores": [], "labels": [], "weights": []}
    for i in range(files):
        s = rng.integers(0, 256, shape, dtype=np.uint8)
        # Positives score higher on average, so the curve is not flat.
        y = (rng.random(shape) < 0.2 + 0.5 * s / 255.0).astype(np.uint8)
        y[rng.random(shape) < 0.05] = 255
        w = (rng.integers(0, 4096, shape) / 1024.0).astype(dtype)
        for key, a in (("scores", s), ("labels", y), ("weights", w)):
            path = os.path.join(tmp, "%s_%d.npy" % (key, i))
            np.save(path, a)
            paths[key].append(path)
            arrays[key].append(a)
    return paths, arrays


def args_of(paths, *extra):
    return (["--scores"] + paths["scores"] + ["--labels"] + paths["labels"]
            + ["--weights"] + paths["weights"] + ["--bins", 255]
            + list(extra))


def flat(arrays):
    s = np.concatenate([a.ravel() for a in arrays["scores"]])
    y = np.concatenate([a.ravel() for a in arrays["labels"]])
    w = np.concatenate([a.ravel() for a in arrays["weights"]])
    return s, y, w.astype(np.float64)


def check_sklearn(c, tool, tmp, rng, dtype):
    paths, arrays = make_data(tmp, rng, dtype=dtype)
    res = tool.json(*args_of(paths))
    s, y, w = flat(arrays)
    kept = y != 255
    name = np.dtype(dtype).name

    c.check(res.get("weighted") is True, "%s: JSON lacks weighted: true"
            % name)
    want = average_precision_score(y[kept], s[kept], sample_weight=w[kept])
    c.check(abs(res["average_precision"] - want) <= 1e-12,
            "%s: AP %r, scikit-learn %r" % (name, res["average_precision"],
                                            want))
    want = roc_auc_score(y[kept], s[kept], sample_weight=w[kept])
    c.check(abs(res["auroc"] - want) <= 1e-12,
            "%s: AUROC %r, scikit-learn %r" % (name, res["auroc"], want))

    # Sums of multiples of 1/1024 are exact in double precision.
    for key, mask in (("pixels", kept), ("positives", y == 1),
                      ("negatives", y == 0), ("ignored", y == 255)):
        c.check(res[key] == w[mask].sum(), "%s: %s %r, NumPy %r"
                % (name, key, res[key], w[mask].sum()))
    curve = res["curve"]
    k = np.arange(256)[:, None]
    above = s[None, :] >= k  # v/255 >= k/255 exactly when v >= k
    pos, neg = (y == 1)[None, :], (y == 0)[None, :]
    for key, mask in (("tp", above & pos), ("fp", above & neg),
                      ("fn", ~above & pos), ("tn", ~above & neg)):
        want = (mask * w[None, :]).sum(axis=1)
        c.check(curve[key] == list(want), "%s: %s differs from NumPy's "
                "weighted sums" % (name, key))
    groups = sum(g["pixels"] for g in res["calibration"])
    c.check(groups == w[kept].sum(), "%s: calibration pixels sum to %r"
            % (name, groups))
    return paths, arrays, res


def check_repeated(c, tool, tmp, rng):
    """Integer weights equal feeding every pixel that many times."""
    paths, arrays = make_data(tmp, rng, files=2)
    for i, w in enumerate(arrays["weights"]):
        arrays["weights"][i] = np.floor(w * 1.5)  # 0..6
        np.save(paths["weights"][i], arrays["weights"][i])
    got = tool.json(*args_of(paths))
    s, y, w = flat(arrays)
    times = w.astype(np.int64)
    rs = os.path.join(tmp, "repeated_scores.npy")
    ry = os.path.join(tmp, "repeated_labels.npy")
    np.save(rs, np.repeat(s, times)[None, :])
    np.save(ry, np.repeat(y, times)[None, :])
    want = tool.json("--scores", rs, "--labels", ry, "--bins", 255)
    # The certified lower AP bound takes positives one count at a time,
    # and weighted counts are in units of 2^-16: with weights it comes out
    # lower (still a bound), so it is only checked to hold the other.
    skip = {"weighted", "images", "ap_bounds"}
    c.check(set(got) - skip == set(want) - skip,
            "keys differ: %r" % (set(got) ^ set(want)))
    lo, hi = got["ap_bounds"]
    c.check(lo <= want["ap_bounds"][0] and hi == want["ap_bounds"][1],
            "integer weights: AP bounds %r do not hold %r"
            % (got["ap_bounds"], want["ap_bounds"]))
    for key in sorted(set(want) - skip):
        c.check(got.get(key) == want[key], "integer weights: %s differs "
                "from the repeated pixels: %r vs %r" % (key, got.get(key),
                                                        want[key]))


def check_classes(c, tool, tmp, rng):
    """One weight per pixel, shared by all classes."""
    classes, shape = 3, (2, 12, 14)
    raw = rng.integers(1, 256, (shape[0], classes) + shape[1:])
    scores = raw.astype(np.uint8)
    labels = rng.integers(0, classes, shape).astype(np.uint8)
    labels[rng.random(shape) < 0.1] = 255
    w = rng.integers(0, 3072, shape) / 1024.0
    sp, lp, wp = (os.path.join(tmp, "c_%s.npy" % k) for k in "slw")
    np.save(sp, scores)
    np.save(lp, labels)
    np.save(wp, w)
    res = tool.json("--scores", sp, "--labels", lp, "--weights", wp,
                    "--classes", classes, "--bins", 255)
    kept = labels != 255
    for cl in range(classes):
        want = average_precision_score(
            (labels[kept] == cl).astype(int), scores[:, cl][kept],
            sample_weight=w[kept])
        got = res["classes"][cl]["average_precision"]
        c.check(abs(got - want) <= 1e-12, "class %d: AP %r, scikit-learn "
                "%r" % (cl, got, want))
        c.check(res["classes"][cl]["positives"]
                == w[kept & (labels == cl)].sum(),
                "class %d: positives are not the weight sum" % cl)
    c.check(res["pixels"] == classes * w[kept].sum(),
            "classes: pixels %r" % res["pixels"])


def check_sequences(c, tool, tmp, rng, paths, arrays):
    """One scores file against one labels file per image: the weights go
    with the labels files, and the result equals the pairs' one."""
    s = np.concatenate(arrays["scores"])
    y = np.concatenate(arrays["labels"])
    w = np.concatenate(arrays["weights"])
    sp = os.path.join(tmp, "stack.npy")
    np.save(sp, s)
    lps, wps = [], []
    for i in range(len(y)):
        lps.append(os.path.join(tmp, "seq_label_%d.png" % i))
        wps.append(os.path.join(tmp, "seq_weight_%d.npy" % i))
        write_png(lps[i], y[i])
        np.save(wps[i], w[i])
    got = tool.json("--scores", sp, "--labels", *lps, "--weights", *wps,
                    "--bins", 255)
    want = tool.json(*args_of(paths))
    for key in ("pixels", "positives", "average_precision", "auroc",
                "curve"):
        c.check(got[key] == want[key], "sequences: %s differs" % key)


def check_outputs(c, tool, tmp, paths, res):
    text = tool.ok(*args_of(paths))
    c.check("weight of pixels counted" in text
            and repr(res["pixels"]) in text,
            "summary lacks the weighted pixel count %r:\n%s"
            % (res["pixels"], text))
    path = os.path.join(tmp, "weighted.csv")
    svg = os.path.join(tmp, "weighted.svg")
    tool.ok(*args_of(paths, "--csv", path, "--plot", svg, "--plot-roc"))
    with open(path) as f:
        rows = list(csv.DictReader(f))
    for key in ("tp", "fp", "fn", "tn"):
        c.check([float(r[key]) for r in rows] == res["curve"][key],
                "CSV %s differs from the JSON" % key)
    with open(svg) as f:
        c.check("weighted" in f.read(), "the plot's title does not say "
                "that the counts are weighted")
    plain = tool.json("--scores", *paths["scores"], "--labels",
                      *paths["labels"], "--bins", 255)
    c.check("weighted" not in plain and isinstance(plain["pixels"], int),
            "without --weights the JSON changed")


def expect(c, tool, code, words, *args):
    got, out, err = tool.run(*args)
    lines = err.splitlines()
    c.check(got == code and out == "" and len(lines) == 1
            and all(w in err for w in words),
            "%s: exit %r, stderr %r (wanted exit %d, one line with %r)"
            % (args[-6:], got, err, code, words))


def check_errors(c, tool, tmp, paths):
    s, y, w = paths["scores"], paths["labels"], paths["weights"]
    base = ["--scores"] + s + ["--labels"] + y
    good = np.load(w[1])
    for value, what in ((-0.5, "negative"), (np.nan, "NaN"),
                        (2.0 ** 24 + 1, "too large")):
        bad = good.copy()
        bad[1, 4, 7] = value
        path = os.path.join(tmp, "bad_weights.npy")
        np.save(path, bad)
        expect(c, tool, 1, [path, "image 1, row 4, column 7", "weight"],
               *(base + ["--weights", w[0], path, w[2]]))
    edge = good.copy()
    edge[0, 0, 0] = 2.0 ** 24
    path = os.path.join(tmp, "edge_weights.npy")
    np.save(path, edge)
    code, _, err = tool.run(*(base + ["--weights", w[0], path, w[2]]))
    c.check(code == 0, "a weight of 2^24 is refused: %r" % err)

    path = os.path.join(tmp, "short_weights.npy")
    np.save(path, good[:, :-1])
    expect(c, tool, 1, [path, y[1], "2 x 19 x 24"],
           *(base + ["--weights", w[0], path, w[2]]))
    expect(c, tool, 2, ["--weights", "2 weights file(s)", "3 labels"],
           *(base + ["--weights", w[0], w[1]]))
    expect(c, tool, 2, ["--weights"], *(base + ["--weights", "--json"]))
    for dtype in (np.int32, np.uint8, np.float16):
        path = os.path.join(tmp, "typed_weights.npy")
        np.save(path, good.astype(dtype))
        expect(c, tool, 1, [path, "float32 or float64",
                            np.dtype(dtype).name],
               *(base + ["--weights", w[0], path, w[2]]))
    png = os.path.join(tmp, "weights.png")
    write_png(png, np.zeros((20, 24), dtype=np.uint8))
    expect(c, tool, 1, [png, "not PNG"],
           *(base + ["--weights", w[0], png, w[2]]))


def check_mpi(c, tool, paths, mpiexec, mpi_eval):
    for extra in ([], ["--per-image", "--bootstrap", "10"]):
        args = [str(a) for a in args_of(paths, *extra)]
        want = tool.json(*args)
        proc = subprocess.run([mpiexec] + MPI_FLAGS + ["-np", "2", mpi_eval]
                              + args + ["--json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=120)
        c.check(proc.returncode == 0, "mpi_eval --weights %s failed: %r"
                % (extra, proc.stderr[-500:]))
        if proc.returncode == 0:
            c.check(json.loads(proc.stdout) == want, "mpi_eval --weights "
                    "%s on 2 ranks differs from prcurve-eval" % extra)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="")
    parser.add_argument("--mpi-eval", default="")
    parser.add_argument("--mpiexec", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    rng = np.random.default_rng(20261204)
    with tempfile.TemporaryDirectory() as tmp:
        check_sklearn(c, tool, tmp, rng, np.float32)
        paths, arrays, res = check_sklearn(c, tool, tmp, rng, np.float64)
        check_outputs(c, tool, tmp, paths, res)
        check_sequences(c, tool, tmp, rng, paths, arrays)
        check_classes(c, tool, tmp, rng)
        check_errors(c, tool, tmp, paths)
        if args.mpi_eval and args.mpiexec:
            check_mpi(c, tool, paths, args.mpiexec, args.mpi_eval)
        else:
            print("mpi_eval or mpirun not given: 2-rank run skipped")
        check_repeated(c, tool, tmp, rng)
    c.finish("test_weights")


if __name__ == "__main__":
    main()
