"""What expert code does on purpose, and the linter must not call a mistake (issue 15).

Each case is a pattern written here in our own words: training intent (demonstrations are not
training runs), data identity by call and arguments, the task a model is for, one root cause
per report, data scaled where the linter cannot see the arithmetic. Each group ends with the
twin that must still be reported, so that none of these can pass by silencing a rule.
"""

from __future__ import annotations

import textwrap

import pytest

from conftest import lint
from kerascheck.analysis.interpreter import analyze
from kerascheck.source.parsing import parse_source

HEAD = """\
import numpy as np
import pandas as pd
import tensorflow as tf
from tensorflow import keras
def build():
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
model = build()
"""


def codes(body: str, select=("KC501", "KC502")) -> list[str]:
    return [d.code for d in lint(HEAD + textwrap.dedent(body), select=select)]


@pytest.mark.parametrize("body", [
    # random inputs: a shape demonstration
    """
    model.fit(np.random.rand(64, 4), np.random.randint(0, 2, 64), epochs=20)
    """,
    # a generator's draws, derived through arithmetic and reshapes
    """
    rng = np.random.default_rng(3)
    points = rng.uniform(-1, 1, size=(200, 4))
    model.fit(points * 2.0, (points[:, 0] > 0).astype("float32"), epochs=30)
    model.evaluate(points * 2.0, (points[:, 0] > 0).astype("float32"))
    """,
    # scikit-learn's toy maker
    """
    from sklearn.datasets import make_moons
    X, y = make_moons(n_samples=300, noise=0.1)
    model.fit(X, y, epochs=40)
    print(model.evaluate(X, y))
    """,
    # labels typed into the file: a handful of rows
    """
    rows = pd.read_csv("four_rows.csv") / 10.0
    model.fit(rows, np.array([0, 1, 1, 0]), epochs=200)
    model.evaluate(rows, np.array([0, 1, 1, 0]))
    """,
    # a learning-rate range test: the rate grows tenfold every few epochs
    """
    sweep = keras.callbacks.LearningRateScheduler(lambda e: 1e-6 * 10 ** (e / 10))
    history = model.fit(train_x, train_y, epochs=60, callbacks=[sweep])
    """,
    # an LR finder that is handed the model
    """
    def find_rate(net, x, y):
        saved = net.get_weights()
        net.fit(x, y, epochs=1)
        net.set_weights(saved)
    find_rate(model, train_x, train_y)
    """,
    # saved, to be reloaded and judged elsewhere (a reloaded copy's evaluation)
    """
    model.fit(train_x, train_y, epochs=25)
    print(model.evaluate(train_x, train_y))
    model.save("classifier.keras")
    """,
    # a two-epoch smoke fit in a file that validates its real model
    """
    model.fit(train_x, train_y, epochs=2)
    final = build()
    final.fit(train_x, train_y, epochs=40, validation_data=(valid_x, valid_y))
    """,
])
def test_demonstrations_are_not_training_runs(body):
    assert codes(body) == []


def test_a_real_training_run_without_holdout_is_still_reported():
    assert codes("""
    frame = pd.read_csv("patients.csv")
    labels = frame.pop("outcome")
    model.fit((frame - frame.mean()) / frame.std(), labels, epochs=40)
    """) == ["KC501"]


