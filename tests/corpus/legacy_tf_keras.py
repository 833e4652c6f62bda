"""Legacy Keras 2 through tf_keras: its legacy optimizers still take lr= and decay=, which is
their own API and not a Keras 3 mistake."""
import numpy as np
import tf_keras
from tf_keras import layers
from tf_keras.optimizers.legacy import RMSprop

generator = np.random.default_rng(1)
readings = generator.normal(size=(800, 6)).astype("float32")
alarm = (readings[:, 0] + readings[:, 3] > 1.0).astype("float32")

alarm_model = tf_keras.Sequential([
    layers.InputLayer(input_shape=(6,)),
    layers.Dense(24, activation="tanh"),
    layers.Dropout(0.1),
    layers.Dense(1, activation="sigmoid"),
])
alarm_model.compile(optimizer=RMSprop(lr=0.002, decay=1e-5), loss="binary_crossentropy",
                    metrics=["accuracy"])
alarm_model.fit(readings, alarm, epochs=8, batch_size=32, validation_split=0.25)
