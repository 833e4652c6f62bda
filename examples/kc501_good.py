"""Hold out a test set and evaluate on it."""
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(0)
all_data = rng.normal(size=(1000, 20)).astype("float32")
all_labels = (all_data[:, 0] > 0).astype("float32")
train_data, test_data, train_labels, test_labels = train_test_split(
    all_data, all_labels, test_size=0.2, random_state=0)

model = tf.keras.Sequential([
    tf.keras.Input(shape=(20,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train_data, train_labels, epochs=20)
model.evaluate(test_data, test_labels)
