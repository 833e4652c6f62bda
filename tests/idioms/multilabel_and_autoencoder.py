# expect-codes:
import tensorflow as tf
from tensorflow.keras import Model, layers

article = tf.keras.Input(shape=(512,))
topic_features = layers.Dense(96, activation="relu")(article)
topics = layers.Dense(25, activation="sigmoid")(topic_features)
topic_tagger = Model(article, topics)
topic_tagger.compile(optimizer="adam", loss="binary_crossentropy",
                     metrics=[tf.keras.metrics.AUC(multi_label=True)])
topic_tagger.fit(article_vectors, topic_flags, validation_split=0.2, epochs=6)

(pictures, _), (held_pictures, _) = tf.keras.datasets.mnist.load_data()
pictures = pictures.astype("float32") / 255.0
held_pictures = held_pictures.astype("float32") / 255.0
picture = tf.keras.Input(shape=(28, 28))
squeezed = layers.Dense(48, activation="relu")(layers.Flatten()(picture))
redrawn = layers.Reshape((28, 28))(layers.Dense(784, activation="sigmoid")(squeezed))
redrawer = Model(picture, redrawn)
redrawer.compile(optimizer="adam", loss="mse")
redrawer.fit(pictures, pictures, epochs=5, validation_data=(held_pictures, held_pictures))
