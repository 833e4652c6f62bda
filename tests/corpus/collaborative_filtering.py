"""Matrix factorisation for recommendations: reader and book embeddings in a subclassed model,
their dot product squashed into a score between 0 and 1."""
import pandas as pd
import keras
from keras import layers, ops

ratings = pd.read_csv("book_ratings.csv")
reader_codes, reader_names = pd.factorize(ratings["reader"])
book_codes, book_titles = pd.factorize(ratings["isbn"])
ratings["reader_index"] = reader_codes
ratings["book_index"] = book_codes
lowest, highest = ratings["stars"].min(), ratings["stars"].max()
ratings["score"] = ((ratings["stars"] - lowest) / (highest - lowest)).astype("float32")

shuffled = ratings.sample(frac=1.0, random_state=7)
cut = int(len(shuffled) * 0.85)
pairs = shuffled[["reader_index", "book_index"]].to_numpy()
scores = shuffled["score"].to_numpy()
train_pairs, val_pairs = pairs[:cut], pairs[cut:]
train_scores, val_scores = scores[:cut], scores[cut:]


class TasteModel(keras.Model):
    """One vector and one bias per reader and per book."""

    def __init__(self, readers, books, factors=24):
        super().__init__()
        penalty = keras.regularizers.l2(1e-5)
        self.reader_vectors = layers.Embedding(readers, factors, embeddings_initializer="he_normal",
                                               embeddings_regularizer=penalty)
        self.book_vectors = layers.Embedding(books, factors, embeddings_initializer="he_normal",
                                             embeddings_regularizer=penalty)
        self.reader_offsets = layers.Embedding(readers, 1)
        self.book_offsets = layers.Embedding(books, 1)

    def call(self, pair):
        reader, book = pair[:, 0], pair[:, 1]
        affinity = ops.sum(self.reader_vectors(reader) * self.book_vectors(book), axis=1,
                           keepdims=True)
        affinity = affinity + self.reader_offsets(reader) + self.book_offsets(book)
        return ops.sigmoid(affinity)


recommender = TasteModel(len(reader_names), len(book_titles))
recommender.compile(optimizer=keras.optimizers.Adam(learning_rate=2e-3),
                    loss=keras.losses.BinaryCrossentropy())
recommender.fit(train_pairs, train_scores, batch_size=128, epochs=4,
                validation_data=(val_pairs, val_scores))
