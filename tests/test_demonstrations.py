"""What expert code does that is not a training run, or whose compile scores nothing (from the
second held-out precision corpus, benchmarks/HELDOUT2_CORPUS.md), each beside the twin that is
still reported. Cases written for this suite."""

from __future__ import annotations

import pytest
from conftest import lint


def codes(code: str, path: str = "example.py", select=("KC",)) -> list[str]:
    return [d.code for d in lint(code, select=select, path=path)]


# --- Keras 3's own random draws are made-up data, like np.random's ---------------------------

DRAWN = """
import keras
{inputs}
labels = {labels}
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(inputs, labels, epochs=1)
"""


@pytest.mark.parametrize(("inputs", "labels"), [
    ("inputs = keras.random.normal((32, 8))", "keras.random.randint((32, 1), 0, 2)"),
    ("inputs = keras.random.uniform((32, 8))", "keras.ops.ones((32, 1))"),
])
def test_a_fit_on_keras_random_draws_is_a_demonstration(inputs, labels):
    assert codes(DRAWN.format(inputs=inputs, labels=labels), select=("KC501",)) == []


def test_a_fit_on_loaded_data_is_still_judged():
    loaded = DRAWN.format(inputs='inputs = keras.utils.load_img("a.png")',
                          labels='__import__("numpy").load("labels.npy")')
    assert codes(loaded.replace('keras.utils.load_img("a.png")', 'np.load("x.npy")')
                 .replace("import keras", "import keras\nimport numpy as np"),
                 select=("KC501",)) == ["KC501"]


# --- a unit test's fit checks an API ---------------------------------------------------------

TESTS = """
{framework}
from tensorflow import keras
from fixtures import load_pairs


def {name}():
    x, y = load_pairs("pairs.npz")
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1)


class {owner}:
    def {name}(self):
        x, y = load_pairs("pairs.npz")
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=1)
"""


@pytest.mark.parametrize("owner", ["TestLoss", "LossTest", "Loss(testing.TestCase)",
                                   "Loss(unittest.TestCase)"])
def test_fits_inside_unit_tests_are_demonstrations(owner):
    assert codes(TESTS.format(name="test_fit_runs", owner=owner, framework="import pytest"),
                 select=("KC501",)) == []
    assert codes(TESTS.format(name="test_fit_runs", owner=owner,
                              framework="from keras.src import testing"), select=("KC501",)) == []


def test_the_same_fits_outside_tests_are_judged():
    assert codes(TESTS.format(name="train", owner="Trainer", framework="import pytest"),
                 select=("KC501",)) == ["KC501", "KC501"]
    # a class that is not a test class keeps its test-named method judged
    assert codes(TESTS.format(name="test_fit_runs", owner="Trainer", framework="import pytest"),
                 select=("KC501",)) == ["KC501"]
    # a script that imports no test framework: its ``def test_...`` is a helper, judged
    assert codes(TESTS.format(name="test_fit_runs", owner="TestLoss", framework=""),
                 select=("KC501",)) == ["KC501", "KC501"]


# --- a model compiled and only used inside another model: its loss scores nothing ------------

GAN = """
import numpy as np
from tensorflow import keras
(images, _), _ = keras.datasets.mnist.load_data()
images = (images.reshape(-1, 784).astype("float32") - 127.5) / 127.5
generator = keras.Sequential([keras.Input(shape=(16,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(784, activation="tanh")])
generator.compile(loss="binary_crossentropy", optimizer="adam"){mark}
critic = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(64, activation="relu"),
                           keras.layers.Dense(1, activation="sigmoid")])
critic.compile(loss="binary_crossentropy", optimizer="adam")
critic.trainable = False
noise = keras.Input(shape=(16,))
gan = keras.Model(noise, critic(generator(noise)))
gan.compile(loss="binary_crossentropy", optimizer="adam")
for step in range(100):
    z = np.random.normal(size=(32, 16))
    batch = np.concatenate([images[np.random.randint(0, 60000, 32)], generator.predict(z)])
    critic.train_on_batch(batch, np.concatenate([np.ones((32, 1)), np.zeros((32, 1))]))
    gan.train_on_batch(z, np.ones((32, 1))){extra}
"""


