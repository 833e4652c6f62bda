"""Runtime proofs: TensorFlow builds a rule's bad example and its fixed twin and measures both.

Importing this module is cheap; TensorFlow is imported by :func:`load_tensorflow`, called inside
each proof.

A rule's proof is its ``prove(self, subject=None)`` method. Called without a subject it builds the
rule's own bad example and fixed twin and returns :class:`Evidence` whose verdict holds only if
the bad model shows the symptom and the good one does not. Called with a :class:`Subject` (a
user's model rebuilt from the linter's facts, see :mod:`kerascheck.runtime.rebuild`) it measures the
symptom on that model; the verdict then says whether the user's model shows it.

The helpers below are shared by every proof: seeded tiny data sets (:func:`xor_data`,
:func:`blobs`, :func:`random_label_data`, :func:`pixel_images`), :func:`fit_quietly` (a fixed
number of optimizer steps in one quiet epoch, much faster than many tiny epochs),
and measurements (:func:`accuracy`, :func:`affine_residual`, :func:`gradient_norm`,
:func:`exception_of`, :func:`output_sums`). Each proof should start with ``tf, keras, np =
load_tensorflow(seed)`` so that every run is identical.

This package sits below the rules (their ``prove()`` methods use it) and imports nothing of
kerascheck's but the facts: running the catalog's proofs and rebuilding a user's model are the
runtime side's work (:mod:`kerascheck.runtime`).
"""

from kerascheck.proofkit.data import (
    blobs,
    labels_for_loss,
    pixel_images,
    random_label_data,
    xor_data,
)
from kerascheck.proofkit.environment import load_tensorflow, tensorflow_available
from kerascheck.proofkit.evidence import (
    INSTALL_HINT,
    CannotMeasure,
    Evidence,
    RuntimeUnavailable,
    Subject,
)
from kerascheck.proofkit.measure import (
    accuracy,
    affine_residual,
    captured_stdout,
    confident_wrong_gradients,
    exception_of,
    fit_quietly,
    gradient_norm,
    inspection_symptoms,
    linear_path_residual,
    loss_object,
    make_confident,
    number,
    output_sums,
    require_user_model,
    subject_head,
    subject_input_shape,
)
from kerascheck.proofkit.memorization import memorization_evidence, memorization_scores

__all__ = [
    "INSTALL_HINT", "CannotMeasure", "Evidence", "RuntimeUnavailable", "Subject", "accuracy",
    "affine_residual", "blobs", "captured_stdout", "confident_wrong_gradients", "exception_of",
    "fit_quietly", "gradient_norm", "inspection_symptoms", "labels_for_loss",
    "linear_path_residual", "load_tensorflow", "loss_object", "make_confident",
    "memorization_evidence", "memorization_scores", "number", "output_sums", "pixel_images",
    "random_label_data", "require_user_model", "subject_head", "subject_input_shape", "tensorflow_available",
    "xor_data",
]
