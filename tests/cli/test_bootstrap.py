"""prcurve-eval --bootstrap, --seed and --level: the same seed gives the
same "ci", another seed another; on the sample the intervals hold the
point AP (deterministic given the seed); a level-0.5 interval lies inside
the 0.95 one; per-class intervals with --classes; the summary line;
the errors; and mpi_eval on 2 ranks over loopback gives prcurve-eval's
JSON exactly (when mpirun is given)."""

import argparse
import json
import os
import re
import subprocess
import tempfile

import numpy as np

from cli_common import Checker, Tool, sample_paths

MPI_FLAGS = ["--allow-run-as-root", "--oversubscribe", "--mca", "btl",
             "self,vader"]
METRICS = ("average_precision", "auprc_trapezoid", "best_f1", "auroc")
POINT = {"average_precision": lambda r: r["average_precision"],
         "auprc_trapezoid": lambda r: r["auprc_trapezoid"],
         "best_f1": lambda r: r["best_f1"]["value"],
         "auroc": lambda r: r["auroc"]}


def check_sample(c, tool, p):
    base = ["--scores", p["scores"], "--labels"] + p["pngs"]
    a = tool.json(*(base + ["--bootstrap", 50, "--seed", 7]))
    b = tool.json(*(base + ["--bootstrap", 50, "--seed", 7]))
    other = tool.json(*(base + ["--bootstrap", 50, "--seed", 8]))
    half = tool.json(*(base + ["--bootstrap", 50, "--seed", 7, "--level",
                               0.5]))
    ci = a["ci"]
    c.check(ci == b["ci"], "the same seed gives different intervals")
    c.check(ci != other["ci"], "seeds 7 and 8 give the same intervals")
    c.check(ci["level"] == 0.95 and ci["replicates"] == 50
            and ci["seed"] == 7, "ci header %r" % {k: ci[k] for k in
                                                   ("level", "replicates",
                                                    "seed")})
    c.check(half["ci"]["level"] == 0.5, "--level 0.5 not reported")
    for m in METRICS:
        lo, hi = ci[m]
        point = POINT[m](a)
        c.check(lo <= point <= hi, "%s %r outside its interval %r"
                % (m, point, ci[m]))
        hlo, hhi = half["ci"][m]
        c.check(lo <= hlo <= hhi <= hi, "%s: 0.5 interval %r not inside "
                "the 0.95 one %r" % (m, half["ci"][m], ci[m]))
    # Without --bootstrap there is no "ci"; K 0 means none either.
    c.check("ci" not in tool.json(*base), "ci without --bootstrap")
    c.check("ci" not in tool.json(*(base + ["--bootstrap", 0])),
            "ci with --bootstrap 0")

    summary = tool.ok(*(base + ["--bootstrap", 50, "--seed", 7]))
    line = re.search(r"^AP 95 % interval\s+\[([0-9.]+), ([0-9.]+)\] "
                     r"\(50 replicates\)$", summary, re.M)
    c.check(line is not None, "no AP interval line in the summary")
    if line:
        c.check(abs(float(line.group(1)) - ci["average_precision"][0])
                <= 5e-7 and abs(float(line.group(2)) -
                                ci["average_precision"][1]) <= 5e-7,
                "summary interval differs from the JSON's")
    half_line = tool.ok(*(base + ["--bootstrap", 50, "--level", 0.5]))
    c.check("AP 50 % interval" in half_line, "no 50 % interval line")


def make_classes(rng, n, c, h, w):
    labels = rng.integers(0, c, (n, h, w)).astype(np.uint8)
    labels[rng.random((n, h, w)) < 0.1] = 255
    scores = rng.random((n, c, h, w)).astype(np.float32)
    for k in range(c):
        scores[:, k][labels == k] += 0.8
    return scores / scores.sum(axis=1, keepdims=True), labels


