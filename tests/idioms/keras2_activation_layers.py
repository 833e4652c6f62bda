# expect-codes:
from keras.layers import Activation, Dense
from keras.models import Sequential
from keras.optimizers import SGD

net = Sequential()
net.add(Dense(48, input_dim=100))
net.add(Activation('tanh'))
net.add(Dense(24))
net.add(Activation('relu'))
net.add(Dense(6))
net.add(Activation('softmax'))
net.compile(loss='categorical_crossentropy', optimizer=SGD(learning_rate=0.05, momentum=0.9),
            metrics=['accuracy'])
net.fit(rows, onehot_targets, batch_size=16, epochs=20, validation_split=0.1)
