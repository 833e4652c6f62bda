"""A character-level language model: ids from a StringLookup, an Embedding, a GRU that can carry
its state between calls, and a Dense layer of logits over the vocabulary at every step."""
import tensorflow as tf

corpus_text = open("poems.txt", encoding="utf-8").read()
alphabet = sorted(set(corpus_text))
char_to_id = tf.keras.layers.StringLookup(vocabulary=alphabet, mask_token=None)
id_to_char = tf.keras.layers.StringLookup(vocabulary=char_to_id.get_vocabulary(), invert=True,
                                          mask_token=None)
WINDOW = 80
char_ids = char_to_id(tf.strings.unicode_split(corpus_text, "UTF-8"))
windows = tf.data.Dataset.from_tensor_slices(char_ids).batch(WINDOW + 1, drop_remainder=True)
# Each window teaches the model to predict character t + 1 from characters up to t.
shifted = windows.map(lambda chunk: (chunk[:-1], chunk[1:]))
shifted = shifted.shuffle(4096).batch(32, drop_remainder=True).prefetch(tf.data.AUTOTUNE)
check_windows = shifted.take(8)
fit_windows = shifted.skip(8)


class CharacterModel(tf.keras.Model):
    def __init__(self, vocabulary_size, embedding_width=96, state_width=384):
        super().__init__()
        self.lookup = tf.keras.layers.Embedding(vocabulary_size, embedding_width)
        self.recurrent = tf.keras.layers.GRU(state_width, return_sequences=True,
                                             return_state=True)
        self.next_char = tf.keras.layers.Dense(vocabulary_size)

    def call(self, ids, state=None, keep_state=False, training=False):
        vectors = self.lookup(ids, training=training)
        sequence, state = self.recurrent(vectors, initial_state=state, training=training)
        logits = self.next_char(sequence, training=training)
        return (logits, state) if keep_state else logits


writer = CharacterModel(len(char_to_id.get_vocabulary()))
writer.compile(optimizer=tf.keras.optimizers.Adam(2e-3),
               loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
snapshots = tf.keras.callbacks.ModelCheckpoint("writer_{epoch:02d}.weights.h5",
                                               save_weights_only=True)
writer.fit(fit_windows, validation_data=check_windows, epochs=15, callbacks=[snapshots])
