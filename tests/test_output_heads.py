"""A model of several outputs compiled with a loss per output (``loss=[a, b]`` or
``loss={"name": a}``) is judged head by head: each output layer against its own loss. What
the heads share (the labels of ``fit``, the metrics) is not split, so only what a head and its
loss say is judged."""

import textwrap

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config

TWO_HEADS = """
    import keras
    from keras import layers

    features = keras.Input(shape=(7, 7, 512))
    pooled = layers.GlobalAveragePooling2D()(features)
    kind = layers.Dense(5, activation="softmax", name="kind")(pooled)
    box = layers.Dense(4, name="box")(pooled)
    model = keras.Model(features, [kind, box])
    model.compile(optimizer="adam",
                  loss={loss})
"""


def findings(source: str, path: str = "train.py"):
    result = lint_source(textwrap.dedent(source), path, Config(select=("ALL",)))
    assert not result.errors
    return sorted((d.line, d.column, d.code) for d in result.diagnostics)


def codes(source: str, path: str = "train.py"):
    return [(line, code) for line, _, code in findings(source, path)]


def test_a_binary_loss_in_a_list_is_judged_against_its_softmax_head():
    found = findings(TWO_HEADS.replace("{loss}", '["binary_crossentropy", "mse"]'))
    # located at the list's first item, the loss that head gets
    assert found == [(11, 21, "KC304")]


def test_losses_keyed_by_the_output_names_go_to_those_heads():
    # "mse" is given to the softmax head, a cross-entropy to the linear box head
    found = codes(TWO_HEADS.replace("{loss}", '{"box": "categorical_crossentropy", '
                                             '"kind": "mse"}'))
    # MSE on the softmax head (at the loss), probabilities expected of the box head's logits
    # (at the box layer, where the activation is missing)
    assert found == [(8, "KC305"), (11, "KC302")]


def test_the_right_loss_for_each_head_is_silent():
    assert codes(TWO_HEADS.replace("{loss}", '["categorical_crossentropy", "mse"]')) == []
    assert codes(TWO_HEADS.replace("{loss}", '{"kind": "sparse_categorical_crossentropy", '
                                             '"box": keras.losses.Huber()}')) == []


def test_a_loss_object_in_the_list_is_located_at_its_constructor():
    source = TWO_HEADS.replace("{loss}", "[keras.losses.BinaryCrossentropy(), 'mse']")
    assert findings(source) == [(11, 21, "KC304")]


def test_a_list_of_another_length_or_keys_naming_no_output_stay_unknown():
    # Keras raises on both; which head gets which loss is not ours to guess
    assert codes(TWO_HEADS.replace("{loss}", '["binary_crossentropy", "mse", "mse"]')) == []
    assert codes(TWO_HEADS.replace("{loss}", '{"classes": "binary_crossentropy"}')) == []
    # an output without a written name: a dict's key cannot be matched to it
    unnamed = TWO_HEADS.replace(', name="kind"', "")
    assert codes(unnamed.replace("{loss}", '{"kind": "binary_crossentropy", "box": "mse"}')) == []


def test_one_loss_is_every_heads_loss():
    # Keras applies a single loss to each output: the softmax head gets binary cross-entropy,
    # and so does the box head's linear output (probabilities expected of logits)
    source = TWO_HEADS.replace("{loss}", '"binary_crossentropy"')
    assert codes(source) == [(8, "KC305"), (11, "KC304")]
    # and the box head gets a cross-entropy over its logits
    source = TWO_HEADS.replace("{loss}", '"categorical_crossentropy"')
    assert codes(source) == [(8, "KC305")]


def test_one_loss_with_loss_weights_or_unseen_arguments_is_not_judged():
    # a weight of 0 turns a head's loss off; **options may hold the weights
    weighted = TWO_HEADS.replace("{loss}", '"binary_crossentropy", loss_weights=[1.0, 0.0]')
    assert codes(weighted) == []
    unseen = TWO_HEADS.replace("{loss}", '"binary_crossentropy", **options')
    assert codes(unseen) == []


FIT = """
    import numpy as np
    one_hot = keras.utils.to_categorical(np.load("kinds.npy"), 5)
    boxes = np.load("boxes.npy")
    model.fit(np.load("features.npy"), {labels}, validation_split=0.2)
"""


def test_labels_given_per_output_go_to_their_heads():
    # one-hot labels on the softmax head, whose own loss is the sparse one
    sparse = TWO_HEADS.replace("{loss}", '["sparse_categorical_crossentropy", "mse"]')
    assert codes(sparse + FIT.replace("{labels}", "[one_hot, boxes]")) == [(11, "KC306")]
    by_name = FIT.replace("{labels}", '{"box": boxes, "kind": one_hot}')
    assert codes(sparse + by_name) == [(11, "KC306")]
    # and the labels' class count against the head's units
    four = FIT.replace("to_categorical(np.load(\"kinds.npy\"), 5)",
                       "to_categorical(np.load(\"kinds.npy\"), 4)")
    right = TWO_HEADS.replace("{loss}", '["categorical_crossentropy", "mse"]')
    assert codes(right + four.replace("{labels}", "[one_hot, boxes]")) == [(7, "KC308")]
    assert codes(right + FIT.replace("{labels}", "[one_hot, boxes]")) == []


