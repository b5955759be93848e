"""Loading libprcurve through ctypes: where the shared library is looked
for, the C signatures, the enum values of prcurve.h, and PrcurveError."""

import ctypes
import ctypes.util
import glob
import os

# Enum values of prcurve.h; part of the ABI, never renumbered.
OPT_BINS, OPT_RULE, OPT_ZERO_DIVISION, OPT_IGNORE_LABEL = 1, 2, 3, 4
OPT_NAN_POLICY, OPT_RANGE_POLICY, OPT_PER_IMAGE = 5, 6, 7
OPT_CLASSES, OPT_MULTILABEL, OPT_BOOTSTRAP, OPT_SEED = 10, 11, 12, 13
OPT_WEIGHTED = 14
OPT_KERNEL, OPT_THREADS = 8, 9
# Counts of a weighted accumulator are in units of 1 / WEIGHT_ONE.
WEIGHT_ONE = 65536
LAYOUT_NCHW, LAYOUT_NHWC = 0, 1
NO_IGNORE_LABEL = -1
DTYPE_FLOAT32, DTYPE_FLOAT64, DTYPE_UINT8, DTYPE_BOOL = 1, 2, 3, 4
DTYPE_FLOAT16, DTYPE_BFLOAT16, DTYPE_UINT16 = 5, 6, 7
DTYPE_INT32, DTYPE_INT64 = 8, 9
COL_THRESHOLD, COL_PRECISION, COL_RECALL = 1, 2, 3
COL_TP, COL_FP, COL_FN, COL_TN, COL_F1 = 4, 5, 6, 7, 8
COL_IMAGE_PRECISION, COL_IMAGE_RECALL = 9, 10
ANALYTIC_COLUMNS = {"tpr": 11, "fpr": 12, "dice": 13, "iou": 14,
                    "specificity": 15, "accuracy": 16}
METRICS = {
    "average_precision": 1,
    "auprc_trapezoid": 2,
    "best_f1": 3,
    "best_f1_threshold": 4,
    "image_average_precision": 5,
    "image_auprc_trapezoid": 6,
    "mean_image_average_precision": 7,
    "auroc": 8,
    "best_dice": 9,
    "best_dice_threshold": 10,
    "best_iou": 11,
    "best_iou_threshold": 12,
    "ap_lower": 13,
    "ap_upper": 14,
    "ap_voc11": 15,
    "ap_coco101": 16,
    "ap_interpolated": 17,
    "ece": 18,
}
MEAN_AP = {"macro": 19, "weighted": 20, "micro": 21}
# The summaries prc_result_interval takes.
INTERVAL_METRICS = ("average_precision", "auprc_trapezoid", "best_f1",
                    "auroc")
TALLIES = {
    "pixels": 1,
    "positives": 2,
    "negatives": 3,
    "ignored": 4,
    "skipped": 5,
    "images": 6,
    "images_without_positives": 7,
    "classes_without_positives": 8,
}
PRC_OK = 0
PRC_E_OPTION_VALUE = 4
PRC_E_NOT_ENABLED = 14
PRC_E_NO_POSITIVES = 15
PRC_E_UNSUPPORTED = 24
PRC_E_NOT_REACHED = 27
PRC_E_WEIGHT = 29
# Tallies that count pixels, and so weights in a weighted result.
PIXEL_TALLIES = ("pixels", "positives", "negatives", "ignored", "skipped")

_VOID_P = ctypes.c_void_p
_SIZE = ctypes.c_size_t
_INT = ctypes.c_int
_PTR_VOID_P = ctypes.POINTER(ctypes.c_void_p)
_PTR_DOUBLE = ctypes.POINTER(ctypes.c_double)
_PTR_U64 = ctypes.POINTER(ctypes.c_uint64)
_PTR_I64 = ctypes.POINTER(ctypes.c_int64)
_PTR_SIZE = ctypes.POINTER(ctypes.c_size_t)

