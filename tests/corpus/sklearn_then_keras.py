"""Credit default on tabular data: split first, fit the scaler on the training rows, compare a
logistic regression baseline with a small Keras network."""
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from tensorflow import keras

loans = pd.read_csv("loans.csv")
features = loans.drop(columns=["defaulted"]).to_numpy(dtype="float32")
defaulted = loans["defaulted"].to_numpy(dtype="float32")
features_fit, features_test, defaulted_fit, defaulted_test = train_test_split(
    features, defaulted, test_size=0.25, random_state=8, stratify=defaulted)
standardizer = StandardScaler()
features_fit = standardizer.fit_transform(features_fit)
features_test = standardizer.transform(features_test)

baseline = LogisticRegression(max_iter=500).fit(features_fit, defaulted_fit)
print("baseline AUC", roc_auc_score(defaulted_test, baseline.predict_proba(features_test)[:, 1]))

network = keras.Sequential([
    keras.Input(shape=(features_fit.shape[1],)),
    keras.layers.Dense(24, activation="relu"),
    keras.layers.Dropout(0.3),
    keras.layers.Dense(12, activation="relu"),
    keras.layers.Dense(1, activation="sigmoid"),
])
network.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-4), loss="binary_crossentropy",
                metrics=[keras.metrics.AUC(name="auc")])
patience = keras.callbacks.EarlyStopping(monitor="val_auc", mode="max", patience=8,
                                         restore_best_weights=True)
network.fit(features_fit, defaulted_fit, epochs=150, batch_size=32, validation_split=0.2,
            callbacks=[patience])
print("network AUC", roc_auc_score(defaulted_test, network.predict(features_test).ravel()))
