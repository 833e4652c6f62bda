"""Keras 2 era image loading: one ImageDataGenerator with validation_split feeds a training and a
validation iterator from the same folder, and separate Activation layers follow each layer."""
from tensorflow.keras.layers import Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from tensorflow.keras.models import Sequential
from tensorflow.keras.preprocessing.image import ImageDataGenerator

SIDE = 128
augmenting_loader = ImageDataGenerator(rescale=1.0 / 255, rotation_range=10, zoom_range=0.15,
                                       horizontal_flip=True, validation_split=0.25)
leaf_train = augmenting_loader.flow_from_directory(
    "leaves/", target_size=(SIDE, SIDE), batch_size=24, class_mode="binary", subset="training")
leaf_check = augmenting_loader.flow_from_directory(
    "leaves/", target_size=(SIDE, SIDE), batch_size=24, class_mode="binary", subset="validation")

healthy_or_not = Sequential()
healthy_or_not.add(Conv2D(24, (3, 3), input_shape=(SIDE, SIDE, 3)))
healthy_or_not.add(Activation("relu"))
healthy_or_not.add(MaxPooling2D((2, 2)))
healthy_or_not.add(Conv2D(48, (3, 3)))
healthy_or_not.add(Activation("relu"))
healthy_or_not.add(MaxPooling2D((2, 2)))
healthy_or_not.add(Conv2D(48, (3, 3)))
healthy_or_not.add(Activation("relu"))
healthy_or_not.add(MaxPooling2D((2, 2)))
healthy_or_not.add(Flatten())
healthy_or_not.add(Dense(96))
healthy_or_not.add(Activation("relu"))
healthy_or_not.add(Dropout(0.4))
healthy_or_not.add(Dense(1))
healthy_or_not.add(Activation("sigmoid"))
healthy_or_not.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
healthy_or_not.fit(leaf_train, epochs=30, validation_data=leaf_check)
healthy_or_not.save("leaf_health.keras")
