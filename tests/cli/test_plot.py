"""prcurve-eval --plot: the SVG parses as XML, holds the expected elements,
its curves pass through the points of the JSON curve, the best-F1 mark,
the no-skill level and the AUROC agree with NumPy and scikit-learn, and
rsvg-convert renders it.  Also tiny and zero positive rates."""

import argparse
import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET

import numpy as np
from sklearn.metrics import roc_auc_score

from cli_common import Checker, Tool, sample_paths

SVG = "{http://www.w3.org/2000/svg}"


def parse(path):
    root = ET.parse(path).getroot()
    return root, {e.get("id"): e for e in root.iter() if e.get("id")}


def path_points(element):
    """The (x, y) pixel points of an SVG path made of M and L commands."""
    d = element.get("d")
    assert re.fullmatch(r"M[-0-9. ]+( L[-0-9. ]+)*", d), d[:80]
    return np.array([[float(v) for v in p.split()]
                     for p in re.split(r" ?[ML]", d) if p.strip()])


def to_data(points, frame):
    """Pixel points back to (u, v) data units through the axes frame."""
    x, y = float(frame.get("x")), float(frame.get("y"))
    w, h = float(frame.get("width")), float(frame.get("height"))
    return np.column_stack(((points[:, 0] - x) / w,
                            1 - (points[:, 1] - y) / h)), (w, h)


def check_curve_points(c, name, drawn, want, scale):
    """Every drawn point is one of the wanted rows (to the 0.01 px the SVG
    prints), and the first and last rows are drawn."""
    tol = 0.006 / min(scale)
    dist = np.abs(drawn[:, None, :] - want[None, :, :]).max(axis=2)
    c.check(dist.min(axis=1).max() <= tol,
            "%s: a drawn point is %.2e from every curve row"
            % (name, dist.min(axis=1).max()))
    c.check(np.abs(drawn[0] - want[0]).max() <= tol
            and np.abs(drawn[-1] - want[-1]).max() <= tol,
            "%s: the first or last row is not drawn" % name)
    c.check(len(drawn) >= 20, "%s: only %d points" % (name, len(drawn)))


def counted(p):
    labels = np.load(p["labels_u8"])
    keep = labels != 255
    return labels[keep].astype(np.int64), np.load(p["scores_u8"])[keep]


def check_sample(c, tool, p, tmp, rsvg):
    svg = os.path.join(tmp, "pr.svg")
    args = ["--scores", p["scores_u8"], "--labels", p["labels_u8"],
            "--bins", 255, "--per-image", "--plot", svg, "--plot-roc"]
    res = tool.json(*args)
    root, ids = parse(svg)
    for needed in ["pr-axes", "pr-curve", "pr-curve-per-image", "no-skill",
                   "best-f1", "iso-f1", "legend", "roc-axes", "roc-curve",
                   "chance"]:
        c.check(needed in ids, "no element with id %r" % needed)
    c.check(root.tag == SVG + "svg" and root.get("width") == "600",
            "root is not a 600 px wide svg")
    c.check(len(ids["iso-f1"].findall(SVG + "path")) == 4,
            "there are not 4 iso-F1 curves")

    # The PR curve: the JSON rows that predict some pixel positive.
    curve = res["curve"]
    tp, fp = np.array(curve["tp"]), np.array(curve["fp"])
    rows = (tp + fp) > 0
    want = np.column_stack((curve["recall"], curve["precision"]))[rows]
    drawn, scale = to_data(path_points(ids["pr-curve"]), ids["pr-axes"])
    check_curve_points(c, "PR curve", drawn, want, scale)
    per = res["per_image"]
    want = np.column_stack((per["recall"], per["precision"]))[rows]
    drawn, _ = to_data(path_points(ids["pr-curve-per-image"]),
                       ids["pr-axes"])
    check_curve_points(c, "per-image curve", drawn, want, scale)

    # Best F1 and the no-skill level, from NumPy counts.
    y, s = counted(p)
    k = np.arange(256)
    tp_np = np.array([((s >= t) & (y == 1)).sum() for t in k])
    fp_np = np.array([((s >= t) & (y == 0)).sum() for t in k])
    f1 = 2 * tp_np / (tp_np + fp_np + y.sum())
    best = int(np.argmax(f1))
    mark = np.array([[float(ids["best-f1"].get("cx")),
                      float(ids["best-f1"].get("cy"))]])
    got, _ = to_data(mark, ids["pr-axes"])
    c.check(np.abs(got[0] - [tp_np[best] / y.sum(),
                             tp_np[best] / (tp_np[best] + fp_np[best])]).max()
            < 0.006 / min(scale), "best-F1 mark is not at row %d" % best)
    level = np.array([[0, float(ids["no-skill"].get("y1"))]])
    c.check(abs(to_data(level, ids["pr-axes"])[0][0][1] - y.mean()) < 1e-4,
            "no-skill line is not at the positive rate %g" % y.mean())
    legend = " ".join(t.text or "" for t in ids["legend"].iter(SVG + "text"))
    c.check("AP = %.4f" % res["average_precision"] in legend,
            "legend lacks the AP: %r" % legend)

    # ROC: the legend's AUROC against scikit-learn (exact on uint8 scores
    # with 255 bins; printed to 4 decimals).
    text = " ".join(t.text or "" for t in ids["roc-panel"].iter(SVG + "text"))
    m = re.search(r"AUROC = ([0-9.]+)", text)
    auc = roc_auc_score(y, s)
    c.check(m is not None and abs(float(m.group(1)) - auc) <= 5.1e-5,
            "AUROC %s != sklearn %.6f" % (m and m.group(1), auc))
    fpr, tpr = fp_np / (y == 0).sum(), tp_np / y.sum()
    want = np.vstack(([1, 1], np.column_stack((fpr, tpr)), [0, 0]))
    drawn, scale = to_data(path_points(ids["roc-curve"]), ids["roc-axes"])
    check_curve_points(c, "ROC curve", drawn, want, scale)
    render(c, rsvg, svg, tmp)


