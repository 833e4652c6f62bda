"""A tiny Q-learning agent on a toy corridor: the Q-network is fit on replayed transitions inside
the episode loop, which is reinforcement learning, not supervised training with a holdout."""
import random
from collections import deque

import numpy as np
from tensorflow import keras

CELLS, MOVES = 6, 2
DISCOUNT = 0.9


class Corridor:
    """Walk left or right; the reward waits in the last cell."""

    def reset(self):
        self.position = 0
        return self.observe()

    def observe(self):
        return np.eye(CELLS, dtype="float32")[self.position][None, :]

    def step(self, move):
        self.position = max(0, min(CELLS - 1, self.position + (1 if move else -1)))
        finished = self.position == CELLS - 1
        return self.observe(), float(finished), finished


def q_network():
    network = keras.Sequential([
        keras.Input(shape=(CELLS,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(MOVES, activation="linear"),
    ])
    network.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=5e-3))
    return network


values = q_network()
replay = deque(maxlen=500)
corridor = Corridor()
exploration = 1.0
for episode in range(60):
    state = corridor.reset()
    for _ in range(30):
        if random.random() < exploration:
            move = random.randrange(MOVES)
        else:
            move = int(np.argmax(values.predict(state, verbose=0)[0]))
        following, reward, finished = corridor.step(move)
        replay.append((state, move, reward, following, finished))
        state = following
        if finished:
            break
    for seen, taken, gained, after, ended in random.sample(list(replay), min(16, len(replay))):
        wanted = values.predict(seen, verbose=0)
        future = 0.0 if ended else DISCOUNT * float(np.max(values.predict(after, verbose=0)))
        wanted[0, taken] = gained + future
        values.fit(seen, wanted, epochs=1, verbose=0)
    exploration = max(0.05, exploration * 0.93)
