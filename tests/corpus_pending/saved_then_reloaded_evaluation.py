"""Train, save to a file, load that file back and score the reloaded copy on the test split: the
held-out evaluation happens through the copy, which is the same model."""
from tensorflow import keras
from tensorflow.keras import layers

MODEL_FILE = "digit_mlp.keras"

(fit_images, fit_digits), (test_images, test_digits) = keras.datasets.mnist.load_data()
fit_images = fit_images.reshape(-1, 784).astype("float32") / 255.0
test_images = test_images.reshape(-1, 784).astype("float32") / 255.0

mlp = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128, activation="relu"),
    layers.Dense(10, activation="softmax"),
])
mlp.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
mlp.fit(fit_images, fit_digits, epochs=5, batch_size=128)
mlp.save(MODEL_FILE)

deployed = keras.models.load_model(MODEL_FILE)
test_loss, test_accuracy = deployed.evaluate(test_images, test_digits, verbose=0)
print(f"reloaded model, test accuracy {test_accuracy:.4f}")
