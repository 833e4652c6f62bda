# expect-codes: KC301
# "My spam classifier gives both classes a probability of 0.9, is that normal?"
import tensorflow as tf
from tensorflow.keras.utils import to_categorical

spam_onehot = to_categorical(is_spam, 2)
clf = tf.keras.Sequential()
clf.add(tf.keras.layers.Dense(40, activation='relu', input_shape=(57,)))
clf.add(tf.keras.layers.Dense(2, activation='sigmoid'))
clf.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
clf.fit(word_counts, spam_onehot, validation_split=0.2, epochs=15)
