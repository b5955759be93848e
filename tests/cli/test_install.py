"""An installed prcurve-eval runs from any prefix without LD_LIBRARY_PATH:
the build is installed into a temporary prefix, and the tool there must
find the libprcurve installed next to it (its RUNPATH is relative to the
executable) and evaluate the sample data."""

import argparse
import os
import shutil
import subprocess
import tempfile

from cli_common import Checker, sample_paths


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cmake", required=True)
    parser.add_argument("--build", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    c = Checker()
    with tempfile.TemporaryDirectory() as prefix:
        subprocess.run([args.cmake, "--install", args.build, "--prefix",
                        prefix], stdout=subprocess.DEVNULL, check=True)
        tool = os.path.join(prefix, "bin", "prcurve-eval")
        env = {k: v for k, v in os.environ.items()
               if k not in ("LD_LIBRARY_PATH", "PRCURVE_LIBRARY")}
        p = sample_paths(args.data)
        proc = subprocess.run([tool, "--scores", p["scores_u8"], "--labels",
                               p["labels_u8"]], env=env,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE,
                              universal_newlines=True)
        c.check(proc.returncode == 0 and "average precision" in proc.stdout,
                "the installed tool does not run: exit %d, %r"
                % (proc.returncode, proc.stderr))
        ldd = shutil.which("ldd")
        if ldd:
            out = subprocess.run([ldd, tool], env=env, stdout=subprocess.PIPE,
                                 universal_newlines=True).stdout
            line = [x for x in out.split("\n") if "libprcurve" in x]
            c.check(len(line) == 1 and os.path.realpath(prefix) in
                    os.path.realpath(line[0].split("=>")[1].split("(")[0]
                                     .strip()),
                    "libprcurve is not the installed one: %r" % line)
    c.finish("installed prcurve-eval")


if __name__ == "__main__":
    main()
