"""Real-bug patterns from benchmarks/BUG_CORPUS.md, each as a small case written for this suite:
what must be found, and the look-alikes that must stay silent."""

from __future__ import annotations

import pytest

from conftest import lint


def found(code: str) -> list[tuple[int, str]]:
    # KC601 (Keras 2 paths such as keras.wrappers.scikit_learn under Keras 3) is beside the point
    return [(d.line, d.code) for d in lint(code, select=("KC",)) if d.code != "KC601"]


WRAPPED = """
import pandas as pd
from keras.models import Sequential
from keras.layers import Dense
from keras.wrappers.scikit_learn import KerasClassifier
from sklearn.model_selection import cross_val_score, KFold
frame = pd.read_csv("measurements.csv", header=None)
features = frame.values[:, :4].astype(float)
labels = frame.values[:, 4]
def build():
    model = Sequential([Dense(8, input_dim=4, activation="relu"), Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="adam")
    return model
estimator = KerasClassifier(build_fn=build, epochs=20, batch_size=8)
scores = cross_val_score(estimator, {features}, labels, cv=KFold(5))
"""


def test_raw_features_reach_a_model_trained_through_cross_val_score():
    # cross-validation holds folds out, so no holdout finding; the raw features are the fault
    assert found(WRAPPED.format(features="features")) == [(15, "KC401")]


def test_scaled_features_through_cross_val_score_are_silent():
    assert found(WRAPPED.format(features="(features - features.mean(0)) / features.std(0)")) == []


SEARCHED = """
from scikeras.wrappers import KerasClassifier
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = x_train / 255.0
y_train = keras.utils.to_categorical(y_train, 10)
def build():
    model = keras.Sequential([keras.Input(shape=(32, 32, 3)), keras.layers.Flatten(),
                              keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])
    model.compile(optimizer="adam", metrics=["accuracy"],
                  loss=keras.losses.{loss}(from_logits=True))
    return model
search = {search}(estimator=KerasClassifier(model=build, epochs=2), param_grid={{}}, cv=3)
result = search.fit(x_train, y_train)
"""


@pytest.mark.parametrize("search", ["GridSearchCV", "RandomizedSearchCV"])
def test_a_hyperparameter_search_trains_the_wrapped_model_on_its_labels(search):
    # the search fits the wrapped model on the one-hot labels, scoring it on held-out folds
    code = SEARCHED.replace("{search}", search).format(loss="SparseCategoricalCrossentropy")
    assert found(code) == [(12, "KC306")]
    assert found(code.replace("SparseCategoricalCrossentropy", "CategoricalCrossentropy")) == []


def test_a_search_over_something_else_judges_nothing():
    code = SEARCHED.replace("{search}", "GridSearchCV").format(
        loss="SparseCategoricalCrossentropy").replace(
        "estimator=KerasClassifier(model=build, epochs=2)", "estimator=make_estimator()")
    assert found(code) == []


def test_a_wrapper_around_an_unknown_builder_judges_nothing():
    code = """
from keras.wrappers.scikit_learn import KerasClassifier
from sklearn.model_selection import cross_val_score
from models import build
import pandas as pd
x = pd.read_csv("data.csv").values
scores = cross_val_score(KerasClassifier(build_fn=build), x, x[:, 0], cv=3)
"""
    assert found(code) == []


def test_test_images_evaluated_raw_after_the_training_images_were_scaled():
    code = """
from tensorflow import keras
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784)
model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, validation_split=0.1)
print(model.evaluate(x_test, y_test))
"""
    assert found(code) == [(9, "KC403")]


def test_a_sigmoid_over_folder_classes_with_binary_crossentropy():
    code = """
from keras.models import Sequential
from keras.layers import Dense, Flatten
from keras.preprocessing.image import ImageDataGenerator
model = Sequential([Flatten(input_shape=(32, 32, 3)), Dense(4, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
train = ImageDataGenerator(rescale=1 / 255).flow_from_directory("train")
model.fit(train, validation_data=train)
"""
    # the generator's rescale=1/255 makes its flow loaded images, so validating on the very
    # flow trained on is KC505 too (branch recall-data)
    assert found(code) == [(5, "KC301"), (8, "KC505")]


def test_one_sigmoid_unit_for_ten_digit_classes():
    code = """
from keras.datasets import mnist
from keras.models import Sequential
from keras.layers import Dense
(x_train, y_train), (x_test, y_test) = mnist.load_data()
x_train = x_train.reshape(60000, 784) / 255.0
model = Sequential([Dense(64, activation="relu", input_shape=(784,)),
                    Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
model.fit(x_train, y_train, validation_split=0.33)
"""
    assert found(code) == [(8, "KC308")]