@pytest.mark.parametrize("body", [
    # one helper applied to the train and to the test texts gives two data
    """
    def vectorize(texts):
        matrix = np.zeros((len(texts), 4))
        for row, text in enumerate(texts):
            matrix[row, :] = 1.0
        return matrix
    x_train, x_test = vectorize(train_texts), vectorize(test_texts)
    model.fit(x_train, train_labels, epochs=10)
    model.evaluate(x_test, test_labels)
    """,
    # a loader called with two file names
    """
    def load(name):
        table = pd.read_csv(name)
        return table.drop(columns="y") / 100.0, table["y"]
    x_train, y_train = load("train.csv")
    x_test, y_test = load("test.csv")
    model.fit(x_train, y_train, epochs=10)
    model.evaluate(x_test, y_test)
    """,
    # rows before and after a cut, with a column range
    """
    table = pd.read_csv("games.csv") / 10.0
    cut = 700
    model.fit(table.iloc[:cut, 0:4], table.iloc[:cut, 4], epochs=10)
    model.evaluate(table.iloc[cut:, 0:4], table.iloc[cut:, 4])
    """,
    # one fitted transformer applied to two splits
    """
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import MinMaxScaler
    columns = make_column_transformer((MinMaxScaler(), ["age", "bmi"]))
    columns.fit(x_train)
    model.fit(columns.transform(x_train), y_train, epochs=10)
    model.evaluate(columns.transform(x_test), y_test)
    """,
])
def test_different_data_is_told_apart(body):
    assert codes(body) == []


def test_the_same_helper_on_the_same_data_is_still_the_same_data():
    assert codes("""
    def vectorize(texts):
        matrix = np.zeros((len(texts), 4))
        return matrix
    x_train = vectorize(train_texts)
    model.fit(x_train, train_labels, epochs=10)
    model.evaluate(vectorize(train_texts), train_labels)
    """) == ["KC502"]


def test_language_model_windows_are_self_supervised():
    assert codes("""
    windows = tf.data.Dataset.from_tensor_slices(encoded).batch(101)
    pairs = windows.map(lambda chunk: (chunk[:-1], chunk[1:]))
    model.fit(pairs, epochs=20)
    def split(chunk):
        inputs = chunk[:-1]
        targets = chunk[1:]
        return inputs, targets
    other = build()
    other.fit(windows.map(split), epochs=20)
    """) == []


def _task(source: str) -> str:
    module = parse_source(textwrap.dedent(source))
    return analyze(module).models[0].task.kind


@pytest.mark.parametrize("source, task", [
    ("""
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(5, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy")
    """, "multiclass"),
    ("""
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy")
    """, "binary"),
    ("""
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(6, activation="sigmoid")])
    model.compile(loss="binary_crossentropy")
    """, "multilabel"),
    ("""
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
    model.compile(loss="huber", metrics=["accuracy"])
    """, "regression"),
    ("""
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(8, activation="sigmoid")])
    model.compile(loss="mse")
    model.fit(rows, rows, epochs=3)
    """, "reconstruction"),
    # one weak signal (an accuracy metric) is not a task
    ("""
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="mse", metrics=["accuracy"])
    """, "unknown"),
    # y computed from x by arithmetic is a target, not a reconstruction
    ("""
    import keras
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(loss="mae")
    model.fit(xs[:40], (xs + 10)[:40], epochs=3)
    """, "regression"),
])
def test_task_from_all_signals(source, task):
    assert _task(source) == task


@pytest.mark.parametrize("body", [
    # every column z-scored in a loop, with a function the linter cannot see into
    """
    from scipy.stats import zscore
    frame = pd.read_csv("cells.csv")
    for column in frame.columns:
        frame[column] = zscore(frame[column])
    model.fit(frame.values, labels, validation_split=0.2)
    """,
    # a helper of the file that standardizes one column of its frame in place
    """
    def standardize(table, name):
        table[name] = (table[name] - table[name].mean()) / table[name].std()
    frame = pd.read_csv("traffic.csv")
    standardize(frame, "bytes")
    model.fit(frame.values, labels, validation_split=0.2)
    """,
    # iris is centimetres of one order of magnitude
    """
    flowers = pd.read_csv("https://example.org/data/iris.csv")
    model.fit(flowers[["a", "b", "c", "d"]].values, kinds, validation_split=0.2)
    """,
    # a local CSV in a file that defines its own standardizing helper
    """
    def scale(table):
        return (table - table.mean()) / table.std()
    train_table = pd.read_csv("../prices-train.csv")
    model.fit(train_table.values, labels, validation_split=0.2)
    """,
])
def test_data_scaled_where_the_arithmetic_is_out_of_sight(body):
    assert codes(body, select=("KC401",)) == []


