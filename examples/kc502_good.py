"""Report the accuracy on data the model has never seen."""
import pandas as pd
import tensorflow as tf

frame = pd.read_csv("loans.csv")  # 8 applicant features and a 0/1 default flag
y = frame.pop("defaulted")
x_train, y_train, x_test, y_test = frame[:500], y[:500], frame[500:], y[500:]
mean, std = x_train.mean(), x_train.std()  # the training rows' statistics only
x_train, x_test = (x_train - mean) / std, (x_test - mean) / std

model = tf.keras.Sequential([
    tf.keras.Input(shape=(8,)),
    tf.keras.layers.Dense(256, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=50, verbose=0)
loss, accuracy = model.evaluate(x_test, y_test)
print(f"accuracy: {accuracy:.2%}")