def test_a_cifar_cnn_whose_last_window_no_longer_fits():
    code = """
from keras import layers, models
from keras.datasets import cifar10
(x_train, y_train), (x_test, y_test) = cifar10.load_data()
model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)))
for filters in (64, 128, 128):
    model.add(layers.MaxPooling2D((2, 2)))
    model.add(layers.Conv2D(filters, (3, 3), activation="relu"))
"""
    # layers added in a loop: the order is not certain, so the shapes are not followed
    assert found(code) == []


def test_keras_2_spellings_do_not_stop_the_other_rules():
    code = """
from keras.models import Sequential
from keras.layers.core import Dense
model = Sequential()
model.add(Dense(input_dim=8, output_dim=12, init="zero", activation="relu"))
model.add(Dense(output_dim=3, activation="sigmoid"))
model.compile(loss="categorical_crossentropy", optimizer="adam")
"""
    codes = [(d.line, d.code) for d in lint(code, select=("KC2", "KC3"))]
    assert codes == [(5, "KC203"), (6, "KC301")]


def test_stacked_convolutions_without_activations_are_one_linear_map():
    code = """
from keras.models import Sequential
from keras.layers import Conv1D, Dense, Flatten, ZeroPadding1D
model = Sequential([Conv1D(16, 3, input_shape=(50, 4)), ZeroPadding1D(1), Conv1D(16, 3),
                    Flatten(), Dense(1)])
"""
    # one chain, one report at its first layer
    assert found(code) == [(4, "KC201")]


SNIPPET = """
(x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0
model = keras.Sequential([
    layers.Flatten(input_shape=(28, 28)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(x_train, y_train, epochs=5, validation_data=(x_test, y_test))
"""


def test_a_snippet_without_imports_uses_the_tutorial_aliases():
    assert found(SNIPPET) == [(7, "KC301")]


def test_a_file_with_any_import_is_no_snippet_and_its_own_names_stay_its_own():
    assert found("import numpy as np\n" + SNIPPET) == []
    own_layers = SNIPPET.replace("model = keras", "from mylib import keras\nmodel = keras")
    assert found(own_layers) == []


# -- issue 16, the rule and pattern parts: data leaks, literal labels, validation slices --

LEAKY_PREPROCESSORS = """
import numpy as np
import pandas as pd
from keras.preprocessing.text import Tokenizer
from sklearn.decomposition import TruncatedSVD
from sklearn.impute import KNNImputer
from sklearn.model_selection import train_test_split
frame = pd.read_csv("measurements.csv")
columns = KNNImputer(n_neighbors=3).fit_transform(frame.values)
axes = TruncatedSVD(n_components=4).fit_transform(columns)
vocabulary = Tokenizer()
vocabulary.fit_on_texts(frame["notes"])
ids = vocabulary.texts_to_sequences(frame["notes"])
part_a, part_b = train_test_split(axes, test_size=0.3)
ids_a, ids_b = train_test_split(ids, test_size=0.3)
"""


def test_imputers_reductions_and_vocabularies_fit_before_the_split():
    # the imputed rows are reduced, then split: the imputer saw the test rows too
    assert found(LEAKY_PREPROCESSORS) == [(9, "KC402"), (10, "KC402"), (12, "KC402")]


def test_preprocessors_fit_after_the_split_are_silent():
    code = LEAKY_PREPROCESSORS.replace("part_a, part_b = train_test_split(axes, test_size=0.3)\n",
                                       "").replace("ids_a, ids_b = train_test_split(ids, "
                                                   "test_size=0.3)\n", "")
    assert found(code) == []


def test_a_scaler_fit_again_on_the_test_frame():
    code = """
import pandas as pd
from keras import Sequential, layers
from sklearn.preprocessing import RobustScaler
known = pd.read_csv("history.csv")
fresh = pd.read_csv("unseen.csv")
X_train, X_test = known.values, fresh.values
scaler = RobustScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.fit_transform(X_test)
"""
    assert found(code) == [(10, "KC402")]
    # fit again on more training data, or on a frame whose name holds "test" inside a word
    assert found(code.replace("X_test", "X_more")) == []
    assert found(code.replace("X_test", "X_contest")) == []


def test_a_file_named_as_the_validation_set_gets_statistics_of_its_own():
    code = """
import numpy as np
import keras
from sklearn.preprocessing import StandardScaler
features = StandardScaler().fit_transform(np.load("features_valid.npy"))
"""
    assert found(code) == [(5, "KC402")]
    assert found(code.replace("features_valid", "features_all")) == []


