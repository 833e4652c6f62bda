"""Songs can carry several genre tags at once: one sigmoid per tag and binary cross-entropy, with
the tags turned into 0/1 columns by MultiLabelBinarizer."""
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MultiLabelBinarizer
from tensorflow import keras
from tensorflow.keras import layers

audio_features = np.random.default_rng(0).normal(size=(1200, 64)).astype("float32")
song_tags = [["jazz"], ["rock", "indie"], ["electronic", "dance"], ["indie", "folk"],
             ["jazz", "soul"], ["dance"]] * 200
tagger = MultiLabelBinarizer()
tag_matrix = tagger.fit_transform(song_tags)
songs_fit, songs_check, tags_fit, tags_check = train_test_split(
    audio_features, tag_matrix, test_size=0.25, random_state=3)

genre_model = keras.Sequential([
    keras.Input(shape=(64,)),
    layers.Dense(128, activation="relu"),
    layers.Dropout(0.2),
    layers.Dense(64, activation="relu"),
    layers.Dense(len(tagger.classes_), activation="sigmoid"),
])
genre_model.compile(optimizer="adam", loss="binary_crossentropy",
                    metrics=[keras.metrics.BinaryAccuracy(name="tag_accuracy"),
                             keras.metrics.AUC(multi_label=True, name="auc")])
genre_model.fit(songs_fit, tags_fit, epochs=8, batch_size=32,
                validation_data=(songs_check, tags_check))
tag_scores = genre_model.predict(songs_check[:10], verbose=0)
print(tagger.inverse_transform(tag_scores > 0.4))
