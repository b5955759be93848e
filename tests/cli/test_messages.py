"""prcurve-eval's one-line messages say what is wrong in the user's terms:
class indices that reach the ignore label, a --range too wide for its
span to be a finite number, bool labels given as class indices, and a
.png file that is neither a PNG nor a .npy array.  With every weight
zero, the summary says "undefined (...)" once, not "undefined (undefined:
...)", and the ROC legend says undefined as its panel does, not nan.
In a plot with classes and the per-image curve, no extra line (pooled,
per-image, no-skill, guides) shares its colour with a class line."""

import argparse
import os
import re
import tempfile

import numpy as np

from cli_common import Checker, Tool

USAGE = 2


def distance(a, b):
    """Euclidean distance of two #rrggbb colours in RGB units."""
    rgb = [[int(x[i:i + 2], 16) for i in (1, 3, 5)] for x in (a, b)]
    return sum((p - q) ** 2 for p, q in zip(*rgb)) ** 0.5


def said(c, tool, args, status, words):
    code, out, err = tool.run(*args)
    c.check(code == status and out == "" and len(err.splitlines()) == 1
            and all(w in err for w in words),
            "%s: exit %s, stderr %r (wanted %s)" % (args, code, err, words))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()

    with tempfile.TemporaryDirectory() as tmp:
        scores = os.path.join(tmp, "s.npy")
        labels = os.path.join(tmp, "l.npy")
        cscores = os.path.join(tmp, "cs.npy")
        clabels = os.path.join(tmp, "cl.npy")
        np.save(scores, np.linspace(0, 1, 16, dtype=np.float32)
                .reshape(4, 4))
        np.save(labels, (np.arange(16) % 2).astype(np.uint8).reshape(4, 4))
        np.save(cscores, np.full((1, 4, 2, 2), 0.25, dtype=np.float32))
        np.save(clabels, np.array([[[0, 1], [2, 3]]], dtype=np.uint8))
        base = ["--scores", scores, "--labels", labels]
        cbase = ["--scores", cscores, "--labels", clabels, "--classes", "4"]

        said(c, tool, cbase + ["--ignore", "3"], USAGE,
             ["--classes 4 --ignore 3", "0..3", "below the ignore label"])
        said(c, tool, cbase + ["--ignore", "2"], USAGE, ["0..3"])
        said(c, tool, base + ["--range", "-1e308", "1e308"], USAGE,
             ["too wide", "finite"])
        code, _, err = tool.run(*(base + ["--range", "-1e300", "1e300"]))
        c.check(code == 0 and err == "", "a wide finite range is fine")
        blabels = os.path.join(tmp, "bl.npy")
        np.save(blabels, np.zeros((1, 2, 2), dtype=bool))
        said(c, tool, ["--scores", cscores, "--labels", blabels,
                       "--classes", "4"], 1,
             ["bool labels cannot hold class indices", "--multilabel"])

        notpng = os.path.join(tmp, "mask.png")
        with open(notpng, "wb") as f:
            f.write(b"notapng")
        said(c, tool, ["--scores", scores, "--labels", notpng], 1,
             ["mask.png", "not a PNG"])
        said(c, tool, ["--scores", notpng, "--labels", labels], 1,
             ["mask.png", "not a PNG"])
        notnpy = os.path.join(tmp, "mask.npy")
        with open(notnpy, "wb") as f:
            f.write(b"notanpy")
        said(c, tool, ["--scores", scores, "--labels", notnpy], 1,
             ["mask.npy", "not a .npy"])
        weights = os.path.join(tmp, "w.npy")
        svg = os.path.join(tmp, "p.svg")
        np.save(weights, np.zeros((4, 4), dtype=np.float32))
        text = tool.ok(*(base + ["--weights", weights, "--plot", svg,
                                 "--plot-roc"]))
        c.check("undefined (undefined" not in text
                and "undefined (no pixel was counted)" in text,
                "undefined said once: %r" % text)
        with open(svg) as f:
            picture = f.read()
        c.check("AUROC undefined" in picture and "nan" not in picture,
                "ROC legend says undefined")
        cplot = os.path.join(tmp, "c.svg")
        tool.ok(*(cbase + ["--per-image", "--plot", cplot]))
        with open(cplot) as f:
            picture = f.read()
        strokes = dict(re.findall(r'<path id="([^"]+)" fill="none" '
                                  r'stroke="([^"]+)"', picture))
        classes = {v for k, v in strokes.items() if "class" in k}
        extras = set(re.findall(r'stroke="(#[0-9a-f]{6})"', picture))
        extras -= classes
        c.check(len(classes) == 4 and "pr-curve-per-image" in strokes,
                "4 class lines and the per-image curve: %s" % strokes)
        for extra in extras:
            near = [k for k in classes if distance(k, extra) < 80]
            c.check(not near, "line colour %s too near class colour(s) %s"
                    % (extra, near))
        c.check(len(extras) >= 4, "extra lines drawn: %s" % extras)
    c.finish("cli_messages")


if __name__ == "__main__":
    main()
