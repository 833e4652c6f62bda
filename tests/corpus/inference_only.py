"""An inference script: load a trained model, predict, and report metrics with scikit-learn."""
import numpy as np
import tensorflow as tf
from sklearn.metrics import confusion_matrix

model = tf.keras.models.load_model("classifier.keras")
model.summary()
images = np.load("new_images.npy").astype("float32") / 255.0
labels = np.load("new_labels.npy")
probabilities = model.predict(images, batch_size=256)
predicted = np.argmax(probabilities, axis=1)
print(confusion_matrix(labels, predicted))
loss, accuracy = model.evaluate(images, labels)
model.fit(images, labels, epochs=1)
