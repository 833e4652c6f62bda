"""Hold out a test set and evaluate on it."""
import pandas as pd
import tensorflow as tf
from sklearn.model_selection import train_test_split

frame = pd.read_csv("patients.csv")  # 20 measurements and a 0/1 diagnosis per patient
all_labels = frame.pop("diagnosis")
train_data, test_data, train_labels, test_labels = train_test_split(
    frame, all_labels, test_size=0.2, random_state=0)
mean, std = train_data.mean(), train_data.std()  # the training rows' statistics only
train_data, test_data = (train_data - mean) / std, (test_data - mean) / std

model = tf.keras.Sequential([
    tf.keras.Input(shape=(20,)),
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(train_data, train_labels, epochs=20)
model.evaluate(test_data, test_labels)