def test_labels_given_whole_are_not_given_to_a_head():
    # a list of another length, or labels for all heads at once: no head's own labels
    sparse = TWO_HEADS.replace("{loss}", '["sparse_categorical_crossentropy", "mse"]')
    assert codes(sparse + FIT.replace("{labels}", "[one_hot]")) == []
    assert codes(sparse + FIT.replace("{labels}", "one_hot")) == []
    assert codes(sparse + FIT.replace("{labels}", '{"kinds": one_hot, "box": boxes}')) == []


# a builder of the two heads, called with its class count; the loss function by its name
BUILDER = """
def two_heads(classes):
    features = Input(shape=(7, 7, 512))
    pooled = GlobalAveragePooling2D()(features)
    kind = Dense(classes, activation="softmax")(pooled)
    box = Dense(4)(pooled)
    model = Model(features, [kind, box])
    model.compile(optimizer="adam", loss=[binary_crossentropy, "mse"])
    return model

model = two_heads(5)
"""


def test_a_builder_called_with_its_class_count_is_judged_where_it_is_called():
    imports = ("from keras.layers import Dense, GlobalAveragePooling2D, Input\n"
               "from keras.models import Model\n"
               "from keras.objectives import binary_crossentropy\n")
    # keras.objectives is Keras 1's (and Keras 2's alias of) keras.losses; Keras 3 has none
    assert codes(imports + BUILDER) == [(3, "KC601"), (11, "KC304")]


def test_a_snippet_names_the_cross_entropies_unbound():
    # a notebook's loaded solution script: no imports, the loss function by its bare name
    assert codes(BUILDER) == [(8, "KC304")]


def test_a_bound_name_is_never_taken_for_the_keras_loss():
    found = codes("""
        from keras.layers import Dense, Input
        from keras.models import Model

        def binary_crossentropy(y_true, y_pred):
            return abs(y_true - y_pred)

        features = Input(shape=(8,))
        model = Model(features, [Dense(5, activation="softmax")(features), Dense(1)(features)])
        model.compile(optimizer="adam", loss=[binary_crossentropy, "mse"])
    """)
    assert found == []


def test_a_one_item_list_is_the_only_outputs_loss():
    found = codes("""
        import keras
        model = keras.Sequential([keras.Input(shape=(8,)),
                                  keras.layers.Dense(5, activation="softmax")])
        model.compile(optimizer="adam", loss=["binary_crossentropy"])
    """)
    assert found == [(5, "KC304")]


# --- heads appended in a loop; a residual stream's input projection (KC201) -------------------


def test_heads_appended_in_a_loop_keep_the_layers_before_them_judged():
    # one sigmoid head per class, appended to the outputs list in a loop (CheXNet's multi-label
    # model): the linear Dense(1024) before them is seen, the model's outputs are some of them
    source = """
        from keras.applications import DenseNet121
        from keras.layers import Dense, Input
        from keras.models import Model

        def build(class_names):
            images = Input(shape=(224, 224, 3))
            base = DenseNet121(include_top=False, input_tensor=images, pooling="avg")
            x = Dense(1024)(base.output)
            heads = []
            for name in class_names:
                heads.append(Dense(1, activation="sigmoid", name=name)(x))
            model = Model(inputs=images, outputs=heads)
            model.compile(optimizer="adam", loss=["binary_crossentropy", "mse"])
            return model
    """
    # KC201 at the linear layer; the loss list is not paired with outputs only some of which
    # are seen (the second head would get "mse")
    assert codes(source) == [(9, "KC201")]


# a WaveNet-like stack: a linear stem convolution, then gated blocks with residual sums
WAVENET = """
import keras
from keras import layers

def block(z, filters, rate):
    h = layers.Conv1D(2 * filters, 2, padding="causal", dilation_rate=rate)(z)
    h = layers.Activation("tanh")(h)
    h = layers.Conv1D(filters, 1)(h)
    return {returned}

inputs = keras.Input(shape=(None, 1))
z = layers.Conv1D(32, 2, padding="causal")(inputs)
{stack}
model = keras.Model(inputs, layers.Conv1D(10, 1, activation="softmax")(z))
"""
STACK = """for rate in (1, 2, 4):
    z = block(z, 32, rate)
z = layers.Activation("relu")(z)"""
SKIPS = """skips = []
for rate in (1, 2, 4, 8):
    z, skip = block(z, 32, rate)
    skips.append(skip)
z = layers.Activation("relu")(layers.Add()(skips))"""


def test_a_convolution_added_into_a_residual_stream_is_a_projection():
    assert codes(WAVENET.format(returned="layers.Add()([h, z])", stack=STACK)) == []
    # the same first convolution with no residual sum after it: two linear maps in a row
    assert codes(WAVENET.format(returned="h", stack=STACK)) == [(12, "KC201")]


def test_a_merge_of_one_loop_rounds_tensors_is_not_followed():
    # WaveNet's skips: each round's tensor is appended and the rounds' tensors are summed; the
    # stem convolution also feeds each round's residual sum, which one round does not show, so
    # the merge stands for what the rounds give (unseen) and the stem is not judged through it
    assert codes(WAVENET.format(returned="layers.Add()([h, z]), h", stack=SKIPS)) == []
