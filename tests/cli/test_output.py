"""prcurve-eval's outputs: --help, --version, the human summary, the CSV
table (against the JSON curve), and undefined numbers (NaN as JSON null,
"undefined (...)" in the summary)."""

import argparse
import csv
import math
import os
import re
import tempfile

import numpy as np

from cli_common import Checker, Tool, sample_paths

OPTIONS = ["--scores", "--labels", "--bins", "--rule", "--ignore",
           "--per-image", "--json", "--csv", "--zero-division", "--help",
           "--version", "--plot", "--plot-roc", "--keep-going", "--quiet",
           "--classes", "--layout", "--multilabel", "--csv-classes"]


def check_help_version(c, tool, header):
    text = tool.ok("--help")
    for option in OPTIONS:
        c.check(option in text, "--help does not list %s" % option)
    c.check("Example" in text and "prcurve-eval --scores" in text,
            "--help has no example")
    with open(header) as f:
        version = re.search(r'#define PRC_VERSION_STRING "([^"]+)"',
                            f.read()).group(1)
    c.check(version in tool.ok("--version"),
            "--version does not print %s" % version)


def check_summary(c, tool, p):
    args = ["--scores", p["scores"], "--labels", *p["pngs"], "--per-image"]
    res = tool.json(*args)
    text = tool.ok(*args)
    labels = np.load(p["labels_u8"])
    for word, value in [("average precision", res["average_precision"]),
                        ("AUPRC (trapezoid)", res["auprc_trapezoid"]),
                        ("best F1", res["best_f1"]["value"])]:
        c.check(re.search(r"%s\s+%.6f" % (re.escape(word), value), text),
                "summary lacks %s %.6f" % (word, value))
    for count in [(labels == 1).sum(), (labels == 0).sum(),
                  (labels == 255).sum(), labels.size - (labels == 255).sum()]:
        c.check(str(count) in text, "summary lacks the count %d" % count)
    c.check("mean of the images' AP" in text, "no per-image part")


def check_csv(c, tool, p):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "curve.csv")
        res = tool.json("--scores", p["scores_u8"], "--labels",
                        p["labels_u8"], "--bins", 50, "--per-image",
                        "--csv", path)
        with open(path) as f:
            rows = list(csv.reader(f))
    head = ("threshold,tp,fp,fn,tn,precision,recall,f1,tpr,fpr,dice,iou,"
            "specificity,accuracy").split(",")
    c.check(rows[0] == head + ["image_precision", "image_recall"],
            "CSV header is %r" % rows[0])
    body = rows[1:]
    c.check(len(body) == 51, "CSV has %d rows, expected 51" % len(body))
    curve, per = res["curve"], res["per_image"]
    for k, row in enumerate(body):
        tp, fp = curve["tp"][k], curve["fp"][k]
        fn, tn = curve["fn"][k], curve["tn"][k]
        # The analytic columns from the counts (zero division 0).
        ratio = [(tp, tp + fn), (fp, fp + tn), (2 * tp, 2 * tp + fp + fn),
                 (tp, tp + fp + fn), (tn, tn + fp),
                 (tp + tn, tp + fp + fn + tn)]
        want = [curve["threshold"][k], tp, fp, fn, tn,
                curve["precision"][k], curve["recall"][k], curve["f1"][k]]
        want += [a / b if b else 0.0 for a, b in ratio]
        want += [per["precision"][k], per["recall"][k]]
        got = [float(x) for x in row]
        c.check(len(got) == len(want) and all(
            abs(g - float(w)) <= 1e-15 for g, w in zip(got, want)),
            "CSV row %d differs" % k)
        c.check(got[0] == k / 50, "CSV threshold %d is not k/50" % k)


def check_undefined(c, tool):
    """No positive pixel: AP is undefined; with --zero-division nan the
    precision of rows with no predicted positive is NaN, printed null."""
    scores = np.array([[0.125, 0.625], [0.375, 0.875]], dtype=np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        s, l = os.path.join(tmp, "s.npy"), os.path.join(tmp, "l.npy")
        np.save(s, scores)
        np.save(l, np.zeros((2, 2), np.uint8))
        res = tool.json("--scores", s, "--labels", l, "--bins", 8,
                        "--zero-division", "nan", "--per-image")
        text = tool.ok("--scores", s, "--labels", l, "--per-image")
    c.check(res["average_precision"] is None, "AP is not null")
    c.check(res["per_image"]["mean_average_precision"] is None,
            "mean image AP is not null")
    c.check(res["zero_division"] == "nan", "zero_division is not 'nan'")
    # Predicted positives exist up to threshold 7/8; none at 1.
    prec = res["curve"]["precision"]
    c.check(all(prec[k] == 0 for k in range(8)) and prec[8] is None,
            "precision column with nan zero division: %r" % prec)
    c.check(all(r is None for r in res["curve"]["recall"]),
            "recall with no positives is not null")
    c.check(re.search(r"average precision\s+undefined \(no positive pixel\)",
                      text), "summary does not say AP is undefined")
    c.check(not any(isinstance(v, float) and math.isnan(v)
                    for v in res["curve"]["f1"]), "NaN leaked into JSON")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="",
                        help="command to run the tool under, e.g. valgrind")
    parser.add_argument("--data", required=True)
    parser.add_argument("--header", required=True)
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    p = sample_paths(args.data)

    check_help_version(c, tool, args.header)
    check_summary(c, tool, p)
    check_csv(c, tool, p)
    check_undefined(c, tool)
    c.finish("outputs")


if __name__ == "__main__":
    main()
