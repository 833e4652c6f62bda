"""The catalog rules beyond their own examples: subclassed models, models that cross functions,
the execution paths KC504 reasons about, the Keras 3 name table behind KC601, and the data
provenance behind KC306, KC402 and KC503.

Each case is a snippet and the exact (line, code) pairs it must produce; ``[]`` means silent.
"""

from __future__ import annotations

import pytest
from conftest import lint

from kerascheck.rules.kc601_nonexistent_keras_api import missing_prefix, public_path


def found(code: str, select: tuple[str, ...] = ("KC",)) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint(code, select=select)]


# -- subclassed models: layers from __init__, wiring from call() ------------------------------

SUBCLASS = """
import keras
class Net(keras.Model):
    def __init__(self, classes=10):
        super().__init__()
        self.hidden = keras.layers.Dense(64{hidden})
        self.drop = keras.layers.Dropout(0.3)
        self.out = keras.layers.Dense(classes, activation="{output}")
    def call(self, inputs, training=False):
        x = self.hidden(inputs)
        x = self.drop(x, training=training)
        return self.out(x)
model = Net()
model.compile(optimizer="adam", loss="{loss}", metrics=["accuracy"])
model.fit(x_train, y_train, validation_split=0.2)
"""


def test_subclass_linear_hidden_layer_is_kc201():
    code = SUBCLASS.format(hidden="", output="softmax", loss="sparse_categorical_crossentropy")
    assert found(code) == [(6, "KC201")]


def test_subclass_sigmoid_multiclass_is_kc301():
    code = SUBCLASS.format(hidden=', activation="relu"', output="sigmoid",
                           loss="categorical_crossentropy")
    assert found(code) == [(8, "KC301")]


def test_subclass_mse_classifier_is_kc302():
    code = SUBCLASS.format(hidden=', activation="relu"', output="softmax", loss="mse")
    assert found(code) == [(14, "KC302")]


def test_correct_subclass_is_silent():
    code = SUBCLASS.format(hidden=', activation="relu"', output="softmax",
                           loss="sparse_categorical_crossentropy")
    assert found(code) == []


def test_subclass_inherits_layers_and_helpers_from_a_base_class_of_the_file():
    code = """
import tensorflow as tf
class Base(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.encoder = tf.keras.layers.Dense(32)
    def encode(self, x):
        return self.encoder(x)
class Classifier(Base):
    def __init__(self):
        super().__init__()
        self.head = tf.keras.layers.Dense(3, activation="softmax")
    def call(self, x):
        return self.head(self.encode(x))
model = Classifier()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x, y, validation_split=0.1)
"""
    assert found(code) == [(6, "KC201")]


def test_subclass_with_branches_in_call_is_not_judged_on_its_output():
    code = """
import keras
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(16, activation="relu")
        self.out = keras.layers.Dense(4, activation="sigmoid")
    def call(self, x, training=False):
        if training:
            x = x + 0.1
        return self.out(self.hidden(x))
model = Net()
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x, y, validation_split=0.1)
"""
    assert found(code) == []


def test_subclass_with_layers_in_a_loop_is_unknown():
    code = """
import keras
class Deep(keras.Model):
    def __init__(self):
        super().__init__()
        self.blocks = [keras.layers.Dense(32) for _ in range(4)]
        self.out = keras.layers.Dense(1)
    def call(self, x):
        for block in self.blocks:
            x = block(x)
        return self.out(x)
model = Deep()
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, validation_split=0.1)
"""
    assert found(code) == []


def test_custom_layer_subclass_is_a_layer_of_unknown_kind():
    code = """
import keras
class Gate(keras.layers.Layer):
    def call(self, x):
        return x * 2
inputs = keras.Input(shape=(8,))
x = keras.layers.Dense(8)(inputs)
x = Gate()(x)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
"""
    assert found(code) == []


def test_subclass_compiled_in_its_init_is_compiled():
    code = """
import keras
class SelfCompiling(keras.Model):
    def __init__(self):
        super().__init__()
        self.out = keras.layers.Dense(1)
        self.compile(optimizer="adam", loss="mse")
    def call(self, x):
        return self.out(x)
model = SelfCompiling()
model.fit(x, y, validation_split=0.2)
"""
    assert found(code) == []


# -- models that cross functions --------------------------------------------------------------

def test_built_compiled_and_fit_in_three_functions():
    code = """
import tensorflow as tf
def build():
    return tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                                tf.keras.layers.Dense(8, activation="relu"),
                                tf.keras.layers.Dense(3, activation="softmax")])
def configure(model):
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.CategoricalCrossentropy(from_logits=True))
def train(model, x, y):
    model.fit(x, y, validation_split=0.2)
def main():
    model = build()
    configure(model)
    train(model, features, labels)
if __name__ == "__main__":
    main()
"""
    assert found(code) == [(9, "KC305")]


