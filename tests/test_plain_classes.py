"""Plain classes of the file (builders, trainers) followed where the file uses them, helpers'
loaded data, and a helper that validates on a part of the data it trains on (KC505). Each case
is written for this suite; the look-alikes beside them must stay silent."""

from __future__ import annotations

from conftest import check_expected_beside_api as check

BUILDER = '''
import numpy as np
from keras.layers import Dense, Input
from keras.models import Model


class Network:
    def __init__(self, width, depth=2):
        self._width = width
        self._depth = depth

    def __call__(self):
        inputs = Input(shape=(self._width,))
        hidden = Dense(32, activation="relu")(inputs)
        return Model(inputs=inputs, outputs=Dense(1, activation="sigmoid")(hidden))

    def build(self):
        return self()


def load_rows(path):
    table = np.load(path)
    return table[:, :8], table[:, 8]


features, labels = load_rows("rows.npy")
cut = int(len(features) * 0.9)
model = {make}
model.compile(optimizer="adam", loss="binary_crossentropy")
{use}
'''
OVERLAPPING = 'model.fit(features, labels, validation_data=(features[cut:], labels[cut:]))'


def test_an_instance_called_builds_the_model_that_is_trained():
    # the builder's model is the caller's; its data come from a helper given a path
    check(BUILDER.format(make="Network(8)()", use=OVERLAPPING + "  # expect: KC505"))


def test_a_builder_method_builds_the_model_that_is_trained():
    check(BUILDER.format(make="Network(8, depth=3).build()", use=OVERLAPPING + "  # expect: KC505"))


def test_held_out_rows_are_silent():
    check(BUILDER.format(make="Network(8)()", use="model.fit(features[:cut], labels[:cut], "
                                                   "validation_data=(features[cut:], labels[cut:]))"))


TRAINER = '''
import numpy as np
import keras


class Trainer:
    def __init__(self, model, rows, targets):
        self.model = model
        self.rows, self.targets = rows, targets

    def run(self, epochs):
        self.model.fit(self.rows, self.targets, epochs=epochs){mark}


model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                          keras.layers.Dense(1, activation="sigmoid")])
model.compile(optimizer="adam", loss="binary_crossentropy")
table = np.load("rows.npy")
trainer = Trainer(model, table[:, :8] / 10.0, table[:, 8])
{use}
'''


def test_a_trainer_object_trains_the_model_it_holds():
    # no held-out data anywhere in the file: the trainer's fit is the model's
    check(TRAINER.format(mark="  # expect: KC501", use="trainer.run(10)"))


def test_a_trainer_handed_to_unseen_code_hands_its_model_on():
    # whoever gets the trainer may evaluate the model: nothing is said of its holdout
    check(TRAINER.format(mark="", use="trainer.run(10)\nschedule(trainer)"))
    # a method the file does not define (inherited from elsewhere) is unseen code too
    check(TRAINER.format(mark="", use="trainer.run(10)\ntrainer.evaluate_later()"))


def test_classes_that_are_not_plain_are_not_followed():
    # a dataclass writes its own __init__; a class with a base from elsewhere is that base's
    for header in ("@dataclass\nclass Trainer:", "class Trainer(Callback):"):
        check(TRAINER.replace("class Trainer:", header)
              .replace("import keras\n", "import keras\nfrom dataclasses import dataclass\n"
                                         "from elsewhere import Callback\n")
              .format(mark="", use="trainer.run(10)"))


ESTIMATOR = '''
import tensorflow as tf
from sklearn.base import BaseEstimator
from sklearn.model_selection import train_test_split


class Classifier(BaseEstimator):
    def __init__(self, epochs=5, rate=0.001):
        self.epochs = epochs
        self.rate = rate

    def fit(self, X, y):
        X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.1)
        self.model = tf.keras.Sequential([tf.keras.Input(shape=(X.shape[1],)),
                                          tf.keras.layers.Dense(16, activation="relu"),
                                          tf.keras.layers.Dense(1, activation="sigmoid")])
        self.model.compile(optimizer=tf.keras.optimizers.Adam(self.rate),
                           loss="binary_crossentropy")
        self.model.fit({trained}, epochs=self.epochs, validation_data=(X_val, y_val)){mark}
        return self
'''


def test_an_estimator_that_trains_on_all_it_is_given_and_validates_on_a_part():
    check(ESTIMATOR.format(trained="X, y", mark="  # expect: KC505"))


def test_an_estimator_that_trains_on_its_training_part_is_silent():
    check(ESTIMATOR.format(trained="X_train, y_train", mark=""))


def test_a_training_helper_that_splits_what_it_is_given_and_trains_on_its_part_is_silent():
    check('''
import keras
from sklearn.model_selection import train_test_split
def train(model, X, y):
    X_fit, X_val, y_fit, y_val = train_test_split(X, y, test_size=0.1)
    model.fit(X_fit, y_fit, epochs=5, validation_data=(X_val, y_val))
    return model
''')


def test_an_imported_modules_removed_path_is_reported_there_once(tmp_path):
    # the importer runs the class's loss closure, which spells a path of the removed module
    # model.py imports: the import is model.py's finding, not repeated at the importer
    from test_project import codes, write

    root = write(tmp_path, {"model.py": '''
from keras import objectives
from keras.layers import Dense
from keras.models import Sequential


class Autoencoder:
    def create(self):
        self.model = Sequential([Dense(4, input_dim=3, activation="relu"),
                                 Dense(3, activation="sigmoid")])

        def reconstruction(x, decoded):
            return objectives.binary_crossentropy(x, decoded)

        self.model.compile(optimizer="adam", loss=reconstruction)
''', "train.py": '''
from model import Autoencoder

network = Autoencoder()
network.create()
'''})
    assert codes(root / "model.py") == [(2, "KC601")]
    assert codes(root / "train.py") == []


def test_a_method_called_past_the_call_limit_keeps_its_objects_models():
    # nine calls of one helper method: the ninth is not followed, and self is not handed on,
    # so the critic trained before any compile is still KC504
    calls = "\n".join("        self.freeze()" for _ in range(9))
    check(f'''
from keras.layers import Dense
from keras.models import Sequential
from keras.optimizers import RMSprop


class Trainer(object):
    def __init__(self, optimizer=RMSprop(0.0001), loss="mae"):
        self.optimizer, self.loss = optimizer, loss
        self.critic = Sequential([Dense(8, input_dim=4, activation="relu"), Dense(1)])

    def freeze(self):
        self.critic.trainable = False

    def train(self, rows, scores):
{calls}
        self.critic.train_on_batch(rows, scores)  # expect: KC504
''')
