"""The committed sample data is exactly what make-sample-data writes:
regenerate it into a temporary directory and compare."""

import argparse
import filecmp
import os
import subprocess
import tempfile

import numpy as np

from cli_common import Checker, read_png_gray8, sample_paths


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--generator", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    c = Checker()

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([args.generator, tmp], check=True)
        for name in ("scores.npy", "scores_u8.npy", "labels_u8.npy"):
            c.check(filecmp.cmp(os.path.join(tmp, name),
                                os.path.join(args.data, name),
                                shallow=False),
                    "%s differs from the committed file" % name)
        for i in range(8):
            name = os.path.join("labels", "slice_%02d.png" % i)
            fresh = read_png_gray8(os.path.join(tmp, name))
            kept = read_png_gray8(os.path.join(args.data, name))
            c.check(np.array_equal(fresh, kept),
                    "%s decodes to different pixels" % name)

    # The formats agree with each other and with the description.
    p = sample_paths(args.data)
    scores = np.load(p["scores"])
    labels = np.load(p["labels_u8"])
    pngs = np.stack([read_png_gray8(f) for f in p["pngs"]])
    c.check(scores.dtype == np.float32 and scores.shape == (8, 128, 128),
            "scores.npy is not float32 8 x 128 x 128")
    c.check(np.array_equal(pngs, labels), "PNG labels != labels_u8.npy")
    # uint8 scores round the unrounded score, so allow one step of 1/255.
    rounded = np.floor(255.0 * scores.astype(np.float64) + 0.5)
    c.check(np.abs(np.load(p["scores_u8"]) - rounded).max() <= 1.0,
            "scores_u8.npy is not round(255 * scores)")
    c.check(set(np.unique(labels)) == {0, 1, 255}, "labels not {0, 1, 255}")
    c.check(((labels == 1).sum(axis=(1, 2)) == 0).sum() >= 1,
            "no slice without nodules")
    c.check(0.0 <= scores.min() and scores.max() <= 1.0, "scores not in [0,1]")

    total = sum(os.path.getsize(os.path.join(d, f))
                for d, _, files in os.walk(args.data) for f in files)
    c.check(total < 2 * 1024 * 1024, "sample data is %d bytes" % total)
    c.finish("sample data")


if __name__ == "__main__":
    main()
