"""The data families' real-bug patterns of benchmarks/BUG_CORPUS.md (branch recall-data), each
as a small case written for this suite: cross-validation folds, helpers that ignore their
argument, a fitted series cut into head and tail, generator rescaling missing at predict, and
tables named after a toy maker. Lines are marked ``# expect: KCnnn``; every other line must stay
silent."""

from __future__ import annotations

import pytest
from conftest import expected_lines, lint

DATA_CODES = ("KC401", "KC402", "KC403", "KC501", "KC502", "KC504", "KC505")


def findings(code: str) -> list[tuple[int, str]]:
    return sorted((d.line, d.code) for d in lint(code) if d.code in DATA_CODES)


def assert_marked(code: str) -> None:
    assert findings(code) == sorted(expected_lines(code))


FOLDS = """
import pandas as pd
from sklearn.model_selection import {splitter}
from tensorflow import keras
table = pd.read_csv("plants.csv")
x = table.values[:, :4] / 10.0
y = keras.utils.to_categorical(table.values[:, 4], 3)
for {target} in {splitter}(n_splits=5).split(x{extra}):
    x_train, x_val = x[train], x[val]
    y_train, y_val = y[train], y[val]
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    {fit}
"""
LEAKY_FOLD_FIT = "model.fit(x, y, validation_data=(x_val, y_val))  # expect: KC505"


@pytest.mark.parametrize(("splitter", "target", "extra"), [
    ("KFold", "train, val", ""),
    ("StratifiedKFold", "train, val", ", y.argmax(1)"),
    ("KFold", "fold, (train, val)", ""),
])
def test_a_fit_on_every_row_validated_on_one_of_its_folds(splitter, target, extra):
    code = FOLDS.format(splitter=splitter, target=target, extra=extra, fit=LEAKY_FOLD_FIT)
    if target.startswith("fold"):
        code = code.replace(f"{splitter}(n_splits=5).split(x)",
                            f"enumerate({splitter}(n_splits=5).split(x))")
    assert_marked(code)


@pytest.mark.parametrize("fit", [
    "model.fit(x_train, y_train, validation_data=(x_val, y_val))",
    "model.fit(x[train], y[train], validation_data=(x[val], y[val]))",
])
def test_a_fit_on_the_training_folds_validated_on_the_held_out_fold_is_silent(fit):
    assert_marked(FOLDS.format(splitter="KFold", target="train, val", extra="", fit=fit))


def test_a_model_validated_on_a_fold_of_other_data_is_silent():
    code = """
import pandas as pd
from sklearn.model_selection import KFold
from tensorflow import keras
x, y = pd.read_csv("train.csv").values / 10.0, pd.read_csv("train_labels.csv").values
x_more, y_more = pd.read_csv("extra.csv").values / 10.0, pd.read_csv("extra_labels.csv").values
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
for _, held in KFold(3).split(x_more):
    model.fit(x, y, validation_data=(x_more[held], y_more[held]))
"""
    assert_marked(code)


HELPER = """
import tensorflow as tf
PATTERN = "gs://bucket/records/*.tfrec"
def decode(record):
    return tf.io.parse_single_example(record, {{"pixels": tf.io.FixedLenFeature([], tf.string)}})
def read_records(paths):
    {body}
    return files.interleave(tf.data.TFRecordDataset).map(decode)
def batches(paths):
    return read_records(paths).cache().batch(32).prefetch(1)
everything = tf.io.gfile.glob(PATTERN)
train_batches = batches(everything[20:])
val_batches = batches(everything[:20])
model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(5)])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_batches, epochs=3,
          validation_data=val_batches)  # expect: {expected}
"""


def test_a_helper_that_ignores_its_argument_gives_one_dataset_for_every_call():
    # the helper lists the global pattern, not the paths it is given: both calls read all files
    assert_marked(HELPER.format(body="files = tf.data.Dataset.list_files(PATTERN)",
                                expected="KC505"))


@pytest.mark.parametrize("body", [
    "files = tf.data.Dataset.from_tensor_slices(paths)",
    "files = tf.data.Dataset.list_files(PATTERN).take(len(paths))",
])
def test_a_helper_that_reads_its_argument_gives_other_data_for_other_arguments(body):
    assert_marked(HELPER.format(body=body, expected="nothing"))


