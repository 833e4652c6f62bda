"""Review sentiment with one self-attention encoder block over token plus position embeddings;
two softmax outputs with the sparse loss on the 0/1 labels."""
import keras
from keras import layers, ops


class PositionedTokens(layers.Layer):
    """Token embedding plus a learned embedding of each position."""

    def __init__(self, length, vocabulary, width):
        super().__init__()
        self.tokens = layers.Embedding(input_dim=vocabulary, output_dim=width)
        self.positions = layers.Embedding(input_dim=length, output_dim=width)

    def call(self, ids):
        where = ops.arange(0, ops.shape(ids)[-1])
        return self.tokens(ids) + self.positions(where)


class EncoderBlock(layers.Layer):
    """Self-attention then a position-wise feed-forward net, each wrapped in a residual add and
    a layer normalisation."""

    def __init__(self, width, heads, hidden, dropout=0.1):
        super().__init__()
        self.attention = layers.MultiHeadAttention(num_heads=heads, key_dim=width // heads)
        self.expand = layers.Dense(hidden, activation="gelu")
        self.project = layers.Dense(width)
        self.after_attention = layers.LayerNormalization(epsilon=1e-6)
        self.after_feed_forward = layers.LayerNormalization(epsilon=1e-6)
        self.drop = layers.Dropout(dropout)

    def call(self, sequence, training=False):
        attended = self.drop(self.attention(sequence, sequence), training=training)
        sequence = self.after_attention(sequence + attended)
        transformed = self.drop(self.project(self.expand(sequence)), training=training)
        return self.after_feed_forward(sequence + transformed)


VOCABULARY = 15000
SEQUENCE_LENGTH = 160
(fit_reviews, fit_labels), (check_reviews, check_labels) = keras.datasets.imdb.load_data(
    num_words=VOCABULARY)
fit_reviews = keras.utils.pad_sequences(fit_reviews, maxlen=SEQUENCE_LENGTH)
check_reviews = keras.utils.pad_sequences(check_reviews, maxlen=SEQUENCE_LENGTH)

ids = keras.Input(shape=(SEQUENCE_LENGTH,))
h = PositionedTokens(SEQUENCE_LENGTH, VOCABULARY, 48)(ids)
h = EncoderBlock(48, heads=4, hidden=96)(h)
h = layers.GlobalAveragePooling1D()(h)
h = layers.Dropout(0.2)(h)
h = layers.Dense(24, activation="relu")(h)
sentiment = layers.Dense(2, activation="softmax")(h)
reader = keras.Model(ids, sentiment)
reader.compile(optimizer=keras.optimizers.Adam(5e-4), loss="sparse_categorical_crossentropy",
               metrics=["accuracy"])
reader.fit(fit_reviews, fit_labels, batch_size=64, epochs=3,
           validation_data=(check_reviews, check_labels))
