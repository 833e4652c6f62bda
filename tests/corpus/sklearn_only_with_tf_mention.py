"""A scikit-learn script that only mentions TensorFlow, and defines toy classes named Dense and
Sequential of its own: nothing here is Keras."""
import importlib.util

import numpy as np
from sklearn.datasets import load_wine
from sklearn.model_selection import cross_val_score
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

# The TensorFlow port of this classifier is optional; report whether it could run.
TENSORFLOW_AVAILABLE = importlib.util.find_spec("tensorflow") is not None

wines, cultivars = load_wine(return_X_y=True)
wine_pipeline = make_pipeline(StandardScaler(),
                              MLPClassifier(hidden_layer_sizes=(24, 12), max_iter=3000))
print(np.mean(cross_val_score(wine_pipeline, wines, cultivars, cv=4)), TENSORFLOW_AVAILABLE)
wine_pipeline.fit(wines, cultivars)


class Dense:
    """A record of a layer's width for a diagram, nothing more."""

    def __init__(self, units, activation=None):
        self.units = units
        self.activation = activation


class Sequential(list):
    """A list of Dense records that pretends to train."""

    def fit(self, x, y, nb_epoch=1, lr=1.0):
        return [layer.units for layer in self]


diagram = Sequential([Dense(24), Dense(12), Dense(1, activation="softmax")])
diagram.fit(wines, cultivars, nb_epoch=3, lr=10.0)
