"""prcurve-eval against scikit-learn on the sample data.

uint8 scores with --bins 255 put every distinct score on its own threshold,
so AP and every operating point must equal scikit-learn's exact ones.  For
float32 scores the curve is binned, so AP is only close; the error for
several bin counts is printed for the README's advice on choosing B.
"""

import argparse
import os
import tempfile

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve

from cli_common import Checker, Tool, read_png_gray8, sample_paths


def counted(labels, scores, ignore=255):
    keep = labels != ignore
    return labels[keep].astype(np.int64), scores[keep]


def check_uint8(c, tool, p):
    labels = np.load(p["labels_u8"])
    y, s = counted(labels, np.load(p["scores_u8"]))
    res = tool.json("--scores", p["scores_u8"], "--labels", p["labels_u8"],
                    "--bins", 255)
    curve = res["curve"]

    ap = average_precision_score(y, s)
    c.check(abs(res["average_precision"] - ap) <= 1e-12,
            "uint8 AP %r != sklearn %r" % (res["average_precision"], ap))
    c.check(res["positives"] == int((y == 1).sum())
            and res["negatives"] == int((y == 0).sum())
            and res["ignored"] == int((labels == 255).sum()),
            "uint8 tallies differ from numpy's")

    # Threshold k/255 with rule ge selects the pixels with value >= k.
    prec, rec, thr = precision_recall_curve(y, s)
    for pr, rc, t in zip(prec[:-1], rec[:-1], thr):
        k = int(t)
        c.check(abs(curve["precision"][k] - pr) <= 1e-12
                and abs(curve["recall"][k] - rc) <= 1e-12,
                "operating point at score %d: (%r, %r) != sklearn (%r, %r)"
                % (k, curve["precision"][k], curve["recall"][k], pr, rc))
    points = set(zip(np.round(curve["precision"], 12),
                     np.round(curve["recall"], 12)))
    missing = [(a, b) for a, b in zip(prec[:-1], rec[:-1])
               if (round(a, 12), round(b, 12)) not in points]
    c.check(not missing, "sklearn points missing from the curve: %r"
            % missing[:3])
    tp = [int(((s >= k) & (y == 1)).sum()) for k in range(256)]
    c.check(curve["tp"] == tp, "uint8 TP column != numpy count")


def check_float(c, tool, p):
    pngs = np.stack([read_png_gray8(f) for f in p["pngs"]])
    y, s = counted(pngs, np.load(p["scores"]))
    exact = average_precision_score(y, s)

    res = tool.json("--scores", p["scores"], "--labels", *p["pngs"])
    err = abs(res["average_precision"] - exact)
    c.check(err <= 2e-3, "float32 AP at default %d bins is %r off sklearn"
            % (res["bins"], err))
    print("sklearn AP %.12f; default bins %d: |error| %.3e"
          % (exact, res["bins"], err))
    for bins in (100, 1000, 10000, 65536):
        ap = tool.json("--scores", p["scores"], "--labels", *p["pngs"],
                       "--bins", bins)["average_precision"]
        print("bins %6d: AP %.12f, |AP - sklearn| %.3e"
              % (bins, ap, abs(ap - exact)))


def check_formats_agree(c, tool, p):
    """PNG labels, a uint8 label stack, and per-slice float64 files paired
    one to one must all give the same JSON."""
    base = tool.ok("--scores", p["scores"], "--labels", *p["pngs"], "--json",
                   "--per-image")
    stack = tool.ok("--scores", p["scores"], "--labels", p["labels_u8"],
                    "--json", "--per-image")
    c.check(base == stack, "PNG labels and labels_u8.npy disagree")

    scores = np.load(p["scores"])
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(8):
            files.append(os.path.join(tmp, "s%d.npy" % i))
            np.save(files[-1], scores[i].astype(np.float64))
        split = tool.ok("--scores", *files, "--labels", *p["pngs"],
                        "--json", "--per-image")
    c.check(base == split, "per-slice float64 files disagree with the stack")


def check_bool_labels(c, tool, p):
    """bool labels have no ignore value: every pixel counts."""
    labels = np.load(p["labels_u8"]) == 1
    scores = np.load(p["scores_u8"])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mask.npy")
        np.save(path, labels)
        res = tool.json("--scores", p["scores_u8"], "--labels", path,
                        "--bins", 255)
    ap = average_precision_score(labels.ravel(), scores.ravel())
    c.check(abs(res["average_precision"] - ap) <= 1e-12,
            "bool labels: AP %r != sklearn %r" % (res["average_precision"],
                                                  ap))
    c.check(res["pixels"] == labels.size and res["ignored"] == 0,
            "bool labels: pixels or ignored wrong")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    tool, p, c = Tool(args.eval), sample_paths(args.data), Checker()

    check_uint8(c, tool, p)
    check_float(c, tool, p)
    check_formats_agree(c, tool, p)
    check_bool_labels(c, tool, p)
    c.finish("scikit-learn cross-check")


if __name__ == "__main__":
    main()
