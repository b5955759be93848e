"""prcurve: Python bindings of libprcurve, precision-recall curves of
segmentation models in one pass over the pixels.

Pure ctypes over the shared library, which is found through the
PRCURVE_LIBRARY environment variable, else in the source tree's build
directories (build*/lib), else by the system loader.  Arrays are read in
place, never copied, whatever their strides (crops, channel slices of NCHW
arrays, flipped views): they must be numpy arrays of a supported dtype in
native byte order (scores float16, float32, float64, uint8 or uint16;
labels uint8, bool, int32 or int64), and anything else is refused with an
error that names the conversion to make.

Streaming::

    acc = prcurve.Accumulator(bins=1000, per_image=True)
    for scores, labels in batches:   # (H, W) or (N, H, W) arrays
        acc.update(scores, labels)
    result = acc.compute()
    result.average_precision, result.precision, result.recall

Classes (C channels, one-vs-rest curves in one pass)::

    acc = prcurve.Accumulator(bins=1000, classes=21, layout="nchw")
    acc.update(softmax, class_map)   # (N, C, H, W) and (N, H, W)
    result = acc.compute()
    result.mean_average_precision["macro"], result.classes[3].auroc

scikit-learn-shaped::

    precision, recall, thresholds = prcurve.precision_recall_curve(y, s)
    ap = prcurve.average_precision_score(y, s, bins=255)
    ap = prcurve.average_precision_score(onehot, score_matrix,
                                         average="macro")
"""

from ._native import LIB as _LIB
from ._native import LIBRARY_PATH, PrcurveError
from ._accumulator import Accumulator, Result
from ._sklearn import average_precision_score, precision_recall_curve

__all__ = ["Accumulator", "Result", "PrcurveError", "precision_recall_curve",
           "average_precision_score", "library_version", "LIBRARY_PATH"]


def library_version():
    """The version of the loaded shared library, e.g. "0.1.0"."""
    return _LIB.prc_version_string().decode()
