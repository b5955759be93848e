"""prcurve-eval on a data set laid out in directories: pairing by name,
unmatched names, --keep-going over unreadable and bad files, 16-bit PNG
score maps, palette PNG label maps, and the progress bar (only on a
terminal, never with --quiet).  Expected values come from scikit-learn
on the same pixels, read with NumPy."""

import argparse
import json
import os
import pty
import subprocess
import tempfile

import numpy as np
from sklearn.metrics import average_precision_score

from cli_common import Checker, Tool, write_png

VOC_PALETTE = [(0, 0, 0), (128, 0, 0)] + [(i, i, i) for i in range(2, 255)] \
    + [(224, 224, 192)]


def make_set(root, n=12, seed=3):
    """n cases: 16-bit PNG scores and palette PNG labels (0, 1, 255)."""
    rng = np.random.default_rng(seed)
    s_dir, l_dir = os.path.join(root, "scores"), os.path.join(root, "labels")
    os.makedirs(s_dir)
    os.makedirs(l_dir)
    cases = {}
    for i in range(n):
        raw = rng.integers(0, 65536, size=(24, 32)).astype(np.uint16)
        labels = (rng.random((24, 32)) < raw / 65535.0 * 0.4).astype(np.uint8)
        labels[0, :5] = 255
        name = "case_%03d" % i
        write_png(os.path.join(s_dir, name + ".png"), raw.astype(">u2"), 0,
                  16)
        write_png(os.path.join(l_dir, name + ".png"), labels, 3, 8,
                  VOC_PALETTE)
        cases[name] = (raw / 65535.0, labels)
    return s_dir, l_dir, cases


def sklearn_ap(cases, names):
    scores = np.concatenate([cases[k][0].ravel() for k in names])
    labels = np.concatenate([cases[k][1].ravel() for k in names])
    keep = labels != 255
    return average_precision_score(labels[keep], scores[keep]), keep.sum()


def check_pairing(c, tool, s_dir, l_dir, cases):
    # 65535 bins put a threshold on every 16-bit value: exact AP.
    res = tool.json("--scores", s_dir, "--labels", l_dir, "--bins", 65535)
    ap, pixels = sklearn_ap(cases, sorted(cases))
    c.check(abs(res["average_precision"] - ap) <= 1e-12,
            "16-bit PNG scores: AP %r != sklearn %r"
            % (res["average_precision"], ap))
    c.check(res["pixels"] == pixels and res["images"] == len(cases),
            "directory pairing counted %d pixels in %d images"
            % (res["pixels"], res["images"]))
    c.check("skipped_files" not in res, "skipped_files without --keep-going")

    # The same pixels as .npy files (float64 v/65535, uint8 labels) in
    # the other order of extensions must give the same JSON.
    with tempfile.TemporaryDirectory() as tmp:
        for name, (scores, labels) in cases.items():
            np.save(os.path.join(tmp, name + ".npy"), scores)
        same = tool.json("--scores", tmp, "--labels", l_dir, "--bins", 65535)
    c.check(same == res, "npy scores and 16-bit PNG scores disagree")


def check_unmatched(c, tool, s_dir, l_dir, cases):
    extra = os.path.join(s_dir, "zz_extra.png")
    os.rename(os.path.join(l_dir, "case_004.png"),
              os.path.join(l_dir, "moved.png"))
    with open(extra, "wb") as f:
        f.write(b"not a png")
    code, out, err = tool.run("--scores", s_dir, "--labels", l_dir)
    c.check(code == 1 and out == "" and err.count("\n") == 1,
            "unmatched names: exit %d, stderr %r" % (code, err))
    for word in ["case_004.png", "zz_extra.png", "moved.png",
                 "2 scores file(s) without a labels file"]:
        c.check(word in err, "unmatched message lacks %r: %r" % (word, err))

    code, out, err = tool.run("--scores", s_dir, "--labels", l_dir,
                              "--keep-going", "--json")
    c.check(code == 0 and "warning" in err and "skipped" in err,
            "--keep-going with unmatched names: exit %d, %r" % (code, err))
    os.rename(os.path.join(l_dir, "moved.png"),
              os.path.join(l_dir, "case_004.png"))
    os.remove(extra)