def test_labels_prepared_in_another_function_reach_kc306():
    code = """
from tensorflow import keras
def load():
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return x_train / 255.0, keras.utils.to_categorical(y_train), x_test / 255.0, y_test
x_train, y_train, x_test, y_test = load()
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_split=0.1)
"""
    assert found(code) == [(9, "KC306")]


def test_a_model_passed_in_as_a_parameter_is_not_judged():
    code = """
def train(model, x, y):
    model.fit(x, y, validation_split=0.2, nb_epoch=3)
"""
    assert found("import keras\n" + code) == []


# -- KC504 and execution paths ----------------------------------------------------------------

FIT_CASES = [
    # compile on every path before fit
    ("""
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
with strategy.scope():
    model.compile(optimizer="adam", loss="mse")
try:
    model.fit(x, y, validation_split=0.2)
except KeyboardInterrupt:
    pass
""", []),
    # compile inside a loop, fit after it: the loop may not run
    ("""
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
for rate in rates:
    model.compile(optimizer="adam", loss="mse")
model.fit(x, y, validation_split=0.2)
""", []),
    # fit before compile in the same loop body: the compile of the previous turn counts
    ("""
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
for rate in rates:
    model.fit(x, y, validation_split=0.2)
    model.compile(optimizer=keras.optimizers.SGD(rate), loss="mse")
""", []),
    # compile only in the else branch, fit in the if branch
    ("""
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
if resume:
    model.fit(x, y, validation_split=0.2)
else:
    model.compile(optimizer="adam", loss="mse")
""", [(5, "KC504")]),
    # the model leaves the file's sight before the fit
    ("""
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
registry.register(model)
model.fit(x, y, validation_split=0.2)
""", []),
    # models iterated in a loop are compiled there
    ("""
small = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
large = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(64, activation="relu"),
                          keras.layers.Dense(1)])
for candidate in [small, large]:
    candidate.compile(optimizer="adam", loss="mse")
small.fit(x, y, validation_split=0.2)
""", []),
    # train_on_batch and test_on_batch need compile too; predict does not
    ("""
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.predict(x)
model.train_on_batch(x, y)
""", [(5, "KC504")]),
]


@pytest.mark.parametrize(("body", "expected"), FIT_CASES)
def test_fit_before_compile_paths(body, expected):
    assert found("import keras\n" + body, select=("KC504",)) == expected


# -- KC601: the Keras 3 name table ------------------------------------------------------------

@pytest.mark.parametrize(("path", "missing"), [
    ("tensorflow.keras.Dense", "tensorflow.keras.Dense"),
    ("keras.layers.core.Dense", "keras.layers.core"),
    ("tensorflow.layers.Dense", "tensorflow.layers"),
    ("tensorflow.keras.layers.experimental.preprocessing.Rescaling",
     "tensorflow.keras.layers.experimental"),
    ("keras.engine.topology.Layer", "keras.engine"),
    ("keras.optimizers.experimental.AdamW", "keras.optimizers.experimental"),
    ("tensorflow.keras.layers.Dense", None),
    ("keras.datasets.mnist.load_data", None),
    ("keras.applications.resnet50.preprocess_input", None),
    ("keras.src.layers.core.dense.Dense", None),
    ("tf_keras.layers.core.Dense", None),
    ("keras.layers.Dense.__call__", None),
    ("tensorflow.compat.v1.layers.dense", None),
    ("tensorflow.keras.preprocessing.text.Tokenizer", None),
])
def test_missing_prefix(path, missing):
    assert missing_prefix(path) == missing


@pytest.mark.parametrize(("path", "missing", "public"), [
    ("tensorflow.keras.Dense", "tensorflow.keras.Dense", "tensorflow.keras.layers.Dense"),
    ("keras.layers.core.Dropout", "keras.layers.core", "keras.layers.Dropout"),
    ("keras.utils.np_utils.to_categorical", "keras.utils.np_utils", "keras.utils.to_categorical"),
    ("tensorflow.layers.Dense", "tensorflow.layers", "tensorflow.keras.layers.Dense"),
])
def test_public_path_suggestion(path, missing, public):
    assert public_path(path, missing) == public


def test_kc601_message_keeps_the_users_spelling_and_offers_a_safe_fix():
    (diagnostic,) = lint("import tensorflow as tf\nlayer = tf.keras.Dense(3)\n", select=("KC601",))
    assert "`tf.keras.Dense`" in diagnostic.message and "`tf.keras.layers.Dense`" in \
        diagnostic.message
    assert diagnostic.fix is not None and diagnostic.fix.applicability == "safe"