def test_a_helper_with_star_arguments_is_not_judged_and_one_without_parameters_is_plain():
    # a helper with no parameters gives what it builds (the same files twice: KC505); with
    # *names/**options it may read them, so its calls stay apart
    code = """
import tensorflow as tf
def read_all():
    return tf.data.Dataset.list_files("records/*.tfrec").batch(32)
def read_some(*names, **options):
    return tf.data.Dataset.list_files("records/*.tfrec").batch(32)
model = tf.keras.Sequential([tf.keras.Input(shape=(64,)), tf.keras.layers.Dense(5)])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(read_all(), validation_data=read_all())  # expect: KC505
model.fit(read_some("train"), validation_data=read_some("val"))
"""
    assert_marked(code)


FILES = """
import random
import tensorflow as tf
records = tf.io.gfile.glob("data/*.tfrec")
random.shuffle(records)
training_files = records{train}
validation_files = records[int(len(records) * 0.8):]
def decode(record):
    return tf.io.parse_single_example(record, {{"x": tf.io.FixedLenFeature([8], tf.float32)}})
def read(files):
    return tf.data.Dataset.list_files(files).interleave(tf.data.TFRecordDataset).map(decode)
def read_plain(files):
    return tf.data.TFRecordDataset(files).map(decode)
def training_batches():
    return read(training_files).shuffle(100).batch(32)
def validation_batches():
    return read_plain(validation_files).batch(32)
model = tf.keras.Sequential([tf.keras.Input(shape=(8,)), tf.keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(training_batches(), validation_data=validation_batches())  # expect: {expected}
"""


def test_validation_files_taken_from_the_very_list_trained_on():
    # every file is trained on, and the last fifth is read again (another reader) to validate
    assert_marked(FILES.format(train="", expected="KC505"))


def test_validation_files_held_out_of_the_training_list_are_silent():
    assert_marked(FILES.format(train="[:int(len(records) * 0.8)]", expected="nothing"))


CUT = """
import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler
from tensorflow import keras
series = pd.read_csv("rates.csv").values.astype("float32")
scaler = MinMaxScaler(feature_range=(0, 1))
{scaling}
boundary = int(len(series) * 0.8)
{cut}
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(head[:, :4], head[:, 4], validation_data=(tail[:, :4], tail[:, 4]))
"""
LEAKY_SCALING = "series = scaler.fit_transform(series)  # expect: KC402"


@pytest.mark.parametrize("cut", [
    "head, tail = series[0:boundary, :], series[boundary:len(series), :]",
    "head = series[:boundary]\ntail = series[boundary:]",
    "def cut(rows):\n    return rows[:boundary], rows[boundary:]\nhead, tail = cut(series)",
])
def test_a_series_scaled_as_a_whole_then_cut_into_head_and_tail(cut):
    assert_marked(CUT.format(scaling=LEAKY_SCALING, cut=cut))


@pytest.mark.parametrize(("scaling", "cut"), [
    # statistics of the head only, applied to the whole series
    ("scaler.fit(series[:int(len(series) * 0.8)])\nseries = scaler.transform(series)",
     "head, tail = series[:boundary], series[boundary:]"),
    # a peek at the first rows, and cuts at two different places, are no split
    ("series = scaler.fit_transform(series)",
     "head, tail = series[:boundary], series[boundary - 100:]"),
    ("series = scaler.fit_transform(series)", "head = tail = series[:100]"),
])
def test_statistics_of_the_head_or_cuts_that_do_not_split_are_silent(scaling, cut):
    assert_marked(CUT.format(scaling=scaling, cut=cut))


GENERATOR = """
import numpy as np
import tensorflow as tf
from {module} import ImageDataGenerator, img_to_array, load_img
from tensorflow.keras.applications.mobilenet import preprocess_input as preprocess
{generator}
train_flow = scaled.flow_from_directory("pictures/train", target_size=(96, 96))
val_flow = scaled.flow_from_directory("pictures/val", target_size=(96, 96))
model = tf.keras.Sequential([tf.keras.Input(shape=(96, 96, 3)), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
model.fit(train_flow, validation_data=val_flow, epochs=5)
picture = img_to_array(load_img("upload.jpg", target_size=(96, 96)))
{predict}
"""


