"""prcurve-eval --classes against scikit-learn: each class's one-vs-rest AP,
the macro, weighted and micro means, for NCHW and NHWC arrays, one image
of C x H x W against a palette PNG, multi-label masks, --csv-classes, one
plot line per class, the errors, and mpi_eval on 2 ranks (when mpirun is
given).  uint8 scores with --bins 255 make every AP exact (1e-12)."""

import argparse
import csv
import json
import os
import re
import subprocess
import tempfile

import numpy as np
from sklearn.metrics import average_precision_score

from cli_common import Checker, Tool, write_png

MPI_FLAGS = ["--allow-run-as-root", "--oversubscribe", "--mca", "btl",
             "self,vader"]
TOL = 1e-12


def make_data(rng, n, c, h, w):
    """uint8 scores N x C x H x W leaning towards the true class, class
    indices N x H x W with some 255 (ignored); class c - 1 never occurs."""
    labels = rng.integers(0, c - 1, (n, h, w)).astype(np.uint8)
    labels[rng.random((n, h, w)) < 0.1] = 255
    scores = rng.integers(0, 200, (n, c, h, w))
    for k in range(c):
        scores[:, k][labels == k] += 55
    return scores.astype(np.uint8), labels


def expected(scores, onehot, counted):
    """Per-class APs (None without a positive) and the three means, by
    scikit-learn on the counted pixels; scores and onehot N x C x H x W."""
    c = scores.shape[1]
    ys = np.moveaxis(onehot, 1, -1)[counted].astype(np.int64)
    ss = np.moveaxis(scores, 1, -1)[counted]
    aps, positives = [], []
    for k in range(c):
        positives.append(int(ys[:, k].sum()))
        aps.append(average_precision_score(ys[:, k], ss[:, k])
                   if positives[-1] else None)
    have = [k for k in range(c) if positives[k]]
    macro = float(np.mean([aps[k] for k in have]))
    weighted = sum(aps[k] * positives[k] for k in have) / sum(positives)
    micro = average_precision_score(ys.ravel(), ss.ravel())
    return aps, positives, {"macro": macro, "weighted": weighted,
                            "micro": micro}


def close(a, b):
    return (a is None and b is None) or (
        a is not None and b is not None and abs(a - b) <= TOL)


def check_against(c, res, want, what):
    aps, positives, means = want
    got = res["classes"]
    c.check(len(got) == len(aps), "%s: %d classes listed" % (what, len(got)))
    for k, entry in enumerate(got):
        c.check(entry["class"] == k and entry["positives"] == positives[k],
                "%s: class %d positives %r != %d" % (what, k,
                                                     entry["positives"],
                                                     positives[k]))
        c.check(close(entry["average_precision"], aps[k]),
                "%s: class %d AP %r != sklearn %r"
                % (what, k, entry["average_precision"], aps[k]))
    for name in ("macro", "weighted", "micro"):
        c.check(close(res["mean_average_precision"][name], means[name]),
                "%s: %s mean AP %r != sklearn %r"
                % (what, name, res["mean_average_precision"][name],
                   means[name]))
    c.check(close(res["average_precision"], means["micro"]),
            "%s: the top-level AP is not the pooled (micro) one" % what)


