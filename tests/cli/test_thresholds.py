"""prcurve-eval --thresholds and --range against a NumPy brute force on the
same files: the counts at every threshold equal those of (score >= t) over
the counted pixels; --range thresholds run from LO to HI in the caller's
units, in the JSON and the CSV; calibration and ECE are null, and the
summary says why; bad threshold files and ranges give one clear line."""

import argparse
import csv
import os
import tempfile

import numpy as np

from cli_common import Checker, Tool, read_png_gray8, sample_paths


def brute_counts(scores, labels, thresholds):
    """TP, FP, FN, TN at each threshold (score >= t, in double precision)
    over the pixels whose label is not 255."""
    keep = labels != 255
    s = scores[keep].astype(np.float64)
    y = labels[keep] == 1
    tp = np.array([np.count_nonzero(y & (s >= t)) for t in thresholds])
    fp = np.array([np.count_nonzero(~y & (s >= t)) for t in thresholds])
    return tp, fp, np.count_nonzero(y) - tp, np.count_nonzero(~y) - fp


def check_counts(c, curve, scores, labels, thresholds, what):
    tp, fp, fn, tn = brute_counts(scores, labels, thresholds)
    for name, want in (("tp", tp), ("fp", fp), ("fn", fn), ("tn", tn)):
        got = np.array(curve[name])
        c.check(got.shape == want.shape and np.array_equal(got, want),
                "%s: %s differs from the brute force at %d of %d rows"
                % (what, name, int(np.count_nonzero(got != want))
                   if got.shape == want.shape else -1, len(want)))