@pytest.mark.parametrize("module", ["tensorflow.keras.preprocessing.image",
                                    "keras_preprocessing.image"])
@pytest.mark.parametrize("rescale", ["1./255", "1 / 255.0", "0.00392"])
def test_a_generator_rescales_training_images_and_predict_gets_a_raw_one(module, rescale):
    assert_marked(GENERATOR.format(
        module=module, generator=f"scaled = ImageDataGenerator(rescale={rescale}, zoom_range=0.2)",
        predict="model.predict(np.vstack([np.expand_dims(picture, 0)]))  # expect: KC403"))


@pytest.mark.parametrize(("generator", "predict"), [
    ("scaled = ImageDataGenerator(rescale=1./255)", "model.predict(picture[None] / 255.0)"),
    ("scaled = ImageDataGenerator(rescale=1./255)",
     "model.predict(np.vstack([picture[None], picture[None]]))"),
    # (options the file passes on: unknown; given nothing that scales, the generator is raw
    # and its fit is KC401, tests/test_image_generators.py)
    ("scaled = ImageDataGenerator(zoom_range=0.2, **augment)", "model.predict(picture[None])"),
    ("scaled = ImageDataGenerator(preprocessing_function=preprocess)",
     "model.predict(picture[None])"),
])
def test_predict_on_rescaled_images_or_a_generator_of_unknown_scale_is_silent(generator, predict):
    assert_marked(GENERATOR.format(module="tensorflow.keras.preprocessing.image",
                                   generator=generator, predict=predict))


TABLE = """
import pandas as pd
from sklearn.model_selection import train_test_split
from tensorflow import keras
points = pd.read_csv("{name}")
x_train, x_test, y_train, y_test = train_test_split(points[["x", "y"]].values,
                                                    points["label"].values)
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, validation_data=(x_test, y_test))  # expect: {expected}
"""


@pytest.mark.parametrize("name", ["data/moons.csv", "two_circles.csv"])
def test_a_table_named_after_a_two_dimensional_toy_maker_is_of_unit_scale(name):
    assert_marked(TABLE.format(name=name, expected="nothing"))


@pytest.mark.parametrize("name", ["sonar.all-data", "data/sonar.csv"])
def test_the_sonar_table_is_of_unit_scale(name):
    # UCI's sonar table gives 60 band energies, each in [0, 1]
    assert_marked(TABLE.format(name=name, expected="nothing"))


def test_other_tables_stay_raw():
    assert_marked(TABLE.format(name="data/sensors.csv", expected="KC401"))


def test_a_shuffled_frame_keeps_its_rows():
    code = """
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from tensorflow import keras
frame = pd.read_csv("cars.csv")
frame = frame.reindex(np.random.permutation(frame.index))
x, y = frame.drop(columns=["mpg"]).values / 100.0, frame["mpg"].values
x_train, x_test, y_train, y_test = train_test_split(x, y)
model = keras.Sequential([keras.Input(shape=(7,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, validation_data=(x_test, y_test))  # expect: KC505
"""
    assert_marked(code)


HOLDER = """
from keras.engine import Model
from keras.layers import Dense, Input
from keras.models import Sequential
from keras.optimizers import RMSprop
class Pair(object):
    def __init__(self, features, width=16, {settings}):
        self.features = features
        self.settings = {kept}
        self.maker = self.build_maker(width)
        self.judge = self.build_judge()
        self.both = Sequential([self.maker, self.judge])
    def build_maker(self, width):
        inputs = Input(shape=(8,))
        return Model(inputs, Dense(8, activation="tanh")(Dense(width, activation="relu")(inputs)))
    def build_judge(self):
        inputs = Input(shape=(8,))
        return Model(inputs, Dense(1, activation="sigmoid")(inputs))
    def step(self, batch, labels):
        {first}
        {second}
"""