# name: (argument types, result type)
_SIGNATURES = {
    "prc_version_number": ([], ctypes.c_uint),
    "prc_version_string": ([], ctypes.c_char_p),
    "prc_status_message": ([_INT], ctypes.c_char_p),
    "prc_status_name": ([_INT], ctypes.c_char_p),
    "prc_options_create": ([_PTR_VOID_P], _INT),
    "prc_options_free": ([_VOID_P], None),
    "prc_options_set": ([_VOID_P, _INT, ctypes.c_int64], _INT),
    "prc_option_bounds": ([_INT, _PTR_I64, _PTR_I64, _PTR_I64], _INT),
    "prc_options_set_range": ([_VOID_P, ctypes.c_double, ctypes.c_double],
                              _INT),
    "prc_options_set_thresholds": ([_VOID_P, _VOID_P, _SIZE], _INT),
    "prc_batch_create": ([_PTR_VOID_P], _INT),
    "prc_batch_free": ([_VOID_P], None),
    "prc_batch_set_shape": ([_VOID_P, _SIZE, _SIZE, _SIZE], _INT),
    "prc_batch_set_scores": ([_VOID_P, _INT, _VOID_P], _INT),
    "prc_batch_set_labels": ([_VOID_P, _INT, _VOID_P], _INT),
    "prc_batch_set_score_strides": ([_VOID_P, _PTR_I64], _INT),
    "prc_batch_set_label_strides": ([_VOID_P, _PTR_I64], _INT),
    "prc_batch_set_weights": ([_VOID_P, _INT, _VOID_P], _INT),
    "prc_batch_set_weight_strides": ([_VOID_P, _PTR_I64], _INT),
    "prc_accumulator_create": ([_PTR_VOID_P, _VOID_P], _INT),
    "prc_accumulator_free": ([_VOID_P], None),
    "prc_accumulator_feed": ([_VOID_P, _VOID_P], _INT),
    "prc_accumulator_finalize": ([_VOID_P, _PTR_VOID_P], _INT),
    "prc_accumulator_reset": ([_VOID_P], None),
    "prc_accumulator_get_option": ([_VOID_P, _INT, _PTR_I64], _INT),
    "prc_accumulator_last_error": ([_VOID_P], ctypes.c_char_p),
    "prc_accumulator_kernel": ([_VOID_P], _INT),
    "prc_accumulator_merge": ([_VOID_P, _VOID_P], _INT),
    "prc_accumulator_state": ([_VOID_P, ctypes.POINTER(_PTR_U64),
                               _PTR_SIZE], _INT),
    "prc_accumulator_add_state": ([_VOID_P, _VOID_P, _SIZE], _INT),
    "prc_accumulator_serialize": ([_VOID_P, _VOID_P, _SIZE, _PTR_SIZE],
                                  _INT),
    "prc_accumulator_deserialize": ([_PTR_VOID_P, _VOID_P, _SIZE], _INT),
    "prc_result_free": ([_VOID_P], None),
    "prc_result_rows": ([_VOID_P], _SIZE),
    "prc_result_column": ([_VOID_P, _INT, _SIZE, _SIZE, _VOID_P], _INT),
    "prc_result_counts": ([_VOID_P, _INT, _SIZE, _SIZE, _VOID_P], _INT),
    "prc_result_metric": ([_VOID_P, _INT, _PTR_DOUBLE], _INT),
    "prc_result_tally": ([_VOID_P, _INT, _PTR_U64], _INT),
    "prc_result_get_option": ([_VOID_P, _INT, _PTR_I64], _INT),
    "prc_batch_set_layout": ([_VOID_P, _INT], _INT),
    "prc_batch_set_class_strides": ([_VOID_P, ctypes.c_int64,
                                     ctypes.c_int64], _INT),
    "prc_result_classes": ([_VOID_P], _SIZE),
    "prc_result_class": ([_VOID_P, _SIZE, _PTR_VOID_P], _INT),
    "prc_result_fbeta": ([_VOID_P, ctypes.c_double, _SIZE, _SIZE, _VOID_P],
                         _INT),
    "prc_result_best_fbeta": ([_VOID_P, ctypes.c_double, _PTR_DOUBLE,
                               _PTR_DOUBLE], _INT),
    "prc_result_precision_at_recall": ([_VOID_P, ctypes.c_double,
                                        _PTR_DOUBLE, _PTR_DOUBLE], _INT),
    "prc_result_recall_at_precision": ([_VOID_P, ctypes.c_double,
                                        _PTR_DOUBLE, _PTR_DOUBLE], _INT),
    "prc_result_calibration": ([_VOID_P, _SIZE, _VOID_P, _VOID_P, _VOID_P],
                               _INT),
    "prc_result_interval": ([_VOID_P, _INT, ctypes.c_double, _PTR_DOUBLE,
                             _PTR_DOUBLE], _INT),
}


class PrcurveError(Exception):
    """A call into libprcurve failed.

    Attributes: ``status`` (the prc_status number), ``name`` (e.g.
    ``"PRC_E_NAN"``), ``message`` (the library's description of the status)
    and ``detail`` (prc_accumulator_last_error, e.g. which pixel was at
    fault, or ``""``)."""

    def __init__(self, status, detail=""):
        self.status = status
        self.name = LIB.prc_status_name(status).decode()
        self.message = LIB.prc_status_message(status).decode()
        self.detail = detail
        text = "%s: %s" % (self.name, self.message)
        if detail:
            text += " (%s)" % detail
        super().__init__(text)


def check(status, acc=None):
    """Raises PrcurveError for a status other than PRC_OK, with the
    accumulator's last error message when one is given."""
    if status != PRC_OK:
        detail = ""
        if acc is not None:
            detail = LIB.prc_accumulator_last_error(acc).decode(
                "utf-8", "replace")
        raise PrcurveError(status, detail)


def _candidates():
    """Paths to try, most specific first."""
    explicit = os.environ.get("PRCURVE_LIBRARY")
    if explicit:
        return [explicit], True
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    found = sorted(glob.glob(os.path.join(root, "build*", "lib",
                                          "libprcurve.so*")))
    # The plain build/ first: sanitizer builds cannot be loaded into an
    # interpreter that was not started with their runtime.
    found.sort(key=lambda p: os.path.basename(os.path.dirname(
        os.path.dirname(p))) != "build")
    system = ctypes.util.find_library("prcurve")
    return found + ([system] if system else []) + ["libprcurve.so.0"], False


def _load():
    paths, explicit = _candidates()
    errors = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            errors.append("%s: %s" % (path, e))
            continue
        for name, (args, result) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.argtypes = args
            function.restype = result
        if lib.prc_version_number() // 10000 != 0:
            errors.append("%s: libprcurve %s has an unknown major version"
                          % (path, lib.prc_version_string().decode()))
            continue
        return lib, path
    where = ("PRCURVE_LIBRARY=%s" % paths[0]) if explicit else \
        "the build tree (build*/lib) and the system loader"
    raise ImportError("cannot load libprcurve from %s; build it, or set "
                      "PRCURVE_LIBRARY to libprcurve.so's path. Tried: %s"
                      % (where, "; ".join(errors) or "nothing found"))


LIB, LIBRARY_PATH = _load()
