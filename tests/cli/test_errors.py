"""prcurve-eval on bad input: every failure exits non-zero (1 for data, 2
for usage), prints nothing on stdout, and exactly one line of printable
characters on stderr that starts with "prcurve-eval: " and names the
problem, even where a file name or the file itself holds control
characters.  Hostile files are made in a temporary directory; a FIFO or a
device given as a file is refused at once instead of waited on."""

import argparse
import os
import re
import struct
import tempfile

import numpy as np

from cli_common import Checker, Tool, write_png

DATA, USAGE = 1, 2


def npy_bytes(header, payload=b"", version=(1, 0)):
    """A .npy file with a hand-written header dict."""
    text = header.encode("latin1")
    prefix = 10 if version[0] == 1 else 12
    text += b" " * (-(prefix + len(text) + 1) % 64) + b"\n"
    size = struct.pack("<H" if version[0] == 1 else "<I", len(text))
    return b"\x93NUMPY" + bytes(version) + size + text + payload


class Files:
    def __init__(self, tmp):
        self.tmp = tmp

    def raw(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def array(self, name, array):
        path = os.path.join(self.tmp, name)
        np.save(path, array)
        return path


def make_cases(f):
    """(description, args, exit status, words the stderr line must hold)."""
    good = f.array("good.npy", np.full((4, 4), 0.5, dtype=np.float32))
    mask = f.array("mask.npy", np.eye(4, dtype=np.uint8))
    valid = good + ""
    body = np.zeros(16, dtype="<f4").tobytes()
    hdr = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }"

    whole = open(good, "rb").read()
    nan = np.full((4, 4), 0.5, dtype=np.float32)
    nan[2, 3] = np.nan
    high = np.full((4, 4), 0.5, dtype=np.float32)
    high[1, 1] = 1.5
    seven = np.eye(4, dtype=np.uint8)
    seven[3, 0] = 7
    write_png(os.path.join(f.tmp, "mask64.png"), np.zeros((64, 64), np.uint8))
    write_png(os.path.join(f.tmp, "rgb.png"), np.zeros((4, 12), np.uint8), 2)
    write_png(os.path.join(f.tmp, "gray16.png"), np.zeros((4, 8), np.uint8),
              0, 16)

    def tmp(name):
        return os.path.join(f.tmp, name)

    return [
        ("missing file", ["--scores", tmp("nofile.npy"), "--labels", mask],
         DATA, ["nofile.npy", "no such file"]),
        ("truncated data", ["--scores", f.raw("trunc.npy", whole[:-10]),
                            "--labels", mask], DATA, ["trunc.npy",
                                                      "truncated"]),
        ("truncated header", ["--scores", f.raw("trunch.npy", whole[:30]),
                              "--labels", mask], DATA, ["truncated"]),
        ("trailing bytes", ["--scores", f.raw("trail.npy", whole + b"xx"),
                            "--labels", mask], DATA, ["2 bytes after"]),
        ("bad magic", ["--scores", f.raw("magic.npy", b"NOTNUMPY" + whole[8:]),
                       "--labels", mask], DATA, ["not a .npy file"]),
        ("huge declared shape", ["--scores", f.raw("huge.npy", npy_bytes(
            hdr % ("<f4", "False", "(100000, 100000, 100000)"), body)),
            "--labels", mask], DATA, ["huge.npy", "truncated"]),
        ("shape overflowing size_t", ["--scores", f.raw("ovf.npy", npy_bytes(
            hdr % ("<f4", "False", "(4294967296, 4294967296, 16)"), body)),
            "--labels", mask], DATA, ["too large"]),
        ("dimension overflowing size_t", ["--scores", f.raw(
            "ovf2.npy", npy_bytes(hdr % ("<f4", "False",
                                         "(99999999999999999999999, 4)"),
                                  body)), "--labels", mask],
         DATA, ["too large"]),
        ("fortran order", ["--scores", f.raw("fortran.npy", npy_bytes(
            hdr % ("<f4", "True", "(4, 4)"), body)), "--labels", mask],
         DATA, ["fortran"]),
        ("big endian", ["--scores", f.raw("big.npy", npy_bytes(
            hdr % (">f4", "False", "(4, 4)"), body)), "--labels", mask],
         DATA, ["big-endian"]),
        ("unsupported dtype", ["--scores", f.raw("int.npy", npy_bytes(
            hdr % ("<i2", "False", "(4, 4)"), body)), "--labels", mask],
         DATA, ["unsupported dtype", "<i2"]),
        ("int32 scores", ["--scores", f.array("i4.npy", np.zeros(
            (4, 4), "<i4")), "--labels", mask], DATA,
         ["scores must be float16, float32, float64, uint8 or uint16",
          "int32"]),
        ("uint16 labels", ["--scores", good, "--labels", f.array(
            "u2.npy", np.eye(4, dtype="<u2"))], DATA,
         ["labels must be uint8, bool, int32 or int64", "uint16"]),
        ("big-endian float16", ["--scores", f.raw("bigf2.npy", npy_bytes(
            hdr % (">f2", "False", "(4, 4)"), body[:32])), "--labels", mask],
         DATA, ["big-endian", ">f2"]),
        ("int64 label 7", ["--scores", good, "--labels", f.array(
            "seven8.npy", seven.astype("<i8"))], DATA,
         ["seven8.npy", "row 3, column 0", "label 7"]),
        ("newline in a header key", ["--scores", f.raw("nlkey.npy",
            npy_bytes("{'de\nscr': '<f4', 'fortran_order': False, "
                      "'shape': (4, 4), }", body)), "--labels", mask], DATA,
         ["nlkey.npy", "unexpected or repeated key", "de\\x0ascr"]),
        ("control bytes in descr", ["--scores", f.raw("ctl.npy", npy_bytes(
            hdr % ("<f\x1b[2J\r", "False", "(4, 4)"), body)), "--labels",
            mask], DATA, ["unsupported dtype", "\\x1b", "\\x0d"]),
        ("newline in a file name", ["--scores", tmp("new\nline.npy"),
                                    "--labels", mask], DATA,
         ["new\\x0aline.npy", "no such file"]),
        ("FIFO as scores", ["--scores", tmp("fifo"), "--labels", mask], DATA,
         ["fifo", "not a regular file", "FIFO"]),
        ("FIFO as labels", ["--scores", good, "--labels", tmp("fifo")],
         DATA, ["fifo", "not a regular file", "FIFO"]),
        ("device as scores", ["--scores", "/dev/zero", "--labels", mask],
         DATA, ["/dev/zero", "not a regular file", "device"]),
        ("directory among files", ["--scores", good, good, "--labels", mask,
                                   tmp("")], USAGE, ["is a directory"]),
        ("missing key", ["--scores", f.raw("nokey.npy", npy_bytes(
            "{'descr': '<f4', 'shape': (4, 4), }", body)), "--labels", mask],
         DATA, ["malformed", "missing"]),
        ("unknown key", ["--scores", f.raw("extra.npy", npy_bytes(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), "
            "'x': 1}", body)), "--labels", mask], DATA, ["malformed", "'x'"]),
        ("not a dict", ["--scores", f.raw("list.npy", npy_bytes(
            "['<f4', False, (4, 4)]", body)), "--labels", mask],
         DATA, ["malformed"]),
        ("one dimension", ["--scores", f.array("flat.npy", np.zeros(
            16, np.float32)), "--labels", mask], DATA, ["1 dimension"]),
        ("bool scores", ["--scores", f.array("bs.npy", np.eye(4, dtype=bool)),
                         "--labels", mask], DATA, ["scores must be"]),
        ("float labels", ["--scores", good, "--labels", f.array(
            "fl.npy", np.eye(4, dtype=np.float32))], DATA,
         ["labels must be uint8, bool, int32 or int64", "float32"]),
        ("shape mismatch", ["--scores", f.array("stack.npy", np.zeros(
            (4, 64, 64), np.float32)), "--labels", tmp("mask64.png")],
         DATA, ["stack.npy is 4 x 64 x 64 but", "mask64.png is 64 x 64"]),
        ("image count mismatch", ["--scores", good, good, "--labels",
                                  mask, mask, mask], DATA,
         ["2 image(s)", "hold 3"]),
        ("RGB PNG", ["--scores", good, "--labels", tmp("rgb.png")], DATA,
         ["rgb.png", "RGB", "8-bit grayscale"]),
        ("16-bit PNG", ["--scores", good, "--labels", tmp("gray16.png")],
         DATA, ["16-bit"]),
        ("NaN score", ["--scores", f.array("nan.npy", nan), "--labels",
                       mask], DATA, ["nan.npy", "row 2, column 3", "nan"]),
        ("score above 1", ["--scores", f.array("high.npy", high), "--labels",
                           mask], DATA, ["row 1, column 1", "outside"]),
        ("label 7", ["--scores", good, "--labels", f.array("seven.npy",
                                                           seven)],
         DATA, ["seven.npy", "row 3, column 0", "label 7"]),
        ("label 255 with --ignore none", ["--scores", good, "--labels",
            f.array("ign.npy", np.full((4, 4), 255, np.uint8)), "--ignore",
            "none"], DATA, ["label 255"]),
        ("unwritable CSV", ["--scores", good, "--labels", mask, "--csv",
                            tmp("no/such/dir.csv")], DATA,
         ["dir.csv", "cannot create"]),
        ("unknown option", ["--scores", good, "--labels", mask,
                            "--frobnicate"], USAGE,
         ["unknown option", "--frobnicate"]),
        ("bins 0", ["--scores", good, "--labels", mask, "--bins", "0"],
         USAGE, ["--bins 0", "out of range"]),
        ("bins too large", ["--scores", good, "--labels", mask, "--bins",
                            "99999999999"], USAGE, ["out of range"]),
        ("bins not a number", ["--scores", good, "--labels", mask,
                               "--bins", "12x"], USAGE,
         ["--bins", "'12x'", "not an integer"]),
        ("bins beyond long long", ["--scores", good, "--labels", mask,
                                   "--bins=99999999999999999999"], USAGE,
         ["--bins 99999999999999999999 is out of range (1..16777216)"]),
        ("bins far beyond long long", ["--scores", good, "--labels", mask,
                                       "--bins", "99999999999999999999999"],
         USAGE, ["--bins 99999999999999999999999 is out of range"]),
        ("negative bins", ["--scores", good, "--labels", mask, "--bins",
                           "-5"], USAGE,
         ["--bins -5 is out of range (1..16777216)"]),
        ("negative bins with =", ["--scores", good, "--labels", mask,
                                  "--bins=-5"], USAGE,
         ["--bins -5 is out of range"]),
        ("bins beyond long long, negative", ["--scores", good, "--labels",
                                             mask, "--bins",
                                             "-99999999999999999999"],
         USAGE, ["out of range"]),
        ("negative ignore label", ["--scores", good, "--labels", mask,
                                   "--ignore", "-1"], USAGE,
         ["--ignore -1 is out of range (2..255, or none)"]),
        ("ignore beyond long long", ["--scores", good, "--labels", mask,
                                     "--ignore", "99999999999999999999"],
         USAGE, ["--ignore 99999999999999999999 is out of range"]),
        ("ignore not a number", ["--scores", good, "--labels", mask,
                                 "--ignore", "x"], USAGE,
         ["--ignore", "'x'", "not an integer"]),
        ("negative zero division", ["--scores", good, "--labels", mask,
                                    "--zero-division", "-1"], USAGE,
         ["--zero-division must be 0, 1 or nan, not '-1'"]),
        ("csv followed by an option", ["--scores", good, "--labels", mask,
                                       "--csv", "--json"], USAGE,
         ["--csv needs a value"]),
        ("bins without value", ["--scores", good, "--labels", mask,
                                "--bins"], USAGE, ["--bins", "needs a value"]),
        ("bad rule", ["--scores", good, "--labels", mask, "--rule", "le"],
         USAGE, ["--rule", "ge or gt"]),
        ("bad ignore", ["--scores", good, "--labels", mask, "--ignore", "1"],
         USAGE, ["--ignore 1", "out of range"]),
        ("bad zero division", ["--scores", good, "--labels", mask,
                               "--zero-division", "2"], USAGE,
         ["--zero-division"]),
        ("flag with value", ["--scores", good, "--labels", mask,
                             "--json=yes"], USAGE, ["--json takes no value"]),
        ("no labels", ["--scores", valid], USAGE, ["no --labels"]),
        ("no arguments", [], USAGE, ["no --scores"]),
        ("stray argument", ["stray.npy", "--scores", good, "--labels", mask],
         USAGE, ["unexpected argument", "stray.npy"]),
    ]


