"""The scikit-learn-shaped face: precision_recall_curve and
average_precision_score over one binned pass."""

import numpy as np

from . import _native as n
from ._accumulator import (Accumulator, _LABEL_DTYPES, _SCORE_DTYPES,
                           _WEIGHT_DTYPES, as_images, check_array)

_AVERAGES = ("macro", "weighted", "micro", None)


def _check_weight(sample_weight, y_true):
    """The dtype code of sample_weight, an array shaped like y_true."""
    code = check_array(sample_weight, "sample_weight", _WEIGHT_DTYPES,
                       min_ndim=1)
    if sample_weight.shape != y_true.shape:
        raise ValueError("sample_weight has shape %s but y_true has shape "
                         "%s" % (sample_weight.shape, y_true.shape))
    return code


def _accumulate(y_true, y_score, bins, rule, ignore_label, nan_policy,
                range_policy, sample_weight=None):
    """An accumulator fed every element of the two arrays (any shape and
    strides, read in place; see as_images), weighted by sample_weight
    (same shape, float32 or float64) if given."""
    l_code = check_array(y_true, "y_true", _LABEL_DTYPES, min_ndim=1)
    s_code = check_array(y_score, "y_score", _SCORE_DTYPES, min_ndim=1)
    if y_true.shape != y_score.shape:
        raise ValueError("y_true has shape %s but y_score has shape %s"
                         % (y_true.shape, y_score.shape))
    weights = None
    if sample_weight is not None:
        w_code = _check_weight(sample_weight, y_true)
        weights = (w_code, sample_weight.ctypes.data,
                   as_images(sample_weight, "sample_weight")[1])
    acc = Accumulator(bins=bins, rule=rule, ignore_label=ignore_label,
                      nan_policy=nan_policy, range_policy=range_policy,
                      weighted=sample_weight is not None)
    shape, s_strides = as_images(y_score, "y_score")
    l_strides = as_images(y_true, "y_true")[1]
    acc._feed(shape, (s_code, y_score.ctypes.data, s_strides),
              (l_code, y_true.ctypes.data, l_strides), weights=weights)
    return acc


def precision_recall_curve(y_true, probas_pred, *, sample_weight=None,
                           bins=1000, rule="ge", ignore_label=None,
                           nan_policy="reject", range_policy="reject"):
    """Precision-recall pairs in scikit-learn's order and shape convention.

    Returns ``precision, recall, thresholds``: ``thresholds`` increasing,
    ``precision[i]`` and ``recall[i]`` those of predicting positive every
    element with score >= ``thresholds[i]`` (``>`` under rule 'gt'), and a
    last point precision 1, recall 0 appended without a threshold, so
    ``len(precision) == len(recall) == len(thresholds) + 1``.

    How it differs from sklearn.metrics.precision_recall_curve:

    * the thresholds are bin thresholds k / bins, not the distinct scores.
      Of the bins + 1 of them, a threshold is kept when it predicts at least
      one element positive and more elements than the next threshold up,
      just as scikit-learn has one threshold per distinct score.  Scores
      that share a bin share an operating point, so on float scores the
      curve is an approximation; uint8 scores (v / 255) with bins=255, or
      any scores lying on thresholds, give scikit-learn's points exactly
      (with thresholds k / 255 where scikit-learn reports k);
    * y_true must be uint8, bool, int32 or int64 with values 0 and 1 (and
      the ignore_label, if given, whose elements count nowhere); y_score
      must be float16, float32, float64, uint8 (v/255) or uint16 (v/65535)
      in [0, 1]; both numpy arrays of the same shape, read in place with
      any strides;
    * sample_weight, if given, is a float32 or float64 array of y_true's
      shape, each weight finite and in [0, 2^24], kept to multiples of
      2^-16 (PrcurveError PRC_E_WEIGHT otherwise); a threshold is then
      kept where the weighted counts change;
    * with no positive element recall is undefined: PrcurveError
      (PRC_E_NO_POSITIVES) instead of a warning and recall 1;
    * no pos_label or drop_intermediate.
    """
    acc = _accumulate(y_true, probas_pred, bins, rule, ignore_label,
                      nan_policy, range_policy, sample_weight)
    res = acc.compute()
    if res.positives == 0:
        raise n.PrcurveError(15, "y_true has no positive element")
    tp, fp = res.tp, res.fp
    predicted = (tp + fp) > 0
    changes = np.ones(res.rows, dtype=bool)
    changes[:-1] = (tp[:-1] != tp[1:]) | (fp[:-1] != fp[1:])
    keep = predicted & changes
    precision = tp[keep] / (tp[keep] + fp[keep])
    recall = tp[keep] / float(res.positives)
    return (np.hstack((precision, 1.0)), np.hstack((recall, 0.0)),
            np.array(res.thresholds[keep]))


