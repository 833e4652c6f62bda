"""Spam or not from raw email text: a TextVectorization layer with a custom standardiser is
adapted on the training text only, and an end-to-end model accepts plain strings afterwards."""
import re
import string

import tensorflow as tf
import keras
from keras import layers

split_options = dict(batch_size=48, validation_split=0.15, seed=99)
raw_fit = keras.utils.text_dataset_from_directory("mail/train", subset="training",
                                                  **split_options)
raw_check = keras.utils.text_dataset_from_directory("mail/train", subset="validation",
                                                    **split_options)
raw_final = keras.utils.text_dataset_from_directory("mail/test", batch_size=48)

PUNCTUATION = f"[{re.escape(string.punctuation)}]"


def normalise_mail(text):
    text = tf.strings.lower(text)
    text = tf.strings.regex_replace(text, r"https?://\S+", " link ")
    return tf.strings.regex_replace(text, PUNCTUATION, " ")


TOKENS, LENGTH = 15000, 300
tokenizer = layers.TextVectorization(max_tokens=TOKENS, standardize=normalise_mail,
                                     output_mode="int", output_sequence_length=LENGTH)
tokenizer.adapt(raw_fit.map(lambda text, _: text))


def to_ids(text, label):
    return tokenizer(tf.expand_dims(text, -1)), label


fit_ids = raw_fit.map(to_ids).cache().prefetch(tf.data.AUTOTUNE)
check_ids = raw_check.map(to_ids).cache().prefetch(tf.data.AUTOTUNE)
final_ids = raw_final.map(to_ids).cache().prefetch(tf.data.AUTOTUNE)

token_ids = keras.Input(shape=(None,), dtype="int64")
h = layers.Embedding(TOKENS, 64)(token_ids)
h = layers.SpatialDropout1D(0.2)(h)
h = layers.Conv1D(96, 5, activation="relu", strides=2)(h)
h = layers.Conv1D(96, 5, activation="relu")(h)
h = layers.GlobalMaxPooling1D()(h)
h = layers.Dense(48, activation="relu")(h)
spam_probability = layers.Dense(1, activation="sigmoid")(h)
spam_filter = keras.Model(token_ids, spam_probability)
spam_filter.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
spam_filter.fit(fit_ids, validation_data=check_ids, epochs=4)
spam_filter.evaluate(final_ids)

# Strings in, probability out: the vectorizer becomes part of the exported model.
raw_text = keras.Input(shape=(1,), dtype="string")
exported = keras.Model(raw_text, spam_filter(tokenizer(raw_text)))
exported.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
exported.evaluate(raw_final)
