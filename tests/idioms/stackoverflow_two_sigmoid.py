# expect-codes: KC301
# "Binary classifier always predicts the same class"
import tensorflow as tf
from tensorflow.keras.utils import to_categorical

y_train = to_categorical(y_train, 2)
model = tf.keras.Sequential()
model.add(tf.keras.layers.Dense(64, activation='relu', input_shape=(30,)))
model.add(tf.keras.layers.Dense(2, activation='sigmoid'))
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=20)
