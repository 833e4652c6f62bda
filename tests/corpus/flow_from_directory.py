"""ImageDataGenerator with flow_from_directory and a validation generator (Keras 2 era style)."""
from tensorflow.keras.preprocessing.image import ImageDataGenerator
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Conv2D, MaxPooling2D, Activation, Dropout, Flatten, Dense

img_width, img_height = 150, 150
train_datagen = ImageDataGenerator(rescale=1. / 255, shear_range=0.2, zoom_range=0.2,
                                   horizontal_flip=True, validation_split=0.2)
train_generator = train_datagen.flow_from_directory(
    "data/train", target_size=(img_width, img_height), batch_size=16, class_mode="binary",
    subset="training")
validation_generator = train_datagen.flow_from_directory(
    "data/train", target_size=(img_width, img_height), batch_size=16, class_mode="binary",
    subset="validation")

model = Sequential()
model.add(Conv2D(32, (3, 3), input_shape=(img_width, img_height, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Conv2D(64, (3, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Flatten())
model.add(Dense(64))
model.add(Activation("relu"))
model.add(Dropout(0.5))
model.add(Dense(1))
model.add(Activation("sigmoid"))
model.compile(loss="binary_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
model.fit(train_generator, steps_per_epoch=125, epochs=50, validation_data=validation_generator,
          validation_steps=50)
model.save_weights("first_try.weights.h5")
