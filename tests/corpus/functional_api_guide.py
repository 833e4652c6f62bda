"""Three shapes of functional model: a plain stack, a ticket router with several named inputs and
two named heads, and a small convnet with a skip connection."""
import numpy as np
import keras
from keras import layers

# 1. A plain stack, written with the functional API.
flat_pixels = keras.Input(shape=(784,), name="pixels")
h = layers.Dense(96, activation="relu")(flat_pixels)
h = layers.Dense(48, activation="relu")(h)
garment_logits = layers.Dense(10)(h)
garment_model = keras.Model(flat_pixels, garment_logits, name="garments")

(x_fit, y_fit), (x_final, y_final) = keras.datasets.fashion_mnist.load_data()
x_fit = x_fit.reshape(-1, 784).astype("float32") / 255.0
x_final = x_final.reshape(-1, 784).astype("float32") / 255.0
garment_model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=[keras.metrics.SparseCategoricalAccuracy()])
garment_model.fit(x_fit, y_fit, batch_size=128, epochs=3, validation_split=0.15)
print(garment_model.evaluate(x_final, y_final, verbose=0))

# 2. Support tickets: subject and body tokens plus flags in, urgency and team out.
VOCABULARY, FLAGS, TEAMS = 5000, 6, 5
subject = keras.Input(shape=(None,), name="subject")
body = keras.Input(shape=(None,), name="body")
flags = keras.Input(shape=(FLAGS,), name="flags")
subject_summary = layers.GRU(24)(layers.Embedding(VOCABULARY, 32)(subject))
body_summary = layers.GRU(48)(layers.Embedding(VOCABULARY, 32)(body))
joined = layers.concatenate([subject_summary, body_summary, flags])
urgent = layers.Dense(1, name="urgent")(joined)
team = layers.Dense(TEAMS, name="team")(joined)
router = keras.Model(inputs=[subject, body, flags], outputs={"urgent": urgent, "team": team})
router.compile(
    optimizer="adam",
    loss={"urgent": keras.losses.BinaryCrossentropy(from_logits=True),
          "team": keras.losses.CategoricalCrossentropy(from_logits=True)},
    loss_weights={"urgent": 0.5, "team": 1.0},
)
# Shape-checking run on made-up tickets, to see the wiring work end to end.
TICKETS = 400
made_up_inputs = {
    "subject": np.random.randint(VOCABULARY, size=(TICKETS, 8)),
    "body": np.random.randint(VOCABULARY, size=(TICKETS, 60)),
    "flags": np.random.randint(2, size=(TICKETS, FLAGS)).astype("float32"),
}
made_up_targets = {
    "urgent": np.random.randint(2, size=(TICKETS, 1)).astype("float32"),
    "team": np.eye(TEAMS)[np.random.randint(TEAMS, size=TICKETS)],
}
router.fit(made_up_inputs, made_up_targets, batch_size=40, epochs=1, validation_split=0.25)

# 3. A convnet whose middle block adds its input back (a residual connection).
picture = keras.Input(shape=(32, 32, 3))
features = layers.Conv2D(24, 3, activation="relu")(picture)
features = layers.MaxPooling2D(2)(features)
shortcut = features
features = layers.Conv2D(24, 3, padding="same", activation="relu")(features)
features = layers.Conv2D(24, 3, padding="same", activation="relu")(features)
features = layers.add([features, shortcut])
features = layers.GlobalAveragePooling2D()(features)
features = layers.Dropout(0.3)(features)
object_logits = layers.Dense(10)(features)
skip_net = keras.Model(picture, object_logits, name="skip_net")

(pictures, objects), (final_pictures, final_objects) = keras.datasets.cifar10.load_data()
pictures = pictures.astype("float32") / 255.0
final_pictures = final_pictures.astype("float32") / 255.0
objects = keras.utils.to_categorical(objects, 10)
final_objects = keras.utils.to_categorical(final_objects, 10)
skip_net.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                 loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                 metrics=["accuracy"])
skip_net.fit(pictures, objects, batch_size=64, epochs=5, validation_split=0.1)
skip_net.evaluate(final_pictures, final_objects)
