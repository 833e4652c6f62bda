"""Two functional patterns: a siamese verifier whose two branches share one embedding network,
and a sequence classifier that pools its time steps with learned attention weights."""
import keras
from keras import layers, ops


def embedding_tower(side=64):
    scan = keras.Input(shape=(side, side, 1))
    h = layers.Conv2D(16, 5, activation="relu")(scan)
    h = layers.MaxPooling2D(2)(h)
    h = layers.Conv2D(32, 3, activation="relu")(h)
    h = layers.GlobalAveragePooling2D()(h)
    h = layers.Dense(24, activation="tanh")(h)
    return keras.Model(scan, h, name="tower")


def distance(pair):
    left, right = pair
    squared = ops.sum(ops.square(left - right), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(squared, 1e-7))


def contrastive(margin=1.0):
    def loss(same, predicted):
        # same = 1 for matching pairs: pull them together, push others beyond the margin.
        return ops.mean(same * ops.square(predicted)
                        + (1 - same) * ops.square(ops.maximum(margin - predicted, 0.0)))
    return loss


tower = embedding_tower()
first_scan = keras.Input(shape=(64, 64, 1))
second_scan = keras.Input(shape=(64, 64, 1))
gap = layers.Lambda(distance, output_shape=(1,))([tower(first_scan), tower(second_scan)])
gap = layers.BatchNormalization()(gap)
match = layers.Dense(1, activation="sigmoid")(gap)
verifier = keras.Model([first_scan, second_scan], match)
verifier.compile(optimizer=keras.optimizers.RMSprop(1e-3), loss=contrastive(1.0),
                 metrics=["accuracy"])
verifier.fit([left_scans, right_scans], same_writer, batch_size=32, epochs=8,
             validation_data=([left_check, right_check], same_check))

readings = keras.Input(shape=(120, 16))
states = layers.Bidirectional(layers.GRU(24, return_sequences=True))(readings)
relevance = layers.Dense(1)(states)
weights = layers.Softmax(axis=1)(relevance)
summary = layers.Flatten()(layers.Dot(axes=1)([weights, states]))
faulty = layers.Dense(1, activation="sigmoid")(summary)
fault_model = keras.Model(readings, faulty)
fault_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
fault_model.fit(sensor_windows, fault_labels, validation_split=0.2, epochs=5)