def check_keep_going(c, tool, s_dir, l_dir, cases):
    """A truncated score file and a label file with label 7: without
    --keep-going the run stops; with it both pairs are left out and
    counted, and the rest equals scikit-learn on the remaining cases."""
    bad_s = os.path.join(s_dir, "case_002.png")
    bad_l = os.path.join(l_dir, "case_007.png")
    data = open(bad_s, "rb").read()
    with open(bad_s, "wb") as f:
        f.write(data[:len(data) // 2])
    labels = cases["case_007"][1].copy()
    labels[3, 3] = 7
    write_png(bad_l, labels, 3, 8, VOC_PALETTE)

    code, out, err = tool.run("--scores", s_dir, "--labels", l_dir)
    c.check(code == 1 and "case_002.png" in err and out == "",
            "a bad file without --keep-going: exit %d, %r" % (code, err))
    code, out, err = tool.run("--scores", s_dir, "--labels", l_dir,
                              "--keep-going", "--json", "--bins", 65535)
    lines = err.strip().split("\n")
    c.check(code == 0 and len(lines) == 2, "--keep-going: exit %d, %r"
            % (code, err))
    c.check(any("case_002.png" in x and "truncated" in x for x in lines)
            and any("case_007.png" in x and "label 7" in x for x in lines),
            "--keep-going warnings do not name path and reason: %r" % err)
    res = json.loads(out) if code == 0 else {}
    kept = [k for k in sorted(cases) if k not in ("case_002", "case_007")]
    ap, pixels = sklearn_ap(cases, kept)
    c.check(res.get("skipped_files") == 2
            and res.get("unmatched_files") == 0,
            "skipped_files %r" % res.get("skipped_files"))
    c.check(abs(res.get("average_precision", -1) - ap) <= 1e-12
            and res.get("pixels") == pixels,
            "--keep-going result differs from sklearn on the good cases")
    text = tool.run("--scores", s_dir, "--labels", l_dir, "--keep-going")[1]
    c.check("files skipped" in text and "2 bad" in text,
            "summary does not count skipped files")


def run_on_terminal(command):
    """Runs command with stderr on a pseudo-terminal; returns its output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                            stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def check_progress(c, tool, s_dir, l_dir):
    command = tool.command + ["--scores", s_dir, "--labels", l_dir]
    code, err = run_on_terminal(command)
    c.check(code == 0 and "12/12 files" not in err and "/12 files" in err
            and "#" in err, "no progress bar on a terminal: %r" % err)
    code, err = run_on_terminal(command + ["--quiet"])
    c.check(code == 0 and err == "", "--quiet still shows: %r" % err)
    code, out, err = tool.run("--scores", s_dir, "--labels", l_dir)
    c.check(code == 0 and err == "", "progress on a non-terminal: %r" % err)


def check_usage(c, tool, s_dir, l_dir, cases):
    code, _, err = tool.run("--scores", s_dir, "--labels",
                            os.path.join(l_dir, "case_000.png"))
    c.check(code == 2 and "is a directory" in err,
            "a directory against a file: exit %d, %r" % (code, err))
    raw = cases["case_000"][1]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.png")
        write_png(path, raw, 3, 8, VOC_PALETTE)
        code, _, err = tool.run("--scores", path, "--labels", path)
    c.check(code == 1 and "palette PNG cannot be a score map" in err,
            "palette scores: exit %d, %r" % (code, err))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()
    with tempfile.TemporaryDirectory() as root:
        s_dir, l_dir, cases = make_set(root)
        check_pairing(c, tool, s_dir, l_dir, cases)
        check_progress(c, tool, s_dir, l_dir)
        check_usage(c, tool, s_dir, l_dir, cases)
        check_unmatched(c, tool, s_dir, l_dir, cases)
        check_keep_going(c, tool, s_dir, l_dir, cases)
    c.finish("data set directories")


if __name__ == "__main__":
    main()
