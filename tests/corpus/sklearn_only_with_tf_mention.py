"""A scikit-learn script that mentions TensorFlow only in a comment and a version check."""
import importlib.util

import numpy as np
from sklearn.datasets import load_iris
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# A tensorflow/keras version of this model lives in keras_model.py.
HAS_TENSORFLOW = importlib.util.find_spec("tensorflow") is not None
X, y = load_iris(return_X_y=True)
pipeline = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000))
scores = cross_val_score(pipeline, X, y, cv=5)
pipeline.fit(X, y)
print(np.mean(scores), HAS_TENSORFLOW)


class Dense:
    """A toy dense layer, not Keras."""

    def __init__(self, units, activation=None):
        self.units = units
        self.activation = activation


class Sequential(list):
    def fit(self, x, y, nb_epoch=1, lr=0.5):
        return self


toy = Sequential([Dense(4), Dense(4), Dense(1, activation="softmax")])
toy.fit(X, y, nb_epoch=5, lr=5.0)
