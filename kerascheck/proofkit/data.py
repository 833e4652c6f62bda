"""Seeded tiny data sets the proofs train on."""

from __future__ import annotations


def xor_data():
    """The four XOR points ``x`` (4, 2) float32 and their labels ``y`` (4,) float32."""
    import numpy as np

    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    y = np.array([0, 1, 1, 0], dtype="float32")
    return x, y


def blobs(count: int = 200, features: int = 2, classes: int = 3, spread: float = 0.5,
          seed: int = 0):
    """Well separated Gaussian blobs: ``x`` (count, features) float32, ``y`` int class labels."""
    import numpy as np

    rng = np.random.default_rng(seed)
    centers = rng.uniform(-3, 3, size=(classes, features))
    y = rng.integers(0, classes, size=count)
    x = centers[y] + rng.normal(0, spread, size=(count, features))
    return x.astype("float32"), y.astype("int64")


def random_label_data(count: int = 64, features: int = 20, classes: int = 2, seed: int = 0):
    """Random inputs with random labels: nothing to learn, only to memorize."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(count, features)).astype("float32")
    y = rng.integers(0, classes, size=count).astype("int64")
    return x, y


def pixel_images(count: int = 256, shape: tuple = (8, 8), classes: int = 2, seed: int = 0):
    """Raw pixel-like images (count, *shape) float32 in 0..255: dim noise (0..215) with one region
    (the label's share of the flattened image) 40 levels brighter; labels int. A subtle signal on
    a large offset, as in real photos. Divide by 255 for the scaled twin."""
    import numpy as np

    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, size=count)
    flat = rng.uniform(0, 215, size=(count, int(np.prod(shape))))
    bounds = np.linspace(0, flat.shape[1], classes + 1).astype(int)
    for index, label in enumerate(y):
        flat[index, bounds[label]:bounds[label + 1]] += 40
    return flat.reshape(count, *shape).astype("float32"), y.astype("int64")


def gray_images(count: int = 256, shape: tuple = (8, 8), seed: int = 0):
    """Raw pixel-like images (count, *shape) float32 in 0..255, each a level of gray with a
    little noise; the label is 1 for the images brighter than middle gray. A model trained on
    them divided by 255 learns a threshold (a bias); on the raw images every level is far past
    it, so the model gives every image the same answer, as a model trained on scaled photos
    does on raw ones. (Images whose class is *where* they are bright would not show it: a
    ReLU network's answer keeps its direction when its input is multiplied.)"""
    import numpy as np

    rng = np.random.default_rng(seed)
    level = rng.uniform(0, 255, size=count)
    noise = rng.uniform(-20, 20, size=(count, int(np.prod(shape))))
    flat = np.clip(level[:, None] + noise, 0, 255)
    return flat.reshape(count, *shape).astype("float32"), (level > 127.5).astype("int64")


def labels_for_loss(loss_name, labels, classes: int):
    """Encode int ``labels`` the way ``loss_name`` (canonical) expects: one-hot for
    categorical losses, a (n, 1) float column for binary and regression losses with one unit."""
    import numpy as np

    if loss_name in ("categorical_crossentropy", "categorical_focal_crossentropy",
                     "mean_squared_error", "mean_absolute_error", "kl_divergence",
                     "categorical_hinge") and classes > 1:
        return np.eye(classes, dtype="float32")[labels]
    if loss_name == "sparse_categorical_crossentropy":
        return labels
    return labels.astype("float32").reshape(-1, 1)


def tabular_features(count: int = 256, features: int = 8, classes: int = 2, seed: int = 0):
    """Raw tabular features as read from a CSV: columns on scales from 1 to 1000 with offsets
    (ages, incomes, counts), labels from a linear rule of the standardized columns (int class
    ids; for ``classes == 0`` a continuous regression target). Returns ``(raw, standardized,
    labels)``; the standardized twin is what a ``StandardScaler`` gives."""
    import numpy as np

    rng = np.random.default_rng(seed)
    standard = rng.normal(size=(count, features))
    scales = 10.0 ** np.linspace(0, 3, features)
    raw = standard * scales + 2 * scales
    weights = rng.normal(size=(features, max(classes, 1)))
    scores = standard @ weights
    if classes == 0:
        labels = scores[:, :1].astype("float32")
    elif classes == 1:
        labels = (scores[:, 0] > 0).astype("int64")
    else:
        labels = scores.argmax(axis=1).astype("int64")
    scaled = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    return raw.astype("float32"), scaled.astype("float32"), labels

