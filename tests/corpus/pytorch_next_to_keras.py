"""The same three-class MLP written twice, once in PyTorch and once in Keras; the PyTorch half
must not be judged by Keras rules (its lr=0.3 is an SGD rate for torch)."""
import numpy as np
import torch
from torch import nn
from tensorflow import keras

features = np.random.default_rng(4).normal(size=(300, 12)).astype("float32")
classes = np.random.default_rng(5).integers(0, 3, size=300)

torch_mlp = nn.Sequential(nn.Linear(12, 32), nn.Tanh(), nn.Linear(32, 3))
torch_step = torch.optim.SGD(torch_mlp.parameters(), lr=0.3)
torch_loss = nn.CrossEntropyLoss()
features_tensor, classes_tensor = torch.from_numpy(features), torch.from_numpy(classes)
for _ in range(20):
    torch_step.zero_grad()
    torch_loss(torch_mlp(features_tensor), classes_tensor).backward()
    torch_step.step()

keras_mlp = keras.Sequential([
    keras.Input(shape=(12,)),
    keras.layers.Dense(32, activation="tanh"),
    keras.layers.Dense(3),
])
keras_mlp.compile(optimizer=keras.optimizers.SGD(learning_rate=0.3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
keras_mlp.fit(features, classes, epochs=20, validation_split=0.2)