def test_kc601_name_imported_from_an_existing_module():
    assert found("from tensorflow.keras import Dense, layers\n") == [(1, "KC601")]


def test_kc601_whole_module_import():
    assert found("import keras.layers.core\nimport keras.layers\n") == [(1, "KC601")]


# -- KC102 --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("shape", "output", "expected"), [
    ("(28, 28, 1)", 'activation="softmax"', [(4, "KC102")]),
    ("(32, 32, 3)", "", [(4, "KC102")]),  # images: always per-pixel outputs
    ("(28, 28)", 'activation="softmax"', [(4, "KC102")]),  # seed quiz 5, option D
    ("(24, 8)", "", []),  # a time series window: one prediction per step is intended
    ("(8,)", 'activation="softmax"', []),
])
def test_dense_output_on_an_input_with_extra_axes(shape, output, expected):
    code = f"""import keras
model = keras.Sequential([keras.Input(shape={shape}),
                          keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(3{", " + output if output else ""})])
"""
    assert found(code, select=("KC102",)) == expected


# -- KC306, KC402, KC503: data provenance --------------------------------------------------------

def test_onehot_encoder_labels_with_sparse_loss():
    code = """
import keras
from sklearn.preprocessing import OneHotEncoder
encoder = OneHotEncoder(sparse_output=False)
y = encoder.fit_transform(labels.reshape(-1, 1))
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(X, y, validation_split=0.2)
"""
    assert found(code) == [(7, "KC306")]


def test_label_encoder_labels_with_categorical_loss():
    code = """
import keras
from sklearn.preprocessing import LabelEncoder
y = LabelEncoder().fit_transform(species)
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(X, y, validation_split=0.2)
"""
    assert found(code) == [(6, "KC306")]


def test_normalization_adapted_on_everything_then_split():
    code = """
import keras
from sklearn.model_selection import train_test_split
norm = keras.layers.Normalization()
norm.adapt(features)
x_train, x_test, y_train, y_test = train_test_split(features, labels)
"""
    assert found(code) == [(5, "KC402")]


def test_scaler_fit_on_keras_test_half():
    code = """
from tensorflow import keras
from sklearn.preprocessing import MinMaxScaler
(x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
scaler = MinMaxScaler().fit(x_test)
"""
    assert found(code) == [(5, "KC402")]


def test_stateless_normalizer_is_not_a_leak():
    code = """
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import Normalizer
X = Normalizer().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y)
"""
    assert found(code) == []


@pytest.mark.parametrize("make_data", [
    'tf.keras.utils.text_dataset_from_directory("reviews")',
    'tf.data.TFRecordDataset(["a.tfrecord"]).map(parse).batch(32)',
    "tf.data.Dataset.from_tensor_slices((x, y)).shuffle(100).batch(32)",
    'tf.keras.utils.timeseries_dataset_from_array(series, targets, sequence_length=10)',
])
def test_validation_split_on_any_dataset(make_data):
    code = f"""
import tensorflow as tf
data = {make_data}
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(data, validation_split=0.1)
"""
    assert found(code, select=("KC503",)) == [(6, "KC503")]


# -- KC602, KC603 -------------------------------------------------------------------------------

def test_learning_rate_positional_and_renamed():
    code = """
from tensorflow import keras
a = keras.optimizers.Adam(0.3)
b = keras.optimizers.Nadam(lr=0.2)
c = keras.optimizers.SGD(5.0)
"""
    assert found(code, select=("KC603",)) == [(3, "KC603"), (4, "KC603"), (5, "KC603")]
    assert found(code, select=("KC602",)) == [(4, "KC602")]


def test_removed_arguments_on_recurrent_layers_but_not_embedding():
    code = """
from keras.layers import LSTM, Embedding
a = LSTM(output_dim=32)
b = Embedding(input_dim=100, output_dim=32)
"""
    assert found(code) == [(3, "KC602")]


