"""Character-level encoder-decoder that rewrites dates ("3 March 2021" -> "2021-03-03"): the
decoder predicts one character per step, so its softmax is applied at every position."""
import numpy as np
import keras

pairs = [("3 March 2021", "2021-03-03"), ("14 July 1999", "1999-07-14"),
         ("1 January 2000", "2000-01-01"), ("25 December 1987", "1987-12-25")] * 250
source_chars = sorted({c for source, _ in pairs for c in source})
target_chars = sorted({c for _, target in pairs for c in target} | {"^", "$"})
SOURCE_LEN = max(len(source) for source, _ in pairs)
TARGET_LEN = 12  # "^" + ten characters + "$"


def one_hot_text(texts, alphabet, length):
    index = {c: i for i, c in enumerate(alphabet)}
    grid = np.zeros((len(texts), length, len(alphabet)), dtype="float32")
    for row, text in enumerate(texts):
        for step, char in enumerate(text[:length]):
            grid[row, step, index[char]] = 1.0
    return grid


encoder_in = one_hot_text([s for s, _ in pairs], source_chars, SOURCE_LEN)
decoder_in = one_hot_text(["^" + t + "$" for _, t in pairs], target_chars, TARGET_LEN)
decoder_out = np.concatenate([decoder_in[:, 1:], np.zeros_like(decoder_in[:, :1])], axis=1)

STATE = 128
reading = keras.Input(shape=(None, len(source_chars)))
_, memory_h, memory_c = keras.layers.LSTM(STATE, return_state=True, name="reader")(reading)
writing = keras.Input(shape=(None, len(target_chars)))
writer = keras.layers.LSTM(STATE, return_sequences=True, return_state=True)
written, _, _ = writer(writing, initial_state=[memory_h, memory_c])
next_char = keras.layers.Dense(len(target_chars), activation="softmax")(written)
translator = keras.Model([reading, writing], next_char)
translator.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
translator.fit([encoder_in, decoder_in], decoder_out, batch_size=50, epochs=30,
               validation_split=0.2)
translator.save("date_translator.keras")

# For step-by-step decoding: reload and cut out the encoder half.
restored = keras.models.load_model("date_translator.keras")
state_reader = keras.Model(restored.input[0], restored.get_layer("reader").output[1:])
