"""KC305's proof on a user's own model (:meth:`kerascheck.rules.kc305_from_logits_mismatch.
FromLogitsMismatch.prove`), kept apart from the rule's judgment."""

from __future__ import annotations

from kerascheck.facts import LINEAR
from kerascheck.proofkit import Evidence, load_tensorflow


def prove_on_model(code: str, subject):
    """KC305 on a user's output head, made confident (:func:`kerascheck.proofkit.measure.
    make_confident`): probabilities read as logits leave a loss that cannot approach zero on a correct
    answer; logits read as probabilities are clipped, so a confidently wrong answer gets no
    gradient (measured against the matching cross-entropy)."""
    from kerascheck.proofkit import (
        confident_wrong_gradients,
        loss_object,
        make_confident,
        number,
        require_user_model,
        subject_head,
    )

    require_user_model(code, subject)
    _, keras, np = load_tensorflow(0)
    layer, activation, units, _ = subject_head(subject)
    loss = subject.fact.compile.loss if subject.fact.compile is not None else None
    if layer is None or loss is None or not isinstance(loss.name, str):
        raise NotImplementedError("the output layer or the loss is not known")
    if activation == LINEAR:
        wrong, reference = confident_wrong_gradients(
            subject.model, layer, LINEAR, loss_object(keras, loss.name, False))
        return Evidence(
            code, wrong < 1e-3 * reference,
            f"your logits read as probabilities are clipped: at a confidently wrong answer the "
            f"gradient is {number(wrong)}, against {number(reference)} with "
            f"`from_logits=True`", {"gradient norm, your loss": wrong,
                                    "gradient norm, from_logits=True": reference})
    make_confident(layer)
    sample = np.ones((4, *subject.model.input_shape[1:]), dtype="float32")
    outputs = subject.model(sample, training=False)
    label = np.zeros((4, 1), "float32") if units == 1 and activation == "sigmoid" else \
        np.eye(units, dtype="float32")[[0] * 4]
    if units == 1 and activation == "sigmoid":
        label = np.ones((4, 1), "float32")  # a bias of 8: sigmoid says 1, and it is right
    if loss.name == "sparse_categorical_crossentropy":
        label = label.argmax(axis=-1)
    bad = float(loss_object(keras, loss.name, True)(label, outputs))
    good = float(loss_object(keras, loss.name, False)(label, outputs))
    shown = bad > 0.3 and good < 0.01
    # (Keras 3 on TensorFlow reads the logits kept on a softmax's output tensor: measured here
    # on the model's own output, as its training computes the loss)
    return Evidence(
        code, shown,
        f"on a confident correct answer of your {activation} output, the loss with "
        f"`from_logits=True` is {number(bad)} instead of {number(good)}" +
        (": it cannot approach zero" if shown else ""), {"loss on a correct answer, your from_logits=True": bad,
                  "loss on a correct answer, from_logits=False": good})
