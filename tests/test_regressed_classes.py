"""KC308 on one linear output unit trained by a regression loss on class labels (the class ids
regressed as numbers), and KC302 leaving that model to it."""

import textwrap

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config


def codes(source: str) -> list[tuple[int, str]]:
    result = lint_source(textwrap.dedent(source), "train.py", Config(select=("ALL",)))
    assert not result.errors
    return sorted((d.line, d.code) for d in result.diagnostics if d.code.startswith("KC3"))


def test_ten_digit_ids_on_one_linear_unit_are_reported_at_the_layer():
    found = codes("""
        from tensorflow import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        x_train, x_test = x_train / 255.0, x_test / 255.0
        model = keras.Sequential()
        model.add(keras.layers.Flatten(input_shape=(28, 28)))
        model.add(keras.layers.Dense(1, activation="linear"))
        model.compile(loss="mean_squared_error", optimizer="adam", metrics=["accuracy"])
        model.fit(x_train, y_train, validation_data=(x_test, y_test))
    """)
    assert found == [(7, "KC308")]


def test_the_message_names_the_classes_and_the_loss():
    result = lint_source(textwrap.dedent("""
        from tensorflow import keras
        (x, y), _ = keras.datasets.cifar10.load_data()
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mae")
        model.fit(x, y, validation_split=0.1)
    """), "train.py", Config(select=("KC308",)))
    [finding] = result.diagnostics
    assert "10 classes" in finding.message and "Dense(10" in finding.message
    assert "sparse_categorical_crossentropy" in finding.message
    assert [(place.line, place.message) for place in finding.related] == \
        [(6, "the loss, mean_absolute_error")]


def test_one_hot_rows_on_one_linear_unit():
    found = codes("""
        from tensorflow import keras
        (x, y), _ = keras.datasets.fashion_mnist.load_data()
        y = keras.utils.to_categorical(y, 10)
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, validation_split=0.1)
    """)
    assert found == [(6, "KC308")]


def test_two_class_ids_on_one_unit_stay_with_kc302_or_nothing():
    # one unit for a binary problem is the right number of units: not KC308's business
    found = codes("""
        from tensorflow import keras
        (x, y), _ = keras.datasets.imdb.load_data(num_words=1000)
        x = keras.utils.pad_sequences(x, maxlen=50)
        model = keras.Sequential([keras.layers.Embedding(1000, 8),
                                  keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, validation_split=0.1)
    """)
    assert all(code != "KC308" for _, code in found)


def test_a_regression_on_numbers_from_a_table_is_not_judged():
    found = codes("""
        import pandas as pd
        from tensorflow import keras
        table = pd.read_csv("wine.csv")
        x, y = table.drop(columns="quality").values, table["quality"].values
        model = keras.Sequential([keras.Input(shape=(11,)), keras.layers.Dense(16, activation="relu"),
                                  keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
        model.fit(x, y, validation_split=0.2)
    """)
    assert all(code not in ("KC308", "KC302") for _, code in found)


def test_a_softmax_under_mse_is_still_kc302():
    found = codes("""
        from tensorflow import keras
        (x, y), _ = keras.datasets.mnist.load_data()
        model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Rescaling(1 / 255),
                                  keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, validation_split=0.1)
    """)
    assert (6, "KC302") in found and all(code != "KC308" for _, code in found)