def check_classes(c, tool, tmp):
    rng = np.random.default_rng(11)
    scores, labels = make_classes(rng, 6, 3, 9, 7)
    labels[:, :, :] = np.where(labels == 2, 0, labels)  # no class 2
    s, l = os.path.join(tmp, "cls_s.npy"), os.path.join(tmp, "cls_l.npy")
    np.save(s, scores)
    np.save(l, labels)
    res = tool.json("--scores", s, "--labels", l, "--classes", 3,
                    "--bootstrap", 30, "--seed", 5)
    classes = res["classes"]
    for k in (0, 1):
        ci = classes[k].get("ci")
        c.check(ci is not None and set(ci) == set(METRICS),
                "class %d has no ci entry of the four metrics" % k)
        if ci:
            lo, hi = ci["average_precision"]
            c.check(lo <= classes[k]["average_precision"] <= hi,
                    "class %d AP outside its interval" % k)
    c.check(classes[2]["ci"]["average_precision"] == [None, None]
            and classes[2]["ci"]["auroc"] == [None, None],
            "class 2 (no positive) interval is not null: %r"
            % classes[2].get("ci"))
    table = os.path.join(tmp, "cls.csv")
    tool.ok("--scores", s, "--labels", l, "--classes", 3, "--bootstrap",
            30, "--seed", 5, "--csv-classes", table)
    with open(table) as f:
        header = f.readline().strip().split(",")
    c.check("average_precision_lo" in header and "auroc_hi" in header,
            "per-class CSV lacks interval columns: %r" % header)


def check_errors(c, tool, p):
    base = ["--scores", p["scores"], "--labels"] + p["pngs"]
    cases = [
        (["--bootstrap", 5000], ["--bootstrap 5000", "out of range",
                                 "0..1000"]),
        (["--bootstrap", -1], ["out of range"]),
        (["--bootstrap", "x"], ["not an integer"]),
        (["--bootstrap", 10, "--level", 1.5], ["--level 1.5",
                                               "out of range"]),
        (["--bootstrap", 10, "--level", 0], ["out of range"]),
        (["--bootstrap", 10, "--level", "nan"], ["out of range"]),
        (["--bootstrap", 10, "--level", "0.9x"], ["not a number"]),
        (["--bootstrap", 10, "--seed", -3], ["out of range"]),
        (["--bootstrap", 10, "--seed", 2 ** 63], ["out of range"]),
        (["--seed", 3], ["--seed needs --bootstrap"]),
        (["--level", 0.9], ["--level needs --bootstrap"]),
    ]
    for args, words in cases:
        code, out, err = tool.run(*(base + args))
        c.check(code == 2 and out == "" and len(err.splitlines()) == 1
                and all(w in err for w in words),
                "%s: exit %r, stderr %r (wanted one line with %s)"
                % (args, code, err, words))


def check_mpi(c, tool, p, tmp, mpiexec, mpi_eval):
    """Eight one-image files over 2 ranks equal one process on them."""
    scores = np.load(p["scores"])
    files = []
    for i in range(len(scores)):
        s = os.path.join(tmp, "slice_%d.npy" % i)
        np.save(s, scores[i])
        files.append(s)
    for extra in ([], ["--range", "-0.5", "1.5", "--per-image"]):
        args = ["--scores"] + files + ["--labels"] + p["pngs"] + \
            ["--bootstrap", "20", "--seed", "4"] + extra
        want = tool.json(*args)
        proc = subprocess.run([mpiexec] + MPI_FLAGS + ["-np", "2", mpi_eval]
                              + args + ["--json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=120)
        c.check(proc.returncode == 0, "mpi_eval %s failed: %r"
                % (extra, proc.stderr[-500:]))
        if proc.returncode == 0:
            got = json.loads(proc.stdout)
            c.check(got == want, "mpi_eval on 2 ranks %s differs from "
                    "prcurve-eval (ci %r vs %r)" % (extra, got.get("ci"),
                                                    want.get("ci")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--wrapper", default="")
    parser.add_argument("--mpi-eval", default="")
    parser.add_argument("--mpiexec", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    p = sample_paths(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        check_sample(c, tool, p)
        check_classes(c, tool, tmp)
        check_errors(c, tool, p)
        if args.mpi_eval and args.mpiexec:
            check_mpi(c, tool, p, tmp, args.mpiexec, args.mpi_eval)
        else:
            print("mpi_eval or mpirun not given: 2-rank run skipped")
    c.finish("test_bootstrap")


if __name__ == "__main__":
    main()
