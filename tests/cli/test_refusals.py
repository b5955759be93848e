"""prcurve-eval refuses what it cannot do well, with one clear line:
a list option (--scores, --labels, --weights) with no file after it, two
outputs written to one file, and --keep-going when every pair was skipped
(nothing was counted).  The summary points to warnings only when some
file was skipped and warnings were shown."""

import argparse
import os
import tempfile

import numpy as np

from cli_common import Checker, Tool

DATA, USAGE = 1, 2


def refused(c, tool, args, status, words):
    code, out, err = tool.run(*args)
    lines = err.splitlines()
    c.check(code == status and out == "" and len(lines) >= 1
            and all(w in lines[-1] for w in words),
            "%s: exit %s, stderr %r (wanted %d and %s)"
            % (args, code, err, status, words))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()

    with tempfile.TemporaryDirectory() as tmp:
        scores = os.path.join(tmp, "s.npy")
        labels = os.path.join(tmp, "l.npy")
        bad = os.path.join(tmp, "bad.npy")
        np.save(scores, np.linspace(0, 1, 16, dtype=np.float32)
                .reshape(4, 4))
        np.save(labels, (np.arange(16) % 2).astype(np.uint8).reshape(4, 4))
        with open(bad, "wb") as f:
            f.write(b"not a numpy file")
        out = os.path.join(tmp, "out")

        refused(c, tool, ["--scores", "--labels", labels], USAGE,
                ["--scores needs at least one file"])
        refused(c, tool, ["--scores", scores, "--labels"], USAGE,
                ["--labels needs at least one file"])
        refused(c, tool, ["--scores", scores, "--labels", labels,
                          "--scores"], USAGE,
                ["--scores needs at least one file"])
        refused(c, tool, ["--scores", scores, "--labels", labels,
                          "--weights", "--json"], USAGE,
                ["--weights needs at least one file"])

        refused(c, tool, ["--scores", scores, "--labels", labels,
                          "--csv", out, "--plot", out], USAGE,
                ["--csv and --plot", "file of its own"])
        c.check(not os.path.exists(out), "nothing written when refused")

        refused(c, tool, ["--scores", bad, "--labels", labels,
                          "--keep-going"], DATA,
                ["nothing was counted", "1 bad"])
        refused(c, tool, ["--scores", bad, bad, "--labels", labels, labels,
                          "--keep-going", "--quiet"], DATA,
                ["nothing was counted", "2 bad"])

        text = tool.ok("--scores", scores, "--labels", labels,
                       "--keep-going")
        c.check("0 bad, 0 without a partner\n" in text,
                "no pointer to warnings when nothing was skipped: %r" % text)
        code, text, err = tool.run("--scores", bad, scores, "--labels",
                                   labels, labels, "--keep-going")
        c.check(code == 0 and "1 bad" in text and "(see warnings)" in text
                and "warning" in err, "skipped pair points to warnings")
        code, text, err = tool.run("--scores", bad, scores, "--labels",
                                   labels, labels, "--keep-going", "-q")
        c.check(code == 0 and "1 bad" in text and "see warnings" not in text
                and err == "", "no pointer to silenced warnings: %r" % text)
    c.finish("cli_refusals")


if __name__ == "__main__":
    main()
