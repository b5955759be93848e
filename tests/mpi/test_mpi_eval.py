"""mpi_eval on 2 and 3 ranks prints exactly what prcurve-eval prints on all
the files: the JSON (pooled and per-image) byte for byte.

usage: test_mpi_eval.py PRCURVE_EVAL MPI_EVAL MPIEXEC SAMPLE_DATA_DIR
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

prcurve_eval, mpi_eval, mpiexec, data = sys.argv[1:5]
# Loopback only, shared memory between ranks, and the flags root needs.
MPI_FLAGS = ["--allow-run-as-root", "--oversubscribe",
             "--mca", "btl", "self,vader"]


def run(command):
    done = subprocess.run(command, capture_output=True, text=True,
                          timeout=120)
    if done.returncode != 0:
        sys.exit("failed (%d): %s\n%s" % (done.returncode, " ".join(command),
                                          done.stderr))
    return done.stdout


def main():
    scores = np.load(os.path.join(data, "scores.npy"))
    labels = np.load(os.path.join(data, "labels_u8.npy"))
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(scores.shape[0]):
            s = os.path.join(tmp, "scores_%d.npy" % i)
            l = os.path.join(tmp, "labels_%d.npy" % i)
            np.save(s, scores[i])
            np.save(l, labels[i])
            files.append((s, l))
        args = (["--scores"] + [s for s, _ in files]
                + ["--labels"] + [l for _, l in files])
        checked = 0
        for extra in (["--json"], ["--json", "--per-image", "--bins", "99",
                                   "--rule", "gt"]):
            single = run([prcurve_eval] + args + extra)
            for ranks in (2, 3):
                spread = run([mpiexec] + MPI_FLAGS + ["-np", str(ranks),
                                                      mpi_eval]
                             + args + extra)
                if spread != single:
                    sys.exit("mpi_eval on %d ranks (%s) differs from "
                             "prcurve-eval" % (ranks, " ".join(extra)))
                checked += 1
        print("%d passed, 0 failed" % checked)


main()
