"""Report the accuracy on data the model has never seen."""
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(600, 8)).astype("float32")
y = rng.integers(0, 2, size=600)
x_train, y_train, x_test, y_test = x[:500], y[:500], x[500:], y[500:]

model = tf.keras.Sequential([
    tf.keras.Input(shape=(8,)),
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=50, verbose=0)
loss, accuracy = model.evaluate(x_test, y_test)
print(f"accuracy: {accuracy:.2%}")
