"""A rule of a team's own, the worked example of README's "Rules of your own": no Dense layer
wider than 4096 units."""
from kerascheck.rules.base import Rule


class HugeDense(Rule):
    """
    ## What it does
    Finds a Dense layer with more than 4096 units.

    ## Why is this bad?
    Our serving budget.

    ## Example
    ```python
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(10000, activation="relu"), keras.layers.Dense(1)])
    ```

    ## Use instead
    ```python
    import keras
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(512, activation="relu"), keras.layers.Dense(1)])
    ```

    ## Fix safety
    No automatic fix.

    ## Runtime evidence
    None.

    ## References
    - Our wiki.
    """

    code = "TEAM101"
    name = "huge-dense"
    summary = "A Dense layer wider than 4096 units."
    invalid = ("""
import keras
model = keras.Sequential([
    keras.Input(shape=(8,)),
    keras.layers.Dense(10000, activation="relu"),  # expect: TEAM101
    keras.layers.Dense(1),
])
""",)
    valid = ("""
import keras
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(1)])
""",)

    def check_model(self, model):
        for layer in model.layers:
            if isinstance(layer.units, int) and layer.units > 4096:
                yield self.finding(layer, f"Dense layer with {layer.units} units; keep it under 4096")