def test_a_raw_table_is_still_reported():
    assert codes("""
    cars = pd.read_csv("https://example.org/data/auto-mpg.csv")
    model.fit(cars[["weight", "year"]].values, cars["mpg"].values, validation_split=0.2)
    """, select=("KC401",)) == ["KC401"]


def test_a_frame_rescaled_in_place_before_the_split_scales_both_halves():
    """Columns z-scored in a loop, then split: the held-out half is as scaled as the training
    half, so KC403 has nothing to say about validation_data or predict (found when the
    precision and recall work met on real tutorial notebooks)."""
    diagnostics = lint("""
        import pandas as pd
        from scipy.stats import zscore
        from sklearn.model_selection import train_test_split
        from tensorflow import keras

        table = pd.read_csv("patients.csv")
        features = table.columns.drop("outcome")
        for column in features:
            table[column] = zscore(table[column])
        inputs = table[features].values
        targets = table["outcome"].values
        x_fit, x_hold, y_fit, y_hold = train_test_split(inputs, targets, test_size=0.2)
        net = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                                keras.layers.Dense(1, activation="sigmoid")])
        net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        net.fit(x_fit, y_fit, validation_data=(x_hold, y_hold), epochs=20)
        scores = net.predict(x_hold)
        """)
    assert [d.code for d in diagnostics] == []


# --- code chosen by the installed Keras: backend switches, version shims, import fallbacks ----
# A branch for a backend Keras 3 does not have, or one chosen by a version test, is not the code
# that runs on the target: its Keras 2 spellings are not findings. The twin (the same call in
# plain code, or in the branch of a backend Keras 3 has) is still reported.

def kc60x(body: str) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in lint(textwrap.dedent(body), select=("KC601", "KC602"))]


def test_a_branch_for_a_backend_keras3_lacks_is_silent():
    assert kc60x("""
        from keras import backend as K
        if K.backend() == "theano":
            import theano.tensor as T
            scale = K.exp(K.zeros((3,)))
        elif K.backend() == "cntk":
            scale = K.exp(K.ones((3,)))
        """) == []


def test_the_branch_of_a_backend_keras3_has_is_still_judged():
    assert kc60x("""
        from keras import backend as K
        if K.backend() == "tensorflow":
            session = K.get_session()
        else:
            phase = K.learning_phase()
        """) == [(4, "KC601")]
    assert kc60x("""
        from keras import backend as K
        session = K.get_session()
        """) == [(3, "KC601")]


def test_a_backend_kept_in_a_variable():
    assert kc60x("""
        import keras
        which = keras.backend.backend()
        if which in ("theano", "cntk"):
            keras.backend.set_learning_phase(1)
        """) == []


def test_a_keras_version_shim_is_silent():
    assert kc60x("""
        import keras
        modern = int(keras.__version__.split(".")[0]) >= 2
        def hidden(units):
            if modern:
                return keras.layers.Dense(units, kernel_initializer="he_normal")
            else:
                return keras.layers.Dense(units, init="he_normal")
        def penalty(l1, l2):
            if keras.__version__.startswith("1."):
                return keras.regularizers.l1l2(l1, l2)
            return keras.regularizers.l1l2(l1, l2)
        """) == [(12, "KC601")]  # the return after the if is not under the test


def test_an_import_fallback_is_silent():
    assert kc60x("""
        try:
            from tensorflow.keras.layers.experimental import preprocessing
        except ImportError:
            from tensorflow.keras import layers as preprocessing
        try:
            from keras.utils.np_utils import to_categorical
        except (ModuleNotFoundError, AttributeError):
            from keras.utils import to_categorical
        """) == []
    # a try that catches something else is ordinary code
    assert kc60x("""
        try:
            from keras.utils.np_utils import to_categorical
        except KeyboardInterrupt:
            pass
        """) == [(3, "KC601")]


