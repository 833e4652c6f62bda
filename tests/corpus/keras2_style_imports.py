"""The tensorflow.keras import paths that older code uses everywhere, all of which still resolve
under Keras 3, around a mixed-precision convnet with callbacks and a reloaded best checkpoint."""
import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import backend as K
from tensorflow.keras.callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from tensorflow.keras.layers import (Activation, BatchNormalization, Conv2D, Dense, Dropout,
                                     GlobalAveragePooling2D, Input, MaxPooling2D)
from tensorflow.keras.models import Model, load_model
from tensorflow.keras.optimizers import Adam
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.preprocessing.sequence import pad_sequences
from tensorflow.keras.utils import plot_model, to_categorical

K.clear_session()
tf.keras.utils.set_random_seed(7)
tf.keras.mixed_precision.set_global_policy("mixed_float16")
print(tf.__version__, keras.__version__, K.image_data_format(), K.floatx())

(x_fit, y_fit), (x_final, y_final) = keras.datasets.cifar10.load_data()
x_fit = x_fit.astype("float32") / 255.0
x_final = x_final.astype("float32") / 255.0
y_fit = to_categorical(y_fit, 10)
y_final = to_categorical(y_final, 10)
x_fit, x_check = x_fit[:45000], x_fit[45000:]
y_fit, y_check = y_fit[:45000], y_fit[45000:]


def conv_block(tensor, filters):
    tensor = Conv2D(filters, 3, padding="same", activation="relu")(tensor)
    tensor = BatchNormalization()(tensor)
    return MaxPooling2D()(tensor)


pictures = Input(shape=(32, 32, 3))
x = conv_block(pictures, 24)
x = conv_block(x, 48)
x = GlobalAveragePooling2D()(x)
x = Dropout(0.4)(x)
x = Dense(10)(x)
# Under mixed precision the softmax is computed in float32 for stable probabilities.
probabilities = Activation("softmax", dtype="float32")(x)
convnet = Model(pictures, probabilities)
convnet.compile(optimizer=Adam(learning_rate=2e-3), loss="categorical_crossentropy",
                metrics=["accuracy"])
plot_model(convnet, to_file="convnet.png", show_shapes=True)

shifts = ImageDataGenerator(width_shift_range=0.1, height_shift_range=0.1, horizontal_flip=True)
watchers = [EarlyStopping(patience=4, restore_best_weights=True),
            ModelCheckpoint("convnet_best.keras", save_best_only=True),
            ReduceLROnPlateau(factor=0.3, patience=2)]
convnet.fit(shifts.flow(x_fit, y_fit, batch_size=96), epochs=40,
            validation_data=(x_check, y_check), callbacks=watchers)
reloaded = load_model("convnet_best.keras")
print(np.round(reloaded.evaluate(x_final, y_final, verbose=0), 3))
short_sequences = pad_sequences([[4, 8, 15], [16, 23]], maxlen=6, padding="post")
