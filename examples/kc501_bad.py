"""Train on everything, test on nothing (seed Common Pitfall 3)."""
import pandas as pd
import tensorflow as tf

frame = pd.read_csv("patients.csv")  # 20 measurements and a 0/1 diagnosis per patient
all_labels = frame.pop("diagnosis")
all_data = (frame - frame.mean()) / frame.std()

model = tf.keras.Sequential([
    tf.keras.Input(shape=(20,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(all_data, all_labels, epochs=20)
