"""The prcurve package with classes and analytics, against scikit-learn
and NumPy: per-class APs and their macro, weighted and micro means for
NCHW, NHWC and strided arrays and multi-label masks; the multi-label and
multi-class forms of average_precision_score; AUROC, AP bounds, best Dice
and IoU, operating points, F-beta and calibration.  uint8 scores with
bins=255 make every AP and AUROC exact (1e-12)."""

import sys

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

import prcurve

FAILURES = []
TOL = 1e-12


def check(condition, message):
    print("%s %s" % ("ok  " if condition else "FAIL", message), flush=True)
    if not condition:
        FAILURES.append(message)


def close(a, b):
    return abs(a - b) <= TOL


def sklearn_classes(scores, onehot):
    """Per-class APs and the means over (n_samples, n_classes) arrays."""
    aps = [average_precision_score(onehot[:, k], scores[:, k])
           for k in range(scores.shape[1])]
    pos = onehot.sum(axis=0)
    return aps, {"macro": float(np.mean(aps)),
                 "weighted": float(np.dot(aps, pos) / pos.sum()),
                 "micro": average_precision_score(onehot.ravel(),
                                                  scores.ravel())}


def check_result(res, aps, means, what):
    got = [c.average_precision for c in res.classes]
    check(len(got) == len(aps) and all(close(a, b)
                                       for a, b in zip(got, aps)),
          "%s: per-class APs equal sklearn's" % what)
    check(all(close(res.mean_average_precision[k], means[k])
              for k in means), "%s: macro, weighted and micro equal "
          "sklearn's" % what)
    check(close(res.average_precision, means["micro"]),
          "%s: the result itself is the pooled curve" % what)


def classes_streaming(rng):
    scores = rng.integers(0, 256, (3, 4, 6, 5)).astype(np.uint8)
    labels = rng.integers(0, 4, (3, 6, 5)).astype(np.uint8)
    labels[0, 0, :2] = 255
    keep = labels != 255
    flat = np.moveaxis(scores, 1, -1)[keep]
    onehot = np.stack([labels[keep] == k for k in range(4)], 1).astype(int)
    aps, means = sklearn_classes(flat, onehot)

    res = prcurve.Accumulator(bins=255, classes=4).update(
        scores, labels).compute()
    check_result(res, aps, means, "NCHW")
    nhwc = np.ascontiguousarray(np.moveaxis(scores, 1, -1))
    res = prcurve.Accumulator(bins=255, classes=4, layout="nhwc").update(
        nhwc, labels).compute()
    check_result(res, aps, means, "NHWC")
    # A strided view: NHWC memory seen as NCHW, no copy.
    view = np.moveaxis(nhwc, -1, 1)
    check(not view.flags.c_contiguous, "the NCHW view is strided")
    res = prcurve.Accumulator(bins=255, classes=4).update(
        view, labels).compute()
    check_result(res, aps, means, "strided NCHW view")
    # Fed in two parts, one image of (C, H, W) at a time for the last.
    acc = prcurve.Accumulator(bins=255, classes=4)
    acc.update(scores[:2], labels[:2]).update(scores[2], labels[2])
    check_result(acc.compute(), aps, means, "batches and one C x H x W")

    try:
        prcurve.Accumulator(classes=4).update(scores[:, :3], labels)
        check(False, "a wrong class axis is refused")
    except ValueError as e:
        check("class axis" in str(e), "a wrong class axis is refused")


def multilabel(rng):
    scores = rng.integers(0, 256, (2, 5, 4, 3)).astype(np.uint8)
    masks = (rng.random((2, 5, 4, 3)) < 0.3).astype(np.uint8)
    res = prcurve.Accumulator(bins=255, classes=3, multilabel=True,
                              layout="nhwc").update(scores, masks).compute()
    aps, means = sklearn_classes(scores.reshape(-1, 3), masks.reshape(-1, 3))
    check_result(res, aps, means, "multi-label NHWC")