def test_a_feature_test_on_the_library_but_not_on_an_object():
    assert kc60x("""
        import tensorflow as tf
        if hasattr(tf.keras.layers, "experimental"):
            flip = tf.keras.layers.experimental.preprocessing.RandomFlip()
        """) == []
    assert kc60x("""
        import tensorflow as tf
        if hasattr(settings, "augment"):
            flip = tf.keras.layers.experimental.preprocessing.RandomFlip()
        """) == [(4, "KC601")]


# The data format chosen at run time: a (1, 28, 28) input is one channel of 28x28 there.
CHANNELS_FIRST_NET = """
    model = keras.Sequential([keras.Input(shape=(1, 28, 28)),
                              keras.layers.Conv2D(16, 5, activation="relu"),
                              keras.layers.MaxPooling2D(2)])
    """


@pytest.mark.parametrize("setup", [
    'keras.backend.set_image_data_format("channels_first")\n',
    'keras.config.set_image_data_format("channels_first")\n',
    'if keras.backend.image_data_format() == "channels_first":\n    print("NCHW")\n',
])
def test_kc104_is_silent_when_the_data_format_is_chosen_at_run_time(setup):
    code = "import keras\n" + setup + textwrap.dedent(CHANNELS_FIRST_NET)
    assert [d.code for d in lint(code, select=("KC104",))] == []
    # without the run-time choice the map is 28 channels of 1x28: the 5x5 window cannot fit
    plain = "import keras\n" + textwrap.dedent(CHANNELS_FIRST_NET)
    assert [d.code for d in lint(plain, select=("KC104",))] == ["KC104"]


def test_kc603_is_silent_for_an_optimizer_handed_to_another_library():
    assert lint("""
        import keras
        from duel import Arena
        arena = Arena(players=[left, right], optimizers=[keras.optimizers.SGD(1)])
        arena.train(steps=100, optimizer=keras.optimizers.Adam(0.5))
        """, select=("KC603",)) == []
    assert [d.code for d in lint("""
        import keras
        optimizer = keras.optimizers.Adam(0.5)
        """, select=("KC603",))] == ["KC603"]


def test_kc502_an_in_sample_score_the_file_names_as_one():
    labelled = """
    model.fit(rows, marks, epochs=40)
    fit_quality = model.evaluate(rows, marks)
    print("In-sample loss and accuracy:", fit_quality)
    """
    assert codes(labelled, select=("KC502",)) == []
    metric = """
    from sklearn.metrics import accuracy_score
    model.fit(rows, marks, epochs=40)
    share = accuracy_score(marks, model.predict(rows).round())
    print("Training set accuracy: %.3f" % share)
    """
    assert codes(metric, select=("KC502",)) == []
    # the same scores, printed as if they were the model's quality, are reported
    for body, label in ((labelled, "In-sample loss and accuracy:"),
                        (metric, "Training set accuracy:")):
        assert codes(body.replace(label, "Quality:"), select=("KC502",)) == ["KC502"]


def test_the_code_after_a_guarded_import_is_still_judged():
    """Only the import may fail under ``except ImportError``: what follows it runs."""
    assert kc60x("""
        try:
            from keras.utils.np_utils import to_categorical
            import tensorflow as tf
            bad = tf.keras.Dense(4)
        except ImportError:
            from keras.layers.core import Dense
        """) == [(5, "KC601")]

# -- issue 16: look-alikes of the new recall patterns (their twins are in test_recall_patterns) --

def test_label_encoders_and_count_vectorizers_fit_on_every_row_are_not_leaks():
    code = """
import pandas as pd
import keras
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
frame = pd.read_csv("tickets.csv")
classes = LabelEncoder().fit_transform(frame["queue"])
counts = CountVectorizer().fit_transform(frame["body"])
a, b, c, d = train_test_split(counts, classes, test_size=0.2)
"""
    assert codes(code, select=("KC",)) == []