TRAINED = {"first": "self.both.layers[-1].train_on_batch(batch, labels)",
           "second": "self.both.train_on_batch(batch, labels)"}
HELD = {"settings": "optimizer=RMSprop(1e-4), loss='mae'", "kept": "(optimizer, loss)"}


def test_a_class_that_trains_the_models_it_holds_and_never_compiles_them():
    # it keeps the optimizer and the loss compile() would take, and never calls compile()
    assert_marked(HOLDER.format(first=TRAINED["first"] + "  # expect: KC504",
                                second=TRAINED["second"] + "  # expect: KC504", **HELD))


def test_a_class_that_holds_no_optimizer_and_no_loss_may_leave_compile_to_its_users():
    assert_marked(HOLDER.format(settings="depth=2", kept="depth", **TRAINED))


@pytest.mark.parametrize("extra", [
    # compiled in a method defined after the one that trains: users call it first
    ("    def prepare(self):\n        self.both.compile(optimizer='adam', loss='mse')\n"
     "        self.judge.compile(optimizer='adam', loss='mse')\n"),
    # the file uses the class itself, so it may compile its models from outside
    "pair = Pair(None)\npair.both.compile(optimizer='adam', loss='mse')\n",
    "class Compiled(Pair):\n    pass\n",
])
def test_a_class_that_compiles_or_is_used_by_the_file_is_not_judged_so(extra):
    code = HOLDER.format(**TRAINED, **HELD) + extra
    assert_marked(code)


def test_a_class_given_its_model_or_with_a_keras_base_is_not_judged_so():
    code = """
import keras
class Trainer(object):
    def __init__(self, model):
        self.model = model
    def step(self, batch, labels):
        return self.model.train_on_batch(batch, labels)
class Wrapped(keras.callbacks.Callback):
    def __init__(self):
        self.net = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    def on_epoch_end(self, epoch, logs=None):
        self.net.train_on_batch(self.x, self.y)
"""
    assert_marked(code)


PREPARATION = """
import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler
prices = pd.read_csv("prices.csv").values
scaler = MinMaxScaler(feature_range=(-1, 1))
{fits}
def halves(rows):
    size = round(len(rows) * 0.7)
    return rows[0:size], rows[size:]
x_train, x_test = halves(prices)
{save}
"""


def test_a_data_preparation_script_without_keras_is_judged_for_its_scaler():
    # the arrays are saved for the Keras scripts of the project; fit then fit_transform on the
    # same rows is one root cause, reported at the later fit
    assert_marked(PREPARATION.format(
        fits="scaler.fit(prices)\nprices = scaler.fit_transform(prices)  # expect: KC402",
        save='np.save("x_train.npy", x_train)\nnp.save("x_test.npy", x_test)'))


@pytest.mark.parametrize(("fits", "save"), [
    # nothing saved: a script of another kind, not read at all
    ("prices = scaler.fit_transform(prices)", 'print(x_train.shape, x_test.shape)'),
    # statistics of the training part only
    ("scaler.fit(prices[:round(len(prices) * 0.7)])\nprices = scaler.transform(prices)",
     'np.save("x_train.npy", x_train)'),
])
def test_a_script_that_saves_nothing_or_fits_on_the_training_part_is_silent(fits, save):
    assert_marked(PREPARATION.format(fits=fits, save=save))


# --- training and test pixels of one load divided by different constants (KC403) -----------
SCALES = """
import tensorflow as tf
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.cifar10.load_data()
x_train = x_train.astype("float32")
x_test = x_test.astype("float32")
{scaling}
model = tf.keras.Sequential([tf.keras.Input(shape=(32, 32, 3)), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
{fit}
"""
VALIDATED = "model.fit(x_train, y_train, validation_data=(x_test, y_test))"


@pytest.mark.parametrize("scaling", [
    "x_train /= 255\nx_test /= 25",  # a digit dropped
    "x_train = x_train / 255.0\nx_test = x_test / 127.5",
    "x_train = x_train * (1. / 255)\nx_test = x_test * 255",
])
def test_pixels_of_one_load_scaled_by_different_constants(scaling):
    assert_marked(SCALES.format(scaling=scaling, fit=VALIDATED + "  # expect: KC403"))


