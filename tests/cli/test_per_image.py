"""prcurve-eval --bins 99 --rule gt --per-image against the loop found in
many segmentation tutorials:

    for t in np.linspace(0, 1, 100):
        for each image: pred = prob > t; count TP, FP, FN;
            precision = TP / (TP + FP) if TP + FP > 0 else 0
            recall = TP / (TP + FN) if TP + FN > 0 else 0
        mean over images

and against the pooled version of the same loop.  Pixels labelled 255 are
left out.  The tool's thresholds are k / 99 in double, which may differ from
linspace in the last bit, so the reference counts at the tool's thresholds
after checking they are within 1e-15 of linspace.
"""

import argparse

import numpy as np

from cli_common import Checker, Tool, read_png_gray8, sample_paths


def tutorial_loop(probs, labels, thresholds):
    """Per-image means and pooled counts, one threshold at a time."""
    mean_p, mean_r, pooled = [], [], []
    for t in thresholds:
        ps, rs, totals = [], [], np.zeros(3, dtype=np.int64)
        for prob, lab in zip(probs, labels):
            keep = lab != 255
            pred = prob.astype(np.float64) > t
            truth = lab == 1
            tp = int((pred & truth & keep).sum())
            fp = int((pred & ~truth & keep).sum())
            fn = int((~pred & truth & keep).sum())
            ps.append(tp / (tp + fp) if tp + fp > 0 else 0.0)
            rs.append(tp / (tp + fn) if tp + fn > 0 else 0.0)
            totals += (tp, fp, fn)
        mean_p.append(np.mean(ps))
        mean_r.append(np.mean(rs))
        pooled.append(totals)
    return np.array(mean_p), np.array(mean_r), np.array(pooled)


def ratio(num, den):
    return np.where(den > 0, num / np.maximum(den, 1), 0.0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    tool, p, c = Tool(args.eval), sample_paths(args.data), Checker()

    probs = np.load(p["scores"])
    labels = np.stack([read_png_gray8(f) for f in p["pngs"]])
    res = tool.json("--scores", p["scores"], "--labels", *p["pngs"],
                    "--bins", 99, "--rule", "gt", "--per-image")
    curve, per_image = res["curve"], res["per_image"]

    thresholds = np.array(curve["threshold"])
    c.check(len(thresholds) == 100, "expected 100 curve rows")
    c.check(np.abs(thresholds - np.linspace(0, 1, 100)).max() <= 1e-15,
            "thresholds are not linspace(0, 1, 100)")

    mean_p, mean_r, pooled = tutorial_loop(probs, labels, thresholds)
    c.check(np.allclose(per_image["precision"], mean_p, rtol=1e-12,
                        atol=1e-15), "per-image mean precision differs")
    c.check(np.allclose(per_image["recall"], mean_r, rtol=1e-12,
                        atol=1e-15), "per-image mean recall differs")

    tp, fp, fn = pooled[:, 0], pooled[:, 1], pooled[:, 2]
    c.check(curve["tp"] == tp.tolist() and curve["fp"] == fp.tolist()
            and curve["fn"] == fn.tolist(), "pooled TP/FP/FN differ")
    c.check(np.allclose(curve["precision"], ratio(tp, tp + fp), rtol=1e-15,
                        atol=0), "pooled precision differs")
    c.check(np.allclose(curve["recall"], ratio(tp, tp + fn), rtol=1e-15,
                        atol=0), "pooled recall differs")

    no_pos = int(((labels == 1).sum(axis=(1, 2)) == 0).sum())
    c.check(per_image["images_without_positives"] == no_pos,
            "images_without_positives %r != %d"
            % (per_image["images_without_positives"], no_pos))
    c.check(res["images"] == len(probs), "images != %d" % len(probs))
    c.finish("per-image tutorial loop")


if __name__ == "__main__":
    main()
