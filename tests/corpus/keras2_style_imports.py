"""Current import styles that older tutorials spelled differently: all valid under Keras 3."""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K
from tensorflow.keras.callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from tensorflow.keras.layers import (BatchNormalization, Conv2D, Dense, Dropout, Flatten,
                                     Input, MaxPooling2D)
from tensorflow.keras.models import Model, Sequential, load_model
from tensorflow.keras.optimizers import Adam
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.utils import plot_model, to_categorical

K.clear_session()
tf.keras.utils.set_random_seed(42)
tf.keras.mixed_precision.set_global_policy("mixed_float16")
print(tf.__version__, keras.__version__, K.image_data_format(), tf.keras.backend.floatx())

(x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
x_train = x_train.astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0
y_train = to_categorical(y_train, 10)
y_test = to_categorical(y_test, 10)

inputs = Input(shape=(32, 32, 3))
x = Conv2D(32, 3, padding="same", activation="relu")(inputs)
x = BatchNormalization()(x)
x = MaxPooling2D()(x)
x = Conv2D(64, 3, padding="same", activation="relu")(x)
x = BatchNormalization()(x)
x = MaxPooling2D()(x)
x = Flatten()(x)
x = Dropout(0.5)(x)
x = Dense(10)(x)
outputs = keras.layers.Activation("softmax", dtype="float32")(x)
model = Model(inputs, outputs)
model.compile(optimizer=Adam(learning_rate=1e-3), loss="categorical_crossentropy",
              metrics=["accuracy"])
plot_model(model, show_shapes=True)
datagen = ImageDataGenerator(rotation_range=15, width_shift_range=0.1, horizontal_flip=True)
callbacks = [EarlyStopping(patience=5), ModelCheckpoint("best.keras", save_best_only=True),
             ReduceLROnPlateau(factor=0.5, patience=2)]
model.fit(datagen.flow(x_train, y_train, batch_size=64), epochs=50,
          validation_data=(x_test, y_test), callbacks=callbacks)
best = load_model("best.keras")
best.evaluate(x_test, y_test)
padded = pad_sequences([[1, 2, 3], [4, 5]], maxlen=10)