XOR_WITH_MAE = """
import numpy as np
from keras.models import Sequential
from keras.layers import Dense
first, second, third, fourth = [0], [1], [1], [0]
inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
targets = np.array((first, second, third, fourth))
model = Sequential([Dense(4, input_dim=2, activation="tanh"), Dense(1, activation="sigmoid")])
model.compile(loss="mean_absolute_error", optimizer="sgd")
model.fit(inputs, targets, epochs=500)
"""


def test_typed_in_zero_one_labels_are_class_ids_for_a_sigmoid_output():
    assert found(XOR_WITH_MAE) == [(9, "KC302")]


def test_typed_in_zero_one_labels_with_a_linear_output_are_a_regression_demo():
    assert found(XOR_WITH_MAE.replace(', activation="sigmoid")', ")")) == []
    # targets that are not 0/1 are not class ids
    assert found(XOR_WITH_MAE.replace("[0], [1], [1], [0]", "[0.2], [1], [1.7], [0]")) == []


def test_validation_data_sliced_from_arrays_loaded_with_np_load():
    code = """
import numpy as np
from keras import Input, Sequential, layers
x_train, y_train = np.load("x_train.npy"), np.load("y_train.npy")
x_test, y_test = np.load("x_test.npy"), np.load("y_test.npy")
model = Sequential([Input(shape=(6,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(x_train, y_train, validation_data=(x_train[:200], y_train[:200]))
model.evaluate(x_test, y_test)
"""
    assert found(code) == [(8, "KC505")]
    assert found(code.replace("validation_data=(x_train[:200], y_train[:200])",
                              "validation_data=(x_test, y_test)")) == []


RANDOM_SEQUENCE_LABELS = """
import numpy as np
import keras
from keras import layers
windows = np.random.rand(32, 12, 3)
labels = np.random.randint(0, 2, size=(32,))
model = keras.Sequential([keras.Input(shape=(12, 3)), layers.GRU(8, return_sequences=True),
                          layers.Dense(1, activation="sigmoid")])
model.compile(loss="binary_crossentropy", optimizer="adam")
model.fit(windows, labels, epochs=1)
"""


def test_a_per_step_output_against_random_labels_drawn_one_per_sample():
    assert found(RANDOM_SEQUENCE_LABELS) == [(8, "KC102")]
    column = RANDOM_SEQUENCE_LABELS.replace("np.random.randint(0, 2, size=(32,))",
                                            "np.eye(32, 1)")
    assert found(column) == [(8, "KC102")]
    assert found(column.replace("np.eye(32, 1)", "np.zeros((32, 1))")) == [(8, "KC102")]


def test_random_labels_drawn_one_per_step_make_a_per_step_output_right():
    assert found(RANDOM_SEQUENCE_LABELS.replace("size=(32,)", "size=(32, 12, 1)")) == []
    # a shape that is not written out says nothing
    assert found(RANDOM_SEQUENCE_LABELS.replace("size=(32,)", "size=label_shape")) == []
    assert found(RANDOM_SEQUENCE_LABELS.replace("np.random.randint(0, 2, size=(32,))",
                                                "np.eye(32)")) == []


RESCALED_DATASETS = """
import tensorflow as tf
loader = tf.keras.utils.image_dataset_from_directory
train_ds, val_ds = loader("photos/train"), loader("photos/val")
test_ds = loader("photos/test")
def to_unit(image, label):
    return tf.cast(image, tf.float32) / 255.0, label
train_ds = train_ds.map(to_unit)
val_ds = val_ds.map(to_unit)
model = tf.keras.Sequential([tf.keras.Input(shape=(256, 256, 3)),
                             tf.keras.layers.Conv2D(8, 3, activation="relu"),
                             tf.keras.layers.GlobalAveragePooling2D(),
                             tf.keras.layers.Dense(4, activation="softmax")])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.fit(train_ds, validation_data=val_ds, epochs=3)
model.evaluate(test_ds)
"""


def test_images_rescaled_by_a_mapped_function_for_training_but_not_for_the_test_set():
    assert found(RESCALED_DATASETS) == [(16, "KC403")]


def test_every_dataset_mapped_or_a_map_that_does_not_rescale_is_silent():
    assert found(RESCALED_DATASETS.replace("model.evaluate(test_ds)",
                                           "model.evaluate(test_ds.map(to_unit))")) == []
    # augmentation is not rescaling: what the training data looks like is unknown (no KC401)
    flipped = RESCALED_DATASETS.replace("tf.cast(image, tf.float32) / 255.0",
                                        "tf.image.flip_left_right(image)")
    assert found(flipped) == []
    # a map of a helper the file does not define may do anything
    opaque = RESCALED_DATASETS.replace("train_ds.map(to_unit)", "train_ds.map(prepare)").replace(
        "val_ds.map(to_unit)", "val_ds.map(prepare)")
    assert found(opaque) == []


