"""mpi_eval's messages on 2 ranks over loopback: a usage error, which every
rank finds alike, is printed once (by rank 0), not once per rank; a bad
file is reported by the rank that reads it, so two bad files on two ranks
give two different lines.  Skipped, saying so, without mpirun."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from cli_common import Checker

MPI_FLAGS = ["--allow-run-as-root", "--oversubscribe", "--mca", "btl",
             "self,vader"]


def run(mpiexec, mpi_eval, *args):
    proc = subprocess.run([mpiexec] + MPI_FLAGS + ["-np", "2", mpi_eval] +
                          list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120)
    ours = [x for x in proc.stderr.split("\n") if x.startswith("mpi_eval:")]
    return proc.returncode, proc.stdout, ours


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mpi-eval", default="")
    parser.add_argument("--mpiexec", default="")
    args = parser.parse_args()
    mpiexec = args.mpiexec or shutil.which("mpirun") or ""
    if not mpiexec or not os.path.exists(args.mpi_eval):
        print("mpirun or mpi_eval not found: mpi_eval messages not tested")
        return
    c = Checker()
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "good.npy")
        mask = os.path.join(tmp, "mask.npy")
        bad = [os.path.join(tmp, "bad%d.npy" % i) for i in range(2)]
        np.save(good, np.full((4, 4), 0.5, np.float32))
        np.save(mask, np.eye(4, dtype=np.uint8))
        for path in bad:
            with open(path, "wb") as f:
                f.write(b"not a .npy file")

        usage = [("--bins 0", ["--bins", "0", "--scores", good, good,
                               "--labels", mask, mask]),
                 ("unknown option", ["--frobnicate", "--scores", good,
                                     "--labels", mask]),
                 ("unpaired files", ["--scores", good, good, "--labels",
                                     mask])]
        for name, case in usage:
            code, out, lines = run(mpiexec, args.mpi_eval, *case)
            c.check(code != 0 and out == "", "%s: exit %d, stdout %r"
                    % (name, code, out))
            c.check(len(lines) == 1, "%s: %d lines instead of one: %r"
                    % (name, len(lines), lines))

        code, out, lines = run(mpiexec, args.mpi_eval, "--scores", good,
                               bad[1], "--labels", mask, mask)
        c.check(code != 0 and len(lines) == 1 and "bad1.npy" in lines[0],
                "rank 1's bad file: %r" % lines)
        code, out, lines = run(mpiexec, args.mpi_eval, "--scores", bad[0],
                               bad[1], "--labels", mask, mask)
        c.check(code != 0 and len(lines) == 2 and
                any("bad0.npy" in x for x in lines) and
                any("bad1.npy" in x for x in lines),
                "each rank reports its own bad file: %r" % lines)
    c.finish("mpi_eval messages")


if __name__ == "__main__":
    sys.exit(main())