def check_case(c, tool, name, args, status, words):
    code, out, err = tool.run(*args, timeout=120)
    lines = err.split("\n")
    c.check(re.fullmatch(r"[ -~]*\n", err) is not None,
            "%s: stderr is not one printable line: %r" % (name, err))
    c.check(code == status, "%s: exit %d, expected %d" % (name, code, status))
    c.check(out == "", "%s: stdout not empty: %r" % (name, out[:80]))
    c.check(len(lines) == 2 and lines[1] == "",
            "%s: stderr is not one line: %r" % (name, err))
    c.check(err.startswith("prcurve-eval: "),
            "%s: stderr lacks the prefix: %r" % (name, err))
    for word in words:
        c.check(word.lower() in err.lower(),
                "%s: %r not in %r" % (name, word, err))


def check_accepted(c, tool, f):
    """Format versions 2.0 and 3.0, and header variants NumPy accepts."""
    body = np.full(16, 0.25, dtype="<f8").tobytes()
    mask = f.array("m.npy", np.eye(4, dtype=np.uint8))
    headers = [
        ("version 2.0", "{'descr': '<f8', 'fortran_order': False, "
         "'shape': (4, 4), }", (2, 0)),
        ("version 3.0", "{'descr': '<f8', 'fortran_order': False, "
         "'shape': (4, 4), }", (3, 0)),
        ("no spaces, double quotes", '{"shape":(1,4,4),"descr":"<f8",'
         '"fortran_order":False}', (1, 0)),
    ]
    for name, header, version in headers:
        path = f.raw("ok.npy", npy_bytes(header, body, version))
        code, out, err = tool.run("--scores", path, "--labels", mask,
                                  "--json")
        c.check(code == 0 and err == "", "%s refused: %r" % (name, err))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--wrapper", default="",
                        help="command to run the tool under, e.g. valgrind")
    args = parser.parse_args()
    tool, c = Tool(args.eval, args.wrapper), Checker()

    with tempfile.TemporaryDirectory() as tmp:
        f = Files(tmp)
        os.mkfifo(os.path.join(tmp, "fifo"))  # never opened for writing
        for name, case_args, status, words in make_cases(f):
            check_case(c, tool, name, case_args, status, words)
        check_accepted(c, tool, f)
    c.finish("error handling")


if __name__ == "__main__":
    main()
