"""Movie-review sentiment from bags of words: each review becomes a 0/1 vector over the most
frequent words; the last 5,000 training reviews are held back for validation."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from tensorflow.keras.datasets import imdb

WORDS = 8000
(train_reviews, train_sentiment), (test_reviews, test_sentiment) = imdb.load_data(num_words=WORDS)


def bag_of_words(reviews, size=WORDS):
    present = np.zeros((len(reviews), size), dtype="float32")
    for row, word_ids in enumerate(reviews):
        present[row, word_ids] = 1.0
    return present


train_bags = bag_of_words(train_reviews)
test_bags = bag_of_words(test_reviews)
train_sentiment = train_sentiment.astype("float32")
test_sentiment = test_sentiment.astype("float32")

fit_bags, check_bags = train_bags[:-5000], train_bags[-5000:]
fit_sentiment, check_sentiment = train_sentiment[:-5000], train_sentiment[-5000:]

sentiment = keras.Sequential([
    layers.Dense(32, activation="relu"),
    layers.Dropout(0.4),
    layers.Dense(32, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
sentiment.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
curves = sentiment.fit(fit_bags, fit_sentiment, epochs=6, batch_size=256,
                       validation_data=(check_bags, check_sentiment))
best_epoch = int(np.argmin(curves.history["val_loss"])) + 1
print("best epoch", best_epoch, sentiment.evaluate(test_bags, test_sentiment, verbose=0))
