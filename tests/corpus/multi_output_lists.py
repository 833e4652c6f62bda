"""A product-photo model with three heads given as lists (a regression, a yes/no and a
five-way choice), and a rare-event classifier trained with class weights."""
import numpy as np
import tensorflow as tf

photo = tf.keras.Input(shape=(48, 48, 3))
trunk = tf.keras.layers.Rescaling(1.0 / 255)(photo)
trunk = tf.keras.layers.Conv2D(24, 3, activation="relu")(trunk)
trunk = tf.keras.layers.MaxPooling2D()(trunk)
trunk = tf.keras.layers.Conv2D(48, 3, activation="relu")(trunk)
trunk = tf.keras.layers.GlobalAveragePooling2D()(trunk)
price = tf.keras.layers.Dense(1, name="price")(trunk)
on_sale = tf.keras.layers.Dense(1, activation="sigmoid", name="on_sale")(trunk)
department = tf.keras.layers.Dense(5, activation="softmax", name="department")(trunk)
catalogue = tf.keras.Model(photo, [price, on_sale, department])
catalogue.compile(optimizer="adam",
                  loss=["huber", "binary_crossentropy", "sparse_categorical_crossentropy"],
                  loss_weights=[0.05, 1.0, 1.0],
                  metrics=[["mae"], ["accuracy"], ["accuracy"]])

# Random stand-ins to exercise the three heads' shapes.
count = 320
photos = np.random.randint(0, 256, size=(count, 48, 48, 3)).astype("float32")
catalogue.fit(photos,
              [np.random.gamma(2.0, 20.0, size=(count, 1)),
               np.random.randint(0, 2, size=(count, 1)),
               np.random.randint(0, 5, size=(count,))],
              validation_split=0.25, epochs=2, batch_size=32)

fraud = tf.keras.Sequential([
    tf.keras.Input(shape=(14,)),
    tf.keras.layers.Dense(28, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
fraud.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[tf.keras.metrics.AUC(name="auc"), tf.keras.metrics.Recall()])
transactions = np.random.normal(size=(2000, 14))
is_fraud = (np.random.uniform(size=2000) < 0.05).astype("float32")
# One fraud in twenty: weight the rare class up so it is not ignored.
fraud.fit(transactions, is_fraud, class_weight={0: 1.0, 1: 19.0}, validation_split=0.2,
          epochs=4)