def class_index_cases(c, tool, tmp):
    rng = np.random.default_rng(7)
    scores, labels = make_data(rng, 3, 4, 6, 7)
    counted = labels != 255
    onehot = np.stack([labels == k for k in range(4)], axis=1)
    want = expected(scores, onehot, counted)

    nchw, nhwc = os.path.join(tmp, "nchw.npy"), os.path.join(tmp, "nhwc.npy")
    lab = os.path.join(tmp, "labels.npy")
    np.save(nchw, scores)
    np.save(nhwc, np.ascontiguousarray(np.moveaxis(scores, 1, -1)))
    np.save(lab, labels)
    base = ["--labels", lab, "--classes", 4, "--bins", 255]
    res = tool.json("--scores", nchw, *base)
    check_against(c, res, want, "nchw")
    c.check(res["classes"][3]["average_precision"] is None
            and res["classes_without_positives"] == 1,
            "class 3 has no positive: AP not null or not counted")
    c.check(res["pixels"] == 4 * int(counted.sum()),
            "pooled pixels are not (pixel, class) pairs")
    other = tool.json("--scores", nhwc, *base, "--layout", "nhwc")
    check_against(c, other, want, "nhwc")

    text = tool.ok("--scores", nchw, *base)
    for name, label in [("macro", "mean AP (macro)"),
                        ("weighted", "mean AP (weighted by positives)"),
                        ("micro", "mean AP (micro, pooled curve)")]:
        c.check(re.search(r"%s\s+%.6f" % (re.escape(label),
                                           want[2][name]), text),
                "summary lacks %s %.6f" % (label, want[2][name]))
    c.check(re.search(r"^1\s+\d+\s+%.6f" % want[0][1], text, re.M),
            "summary table lacks class 1's AP")

    # --csv-classes: one row per class.
    table = os.path.join(tmp, "classes.csv")
    tool.ok("--scores", nchw, *base, "--csv-classes", table)
    with open(table) as f:
        rows = list(csv.DictReader(f))
    c.check(len(rows) == 4, "--csv-classes has %d rows" % len(rows))
    for k, row in enumerate(rows):
        ap = None if row["average_precision"] == "nan" \
            else float(row["average_precision"])
        c.check(int(row["class"]) == k and close(ap, want[0][k])
                and int(row["positives"]) == want[1][k],
                "--csv-classes row %d: %r" % (k, row))
    return nchw, lab, want


def single_image_png(c, tool, tmp):
    """C x H x W scores of one image against a palette PNG (VOC style)."""
    rng = np.random.default_rng(11)
    scores, labels = make_data(rng, 1, 3, 5, 6)
    labels[0, 0, 0], labels[0, 1, 1] = 2, 2  # class 2 present here
    s = os.path.join(tmp, "one.npy")
    png = os.path.join(tmp, "one.png")
    np.save(s, scores[0])
    palette = [(k * 40 % 256, 0, 0) for k in range(256)]
    write_png(png, labels[0], color_type=3, palette=palette)
    res = tool.json("--scores", s, "--labels", png, "--classes", 3,
                    "--bins", 255)
    onehot = np.stack([labels == k for k in range(3)], axis=1)
    check_against(c, res, expected(scores, onehot, labels != 255),
                  "C x H x W against a palette PNG")


def multilabel(c, tool, tmp):
    rng = np.random.default_rng(5)
    scores = rng.integers(0, 256, (2, 3, 5, 4)).astype(np.uint8)
    masks = (rng.random((2, 3, 5, 4)) < 0.3).astype(np.uint8)
    masks[scores > 180] = 1
    ignore = rng.random((2, 3, 5, 4)) < 0.1
    masks[ignore] = 255
    s, l = os.path.join(tmp, "ml_s.npy"), os.path.join(tmp, "ml_l.npy")
    np.save(s, np.ascontiguousarray(np.moveaxis(scores, 1, -1)))
    np.save(l, np.ascontiguousarray(np.moveaxis(masks, 1, -1)))
    res = tool.json("--scores", s, "--labels", l, "--classes", 3,
                    "--layout", "nhwc", "--multilabel", "--bins", 255)
    aps, positives = [], []
    ys_all, ss_all = [], []
    for k in range(3):
        keep = masks[:, k] != 255
        y, sc = masks[:, k][keep].astype(np.int64), scores[:, k][keep]
        aps.append(average_precision_score(y, sc))
        positives.append(int(y.sum()))
        ys_all.append(y)
        ss_all.append(sc)
    micro = average_precision_score(np.concatenate(ys_all),
                                    np.concatenate(ss_all))
    means = {"macro": float(np.mean(aps)),
             "weighted": float(np.dot(aps, positives) / sum(positives)),
             "micro": micro}
    check_against(c, res, (aps, positives, means), "multi-label NHWC")


