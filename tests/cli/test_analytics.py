"""prcurve-eval's analytics against scikit-learn and NumPy on the sample
data: AUROC equals roc_auc_score on the uint8 pair with --bins 255; the
exact AP of the float32 stack lies within ap_bounds; best Dice and IoU are
the maxima over the curve's own rows; the calibration groups hold every
pixel; the summary prints the same numbers."""

import argparse
import re

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from cli_common import Checker, Tool, read_png_gray8, sample_paths


def counted(labels, scores):
    keep = labels != 255
    return labels[keep].astype(np.int64), scores[keep]


def best_over_rows(curve, kind):
    """(value, threshold) of the best Dice or IoU row, the lowest threshold
    among ties, computed from the count columns."""
    tp = np.array(curve["tp"], dtype=np.float64)
    fp = np.array(curve["fp"], dtype=np.float64)
    fn = np.array(curve["fn"], dtype=np.float64)
    num, den = (2 * tp, 2 * tp + fp + fn) if kind == "dice" \
        else (tp, tp + fp + fn)
    values = np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)
    k = int(np.argmax(values))  # first maximum: lowest threshold
    return values[k], curve["threshold"][k]


def check_uint8(c, tool, p):
    y, s = counted(np.load(p["labels_u8"]), np.load(p["scores_u8"]))
    res = tool.json("--scores", p["scores_u8"], "--labels", p["labels_u8"],
                    "--bins", 255)
    auroc = roc_auc_score(y, s)
    c.check(abs(res["auroc"] - auroc) <= 1e-12,
            "AUROC %r != sklearn %r" % (res["auroc"], auroc))
    lo, hi = res["ap_bounds"]
    exact = average_precision_score(y, s)
    c.check(lo - 1e-12 <= exact <= hi + 1e-12,
            "uint8 exact AP %r outside %r" % (exact, res["ap_bounds"]))
    for kind in ("dice", "iou"):
        value, threshold = best_over_rows(res["curve"], kind)
        got = res["best"][kind]
        c.check(abs(got["value"] - value) <= 1e-15
                and got["threshold"] == threshold,
                "best %s %r != brute force (%r at %r)"
                % (kind, got, value, threshold))
    c.check(res["best"]["f1"]["value"] == res["best_f1"]["value"],
            "best.f1 differs from best_f1")
    cal = res["calibration"]
    c.check(len(cal) == 10 and sum(g["pixels"] for g in cal) ==
            res["pixels"], "calibration pixels do not sum to the pixels")
    # With 255 bins a uint8 score v sits in a bin whose centre is within
    # half a bin of v / 255; the groups' positive rates are exact.
    for g, group in enumerate(cal):
        centre = (np.arange(256) + 0.5) / 255
        members = [v for v in range(256)
                   if g <= min(centre[v] * 10, 9.999) < g + 1]
        inside = np.isin(s, members)
        c.check(group["pixels"] == int(inside.sum()),
                "calibration group %d holds %r pixels, numpy %d"
                % (g, group["pixels"], int(inside.sum())))
        if inside.any():
            rate = y[inside].mean()
            c.check(abs(group["positive_rate"] - rate) <= 1e-12,
                    "group %d positive rate %r != %r"
                    % (g, group["positive_rate"], rate))
    for key in ("ap_voc11", "ap_coco101", "ap_interpolated", "ece"):
        c.check(isinstance(res[key], float) and 0 <= res[key] <= 1,
                "%s is %r" % (key, res[key]))

    text = tool.ok("--scores", p["scores_u8"], "--labels", p["labels_u8"],
                   "--bins", 255)
    for pattern in [r"AUROC\s+%.6f" % auroc,
                    r"exact AP lies in\s+\[%.6f, %.6f\]" % (lo, hi),
                    r"best Dice\s+%.6f" % res["best"]["dice"]["value"],
                    r"best IoU\s+%.6f" % res["best"]["iou"]["value"],
                    r"\(ECE\)\s+%.6f" % res["ece"]]:
        c.check(re.search(pattern, text), "summary lacks %r" % pattern)


def check_float(c, tool, p):
    labels = np.stack([read_png_gray8(f) for f in p["pngs"]])
    y, s = counted(labels, np.load(p["scores"]))
    exact = average_precision_score(y, s)
    for bins in (10, 100, 1000):
        res = tool.json("--scores", p["scores"], "--labels", *p["pngs"],
                        "--bins", bins)
        lo, hi = res["ap_bounds"]
        c.check(lo <= exact <= hi, "bins %d: exact AP %r outside [%r, %r]"
                % (bins, exact, lo, hi))


def check_undefined(c, tool, tmp):
    """No negative pixel: AUROC is null, the rest stays defined."""
    s, l = tmp + "/s.npy", tmp + "/l.npy"
    np.save(s, np.array([[0.2, 0.7]], dtype=np.float32))
    np.save(l, np.ones((1, 2), np.uint8))
    res = tool.json("--scores", s, "--labels", l, "--bins", 10)
    c.check(res["auroc"] is None, "AUROC without negatives is not null")
    c.check(res["ap_bounds"][0] is not None, "AP bounds became null")
    text = tool.ok("--scores", s, "--labels", l, "--bins", 10)
    c.check(re.search(r"AUROC\s+undefined \(no negative pixel\)", text),
            "summary does not say AUROC is undefined")


def main():
    import tempfile
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="")
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    p = sample_paths(args.data)
    check_uint8(c, tool, p)
    check_float(c, tool, p)
    with tempfile.TemporaryDirectory() as tmp:
        check_undefined(c, tool, tmp)
    c.finish("analytics")


if __name__ == "__main__":
    main()
