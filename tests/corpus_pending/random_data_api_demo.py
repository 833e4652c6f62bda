"""How the pieces of the Keras API fit together, shown on random numbers: the point is the calls
and the shapes, so there is nothing to generalise to and nothing to hold out."""
import numpy as np
import keras
from keras import layers

demo_inputs = np.random.normal(size=(256, 10)).astype("float32")
demo_classes = np.random.randint(0, 3, size=(256,))

sketch = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(3, activation="softmax"),
])
sketch.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
sketch.summary()
sketch.fit(demo_inputs, demo_classes, epochs=2, batch_size=32)

# The smallest possible regression, to show what fit() returns.
noise = np.random.rand(64, 5)
wobble = np.random.rand(64, 1)
line = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(1)])
line.compile(optimizer="sgd", loss="mse")
print(line.fit(noise, wobble, epochs=1).history)
