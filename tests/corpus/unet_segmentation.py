"""Per-pixel land-cover classes with a small U-Net: the encoder's feature maps are concatenated
back into the decoder, and the output keeps one softmax per pixel."""
import keras
from keras import layers

TILE = (128, 128)
COVER_CLASSES = 4


def double_conv(tensor, filters):
    for _ in range(2):
        tensor = layers.Conv2D(filters, 3, padding="same", use_bias=False)(tensor)
        tensor = layers.BatchNormalization()(tensor)
        tensor = layers.ReLU()(tensor)
    return tensor


def land_cover_unet(tile, classes, widths=(24, 48, 96)):
    image = keras.Input(shape=tile + (3,))
    x = layers.Rescaling(1.0 / 255)(image)
    skips = []
    for filters in widths:
        x = double_conv(x, filters)
        skips.append(x)
        x = layers.MaxPooling2D(2)(x)
    x = double_conv(x, widths[-1] * 2)
    for filters, skip in zip(reversed(widths), reversed(skips)):
        x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same")(x)
        x = layers.concatenate([x, skip])
        x = double_conv(x, filters)
    per_pixel = layers.Conv2D(classes, 1, activation="softmax")(x)
    return keras.Model(image, per_pixel, name="land_cover_unet")


segmenter = land_cover_unet(TILE, COVER_CLASSES)
segmenter.compile(optimizer=keras.optimizers.Adam(3e-4), loss="sparse_categorical_crossentropy",
                  metrics=[keras.metrics.MeanIoU(num_classes=COVER_CLASSES, sparse_y_pred=False)])
keep_best = keras.callbacks.ModelCheckpoint("land_cover.keras", save_best_only=True)
segmenter.fit(tile_batches, validation_data=held_tile_batches, epochs=40, callbacks=[keep_best])
cover_maps = segmenter.predict(held_tile_batches).argmax(axis=-1)
