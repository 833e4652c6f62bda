# expect-codes: KC201 KC401 KC502
# "The loss stops going down after a few epochs and accuracy sits at 60%. Why?"
import numpy as np
from keras.layers import Dense
from keras.models import Sequential

table = np.loadtxt('heart_disease.csv', delimiter=',', skiprows=1)
measurements = table[:, :13]
sick = table[:, 13]
clf = Sequential()
clf.add(Dense(20, input_dim=13, activation='relu'))
clf.add(Dense(10))
clf.add(Dense(1, activation='sigmoid'))
clf.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
clf.fit(measurements, sick, epochs=200, batch_size=8)
loss, acc = clf.evaluate(measurements, sick)
print('accuracy', acc)
