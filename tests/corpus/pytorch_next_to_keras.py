"""A comparison script: the same MLP in PyTorch and in Keras."""
import numpy as np
import torch
import torch.nn as nn
from tensorflow import keras

x = np.random.rand(256, 20).astype("float32")
y = np.random.randint(0, 3, size=256)

torch_model = nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 3))
optimizer = torch.optim.Adam(torch_model.parameters(), lr=0.5)
loss_fn = nn.CrossEntropyLoss()
for _ in range(10):
    optimizer.zero_grad()
    loss = loss_fn(torch_model(torch.from_numpy(x)), torch.from_numpy(y))
    loss.backward()
    optimizer.step()

keras_model = keras.Sequential([keras.Input(shape=(20,)), keras.layers.Dense(64, activation="relu"),
                                keras.layers.Dense(3)])
keras_model.compile(optimizer="adam",
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=["accuracy"])
keras_model.fit(x, y, epochs=10, validation_split=0.25)
