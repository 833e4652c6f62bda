"""A small DQN agent whose Q-network is fit on replayed batches inside the episode loop."""
import random
from collections import deque

import numpy as np
from tensorflow import keras

state_size, action_size = 4, 2
memory = deque(maxlen=2000)
gamma = 0.95


def build_q_network():
    model = keras.Sequential([
        keras.Input(shape=(state_size,)),
        keras.layers.Dense(24, activation="relu"),
        keras.layers.Dense(24, activation="relu"),
        keras.layers.Dense(action_size, activation="linear"),
    ])
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.001))
    return model


q_network = build_q_network()
for episode in range(100):
    state = np.random.rand(1, state_size)
    for step in range(200):
        action = np.argmax(q_network.predict(state, verbose=0)[0])
        next_state, reward, done = np.random.rand(1, state_size), 1.0, step == 199
        memory.append((state, action, reward, next_state, done))
        state = next_state
        if len(memory) > 32:
            for s, a, r, s2, d in random.sample(memory, 32):
                target = r if d else r + gamma * np.amax(q_network.predict(s2, verbose=0)[0])
                target_f = q_network.predict(s, verbose=0)
                target_f[0][a] = target
                q_network.fit(s, target_f, epochs=1, verbose=0)
