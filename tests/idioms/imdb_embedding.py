# expect-codes:
from tensorflow import keras
from tensorflow.keras import layers

(reviews, liked), (check_reviews, check_liked) = keras.datasets.imdb.load_data(num_words=12000)
reviews = keras.utils.pad_sequences(reviews, maxlen=250, truncating="post")
check_reviews = keras.utils.pad_sequences(check_reviews, maxlen=250, truncating="post")
tokens = keras.Input(shape=(None,), dtype="int32")
h = layers.Embedding(12000, 64, mask_zero=True)(tokens)
h = layers.GRU(48, return_sequences=True)(h)
h = layers.GRU(24)(h)
verdict = layers.Dense(1, activation="sigmoid")(h)
reader = keras.Model(tokens, verdict)
reader.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
reader.fit(reviews, liked, batch_size=64, epochs=3, validation_data=(check_reviews, check_liked))