def test_a_test_scaler_fit_in_a_file_that_names_test_inside_other_words():
    code = """
import pandas as pd
import keras
from sklearn.preprocessing import StandardScaler
latest = pd.read_csv("attestations_2024.csv")
scaled = StandardScaler().fit_transform(latest)
"""
    assert codes(code, select=("KC",)) == []


def test_validation_on_training_rows_of_made_up_data_is_a_demonstration():
    code = """
import numpy as np
import keras
x, y = np.random.rand(50, 3), np.random.randint(0, 2, size=(50,))
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x, y, validation_data=(x[:10], y[:10]))
"""
    assert codes(code, select=("KC",)) == []


# --- a callback handed held-out data (it may score the model on it every epoch) ----------------

CALLBACK_FIT = """
import numpy as np
from tensorflow import keras

class ShowPredictions(keras.callbacks.Callback):
    def __init__(self, images):
        super().__init__()
        self.images = images

    def on_epoch_end(self, epoch, logs=None):
        print(epoch, self.model.predict(self.images[:8]).argmax(axis=1))

(train_images, train_labels), (test_images, _) = keras.datasets.fashion_mnist.load_data()
train_images, test_images = train_images / 255.0, test_images / 255.0
net = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                        keras.layers.Dense(64, activation="relu"),
                        keras.layers.Dense(10, activation="softmax")])
net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
{fit}
"""


@pytest.mark.parametrize("fit", [
    "watcher = ShowPredictions(test_images)\n"
    "net.fit(train_images, train_labels, epochs=8, callbacks=[watcher])",
    "net.fit(train_images, train_labels, epochs=8, callbacks=[ShowPredictions(test_images)])",
])
def test_kc501_is_silent_when_a_callback_holds_the_held_out_data(fit):
    assert lint(CALLBACK_FIT.format(fit=fit), select=("KC501",)) == []
    # the twin: the callback only ever sees the training images
    on_train = fit.replace("ShowPredictions(test_images)", "ShowPredictions(train_images)")
    assert [d.code for d in lint(CALLBACK_FIT.format(fit=on_train), select=("KC501",))] == \
        ["KC501"]


# --- a Model subclass that replaces Keras' training machinery --------------------------------

OWN_MACHINERY = """
import numpy as np
from keras.models import Model
from keras.layers import Dense, Input

class TwoPlayers(Model):
    def prepare(self, rate):
        self.rate = rate
{method}

inputs = Input((2,))
duel = TwoPlayers(inputs, Dense(1, activation="sigmoid")(inputs))
duel.prepare(0.1)
duel.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=3)
"""


def test_kc504_is_silent_for_a_subclass_that_makes_its_own_train_function():
    own = "    def _make_train_function(self):\n        self.train_function = None\n"
    assert lint(OWN_MACHINERY.format(method=own), select=("KC504",)) == []
    # the twin: nothing replaced, so Keras' own fit runs and needs compile()
    plain = "    def describe(self):\n        return 'two players'\n"
    assert [d.code for d in lint(OWN_MACHINERY.format(method=plain), select=("KC504",))] == \
        ["KC504"]


def test_kc401_knows_a_table_of_one_scale_by_the_path_os_path_join_makes():
    code = """
import os
import pandas as pd
from tensorflow import keras
folder = "./data/"
table = pd.read_csv(os.path.join(folder, "{name}"))
x = table.drop(columns=["label"]).values
y = table["label"].values
net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                        keras.layers.Dense(3, activation="softmax")])
net.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
net.fit(x, y, validation_split=0.2, epochs=20)
"""
    assert lint(code.format(name="iris.csv"), select=("KC401",)) == []
    assert [d.code for d in lint(code.format(name="houses.csv"), select=("KC401",))] == ["KC401"]
