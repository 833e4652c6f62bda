"""Character-level sequence-to-sequence translation (keras.io example style)."""
import numpy as np
import keras

num_encoder_tokens = 71
num_decoder_tokens = 93
latent_dim = 256
encoder_input_data = np.zeros((10000, 16, num_encoder_tokens), dtype="float32")
decoder_input_data = np.zeros((10000, 59, num_decoder_tokens), dtype="float32")
decoder_target_data = np.zeros((10000, 59, num_decoder_tokens), dtype="float32")

encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
encoder = keras.layers.LSTM(latent_dim, return_state=True)
encoder_outputs, state_h, state_c = encoder(encoder_inputs)
encoder_states = [state_h, state_c]
decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))
decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
decoder_outputs = decoder_dense(decoder_outputs)
model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit([encoder_input_data, decoder_input_data], decoder_target_data, batch_size=64,
          epochs=100, validation_split=0.2)
model.save("s2s_model.keras")

model = keras.models.load_model("s2s_model.keras")
encoder_inputs = model.input[0]
encoder_outputs, state_h_enc, state_c_enc = model.layers[2].output
encoder_model = keras.Model(encoder_inputs, [state_h_enc, state_c_enc])