def test_the_test_pixels_given_to_evaluate_at_another_scale():
    assert_marked(SCALES.format(scaling="x_train /= 255", fit=(
        "model.fit(x_train, y_train, validation_split=0.1)\n"
        "model.evaluate(x_test / 25.5, y_test)  # expect: KC403")))


@pytest.mark.parametrize("scaling", [
    # one scale, spelled differently
    "x_train /= 255\nx_test = x_test / 255.0",
    "x_train = x_train * (1. / 255)\nx_test /= 255.",
    "scale = 255\nx_train /= scale\nx_test = x_test / 255",
    # a scale the analysis does not follow: centred, or a statistic
    "x_train = (x_train - 127.5) / 127.5\nx_test = x_test / 255",
    "x_train = x_train / x_train.max()\nx_test = x_test / 255",
    # scaled twice on the way, to the same scale in the end
    "x_train = x_train / 127.5 / 2\nx_test = x_test / 255",
])
def test_pixels_at_one_scale_or_an_unknown_one_are_silent(scaling):
    assert_marked(SCALES.format(scaling=scaling, fit=VALIDATED))


def test_images_of_another_load_at_another_scale_are_silent():
    # the test images come from elsewhere (their raw range is theirs): no claim on their scale
    assert_marked("""
import numpy as np
import tensorflow as tf
(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
x_train = x_train / 255.0
x_other = np.load("scans.npy")
model = tf.keras.Sequential([tf.keras.Input(shape=(28, 28)), tf.keras.layers.Flatten(),
                             tf.keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_split=0.1)
model.evaluate(x_other / 65535.0, y_train[:10])
""")


def test_tabular_columns_divided_by_different_constants_are_silent():
    # a table's columns have no one raw range: dividing two tables by different numbers may
    # be right (units), and KC403 compares pixels' scales only
    assert_marked("""
import pandas as pd
from tensorflow import keras
train = pd.read_csv("train.csv").values
test = pd.read_csv("test.csv").values
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(train[:, :3] / 100.0, train[:, 3], validation_data=(test[:, :3] / 10.0, test[:, 3]))
""")


# --- `tf` used but never bound, in a file with other imports (a lost import cell) ----------
LOST_IMPORT = """
import numpy as np
from tensorflow.keras.preprocessing import image
from tensorflow.keras.preprocessing.image import ImageDataGenerator
{binding}
model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(16, (3, 3), activation="relu", input_shape=(150, 150, 3)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy", optimizer="adam")
train = ImageDataGenerator(rescale=1 / 255).flow_from_directory("horses/", class_mode="binary")
model.fit(train, epochs=15)
x = image.img_to_array(image.load_img("upload.jpg", target_size=(150, 150)))
classes = model.predict(np.expand_dims(x, axis=0)){mark}
"""


def test_an_unbound_tf_alias_is_tensorflow_whatever_else_the_file_imports():
    assert_marked(LOST_IMPORT.format(binding="", mark="  # expect: KC403"))


@pytest.mark.parametrize("binding", [
    "from helpers import *",  # a star import may bind tf: unknown
    "tf = __import__('mylib')",  # the file binds tf itself
])
def test_a_tf_the_file_may_bind_is_not_taken_for_tensorflow(binding):
    assert_marked(LOST_IMPORT.format(binding=binding, mark=""))


# --- rows appended to a list, an array filled cell by cell, then cut (KC402) ---------------
HIERARCHICAL = """
import numpy as np
import pandas as pd
from keras.preprocessing.text import Tokenizer
from keras.utils import to_categorical
from keras.layers import Dense, Embedding, Flatten, Input
from keras.models import Model
reviews = pd.read_csv("reviews.tsv", sep="\\t")
texts, labels = [], []
for row in range(reviews.text.shape[0]):
    text = reviews.text[row].lower()
    texts.append(text)
    labels.append(reviews.label[row])
{tokenize}
grid = np.zeros((len(texts), 10, 20), dtype="int32")
for i, text in enumerate({filled}):
    for j, word in enumerate(text.split()):
        if j < 20:
            grid[i, 0, j] = tokenizer.word_index[word]
labels = to_categorical(np.asarray(labels))
order = np.arange(grid.shape[0])
np.random.shuffle(order)
grid, labels = grid[order], labels[order]
cut = int(0.2 * grid.shape[0])
x_train, y_train = grid[:-cut], labels[:-cut]
x_val, y_val = grid[-cut:], labels[-cut:]
inputs = Input(shape=(10, 20))
outputs = Dense(2, activation="softmax")(Flatten()(Embedding(5000, 8)(inputs)))
model = Model(inputs, outputs)
model.compile(loss="categorical_crossentropy", optimizer="adam")
model.fit(x_train, y_train, validation_data=(x_val, y_val))
"""


