"""Newswire topics (46 of them, one per story): the same network trained once on one-hot topics
with categorical cross-entropy and once on topic ids with the sparse loss."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.datasets import reuters
from tensorflow.keras.utils import to_categorical

VOCABULARY = 12000
TOPICS = 46
(train_stories, train_topics), (test_stories, test_topics) = reuters.load_data(
    num_words=VOCABULARY)


def word_presence(stories):
    grid = np.zeros((len(stories), VOCABULARY), dtype="float32")
    for row, words in enumerate(stories):
        grid[row, words] = 1.0
    return grid


train_grid = word_presence(train_stories)
test_grid = word_presence(test_stories)


def topic_network():
    return keras.Sequential([
        layers.Dense(96, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(96, activation="relu"),
        layers.Dense(TOPICS, activation="softmax"),
    ])


# One-hot topics go with categorical_crossentropy.
train_onehot = to_categorical(train_topics, TOPICS)
test_onehot = to_categorical(test_topics, TOPICS)
onehot_net = topic_network()
onehot_net.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
onehot_net.fit(train_grid[1500:], train_onehot[1500:], epochs=8, batch_size=256,
               validation_data=(train_grid[:1500], train_onehot[:1500]))
print("one-hot:", onehot_net.evaluate(test_grid, test_onehot, verbose=0))

# Integer topic ids go with sparse_categorical_crossentropy.
id_net = topic_network()
id_net.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
               metrics=["accuracy"])
id_net.fit(train_grid, np.asarray(train_topics), epochs=8, batch_size=256, validation_split=0.15)
print("ids:", id_net.evaluate(test_grid, np.asarray(test_topics), verbose=0))
