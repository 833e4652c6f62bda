# expect-codes:
import numpy as np
import tensorflow as tf
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

rows = np.genfromtxt("sensor_rows.csv", delimiter=",", skip_header=1)
inputs, outcome = rows[:, :-1], rows[:, -1]
inputs_fit, inputs_test, outcome_fit, outcome_test = train_test_split(
    inputs, outcome, test_size=0.2, random_state=1)
boosted = GradientBoostingClassifier().fit(inputs_fit, outcome_fit)
print("boosting", boosted.score(inputs_test, outcome_test))

squasher = MinMaxScaler()
inputs_fit = squasher.fit_transform(inputs_fit)
inputs_test = squasher.transform(inputs_test)
net = tf.keras.Sequential([tf.keras.Input(shape=(inputs.shape[1],)),
                           tf.keras.layers.Dense(20, activation="relu"),
                           tf.keras.layers.Dense(1, activation="sigmoid")])
net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
net.fit(inputs_fit, outcome_fit, epochs=40, batch_size=16, verbose=0)
print("network", net.evaluate(inputs_test, outcome_test, verbose=0))