def _accumulate_classes(y_true, y_score, bins, rule, ignore_label,
                        nan_policy, range_policy, sample_weight=None):
    """An accumulator with one class per column of y_score
    (n_samples, n_classes), against y_true of the same shape (multi-label
    indicators) or 1-D class indices; read in place, any strides."""
    s_code = check_array(y_score, "y_score", _SCORE_DTYPES, min_ndim=1)
    l_code = check_array(y_true, "y_true", _LABEL_DTYPES, min_ndim=1)
    samples, classes = y_score.shape
    multilabel = y_true.ndim == 2
    if y_true.shape[0] != samples or (multilabel and
                                      y_true.shape != y_score.shape):
        raise ValueError("y_true has shape %s but y_score has shape %s"
                         % (y_true.shape, y_score.shape))
    if not 2 <= classes <= 254:
        raise ValueError("y_score has %d columns; libprcurve takes 2 to 254 "
                         "classes" % classes)
    weights = None
    if sample_weight is not None:
        w_code = check_array(sample_weight, "sample_weight", _WEIGHT_DTYPES,
                             min_ndim=1)
        if sample_weight.shape != (samples,):
            raise ValueError("sample_weight has shape %s; expected (%d,), "
                             "one weight per sample"
                             % (sample_weight.shape, samples))
        weights = (w_code, sample_weight.ctypes.data,
                   (0, sample_weight.strides[0], 0))
    acc = Accumulator(bins=bins, rule=rule, ignore_label=ignore_label,
                      nan_policy=nan_policy, range_policy=range_policy,
                      classes=classes, multilabel=multilabel,
                      weighted=sample_weight is not None)
    # Every sample a pixel of one image, one pixel wide.
    s_strides = (0, y_score.strides[0], 0)
    l_strides = (0, y_true.strides[0], 0)
    acc._feed((1, samples, 1), (s_code, y_score.ctypes.data, s_strides),
              (l_code, y_true.ctypes.data, l_strides),
              (y_score.strides[1], y_true.strides[1] if multilabel else 0),
              weights)
    return acc


def average_precision_score(y_true, y_score, *, average="macro",
                            sample_weight=None, bins=1000, rule="ge",
                            ignore_label=None, nan_policy="reject",
                            range_policy="reject"):
    """Average precision as scikit-learn defines it, the sum over the curve
    of (R[k] - R[k+1]) P[k], over bin thresholds k / bins (see
    precision_recall_curve for what that changes).  Equal to
    sklearn.metrics.average_precision_score for uint8 scores with
    bins=255.  Arrays as for precision_recall_curve.  With no positive
    element AP is undefined: PrcurveError (PRC_E_NO_POSITIVES), never 0.

    Classes, in scikit-learn's shapes: a 2-D y_score (n_samples,
    n_classes) against a y_true of the same shape (multi-label indicators,
    one-hot for multi-class) or against 1-D class indices (one-vs-rest).
    ``average``: 'macro' (mean of the classes' APs), 'weighted' (weighted
    by each class's positives), 'micro' (AP of the pooled one-vs-rest
    curve) or None (the classes' APs as an array, NaN for a class without
    a positive; scikit-learn warns there).  Unlike scikit-learn, macro and
    weighted leave out classes without a positive instead of counting
    them as 0.  Any other shape (1-D, or images of any dimension) is one
    binary problem and ``average`` is not used.

    ``sample_weight``: float32 or float64 weights, finite and in
    [0, 2^24], one per sample: shaped like y_true for one binary problem,
    (n_samples,) with classes.  Equal to scikit-learn's with
    sample_weight for uint8 scores with bins=255 and weights that are
    multiples of 2^-16."""
    if average not in _AVERAGES:
        raise ValueError("average must be 'macro', 'weighted', 'micro' or "
                         "None, not %r" % (average,))
    if isinstance(y_score, np.ndarray) and y_score.ndim == 2 and \
            isinstance(y_true, np.ndarray) and y_score.shape[1] > 1 and \
            (y_true.shape == y_score.shape or
             y_true.shape == y_score.shape[:1]):
        acc = _accumulate_classes(y_true, y_score, bins, rule, ignore_label,
                                  nan_policy, range_policy, sample_weight)
        res = acc.compute()
        if average is None:
            return np.array([np.nan if c.average_precision is None
                             else c.average_precision for c in res.classes])
        value = res.mean_average_precision[average]
        if value is None:
            raise n.PrcurveError(15, "no class has a positive element")
        return value
    acc = _accumulate(y_true, y_score, bins, rule, ignore_label, nan_policy,
                      range_policy, sample_weight)
    res = acc.compute()
    if res.average_precision is None:
        raise n.PrcurveError(15, res.undefined.get("average_precision", ""))
    return res.average_precision