def render(c, rsvg, svg, tmp):
    if not rsvg:
        print("rsvg-convert not found: rendering not checked")
        return
    png = os.path.join(tmp, "out.png")
    proc = subprocess.run([rsvg, "--width", "600", "--output", png, svg],
                          stderr=subprocess.PIPE, universal_newlines=True)
    c.check(proc.returncode == 0 and proc.stderr == "",
            "rsvg-convert failed on %s: %s" % (svg, proc.stderr))
    with open(png, "rb") as f:
        c.check(f.read(8) == b"\x89PNG\r\n\x1a\n", "rendered file is no PNG")


def check_scales(c, tool, tmp, rsvg):
    """One positive pixel in 250000: the no-skill line lies on the x axis
    (within half a pixel); no positive pixel: no curve, a note instead."""
    rng = np.random.default_rng(7)
    scores = rng.random((1, 500, 500)).astype(np.float32)
    labels = np.zeros((1, 500, 500), np.uint8)
    labels[0, 10, 10] = 1
    s, l = os.path.join(tmp, "s.npy"), os.path.join(tmp, "l.npy")
    np.save(s, scores)
    np.save(l, labels)
    svg = os.path.join(tmp, "tiny.svg")
    tool.ok("--scores", s, "--labels", l, "--plot", svg, "--plot-roc")
    _, ids = parse(svg)
    frame = ids["pr-axes"]
    bottom = float(frame.get("y")) + float(frame.get("height"))
    c.check(abs(float(ids["no-skill"].get("y1")) - bottom) < 0.5,
            "tiny positive rate: no-skill line is not on the axis")
    render(c, rsvg, svg, tmp)

    np.save(l, np.zeros((1, 500, 500), np.uint8))
    svg = os.path.join(tmp, "none.svg")
    tool.ok("--scores", s, "--labels", l, "--plot", svg, "--plot-roc")
    root, ids = parse(svg)
    c.check("pr-curve" not in ids and "roc-curve" not in ids,
            "no positives: a curve was drawn")
    text = " ".join(t.text or "" for t in root.iter(SVG + "text"))
    c.check("undefined" in text, "no positives: no note in the picture")
    render(c, rsvg, svg, tmp)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--rsvg", default="")
    parser.add_argument("--wrapper", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    with tempfile.TemporaryDirectory() as tmp:
        check_sample(c, tool, sample_paths(args.data), tmp, args.rsvg)
        check_scales(c, tool, tmp, args.rsvg)
        code, _, err = tool.run("--scores", "x.npy", "--labels", "y.npy",
                                "--plot-roc")
        c.check(code == 2 and "--plot-roc needs --plot" in err,
                "--plot-roc without --plot: %r" % err)
    c.finish("plot")


if __name__ == "__main__":
    main()