def test_keras1_names_of_a_functional_models_ends_are_removed_arguments():
    """``Model(input=, output=)``: Keras 3 raises ValueError and tf.keras TypeError (checked
    with Keras 3.15.1 and tf_keras 2.21); standalone Keras 2 renamed them for the caller, so
    TensorFlow 1 code importing ``keras`` is left alone, and the current names are silent."""
    code = """
import keras
from tensorflow.keras import Model
features = keras.Input(shape=(8,))
scores = keras.layers.Dense(1, activation="sigmoid")(features)
a = keras.Model(input=features, output=scores)
b = keras.models.Model(inputs=features, outputs=scores)
c = Model(features, scores)
d = Model(inputs=features, output=scores)
"""
    assert found(code, select=("KC602",)) == [(6, "KC602"), (6, "KC602"), (9, "KC602")]
    [renamed] = lint("import keras\nm = keras.Model(inputs=i, output=o)\n", select=("KC602",))
    assert renamed.fix.applicability == "safe" and "`outputs=`" in renamed.message
    from kerascheck.engine import lint_source
    from kerascheck.settings.config import Config

    under_tf1 = lint_source(code, "example.py", Config(select=("KC602",), target_version="tf1"))
    assert [(d.line, d.code) for d in under_tf1.diagnostics] == [(9, "KC602")]


def test_kc602_renames_are_safe_fixes_and_decay_has_none():
    diagnostics = lint("import keras\nopt = keras.optimizers.SGD(lr=0.1, decay=0.01)\n",
                       select=("KC602",))
    fixes = {d.message.split("`")[1]: d.fix for d in diagnostics}
    assert fixes["lr="].applicability == "safe" and fixes["decay="] is None


# -- branches: a value set on one path only is not a fact ---------------------------------------

def test_labels_one_hot_on_one_branch_with_the_matching_loss_chosen_there_too():
    code = """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train / 255.0
if use_one_hot:
    y_train = keras.utils.to_categorical(y_train)
    loss = "categorical_crossentropy"
else:
    loss = "sparse_categorical_crossentropy"
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss=loss)
model.fit(x_train, y_train, validation_split=0.1)
"""
    assert found(code) == []


def test_scaling_in_a_loop_that_may_not_run_keeps_the_data_unknown():
    code = """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
for step in preprocessing_steps:
    x_train = x_train / 255.0
model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_data=(x_test, y_test))
"""
    assert found(code) == []


def test_a_fact_true_on_every_branch_survives():
    code = """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
if small:
    x_train, y_train = x_train[:1000] / 255.0, y_train[:1000]
else:
    x_train = x_train / 255.0
model = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Flatten(),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(x_train, y_train, validation_split=0.1)
"""
    assert found(code) == [(10, "KC306")]


def test_kc503_judges_a_runtime_fit_fact_too():
    from kerascheck.facts import DataFact, FitFact, ModelFact
    from kerascheck.rules.kc503_validation_split_on_dataset import ValidationSplitOnDataset

    def findings(split, is_dataset):
        model = ModelFact(kind="sequential")
        model.fits.append(FitFact(x=DataFact(is_dataset=is_dataset), validation_split=split))
        return [f.code for f in ValidationSplitOnDataset().check_model(model)]

    assert findings(0.2, True) == ["KC503"]
    assert findings(0.0, True) == [] and findings(None, True) == [] and findings(0.2, False) == []


def test_overridden_compile_that_calls_super_compiles_the_model():
    code = """
import keras
class GAN(keras.Model):
    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator = generator
        self.discriminator = discriminator
    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.loss_fn = loss_fn
    def train_step(self, data):
        return {}
gan = GAN(make_generator(), make_discriminator())
gan.compile(d_optimizer=keras.optimizers.Adam(1e-4), g_optimizer=keras.optimizers.Adam(1e-4),
            loss_fn=keras.losses.BinaryCrossentropy())
gan.fit(dataset, epochs=1)
"""
    assert found(code) == []


def test_an_overridden_fit_is_not_keras_fit():
    code = """
import keras
class Wrapper(keras.Model):
    def __init__(self):
        super().__init__()
        self.out = keras.layers.Dense(1)
    def call(self, x):
        return self.out(x)
    def fit(self, x, y, **kwargs):
        self.compile(optimizer="adam", loss="mse")
        return super().fit(x, y, validation_split=0.2, **kwargs)
model = Wrapper()
model.fit(features, targets, epochs=3)
"""
    assert found(code) == []


def test_kc601_never_suggests_a_same_named_but_different_module():
    (diagnostic,) = lint("from tensorflow.keras.layers.experimental import preprocessing\n",
                         select=("KC601",))
    assert diagnostic.fix is None and "import from" not in diagnostic.message
    assert public_path("tensorflow.keras.layers.experimental.preprocessing.Rescaling",
                       "tensorflow.keras.layers.experimental") == \
        "tensorflow.keras.layers.Rescaling"


def test_a_model_built_into_a_global_is_the_one_trained_elsewhere():
    code = """
import tensorflow as tf
model = None
def build():
    global model
    model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1)])
def train():
    model.fit(x, y, validation_split=0.2)
build()
train()
"""
    assert found(code) == [(8, "KC504")]
