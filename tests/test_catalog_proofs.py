"""The catalog rules' runtime proofs: the numbers behind each verdict must show the symptom
with a wide margin (RULES.md "Runtime proofs"). ``tests/test_proofs.py`` runs every proof once,
in real TensorFlow on tiny seeded models, and checks these margins with the mission rules' own.
"""

from __future__ import annotations

import pytest

CATALOG_MARGINS = {
    # the output keeps the spatial axes without Flatten
    "KC102": lambda m: (m["bad: output shape for 4 images"] == "(4, 13, 13, 10)"
                        and m["good: output shape for 4 images"] == "(4, 10)"),
    # the exact exception Keras 3 raises
    "KC103": lambda m: (m["bad: exception"] == "ValueError: Cannot convert '784' to a shape."
                        and m["good: model input shape"] == "(None, 784)"),
    # gradient norms toward the input
    "KC202": lambda m: (m["bad: first/last hidden gradient norm (sigmoid)"] < 0.01
                        and m["good: first/last hidden gradient norm (relu)"] > 0.2),
    # identical units after training
    "KC203": lambda m: (m["bad: max difference between hidden units"] == 0.0
                        and m["good: max difference between hidden units"] > 0.1),
    # every prediction is 1.0 (float32 rounding of 1.0 at most)
    "KC303": lambda m: (m["bad: largest |prediction - 1|"] < 1e-6
                        and m["bad: distinct predictions"] == 1
                        and m["good: training accuracy"] > m["bad: training accuracy"] + 0.2),
    # validation accuracy gap
    "KC304": lambda m: (m["good: validation accuracy (categorical_crossentropy)"]
                        - m["bad: validation accuracy (binary_crossentropy)"] >= 0.1),
    # probabilities passed as logits cannot reach a small loss
    "KC305": lambda m: (m["bad: loss, probabilities with from_logits=True"] > 0.5
                        and m["good: loss, logits with from_logits=True"] < 0.01),
    "KC306": lambda m: (m["bad: one-hot labels, sparse loss"].startswith("ValueError")
                        and m["bad: integer labels, categorical loss"].startswith("ValueError")
                        and m["good: integer labels, sparse loss"].startswith("trained")
                        and m["good: one-hot labels, categorical loss"].startswith("trained")),
    # leaked statistics move the training inputs
    "KC402": lambda m: (abs(m["bad: training mean after scaling (fit on all rows)"]) > 0.2
                        and abs(m["good: training mean after scaling (fit on training rows)"])
                        < 1e-3),
    "KC503": lambda m: (all(m[f"bad: {kind} with validation_split"].startswith(
        "ValueError: Argument `validation_split` is only supported")
        for kind in ("tf.data.Dataset", "generator", "PyDataset"))
        and m["good: dataset with validation_data trains"] is True),
    "KC504": lambda m: (all(m[f"bad: {call}() before compile"] ==
                            "ValueError: You must call `compile()` before using the model."
                            for call in ("fit", "evaluate", "train_on_batch"))
                        and all(m[f"good: {call}() after compile"] == "runs"
                                for call in ("fit", "evaluate", "train_on_batch"))),
    "KC601": lambda m: (all(value.startswith("AttributeError") for key, value in m.items()
                            if key.startswith("bad:"))
                        and all(value == "exists" for key, value in m.items()
                                if key.startswith("good:"))),
    "KC602": lambda m: (m["bad: Adam(lr=0.01)"].startswith("ValueError")
                        and m["bad: Dense(1, init='uniform')"].startswith("ValueError")
                        and m["bad: Dense(output_dim=1)"].startswith("TypeError")
                        and m["bad: fit(nb_epoch=1)"].startswith("TypeError")
                        and m["bad: Model(input=..., output=...)"].startswith("ValueError")
                        and abs(m["bad: SGD(decay=0.5) learning rate after 6 steps"] - 0.1)
                        < 1e-6),
    # the regression learns while its accuracy metric stays at zero
    "KC309": lambda m: (m["loss, last epoch"] < m["loss, first epoch"] / 100
                        and m["bad: accuracy, first epoch"] == 0.0
                        and m["bad: accuracy, last epoch"] == 0.0
                        and m["good: MAE, last epoch"] < m["good: MAE, first epoch"] / 10),
    # divergence or stall
    "KC603": lambda m: (m["bad: final loss, Adam(learning_rate=1.0)"]
                        > 10 * m["good: final loss, Adam(learning_rate=0.01)"]),
    # Keras cannot build a valid convolution on a 2x2 map
    "KC104": lambda m: (m["bad: building the model"].startswith(
        "ValueError: Computed output size would be zero or negative")
        and m["good: building the model"] == "built"),
    # dropout 0.9 leaves the training loss far above dropout 0.1's; 1.5 is rejected
    "KC204": lambda m: (m["bad: training loss after 60 steps (rate 0.9)"]
                        > 3 * m["good: training loss after 60 steps (rate 0.1)"]
                        and m["Dropout(1.5)"].startswith("ValueError")),
    # relu outputs are no distribution and learn less than softmax
    "KC307": lambda m: (m["bad: largest |sum of outputs - 1|"] > 0.5
                        and m["good: largest |sum of outputs - 1|"] < 1e-5
                        and m["good: training accuracy"] - m["bad: training accuracy"] > 0.3),
    "KC308": lambda m: (m["bad: fit with 5 units"].startswith("ValueError")
                        and m["good: fit with 10 units"] == "trained"),
    # raw test rows are scored near chance by a model trained on standardized rows
    "KC403": lambda m: (m["good: accuracy on standardized test rows"] > 0.95
                        and m["bad: accuracy on raw test rows"] < 0.65),
    # memory on a training slice, chance on held-out rows
    "KC505": lambda m: (m["bad: validation accuracy on a training slice"] > 0.95
                        and m["good: accuracy on held-out rows"] < 0.65),
    # a negative learning rate climbs the loss
    "KC604": lambda m: (m["bad: loss after 30 steps"] > 10 * m["bad: loss before"]
                        and m["good: loss after 30 steps"] < 0.1 * m["good: loss before"]),
}


def test_every_catalog_rule_has_its_margins_checked():
    from kerascheck.runtime.prove import provable_codes

    mission = {"KC101", "KC201", "KC301", "KC302", "KC401", "KC501", "KC502"}
    assert set(provable_codes()) - mission == set(CATALOG_MARGINS)


@pytest.mark.runtime
def test_kc102_and_kc303_measure_the_users_own_model():
    from kerascheck.runtime.verdicts import prove_source

    source = """import tensorflow as tf
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28, 1)),
    tf.keras.layers.Conv2D(8, 3, activation="relu"),
    tf.keras.layers.Dense(10, activation="softmax"),
])
binary = tf.keras.Sequential([tf.keras.Input(shape=(6,)), tf.keras.layers.Dense(4, activation="relu"),
                              tf.keras.layers.Dense(1, activation="softmax")])
"""
    by_code = {item.diagnostic.code: item for item in prove_source(source, "user.py")}
    assert set(by_code) == {"KC102", "KC303"}
    kc102 = by_code["KC102"].evidence
    assert kc102.verdict is True
    assert kc102.measurements["output shape for 4 samples"] == "(4, 26, 26, 10)"
    kc303 = by_code["KC303"].evidence
    assert kc303.verdict is True
    assert kc303.measurements["largest |value - 1| on 64 random inputs"] < 1e-6
    assert kc303.measurements["distinct values"] == 1
