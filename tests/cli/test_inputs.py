"""prcurve-eval on every input type it reads natively, and on inputs whose
results are undefined:

* float16 and uint16 (v/65535) scores, and int32 and int64 labels, give the
  same counts as the same values in float64 scores and uint8 labels (the
  float16 values are exactly representable in float64, so the reference
  is exact); a 16-bit PNG gives the same as its samples in a uint16 .npy;
* --per-image where every label is the ignore label: exit 0 everywhere,
  the summary says "undefined (no image)", the JSON has per-image arrays
  as long as the curve, all null, and null summaries, and the CSV has
  "nan" in the per-image columns;
* --quiet silences warnings as well as the progress bar."""

import argparse
import csv
import json
import os
import tempfile

import numpy as np

from cli_common import Checker, Tool, write_png

CURVE = ["threshold", "precision", "recall", "f1", "tp", "fp", "fn", "tn"]


def same_curve(a, b):
    return all(a["curve"][k] == b["curve"][k] for k in CURVE) and \
        a["average_precision"] == b["average_precision"]


def check_dtypes(c, tool, tmp):
    rng = np.random.default_rng(11)
    half = rng.random((3, 17, 23)).astype(np.float16)
    raw = rng.integers(0, 65536, size=(3, 17, 23)).astype(np.uint16)
    labels = (rng.random((3, 17, 23)) < 0.3).astype(np.uint8)
    labels[0, 0, :4] = 255

    def save(name, array):
        path = os.path.join(tmp, name)
        np.save(path, array)
        return path

    l8 = save("l8.npy", labels)
    for bins in (1000, 65535):
        want = tool.json("--scores", save("f8.npy", half.astype(np.float64)),
                         "--labels", l8, "--bins", bins, "--per-image")
        got = tool.json("--scores", save("f2.npy", half), "--labels", l8,
                        "--bins", bins, "--per-image")
        c.check(same_curve(got, want) and got["per_image"] ==
                want["per_image"], "float16 scores differ from float64, "
                "%d bins" % bins)

        want = tool.json("--scores", save("u2f8.npy", raw / 65535.0),
                         "--labels", l8, "--bins", bins)
        got = tool.json("--scores", save("u2.npy", raw), "--labels", l8,
                        "--bins", bins)
        c.check(same_curve(got, want), "uint16 scores differ from v/65535 "
                "in float64, %d bins" % bins)

    want = tool.json("--scores", save("f2.npy", half), "--labels", l8)
    for kind in ("<i4", "<i8"):
        got = tool.json("--scores", save("f2.npy", half), "--labels",
                        save("l%s.npy" % kind[1:], labels.astype(kind)))
        c.check(same_curve(got, want) and got["ignored"] == 4,
                "%s labels differ from uint8" % kind)

    pngs = []
    for i in range(3):
        pngs.append(os.path.join(tmp, "s%d.png" % i))
        write_png(pngs[-1], raw[i].astype(">u2"), 0, 16)
    want = tool.json("--scores", save("u2.npy", raw), "--labels", l8,
                     "--bins", 65535)
    got = tool.json("--scores", *pngs, "--labels", l8, "--bins", 65535)
    c.check(same_curve(got, want), "16-bit PNG scores differ from the same "
            "samples in a uint16 .npy")


def check_no_image(c, tool, tmp):
    """Every pixel ignored: nothing is counted, no image either."""
    scores = os.path.join(tmp, "half.npy")
    ignored = os.path.join(tmp, "ignored.npy")
    np.save(scores, np.full((2, 3, 3), 0.5, np.float32))
    np.save(ignored, np.full((2, 3, 3), 255, np.uint8))
    args = ["--scores", scores, "--labels", ignored, "--per-image",
            "--bins", 10]

    code, out, err = tool.run(*args)
    c.check(code == 0 and err == "", "summary: exit %r, %r" % (code, err))
    c.check(out.count("undefined (no image)") == 3,
            "summary: per-image numbers not 'undefined (no image)': %r"
            % out)

    path = os.path.join(tmp, "none.csv")
    code, out, err = tool.run(*(args + ["--json", "--csv", path]))
    c.check(code == 0 and err == "", "JSON and CSV: exit %r, %r"
            % (code, err))
    res = json.loads(out) if code == 0 else {"curve": {}, "per_image": {}}
    rows = len(res["curve"].get("threshold", []))
    per = res["per_image"]
    c.check(rows == 11, "JSON curve has %d rows, expected 11" % rows)
    for name in ("precision", "recall"):
        c.check(per.get(name) == [None] * rows, "JSON per_image %s is not "
                "%d nulls: %r" % (name, rows, per.get(name)))
    for name in ("average_precision", "auprc_trapezoid",
                 "mean_average_precision"):
        c.check(name in per and per[name] is None,
                "JSON per_image %s is not null" % name)
    c.check(res.get("images") == 0 and res.get("ignored") == 18,
            "JSON tallies: %r images, %r ignored" % (res.get("images"),
                                                     res.get("ignored")))
    with open(path) as f:
        table = list(csv.reader(f))
    c.check(len(table) == 1 + rows and all(
        r[-2:] == ["nan", "nan"] for r in table[1:]),
        "CSV per-image columns are not nan: %r" % table[:3])


def check_quiet(c, tool, tmp):
    """--keep-going over a bad pair warns, unless --quiet."""
    good = os.path.join(tmp, "good.npy")
    mask = os.path.join(tmp, "mask.npy")
    bad = os.path.join(tmp, "bad.npy")
    np.save(good, np.full((4, 4), 0.5, np.float32))
    np.save(mask, np.eye(4, dtype=np.uint8))
    with open(bad, "wb") as f:
        f.write(b"not a .npy file")
    args = ["--scores", good, bad, "--labels", mask, mask, "--keep-going",
            "--json"]
    code, out, err = tool.run(*args)
    c.check(code == 0 and "warning" in err and "bad.npy" in err,
            "--keep-going without --quiet: exit %r, %r" % (code, err))
    code, quiet, err = tool.run(*(args + ["--quiet"]))
    c.check(code == 0 and err == "" and quiet == out,
            "--quiet still warns: exit %r, %r" % (code, err))
    code, out, err = tool.run("--scores", bad, "--labels", mask, "--quiet")
    c.check(code == 1 and "bad.npy" in err, "--quiet hides an error: %r"
            % err)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="",
                        help="command to run the tool under, e.g. valgrind")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    with tempfile.TemporaryDirectory() as tmp:
        check_dtypes(c, tool, tmp)
        check_no_image(c, tool, tmp)
        check_quiet(c, tool, tmp)
    c.finish("input types and undefined results")


if __name__ == "__main__":
    main()
