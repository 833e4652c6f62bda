# expect-codes:
import random
import numpy as np
from tensorflow import keras

q_values = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(32, activation="relu"),
                             keras.layers.Dense(4)])
q_values.compile(loss="huber", optimizer=keras.optimizers.RMSprop(learning_rate=5e-4))
transitions = []
for game in range(300):
    observation = simulator.reset()
    finished = False
    while not finished:
        choice = int(np.argmax(q_values.predict(observation, verbose=0)))
        after, payoff, finished = simulator.act(choice)
        transitions.append((observation, choice, payoff, after, finished))
        observation = after
    for before, picked, payoff, after, ended in random.sample(transitions, 24):
        goal = q_values.predict(before, verbose=0)
        future = 0.0 if ended else 0.99 * q_values.predict(after, verbose=0).max()
        goal[0, picked] = payoff + future
        q_values.fit(before, goal, epochs=1, verbose=0)
