"""Accumulator options checked in Python before they reach a C integer:
values past an option's range (or past 2^64, which ctypes would wrap) are
refused with a ValueError naming the option, as are the combinations
prcurve-eval refuses (a seed without bootstrap replicates, multilabel
without classes)."""

import sys

import numpy as np

import prcurve

FAILURES = []


def check(condition, message):
    print("%s %s" % ("ok  " if condition else "FAIL", message), flush=True)
    if not condition:
        FAILURES.append(message)


def refused(kwargs, words):
    try:
        prcurve.Accumulator(**kwargs)
    except ValueError as error:
        text = str(error)
        check(all(w in text for w in words),
              "%r refused: %s" % (kwargs, text))
        return
    check(False, "%r refused" % (kwargs,))


def check_kernels_and_threads():
    """Every kernel this processor has, on 1 and 3 threads, counts the
    same (the state, element for element) as the portable one on 1; an
    accumulator names the kernel it runs, automatic the widest."""
    rng = np.random.default_rng(7)
    scores = rng.random((3, 70, 90), dtype=np.float32)
    labels = (rng.random((3, 70, 90)) < 0.2).astype(np.uint8)
    labels[:, ::7, ::5] = 255
    base = prcurve.Accumulator(bins=100, kernel="scalar")
    base.update(scores, labels)
    have = []
    for name in ("scalar", "sse2", "avx2", "avx512"):
        for threads in (1, 3):
            try:
                acc = prcurve.Accumulator(bins=100, kernel=name,
                                          threads=threads)
            except prcurve.PrcurveError:
                break
            acc.update(scores, labels)
            check(acc.kernel == name, "%s names itself" % name)
            check(np.array_equal(acc.state(), base.state()),
                  "%s on %d thread(s) counts as the portable kernel"
                  % (name, threads))
        else:
            have.append(name)
    check("scalar" in have, "the portable kernel is always there")
    check(prcurve.Accumulator().kernel == have[-1],
          "automatic runs the widest kernel, %s" % have[-1])


def main():
    big = 2 ** 64
    refused({"bins": big + 10}, ["bins", "1..16777216"])
    refused({"bins": 0}, ["bins", "1..16777216"])
    refused({"bins": -1}, ["bins"])
    refused({"classes": big + 3}, ["classes", "1..254"])
    refused({"classes": 255}, ["classes"])
    refused({"bootstrap": big + 5}, ["bootstrap", "0..1000"])
    refused({"bootstrap": 1001}, ["bootstrap"])
    refused({"bootstrap": 10, "seed": big + 1}, ["seed"])
    refused({"bootstrap": 10, "seed": 2 ** 63}, ["seed"])
    refused({"bootstrap": 10, "seed": -1}, ["seed"])
    refused({"ignore_label": big + 255}, ["ignore_label", "2..255"])
    refused({"seed": 3}, ["seed", "bootstrap"])
    refused({"multilabel": True}, ["multilabel", "classes"])

    refused({"threads": 0}, ["threads", "1..256"])
    refused({"threads": 257}, ["threads", "1..256"])
    refused({"kernel": "neon"}, ["kernel", "'avx512'"])
    check_kernels_and_threads()

    acc = prcurve.Accumulator(bootstrap=10, seed=2 ** 63 - 1, classes=3,
                              multilabel=True, bins=16777216)
    check(acc.option("seed") == 2 ** 63 - 1, "largest seed kept")
    check(acc.option("bins") == 16777216, "largest bins kept")
    check(prcurve.Accumulator(ignore_label=None).option("ignore_label")
          == -1, "ignore_label None accepted")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
