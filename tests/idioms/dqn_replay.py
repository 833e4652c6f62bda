# expect-codes:
import random
import numpy as np
from tensorflow import keras

model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(24, activation="relu"),
                          keras.layers.Dense(24, activation="relu"), keras.layers.Dense(2)])
model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.001))
memory = []
for episode in range(500):
    state = env.reset()
    for time in range(200):
        action = np.argmax(model.predict(state, verbose=0)[0])
        next_state, reward, done, _ = env.step(action)
        memory.append((state, action, reward, next_state, done))
        state = next_state
    for state, action, reward, next_state, done in random.sample(memory, 32):
        target_f = model.predict(state, verbose=0)
        target_f[0][action] = reward + 0.95 * np.amax(model.predict(next_state, verbose=0)[0])
        model.fit(state, target_f, epochs=1, verbose=0)
