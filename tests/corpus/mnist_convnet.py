"""Handwritten digits with a small convnet: one-hot labels, a softmax head and categorical
cross-entropy, with a tenth of the training images used for validation."""
import numpy as np
import keras
from keras import layers

CLASSES = 10

(train_x, train_y), (test_x, test_y) = keras.datasets.mnist.load_data()
# Pixels to [0, 1] and an explicit channel axis, as Conv2D expects (height, width, channels).
train_x = train_x[..., np.newaxis].astype("float32") / 255.0
test_x = test_x[..., np.newaxis].astype("float32") / 255.0
train_y = keras.utils.to_categorical(train_y, CLASSES)
test_y = keras.utils.to_categorical(test_y, CLASSES)

digit_convnet = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(24, 5, activation="relu", padding="same"),
        layers.MaxPooling2D(2),
        layers.Conv2D(48, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(),
        layers.Dropout(0.4),
        layers.Dense(CLASSES, activation="softmax"),
    ],
    name="digit_convnet",
)
digit_convnet.summary()
digit_convnet.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                      loss="categorical_crossentropy", metrics=["accuracy"])
digit_convnet.fit(train_x, train_y, batch_size=96, epochs=10, validation_split=0.1)

test_loss, test_accuracy = digit_convnet.evaluate(test_x, test_y, verbose=0)
print(f"test loss {test_loss:.4f}, test accuracy {test_accuracy:.4f}")