OPTIMIZER_RATE = """
import keras
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
print(model.optimizer.lr)
"""


def test_the_optimizers_lr_attribute_of_a_known_model_under_keras_3():
    assert [(d.line, d.code) for d in lint(OPTIMIZER_RATE, select=("KC601",))] == [(5, "KC601")]


def test_lr_on_other_objects_on_keras_2_or_spelled_learning_rate_is_silent():
    def kc601(code):
        return [d.code for d in lint(code, select=("KC601",))]
    assert kc601(OPTIMIZER_RATE.replace(".lr", ".learning_rate")) == []
    assert kc601(OPTIMIZER_RATE.replace("model.optimizer.lr", "trainer.optimizer.lr")) == []
    assert kc601(OPTIMIZER_RATE.replace("import keras", "import tf_keras as keras")) == []


LEN_OF_CLASSES = """
import numpy as np
import keras
names = ["cat", "dog", "fox"]
labels = keras.utils.to_categorical(np.load("labels.npy"), len(names))
model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(8, activation="relu"),
                          keras.layers.Dense(len(names), activation="sigmoid")])
model.compile(optimizer="adam", loss="categorical_crossentropy")
"""


def test_a_sigmoid_over_len_of_a_literal_class_list():
    assert found(LEN_OF_CLASSES) == [(7, "KC301")]


def test_len_of_a_list_the_file_does_not_spell_out_is_unknown():
    code = LEN_OF_CLASSES.replace('["cat", "dog", "fox"]', 'sorted(os.listdir("images"))')
    code = code.replace('activation="sigmoid")', 'activation="softmax")')
    assert found(code) == []
    # one name, sigmoid over one unit: a binary output, nothing to report
    one = LEN_OF_CLASSES.replace('["cat", "dog", "fox"]', '["spam"]').replace(
        "categorical_crossentropy", "binary_crossentropy")
    assert found(one) == []


# --- a helper with a return on each path, pandas' old as_matrix ------------------------------

HELPER_SPLIT = """
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from keras.models import Sequential
from keras.layers import Dense

def features_and_target(table, column):
    others = [name for name in table.columns if name != column]
    if table[column].dtype == np.int64:
        return table.{pick}.astype("float32"), pd.get_dummies(table[column]).values
    return table.{pick}.astype("float32"), table[[column]].values

table = pd.read_csv("measurements.csv")
x, y = features_and_target(table, "kind")
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2)
net = Sequential([Dense(16, input_dim=x.shape[1], activation="relu"),
                  Dense(4, activation="softmax")])
net.compile(loss="categorical_crossentropy", optimizer="adam")
net.fit({fit_x}, {fit_y}, validation_data=(x_test, y_test), epochs=50)
"""


@pytest.mark.parametrize("pick", ["as_matrix(others)", "loc[:, others].values"])
def test_kc505_sees_through_a_helper_that_returns_on_two_paths(pick):
    # both returns give the table's rows: x is the table, whatever the branch
    code = HELPER_SPLIT.format(pick=pick, fit_x="x", fit_y="y")
    assert [d.code for d in lint(code, select=("KC505",))] == ["KC505"]
    fixed = HELPER_SPLIT.format(pick=pick, fit_x="x_train", fit_y="y_train")
    assert lint(fixed, select=("KC505",)) == []


# --- pandas' dummies of one label column: one class per row ---------------------------------

DUMMIES = """
import pandas as pd
from tensorflow import keras
flowers = pd.read_csv("flowers.csv")
x = flowers.iloc[:, :4].values
y = pd.get_dummies({labels}).values
net = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"),
                        keras.layers.Dense(3, activation="sigmoid")])
net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
net.fit(x, y, epochs=100, validation_split=0.2)
"""


def test_sigmoid_over_the_dummies_of_one_label_column_is_kc301():
    [finding] = lint(DUMMIES.format(labels='flowers["species"]'), select=("KC301",))
    assert finding.line == 8 and "exactly one class per sample" in finding.message


@pytest.mark.parametrize("labels", [
    'flowers[["species", "colour"]]',  # one-hot per column: several ones per row
    'flowers["species"], drop_first=True',  # the first class is a row of zeros
    "flowers[column]",  # a name: one column or a list of them
    "flowers",
])
def test_dummies_that_may_hold_several_or_no_ones_per_row_stay_silent(labels):
    assert lint(DUMMIES.format(labels=labels), select=("KC301",)) == []
