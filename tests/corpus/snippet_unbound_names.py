# Pasted from a notebook: the imports and the data are in earlier cells.
classifier = Sequential([
    Conv2D(16, (3, 3), activation='relu', input_shape=(32, 32, 3)),
    Conv2D(16, (3, 3), activation='relu'),
    MaxPooling2D((2, 2)),
    Dropout(0.25),
    Flatten(),
    Dense(48, activation='relu'),
    Dense(10, activation='softmax'),
])
classifier.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy',
                   metrics=['accuracy'])
classifier.fit(x_train, y_train, batch_size=64, epochs=15, validation_data=(x_val, y_val))
