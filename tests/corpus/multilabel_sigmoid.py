"""Multi-label classification: independent sigmoid outputs with binary cross-entropy."""
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MultiLabelBinarizer

texts_features = np.random.rand(2000, 300).astype("float32")
tags = [["python", "keras"], ["keras"], ["tensorflow", "python"], ["numpy"]] * 500
binarizer = MultiLabelBinarizer()
y = binarizer.fit_transform(tags)
X_train, X_test, y_train, y_test = train_test_split(texts_features, y, test_size=0.2,
                                                    random_state=0)

model = keras.Sequential([
    keras.Input(shape=(300,)),
    layers.Dense(256, activation="relu"),
    layers.Dropout(0.3),
    layers.Dense(len(binarizer.classes_), activation="sigmoid"),
])
model.compile(optimizer="adam", loss="binary_crossentropy",
              metrics=[keras.metrics.BinaryAccuracy(), keras.metrics.AUC(multi_label=True)])
model.fit(X_train, y_train, epochs=10, batch_size=64, validation_data=(X_test, y_test))
probabilities = model.predict(X_test)
predicted_tags = binarizer.inverse_transform(probabilities > 0.5)
