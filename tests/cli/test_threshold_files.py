"""--thresholds files that must be refused at once, with one line: a NUL
or other control byte in a text file (with its line number), and more
than 16777217 thresholds, told from a .npy header before the data is
read."""

import argparse
import os
import struct
import tempfile

import numpy as np

from cli_common import Checker, Tool

USAGE = 2


def npy_sparse(path, count):
    """A float64 .npy of `count` zeros, written as a header and a hole
    (a sparse file), so that a large one costs no disk."""
    text = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d,), }" \
        % count
    text += " " * (-(10 + len(text) + 1) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text))
                + text.encode("latin1"))
        f.truncate(f.tell() + 8 * count)


def refused(c, tool, base, path, words):
    code, out, err = tool.run(*(base + ["--thresholds", path]))
    c.check(code == USAGE and out == "" and len(err.splitlines()) == 1
            and all(w in err for w in words),
            "%s: exit %s, stderr %r (wanted %s)" % (path, code, err, words))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()

    with tempfile.TemporaryDirectory() as tmp:
        scores = os.path.join(tmp, "s.npy")
        labels = os.path.join(tmp, "l.npy")
        np.save(scores, np.linspace(0, 1, 16, dtype=np.float32)
                .reshape(4, 4))
        np.save(labels, (np.arange(16) % 2).astype(np.uint8).reshape(4, 4))
        base = ["--scores", scores, "--labels", labels]

        def text(name, data):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            return path

        refused(c, tool, base, text("nul.txt", b"0 0.5\x00 1\n"),
                ["line 1", "0x00", "not text"])
        refused(c, tool, base, text("nul3.txt", b"0\n0.25\n0.5\x001\n"),
                ["line 3", "0x00"])
        refused(c, tool, base, text("nulc.txt", b"0 1 # note\x00\n"),
                ["line 1", "0x00"])
        refused(c, tool, base, text("esc.txt", b"0\n0.5\x1b\n1\n"),
                ["line 2", "0x1b"])
        ok = text("ok.txt", b"0\t0.5\r\n1\n")
        code, _, err = tool.run(*(base + ["--thresholds", ok]))
        c.check(code == 0 and err == "", "tabs and CRLF are text: %r" % err)

        big = os.path.join(tmp, "big.npy")
        npy_sparse(big, 20000000)
        refused(c, tool, base, big, ["20000000 thresholds", "16777217"])
        edge = os.path.join(tmp, "edge.npy")
        npy_sparse(edge, 16777218)
        refused(c, tool, base, edge, ["16777218 thresholds"])
    code, out, _ = tool.run("--help")
    c.check("16777217" in out, "--help states the limit")
    c.finish("cli_threshold_files")


if __name__ == "__main__":
    main()