def dense_grid(scores):
    """Thresholds dense near 0.5, with some of the sample's own float32
    scores near 0.5 among them (exact ties)."""
    near = np.unique(scores[(scores > 0.49) & (scores < 0.51)])
    near = near.astype(np.float64)[::max(1, near.size // 20)]
    grid = np.concatenate([[0.0, 0.1, 0.3, 0.45],
                           0.5 + np.linspace(-2e-3, 2e-3, 81), near,
                           [0.55, 0.7, 0.9, 1.0]])
    return np.unique(grid)


def check_thresholds(c, tool, p, tmp):
    scores = np.load(p["scores"])
    labels = np.stack([read_png_gray8(f) for f in p["pngs"]])
    grid = dense_grid(scores)
    text = os.path.join(tmp, "grid.txt")
    with open(text, "w") as f:
        f.write("# thresholds dense near 0.5\n")
        for i, t in enumerate(grid):
            f.write(repr(float(t)) + (" " if i % 3 else "\n"))
    npy = os.path.join(tmp, "grid.npy")
    np.save(npy, grid)
    table = os.path.join(tmp, "grid.csv")

    base = ["--scores", p["scores"], "--labels"] + p["pngs"]
    res = tool.json(*(base + ["--thresholds", text, "--csv", table]))
    c.check(res["curve"]["threshold"] == [float(t) for t in grid],
            "--thresholds rows are not the file's thresholds")
    c.check(res["bins"] == len(grid) - 1, "bins is not count - 1")
    check_counts(c, res["curve"], scores, labels, grid, "--thresholds text")
    c.check(res["ece"] is None and res["calibration"] is None,
            "ECE and calibration are not null with --thresholds")
    with open(table) as f:
        rows = list(csv.DictReader(f))
    c.check([float(r["threshold"]) for r in rows] == list(grid),
            "CSV thresholds differ from the file's")

    from_npy = tool.json(*(base + ["--thresholds", npy]))
    c.check(from_npy["curve"] == res["curve"],
            "a .npy of the same thresholds gives another curve")
    summary = tool.ok(*(base + ["--thresholds", text]))
    c.check("%d of your own" % len(grid) in summary,
            "summary does not count the thresholds")
    c.check("not --range or --thresholds" in summary,
            "summary does not say why ECE is undefined")


def check_range(c, tool, p, tmp):
    """Logits of the sample's probabilities, float64, against labels."""
    prob = np.clip(np.load(p["scores"]).astype(np.float64), 1e-4, 1 - 1e-4)
    logits = np.log(prob) - np.log1p(-prob)
    labels = np.stack([read_png_gray8(f) for f in p["pngs"]])
    files = []
    for i in range(0, len(logits), 4):  # two stacks of four images
        s = os.path.join(tmp, "logits_%d.npy" % i)
        l = os.path.join(tmp, "labels_%d.npy" % i)
        np.save(s, logits[i:i + 4])
        np.save(l, labels[i:i + 4])
        files.append((s, l))
    table = os.path.join(tmp, "range.csv")
    args = ["--scores"] + [s for s, _ in files] + ["--labels"] + \
        [l for _, l in files]

    for bins in (400, 1000):
        res = tool.json(*(args + ["--range", "-10", "10", "--bins", bins,
                                  "--csv", table]))
        t = np.array(res["curve"]["threshold"])
        c.check(len(t) == bins + 1 and t[0] == -10.0 and t[-1] == 10.0,
                "--range thresholds do not run from -10 to 10")
        c.check(bool(np.all(np.diff(t) > 0)),
                "--range thresholds do not strictly increase")
        c.check(res["range"] == [-10, 10], "JSON range is not [-10, 10]")
        check_counts(c, res["curve"], logits, labels, t,
                     "--range -10 10 --bins %d" % bins)
        c.check(res["ece"] is None and res["calibration"] is None,
                "ECE and calibration are not null with --range")
        with open(table) as f:
            got = [float(r["threshold"]) for r in csv.DictReader(f)]
        c.check(got == list(t), "CSV thresholds are not in logit units")

    # The best F1 threshold is one of the rows', in the caller's units.
    res = tool.json(*(args + ["--range", "-10", "10"]))
    c.check(res["best_f1"]["threshold"] in res["curve"]["threshold"],
            "best F1 threshold is not one of the rows' (logit units)")


def check_errors(c, tool, p, tmp):
    base = ["--scores", p["scores"], "--labels"] + p["pngs"]
    unsorted = os.path.join(tmp, "unsorted.txt")
    with open(unsorted, "w") as f:
        f.write("0.1\n0.2 0.3\n# a comment\n0.25\n0.9\n")
    nan = os.path.join(tmp, "nan.txt")
    with open(nan, "w") as f:
        f.write("0.1\n0.2\nnan\n")
    word = os.path.join(tmp, "word.txt")
    with open(word, "w") as f:
        f.write("0.1\n0.5x\n")
    one = os.path.join(tmp, "one.txt")
    with open(one, "w") as f:
        f.write("0.5\n")
    npy32 = os.path.join(tmp, "grid32.npy")
    np.save(npy32, np.linspace(0, 1, 5).astype(np.float32))
    npy_unsorted = os.path.join(tmp, "unsorted.npy")
    np.save(npy_unsorted, np.array([0.0, 0.5, 0.5, 1.0]))
    cases = [
        (["--thresholds", unsorted], ["line 4", "0.25", "0.3",
                                      "strictly increase"]),
        (["--thresholds", nan], ["line 3", "nan", "not a finite"]),
        (["--thresholds", word], ["line 2", "'0.5x'", "not a number"]),
        (["--thresholds", one], ["at least 2"]),
        (["--thresholds", npy32], ["float64", "float32"]),
        (["--thresholds", npy_unsorted], ["element 2", "strictly"]),
        (["--thresholds", os.path.join(tmp, "missing.txt")],
         ["missing.txt"]),
        (["--range", "1", "1"], ["--range 1 1", "LO must be below HI"]),
        (["--range", "2", "1"], ["LO must be below HI"]),
        (["--range", "0", "x"], ["'x' is not a number"]),
        (["--range", "-inf", "0"], ["-inf", "not a finite"]),
        (["--range", "nan", "1"], ["nan", "not a finite"]),
        (["--range", "0"], ["two values"]),
        (["--range", "0", "--json"], ["two values"]),
        (["--range", "1", "1.0000000000001", "--bins", "1000000"],
         ["too narrow", "1000000 bins"]),
    ]
    text = os.path.join(tmp, "ok.txt")
    with open(text, "w") as f:
        f.write("0.2\n0.5\n")
    for order in (["--thresholds", text, "--bins", "10"],
                  ["--bins", "10", "--thresholds", text]):
        cases.append((order, ["--bins cannot go with --thresholds"]))
    for args, words in cases:
        code, out, err = tool.run(*(base + args))
        lines = err.splitlines()
        c.check(code == 2 and out == "" and len(lines) == 1
                and all(w in err for w in words),
                "%s: exit %r, stderr %r (wanted one line with %s)"
                % (args, code, err, words))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--wrapper", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    p = sample_paths(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        check_thresholds(c, tool, p, tmp)
        check_range(c, tool, p, tmp)
        check_errors(c, tool, p, tmp)
    c.finish("test_thresholds")


if __name__ == "__main__":
    main()
