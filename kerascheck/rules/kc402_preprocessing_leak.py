"""KC402 preprocessing-leak."""

from __future__ import annotations

from kerascheck.facts import FileFacts
from kerascheck.proofkit import Evidence, load_tensorflow
from kerascheck.rules.base import Rule

VOCABULARIES = {"Tokenizer", "TextVectorization", "TfidfVectorizer"}


class PreprocessingLeak(Rule):
    """
    ## What it does
    Finds scaling statistics learned from data the model is later evaluated on:

    - a scaler (`StandardScaler`, `MinMaxScaler`, `RobustScaler`, ...), a `PCA` or
      `TruncatedSVD`, an imputer (`SimpleImputer`, `KNNImputer`), a text vocabulary
      (`Tokenizer.fit_on_texts`, `TfidfVectorizer`, `TextVectorization.adapt`), a Keras
      `Normalization` layer, or a `ColumnTransformer` or `Pipeline` (`make_pipeline`,
      `make_column_transformer`) whose every step is a known preprocessor and one of them
      learns statistics, is fit on the whole data set, which is split into train and test
      afterwards (`scaler.fit_transform(X)` then `train_test_split(X, ...)`, or a series cut
      into its first and last rows at one boundary: `series[:n]` and `series[n:]`, or by index:
      `x[rows]` and `np.delete(x, rows, 0)`, also in a
      helper of the file, and also of an array filled cell by cell with the fitted data, its
      windows, or (an array of one row per text) the tokenizer's `word_index` entries;
      texts gathered with `texts.append(text)` in a loop are data too);
    - one of them is fit, or a `Normalization` layer adapted, on the test or validation data:
      the test side of a split or of a `keras.datasets` set, a file whose name says test or
      validation (`pd.read_csv("test.csv")`), rows joined with them (`pd.concat([train,
      test])`, `np.concatenate`), or the object fit on the training data fit again on `X_test`
      (`scaler.fit(X_test)`, `normalizer.adapt(x_test)`).
    - no object at all: the data scaled by statistics of its own rows, which are as learned
      as a scaler's (`(X - X.mean(axis=0)) / X.std(axis=0)`, `np.std(X)`, column norms
      `normalize(X, axis=0)`, `scale(X)`, `robust_scale(X)`, `zscore(X)`), before a split or
      on the test or validation data (`test_x = normalize(test_x, axis=0)`). Statistics of
      each sample (`axis=1`, `normalize`'s default) and minima and maxima (most often a
      scale's shared bounds) are left alone.
    Label encoders are left alone: the set of labels leaks nothing about the features. So is a
    validation set carved out of training data that was scaled first, by a split of the
    training part or by `fit(..., validation_split=0.2)` after `x -= x.mean(); x /= x.std()`:
    the split this rule means is the one into train and *test* (RULES.md), the test data
    stays clean, and the validation rows' share of statistics over the whole training set is
    what the common recipes (k-fold over a standardized training set) accept.

    ## Why is this bad?
    The test set stands in for data the model has never seen. Statistics computed with the test
    rows in them (their mean, spread, minimum and maximum) carry information about the test set
    into training, so the test score is optimistic. Refitting a scaler on the test set is a
    different transformation from the one the model was trained with, so its inputs are shifted
    and the score is wrong in the other direction. Fit the statistics on the training data and
    only `transform` the rest.

    ## Example
    ```python
    import pandas as pd
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    from tensorflow import keras

    df = pd.read_csv("housing.csv")
    X = df.drop(columns=["price"]).values
    y = df["price"].values
    X = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X_train, y_train, validation_data=(X_test, y_test))
    ```

    ## Use instead
    ```python
    import pandas as pd
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    from tensorflow import keras

    df = pd.read_csv("housing.csv")
    X = df.drop(columns=["price"]).values
    y = df["price"].values
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(X_train, y_train, validation_data=(X_test, y_test))
    ```

    ## Fix safety
    No automatic fix: the statistics must move after the split, which reorders the script.

    ## Runtime evidence
    The proof scales data whose test part is shifted from its training part, once with
    statistics from all rows and once from the training rows only: the leaked mean differs from
    the training mean, so information from the test rows reached the training inputs.

    ## References
    - scikit-learn User Guide, "Common pitfalls and recommended practices", section "Data
      leakage" ("the test data should never be used to make choices about the model, including
      fitting preprocessors").
    - Keras guide "Working with preprocessing layers" (`adapt()` on the training data).
    """

    code = "KC402"
    name = "preprocessing-leak"
    summary = "Scaling statistics are fit on data that includes the test or validation set."

    invalid = (
        # fit on everything, then split
        """
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler
from tensorflow import keras
data = np.loadtxt("sensors.csv", delimiter=",")
X, y = data[:, :-1], data[:, -1]
scaler = MinMaxScaler()
X_scaled = scaler.fit_transform(X)  # expect: KC402
X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.25)
""",
        # statistics from the test set
        """
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(features, target, random_state=0)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.fit_transform(X_test)  # expect: KC402
""",
        # principal axes and a vocabulary learned from every row, then split
        """
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from tensorflow.keras.preprocessing.text import Tokenizer
frame = pd.read_csv("reviews.csv")
reduced = PCA(n_components=16).fit_transform(frame.drop(columns=["text"]).values)  # expect: KC402
tokenizer = Tokenizer(num_words=2000)
tokenizer.fit_on_texts(frame["text"])  # expect: KC402
tokens = tokenizer.texts_to_sequences(frame["text"])
a, b = train_test_split(reduced, test_size=0.2)
c, d = train_test_split(tokens, test_size=0.2)
""",
        # the test file gets a scaler of its own
        """
import keras
import pandas as pd
from sklearn.impute import SimpleImputer
train_rows = pd.read_csv("data/train.csv")
test_rows = pd.read_csv("data/test.csv")
imputer = SimpleImputer(strategy="median")
filled_train = imputer.fit_transform(train_rows)
filled_test = SimpleImputer(strategy="median").fit_transform(test_rows)  # expect: KC402
""",
        # a Keras Normalization layer adapted on the test images
        """
import tensorflow as tf
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.fashion_mnist.load_data()
normalizer = tf.keras.layers.Normalization()
normalizer.adapt(x_test)  # expect: KC402
""",
        # column norms of the test file's own rows; a helper standardizing by the whole
        # array's mean and spread before it splits it
        """
import numpy as np
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize
fit_rows = np.loadtxt("fit_rows.csv", delimiter=",")
test_rows = np.loadtxt("test_rows.csv", delimiter=",")
fit_rows[:, 1:] = normalize(fit_rows[:, 1:], axis=0)
test_rows[:, 1:] = normalize(test_rows[:, 1:], axis=0)  # expect: KC402

def prepare(recording, standardize=True):
    signals = np.asarray(recording.samples())
    labels = recording.labels() - 1
    if standardize:
        signals = (signals - np.mean(signals)) / np.std(signals)  # expect: KC402
    return train_test_split(signals, labels, test_size=0.25)
""",
    )
    valid = (
        # split first, fit on the training part, transform the rest
        """
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
""",
        # the Keras regression tutorial: adapt on the training features
        """
import numpy as np
import tensorflow as tf
train_dataset = raw_dataset.sample(frac=0.8, random_state=0)
test_dataset = raw_dataset.drop(train_dataset.index)
normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(np.array(train_dataset))
""",
        # encoding labels on all rows leaks nothing about the features
        """
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
y = LabelEncoder().fit_transform(labels)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y)
""",
        # the vocabulary of the training texts only; the imputer fit again on the next
        # training file (not on test data)
        """
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from tensorflow.keras.preprocessing.text import Tokenizer
texts_train, texts_test = train_test_split(pd.read_csv("reviews.csv")["text"], test_size=0.2)
tokenizer = Tokenizer(num_words=2000)
tokenizer.fit_on_texts(texts_train)
train_ids = tokenizer.texts_to_sequences(texts_train)
test_ids = tokenizer.texts_to_sequences(texts_test)
imputer = SimpleImputer()
first = imputer.fit_transform(pd.read_csv("train_2020.csv"))
second = imputer.fit_transform(pd.read_csv("train_2021.csv"))
contest = SimpleImputer().fit_transform(pd.read_csv("contest_entries.csv"))
""",
        # carving a validation set out of the already scaled training set (a split, or
        # fit's validation_split after standardizing by the training array's own statistics)
        """
import keras
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train)
X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=0.1)
images = np.load("train_images.npy").astype("float32")
images -= np.mean(images)
images /= np.std(images)
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.fit(images, np.load("train_masks.npy"), validation_split=0.2)
""",
        # each row by its own norm, each sample by its own spread, and the test rows by the
        # training rows' mean: nothing is learned across the held-out rows
        """
import numpy as np
import pandas as pd
import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize
table = pd.read_csv("measurements.csv")
X, y = table.drop(columns=["label"]).values, table["label"].values
X = normalize(X)
X = X / X.std(axis=1, keepdims=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)
center, spread = X_train.mean(axis=0), X_train.std(axis=0)
X_train = (X_train - center) / spread
X_test = (X_test - center) / spread
""",
    )

    def check_file(self, facts: FileFacts):
        for fit in facts.statistics_fits:
            learned = "its vocabulary" if fit.estimator in VOCABULARIES else "its statistics"
            subject, learns = fit.estimator, f"learns {learned}"
            if subject.startswith("the data's own"):  # arithmetic (analysis/own_statistics.py)
                subject, learns = f"Scaling by {subject}", "takes its statistic"
            if fit.held_out:
                yield self.finding(
                    fit.node,
                    f"{subject} {learns} from held-out (test or validation) "
                    f"data; fit it on the training data and only transform the rest")
            elif fit.later_split is not None:
                yield self.finding(
                    fit.node,
                    f"{subject} {learns} from all the data, which is split "
                    f"into train and test afterwards, so the test rows leak into training; "
                    f"split first and fit on the training part",
                    related=((fit.later_split, "the split, after the fit"),))

    def prove(self, subject=None):
        if subject is not None:
            raise NotImplementedError("KC402 proves on its own example only")
        tf, keras, np = load_tensorflow(0)
        rng = np.random.default_rng(0)
        train = rng.normal(loc=0.0, scale=1.0, size=(800, 3)).astype("float32")
        test = rng.normal(loc=3.0, scale=1.0, size=(200, 3)).astype("float32")
        everything = np.concatenate([train, test])

        leaked = keras.layers.Normalization()
        leaked.adapt(everything)
        clean = keras.layers.Normalization()
        clean.adapt(train)
        leaked_train_mean = float(np.mean(leaked(train).numpy()))
        clean_train_mean = float(np.mean(clean(train).numpy()))
        leaked_test_mean = float(np.mean(leaked(test).numpy()))
        clean_test_mean = float(np.mean(clean(test).numpy()))
        verdict = abs(leaked_train_mean) > 0.2 and abs(clean_train_mean) < 0.01 and \
            leaked_test_mean < clean_test_mean
        return Evidence(
            code=self.code, verdict=verdict,
            summary=f"Statistics fit on all rows move the training inputs' mean to "
                    f"{leaked_train_mean:.2f} (it is {clean_train_mean:.2f} when fit on the "
                    f"training rows): the test rows shaped the training inputs.",
            measurements={"bad: training mean after scaling (fit on all rows)": leaked_train_mean,
                          "good: training mean after scaling (fit on training rows)":
                              clean_train_mean,
                          "bad: test mean after scaling": leaked_test_mean,
                          "good: test mean after scaling": clean_test_mean})