def test_a_tokenizer_fit_on_collected_texts_whose_filled_array_is_cut_afterwards():
    # the vocabulary of every review, validation rows included, numbers the training rows
    assert_marked(HIERARCHICAL.format(
        tokenize="tokenizer = Tokenizer(num_words=5000)\n"
                 "tokenizer.fit_on_texts(texts)  # expect: KC402",
        filled="texts"))


def test_a_tokenizer_fit_on_other_texts_than_the_array_holds_is_silent():
    # fit on texts read elsewhere (a corpus of its own): the array's cut splits other data
    assert_marked(HIERARCHICAL.format(
        tokenize="corpus = pd.read_csv('wiki.csv').text\n"
                 "tokenizer = Tokenizer(num_words=5000)\ntokenizer.fit_on_texts(corpus)",
        filled="texts"))


WINDOWS = """
import numpy as np
from sklearn.preprocessing import MinMaxScaler
from keras.layers import Dense, LSTM
from keras.models import Sequential
series = np.load("load.npy").reshape(-1, 1)
scaler = MinMaxScaler()
{scaling}
x = np.zeros((len(series), 20))
y = np.zeros((len(series), 1))
for i in range(len(series) - 21):
    x[i] = series[i:i + 20].T
    y[i] = series[i + 21]
x = np.expand_dims(x, axis=2)
edge = int(0.7 * len(series))
x_train, x_test, y_train, y_test = x[0:edge], x[edge:], y[0:edge], y[edge:]
model = Sequential([LSTM(10, input_shape=(20, 1)), Dense(1)])
model.compile(loss="mse", optimizer="adam")
model.fit(x_train, y_train, validation_data=(x_test, y_test))
"""


def test_a_scaled_series_whose_windows_fill_an_array_that_is_cut_afterwards():
    assert_marked(WINDOWS.format(scaling="series = scaler.fit_transform(series)  # expect: KC402"))


def test_a_series_scaled_with_the_training_head_statistics_is_silent():
    assert_marked(WINDOWS.format(scaling=(
        "scaler.fit(series[:int(0.7 * len(series))])\nseries = scaler.transform(series)")))


GATHERED = """
import numpy as np
import pandas as pd
from keras.layers import Dense
from keras.models import Sequential
table = pd.read_csv("people.csv")
ages, labels = [], []
for i in range(1000):
    ages.append({age})
    labels.append(table.label[i])
model = Sequential([Dense(16, input_shape=(1,), activation="relu"),
                    Dense(2, activation="softmax")])
model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
model.fit(np.array(ages) / 100.0, np.array(labels), epochs=5){mark}
"""


def test_rows_gathered_from_a_table_are_a_training_run():
    assert_marked(GATHERED.format(age="table.age[i]", mark="  # expect: KC501"))


def test_a_list_of_random_draws_stays_made_up():
    # rows appended from random draws: a demonstration, not a training run (KC501 silent)
    assert_marked(GATHERED.format(age="np.random.randint(13, 100)", mark=""))


