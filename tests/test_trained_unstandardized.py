"""KC403's mirror image: a model trained on data that is not standardized and scored on that
same data standardized (by its own mean and spread, or by a scaler fit on it)."""

import textwrap

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config


def findings(source: str) -> list[tuple[int, str]]:
    result = lint_source(textwrap.dedent(source), "study.py", Config(select=("ALL",)))
    assert not result.errors
    return sorted((d.line, d.code) for d in result.diagnostics if d.code.startswith("KC4"))


RETURNS = """
    import numpy as np
    import pandas as pd
    from tensorflow import keras

    quotes = pd.read_csv("quotes.csv", index_col=0)
    quotes["change"] = np.log(quotes["close"] / quotes["close"].shift(1))
    features = []
    for step in range(1, 4):
        quotes[f"prev_{step}"] = quotes["change"].shift(step)
        features.append(f"prev_{step}")
    quotes.dropna(inplace=True)
    quotes["up"] = np.where(quotes["change"] > 0, 1, 0)
    early = quotes[quotes.index < "2019-01-01"].copy()
    late = quotes[quotes.index >= "2019-01-01"].copy()
    centre, spread = early.mean(), early.std()
    early_ = (early - centre) / spread
    late_ = (late - centre) / spread
    net = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(32, activation="relu"),
                            keras.layers.Dense(1, activation="sigmoid")])
    net.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
"""


def test_fit_on_the_frame_and_evaluate_on_its_standardized_copy():
    found = findings(RETURNS + """
    net.fit(early[features], early["up"], epochs=20, validation_split=0.2)
    net.evaluate(early_[features], early["up"])
    net.predict(late_[features])
    """)
    assert found == [(23, "KC403")]


def test_the_finding_points_at_the_training_data_and_names_the_evaluation():
    result = lint_source(textwrap.dedent(RETURNS + """
    net.fit(early[features], early["up"], epochs=20, validation_split=0.2)
    net.evaluate(early_[features], early["up"])
    """), "study.py", Config(select=("KC403",)))
    [finding] = result.diagnostics
    assert (finding.line, finding.column) == (23, 9)
    assert "`evaluate()`" in finding.message and "standardized copy" in finding.message
    assert [place.line for place in finding.related] == [24]


def test_fit_and_evaluate_on_the_standardized_copy_is_silent():
    assert findings(RETURNS + """
    net.fit(early_[features], early["up"], epochs=20, validation_split=0.2)
    net.evaluate(early_[features], early["up"])
    net.predict(late_[features])
    """) == []


def test_other_rows_standardized_are_not_compared():
    # the training rows may be scaled in a way the analysis does not follow: only the very
    # training data standardized is a certain mismatch
    assert findings(RETURNS + """
    net.fit(early[features], early["up"], epochs=20, validation_split=0.2)
    net.predict(late_[features])
    """) == []


def test_a_scaler_fit_on_stored_arrays_then_the_fit_forgets_it():
    assert findings("""
        import numpy as np
        from sklearn.preprocessing import StandardScaler
        from tensorflow import keras
        x_tr, y_tr = np.load("x.npy"), np.load("y.npy")
        scaler = StandardScaler().fit(x_tr)
        model = keras.Sequential([keras.Input(shape=(6,)), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x_tr, y_tr, validation_split=0.2)
        model.evaluate(scaler.transform(x_tr), y_tr)
    """) == [(9, "KC403")]


def test_raw_tables_are_kc401s_alone():
    assert findings("""
        import pandas as pd
        from sklearn.preprocessing import StandardScaler
        from tensorflow import keras
        table = pd.read_csv("table.csv")
        x, y = table.drop(columns="label").values, table["label"].values
        scaled = StandardScaler().fit_transform(x)
        model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(x, y, validation_split=0.1)
        model.evaluate(scaled, y)
    """) == [(10, "KC401")]


def test_two_models_each_on_its_own_data():
    assert findings(RETURNS + """
    other = keras.models.clone_model(net)
    other.compile(optimizer="adam", loss="binary_crossentropy")
    net.fit(early[features], early["up"], epochs=20, validation_split=0.2)
    other.fit(early_[features], early["up"], epochs=20, validation_split=0.2)
    other.evaluate(early_[features], early["up"])
    """) == []