def sklearn_forms(rng):
    y = (rng.random((400, 5)) < 0.25).astype(np.uint8)
    s = rng.integers(0, 256, (400, 5)).astype(np.uint8)
    for average in ("macro", "weighted", "micro"):
        got = prcurve.average_precision_score(y, s, average=average,
                                              bins=255)
        want = average_precision_score(y, s, average=average)
        check(close(got, want), "multi-label average=%s: %r == sklearn %r"
              % (average, got, want))
    got = prcurve.average_precision_score(y, s, average=None, bins=255)
    want = average_precision_score(y, s, average=None)
    check(np.allclose(got, want, rtol=0, atol=TOL),
          "multi-label average=None equals sklearn's per-class APs")
    # Strided (Fortran-order) matrices are read in place.
    got = prcurve.average_precision_score(np.asfortranarray(y),
                                          np.asfortranarray(s),
                                          average="macro", bins=255)
    check(close(got, average_precision_score(y, s)),
          "Fortran-order matrices give the same macro AP")
    # Multi-class: 1-D class indices against a score matrix.
    k = rng.integers(0, 5, 400).astype(np.int64)
    onehot = np.eye(5, dtype=np.uint8)[k]
    got = prcurve.average_precision_score(k, s, average="macro", bins=255)
    check(close(got, average_precision_score(onehot, s)),
          "multi-class indices: macro AP equals sklearn's on one-hot")


def analytics(rng):
    y = (rng.random((20, 30)) < 0.3).astype(np.uint8)
    s = np.clip(rng.integers(0, 200, (20, 30)) + 55 * y, 0,
                255).astype(np.uint8)
    res = prcurve.Accumulator(bins=255).update(s, y).compute()
    check(close(res.auroc, roc_auc_score(y.ravel(), s.ravel())),
          "auroc equals roc_auc_score")
    f = rng.random((20, 30)).astype(np.float64)
    exact = average_precision_score(y.ravel(), f.ravel())
    fres = prcurve.Accumulator(bins=50).update(f, y).compute()
    lo, hi = fres.ap_bounds
    check(lo <= exact <= hi, "exact AP %r lies in ap_bounds %r"
          % (exact, fres.ap_bounds))

    tp, fp, fn = (res.tp.astype(float), res.fp.astype(float),
                  res.fn.astype(float))
    dice = np.where(2 * tp + fp + fn > 0, 2 * tp / np.maximum(
        2 * tp + fp + fn, 1), 0)
    iou = np.where(tp + fp + fn > 0, tp / np.maximum(tp + fp + fn, 1), 0)
    check(close(res.best_dice, dice.max()) and
          res.best_dice_threshold == res.thresholds[np.argmax(dice)],
          "best_dice is the brute-force maximum and its threshold")
    check(close(res.best_iou, iou.max()) and
          res.best_iou_threshold == res.thresholds[np.argmax(iou)],
          "best_iou is the brute-force maximum and its threshold")
    check(np.allclose(res.iou, iou, rtol=0, atol=1e-15),
          "iou column equals TP / (TP + FP + FN)")
    beta = 2.0
    fb = np.where(tp > 0, 5 * tp / np.maximum(5 * tp + 4 * fn + fp, 1), 0)
    check(np.allclose(res.fbeta(beta), fb, rtol=0, atol=1e-15),
          "fbeta(2) equals the formula on the counts")
    prec, rec = res.precision, res.recall
    ok = rec >= 0.5
    best = prec[ok].max()
    p, t = res.precision_at_recall(0.5)
    check(close(p, best), "precision_at_recall(0.5) is the best precision")
    r, _ = res.recall_at_precision(0.99)
    want = rec[prec >= 0.99].max() if (prec >= 0.99).any() else None
    check(r == want or close(r, want), "recall_at_precision(0.99)")
    mean, rate, pixels = res.calibration(10)
    check(int(pixels.sum()) == res.pixels and len(mean) == 10,
          "calibration pixels sum to the pixels")
    check(all(v is None or 0 <= v <= 1 for v in
              (res.ap_voc11, res.ap_coco101, res.ap_interpolated, res.ece)),
          "interpolated APs and ECE lie in [0, 1]")


def main():
    rng = np.random.default_rng(2024)
    classes_streaming(rng)
    multilabel(rng)
    sklearn_forms(rng)
    analytics(rng)
    if FAILURES:
        sys.exit("%d check(s) failed" % len(FAILURES))
    print("all checks passed")


if __name__ == "__main__":
    main()
