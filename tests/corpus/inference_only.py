"""Serving a model trained elsewhere: load it, score a new labelled batch with scikit-learn, then
adapt it briefly to a new site's images and check it on that site's held-back images."""
import numpy as np
import tensorflow as tf
from sklearn.metrics import classification_report

served = tf.keras.models.load_model("defect_detector.keras")
served.summary()

incoming = np.load("line_4_images.npy").astype("float32") / 255.0
incoming_truth = np.load("line_4_labels.npy")
predicted = np.argmax(served.predict(incoming, batch_size=128), axis=1)
print(classification_report(incoming_truth, predicted))
print(dict(zip(served.metrics_names, served.evaluate(incoming, incoming_truth, verbose=0))))

site_images = np.load("site_b_images.npy").astype("float32") / 255.0
site_labels = np.load("site_b_labels.npy")
site_held_images = np.load("site_b_held_images.npy").astype("float32") / 255.0
site_held_labels = np.load("site_b_held_labels.npy")
served.fit(site_images, site_labels, epochs=2, batch_size=64)
served.evaluate(site_held_images, site_held_labels)