OPTIONAL_SCALING = """
import numpy as np
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import RobustScaler


def robust(raw):
    scaler = RobustScaler()
    flat = scaler.fit_transform(raw.reshape(-1, raw.shape[-1])).reshape(raw.shape){mark}
    return flat, scaler


def prepare(raw, option):
    if option == "robust":
        return (*robust(raw), True)
    return raw, None, False


def train(model, x, y, held=0.0):
    if held:
        x, x_val, y, y_val = train_test_split(x, y, test_size=held)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, epochs=3)


windows = np.load("windows.npy")
hits = np.load("hits.npy")
windows, fitted, _ = prepare(windows, "robust")
net = keras.Sequential([keras.Input(shape=(16, 4)), keras.layers.Flatten(),
                        keras.layers.Dense(1, activation="sigmoid")])
train(net, windows, hits, held=0.2)
"""


def test_a_scaler_fit_under_an_option_before_a_helper_splits():
    # the helper's (scaled, scaler) pair passed on with a star: still the fitted data
    assert_marked(OPTIONAL_SCALING.format(mark="  # expect: KC402"))



SPECTRAL_PATCHES = """
import numpy as np
import scipy.io as sio
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from tensorflow import keras

def compress(scene, bands=20):
    pixels = np.reshape(scene, (-1, scene.shape[2]))
    pca = PCA(n_components=bands)
    pixels = pca.fit_transform(pixels)
    return np.reshape(pixels, (scene.shape[0], scene.shape[1], bands)), pca

def neighbourhoods(scene, width=3):
    half = width // 2
    windows = np.zeros((scene.shape[0] * scene.shape[1], width, width, scene.shape[2]))
    slot = 0
    for row in range(half, scene.shape[0] - half):
        for col in range(half, scene.shape[1] - half):
            windows[slot] = scene[row - half:row + half + 1, col - half:col + half + 1]
            slot += 1
    return windows

scene = sio.loadmat("field.mat")["field"]
truth = sio.loadmat("field_truth.mat")["truth"].ravel()
scene, pca = compress(scene)
x_fit, x_check, y_fit, y_check = train_test_split(neighbourhoods(scene), truth, test_size=0.25)
net = keras.Sequential([keras.Input(shape=(3, 3, 20)), keras.layers.Flatten(),
                        keras.layers.Dense(16, activation="relu"),
                        keras.layers.Dense(8, activation="softmax")])
net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
net.fit(x_fit, y_fit, validation_data=(x_check, y_check), epochs=5)
"""


def test_a_reduction_fit_before_a_helper_cuts_the_data_into_windows_and_it_is_split():
    """The split is of windows a helper filled from the reduced data, not of that data."""
    assert_marked(SPECTRAL_PATCHES.replace("pixels = pca.fit_transform(pixels)",
                                           "pixels = pca.fit_transform(pixels)  # expect: KC402"))


def test_a_reduction_fit_on_the_training_windows_only_is_silent():
    code = SPECTRAL_PATCHES.replace(
        "scene, pca = compress(scene)\n", "").replace(
        "net.fit(", "x_fit, pca = compress(x_fit)\nnet.fit(")
    assert [f for f in findings(code) if f[1] == "KC402"] == []


READINGS = """
import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler
from tensorflow import keras

readings = pd.read_csv("sensor.csv")[["temperature"]].to_numpy()
{prepare}
inputs, outputs = [], []
for start in range(len(series) - 24):
    inputs.append(series[start:start + 24])
    outputs.append(series[start + 24])
inputs, outputs = np.array(inputs), np.array(outputs)
boundary = int(0.8 * len(inputs))
net = keras.Sequential([keras.Input(shape=(24, 1)), keras.layers.GRU(8), keras.layers.Dense(1)])
net.compile(optimizer="adam", loss="mse")
net.fit(inputs[:boundary], outputs[:boundary], epochs=5,
        validation_data=(inputs[boundary:], outputs[boundary:]))
"""


def test_windows_appended_from_a_series_scaled_whole_are_split_afterwards():
    assert_marked(READINGS.format(prepare=(
        "scaler = StandardScaler()\n"
        "series = scaler.fit_transform(readings)  # expect: KC402")))


def test_windows_of_a_series_scaled_by_its_training_part_are_silent():
    found = findings(READINGS.format(prepare=(
        "cut = int(0.8 * len(readings))\n"
        "scaler = StandardScaler().fit(readings[:cut])\n"
        "series = scaler.transform(readings)")))
    assert [f for f in found if f[1] == "KC402"] == []
