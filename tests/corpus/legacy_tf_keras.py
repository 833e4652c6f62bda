"""Legacy Keras 2 through tf_keras: its own API (legacy optimizers keep lr/decay) is not judged."""
import numpy as np
import tf_keras as keras
from tf_keras.layers import Dense, Dropout
from tf_keras.optimizers.legacy import SGD

x = np.random.rand(500, 10).astype("float32")
y = (x[:, 0] > 0.5).astype("float32")
model = keras.Sequential([keras.layers.InputLayer(input_shape=(10,)),
                          Dense(32, activation="relu"), Dropout(0.2),
                          Dense(1, activation="sigmoid")])
model.compile(optimizer=SGD(lr=0.01, decay=1e-6, momentum=0.9), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(x, y, epochs=5, validation_split=0.2)