def plot(c, tool, tmp, nchw, lab, want):
    svg = os.path.join(tmp, "classes.svg")
    tool.ok("--scores", nchw, "--labels", lab, "--classes", 4, "--bins",
            255, "--plot", svg, "--quiet")
    with open(svg) as f:
        text = f.read()
    drawn = re.findall(r'id="pr-curve-class-(\d+)"', text)
    c.check(drawn == ["0", "1", "2"],
            "plot draws class lines %r, expected the 3 with positives"
            % drawn)
    for k in range(3):
        c.check("class %d: AP = %.4f" % (k, want[0][k]) in text,
                "plot legend lacks class %d's AP" % k)
    c.check("class 3: AP undefined" in text,
            "plot legend does not say class 3's AP is undefined")


def errors(c, tool, tmp, nchw, lab):
    def fails(code, args, words):
        got, out, err = tool.run(*args)
        lines = err.strip().split("\n")
        c.check(got == code and out == "" and len(lines) == 1
                and all(w in err for w in words),
                "%r: exit %r, stderr %r" % (args, got, err))

    fails(1, ["--scores", nchw, "--labels", lab, "--classes", 5],
          ["class axis", "--classes is 5"])
    fails(2, ["--scores", nchw, "--labels", lab, "--layout", "nhwc"],
          ["--layout needs --classes"])
    fails(2, ["--scores", nchw, "--labels", lab, "--classes", 4,
              "--layout", "nwhc"], ["--layout must be nchw or nhwc"])
    fails(2, ["--scores", nchw, "--labels", lab, "--classes", 255],
          ["--classes 255 is out of range"])
    fails(1, ["--scores", nchw, "--labels", lab], ["4 dimension"])
    bad = os.path.join(tmp, "bad_labels.npy")
    labels = np.load(lab)
    labels[1, 2, 3] = 9
    np.save(bad, labels)
    fails(1, ["--scores", nchw, "--labels", bad, "--classes", 4],
          ["bad_labels.npy", "image 1, row 2, column 3"])
    png = os.path.join(tmp, "s.png")
    write_png(png, np.zeros((6, 7), np.uint8))
    fails(1, ["--scores", png, "--labels", png, "--classes", 2],
          ["not PNG"])


def mpi(c, tool, tmp, mpiexec, mpi_eval):
    rng = np.random.default_rng(3)
    files = []
    for i in range(3):
        scores, labels = make_data(rng, 2, 4, 5, 6)
        s = os.path.join(tmp, "mpi_s%d.npy" % i)
        l = os.path.join(tmp, "mpi_l%d.npy" % i)
        np.save(s, scores)
        np.save(l, labels)
        files.append((s, l))
    args = ["--scores"] + [s for s, _ in files] + ["--labels"] + \
        [l for _, l in files] + ["--classes", "4", "--bins", "255", "--json"]
    proc = subprocess.run([mpiexec] + MPI_FLAGS + ["-np", "2", mpi_eval] +
                          args, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120)
    c.check(proc.returncode == 0, "mpi_eval --classes failed: %r"
            % proc.stderr[-500:])
    if proc.returncode != 0:
        return
    got = json.loads(proc.stdout)
    scores = np.concatenate([np.load(s) for s, _ in files])
    labels = np.concatenate([np.load(l) for _, l in files])
    onehot = np.stack([labels == k for k in range(4)], axis=1)
    check_against(c, got, expected(scores, onehot, labels != 255),
                  "mpi_eval on 2 ranks")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="")
    parser.add_argument("--mpi-eval", default="")
    parser.add_argument("--mpiexec", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    with tempfile.TemporaryDirectory() as tmp:
        nchw, lab, want = class_index_cases(c, tool, tmp)
        single_image_png(c, tool, tmp)
        multilabel(c, tool, tmp)
        plot(c, tool, tmp, nchw, lab, want)
        errors(c, tool, tmp, nchw, lab)
        if args.mpi_eval and args.mpiexec:
            mpi(c, tool, tmp, args.mpiexec, args.mpi_eval)
        else:
            print("mpi_eval or mpirun not given: 2-rank run skipped")
    c.finish("classes")


if __name__ == "__main__":
    main()
