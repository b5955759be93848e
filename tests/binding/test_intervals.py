"""Accumulator(range=..., thresholds=..., bootstrap=K, seed=S) and
Result.interval: counts at every threshold equal a NumPy brute force,
thresholds come back in the caller's units, intervals equal prcurve-eval's
JSON on the same data and seed, hold the point AP, and do not depend on
batching; refusals raise clear errors."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

import prcurve

FAILURES = []


def check(condition, message):
    print("%s %s" % ("ok  " if condition else "FAIL", message), flush=True)
    if not condition:
        FAILURES.append(message)


def data(seed=1, n=6, h=20, w=24):
    rng = np.random.default_rng(seed)
    labels = (rng.random((n, h, w)) < 0.2).astype(np.uint8)
    prob = np.clip(rng.random((n, h, w)) * 0.7 + 0.3 * labels, 1e-3,
                   1 - 1e-3)
    return np.log(prob) - np.log1p(-prob), prob, labels


def brute(scores, labels, thresholds):
    y = labels == 1
    tp = [np.count_nonzero(y & (scores >= t)) for t in thresholds]
    fp = [np.count_nonzero(~y & (scores >= t)) for t in thresholds]
    return np.array(tp, dtype=np.uint64), np.array(fp, dtype=np.uint64)


def check_range_and_thresholds(logits, prob, labels):
    res = prcurve.Accumulator(range=(-8, 8), bins=64).update(
        logits, labels).compute()
    t = res.thresholds
    check(len(t) == 65 and t[0] == -8 and t[-1] == 8 and
          np.all(np.diff(t) > 0), "range thresholds run -8..8, increasing")
    tp, fp = brute(logits, labels, t)
    check(np.array_equal(res.tp, tp) and np.array_equal(res.fp, fp),
          "range counts equal the brute force at every threshold")
    check(res.ece is None and "ece" in res.undefined,
          "ECE undefined with a range: %r" % res.undefined.get("ece"))

    grid = np.unique(np.concatenate([[0.0, 0.2], 0.5 + np.linspace(
        -1e-2, 1e-2, 33), [0.8, 1.0]]))
    res = prcurve.Accumulator(thresholds=list(grid)).update(
        prob, labels).compute()
    tp, fp = brute(prob, labels, grid)
    check(np.array_equal(res.thresholds, grid) and res.bins == len(grid) - 1,
          "own thresholds are the rows")
    check(np.array_equal(res.tp, tp) and np.array_equal(res.fp, fp),
          "own-threshold counts equal the brute force")

    for bad, words in (([0.5, 0.2], "strictly increasing"),
                       ([0.1, float("nan")], "finite"),
                       ([0.5], "2..16777217")):
        try:
            prcurve.Accumulator(thresholds=bad)
            check(False, "thresholds %r refused" % bad)
        except prcurve.PrcurveError as e:
            check(words in str(e), "thresholds %r refused: %s" % (bad, e))
    for kwargs, kind in (({"thresholds": [0.1, 0.5], "bins": 10},
                          ValueError),
                         ({"thresholds": [[0.1, 0.5]]}, ValueError),
                         ({"range": (1, 1)}, prcurve.PrcurveError),
                         ({"range": 3}, TypeError),
                         ({"bootstrap": 5000}, ValueError),
                         ({"bootstrap": 1.5}, TypeError)):
        try:
            prcurve.Accumulator(**kwargs)
            check(False, "%r refused" % kwargs)
        except kind as e:
            check(True, "%r refused: %s" % (kwargs, e))


def check_intervals(tool, logits, labels):
    acc = prcurve.Accumulator(range=(-8, 8), bins=200, bootstrap=40, seed=9)
    for i in range(len(logits)):  # one image at a time
        acc.update(logits[i], labels[i])
    res = acc.compute()
    whole = prcurve.Accumulator(range=(-8, 8), bins=200, bootstrap=40,
                                seed=9).update(logits, labels).compute()
    lo, hi = res.interval()
    check(res.interval() == whole.interval(),
          "intervals do not depend on batching")
    check(lo <= res.average_precision <= hi, "AP %r in [%r, %r]"
          % (res.average_precision, lo, hi))
    hlo, hhi = res.interval("average_precision", 0.5)
    check(lo <= hlo <= hhi <= hi, "0.5 interval inside the 0.95 one")
    other = prcurve.Accumulator(range=(-8, 8), bins=200, bootstrap=40,
                                seed=10).update(logits, labels).compute()
    check(other.interval() != res.interval(), "another seed, another "
          "interval")

    with tempfile.TemporaryDirectory() as tmp:
        s, l = os.path.join(tmp, "s.npy"), os.path.join(tmp, "l.npy")
        np.save(s, logits)
        np.save(l, labels)
        out = subprocess.run([tool, "--scores", s, "--labels", l, "--range",
                              "-8", "8", "--bins", "200", "--bootstrap",
                              "40", "--seed", "9", "--json"],
                             stdout=subprocess.PIPE, check=True).stdout
    want = json.loads(out)
    for m in ("average_precision", "auprc_trapezoid", "best_f1", "auroc"):
        check(list(res.interval(m)) == want["ci"][m],
              "%s interval equals prcurve-eval's" % m)
    check(list(res.thresholds) == want["curve"]["threshold"],
          "thresholds equal prcurve-eval's")

    try:
        res.interval("ap_voc11")
        check(False, "interval of ap_voc11 refused")
    except ValueError as e:
        check("average_precision" in str(e), "unknown metric: %s" % e)
    try:
        res.interval(level=1.5)
        check(False, "level 1.5 refused")
    except prcurve.PrcurveError as e:
        check(e.name == "PRC_E_ARGUMENT", "level 1.5: %s" % e)
    plain = prcurve.Accumulator().update(1 / (1 + np.exp(-logits)),
                                         labels).compute()
    try:
        plain.interval()
        check(False, "interval without replicates refused")
    except prcurve.PrcurveError as e:
        check("bootstrap" in str(e), "no replicates: %s" % e)
    none = prcurve.Accumulator(bootstrap=5).update(
        np.zeros((2, 3)), np.zeros((2, 3), dtype=np.uint8)).compute()
    check(none.interval() == (None, None), "no positive: (None, None)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    args = parser.parse_args()
    logits, prob, labels = data()
    check_range_and_thresholds(logits, prob, labels)
    check_intervals(args.eval, logits, labels)
    if FAILURES:
        sys.exit("%d check(s) failed" % len(FAILURES))
    print("all checks passed")


if __name__ == "__main__":
    main()