def test_a_generator_compiled_out_of_habit_is_not_judged_by_its_loss():
    assert codes(GAN.format(mark="", extra=""), select=("KC3",)) == []


def test_a_generator_that_is_also_trained_itself_is_judged():
    trained = GAN.format(mark="", extra="\n    generator.train_on_batch(z, images[:32])")
    assert codes(trained, select=("KC3",)) == ["KC307"]


# --- SGD with a large rate on an autoencoder: a mean over every pixel ------------------------

AUTOENCODER = """
from tensorflow import keras
(x_train, y_train), (x_valid, y_valid) = keras.datasets.mnist.load_data()
x_train, x_valid = x_train / 255.0, x_valid / 255.0
inputs = keras.Input(shape=(28, 28))
code = keras.layers.Dense(30, activation="selu")(keras.layers.Flatten()(inputs))
out = {head}
model = keras.Model(inputs, out)
model.compile(loss="{loss}", optimizer=keras.optimizers.SGD(learning_rate=1.5))
model.fit(x_train, {target}, epochs=20, validation_data=(x_valid, {valid}))
"""


def test_sgd_at_1_5_on_an_autoencoder_is_left_alone():
    code = AUTOENCODER.format(
        head='keras.layers.Reshape((28, 28))(keras.layers.Dense(784, activation="sigmoid")(code))',
        loss="binary_crossentropy", target="x_train", valid="x_valid")
    assert codes(code, select=("KC603",)) == []


def test_sgd_at_1_5_on_a_classifier_is_still_reported():
    code = AUTOENCODER.format(head='keras.layers.Dense(10, activation="softmax")(code)',
                              loss="sparse_categorical_crossentropy", target="y_train",
                              valid="y_valid")
    assert codes(code, select=("KC603",)) == ["KC603"]


# --- a table the file wrote itself is of unknown scale ---------------------------------------

WRITTEN = """
import pandas as pd
from tensorflow import keras


def scaled(frame):
    return frame.apply(lambda column: column / column.abs().max())


for phase in ["train", "valid"]:
    raw = pd.read_sql("select * from prices where phase = %s" % phase, connection)
    scaled(raw).to_csv(f"../data/prices-{{phase}}.csv", index=False)
train = pd.read_csv("{read}")
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(train.drop(columns="y").values, train["y"].values, validation_split=0.2)
"""


def test_a_table_the_file_wrote_is_not_taken_as_raw():
    assert codes(WRITTEN.format(read="../data/prices-train.csv"), select=("KC401",)) == []


def test_a_table_the_file_did_not_write_is_still_raw():
    assert codes(WRITTEN.format(read="../data/houses.csv"), select=("KC401",)) == ["KC401"]


def test_draws_of_a_tensorflow_probability_distribution_are_made_up():
    code = """
import numpy as np
import tensorflow_probability as tfp
from tensorflow import keras
tfd = tfp.distributions
x = tfd.Uniform(low=-10, high=10).sample(2000).numpy()[:, np.newaxis]
y = 2.7 * x + 3 + tfd.Normal(loc=0, scale=1).sample(2000).numpy()[:, np.newaxis]
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(x, y, epochs=100)
"""
    assert codes(code, select=("KC501",)) == []
    loaded = code.replace('tfd.Uniform(low=-10, high=10).sample(2000).numpy()', 'np.load("x.npy")')
    loaded = loaded.replace('tfd.Normal(loc=0, scale=1).sample(2000).numpy()', 'np.load("e.npy")')
    assert codes(loaded, select=("KC501",)) == ["KC501"]


def test_a_table_written_under_a_name_of_fields_only_does_not_hide_the_others():
    code = WRITTEN.format(read="../data/houses.csv").replace(
        'f"../data/prices-{phase}.csv"', 'f"{phase}.csv"')
    assert codes(code, select=("KC401",)) == ["KC401"]
