"""KC000 syntax-error: reported by the engine itself when a file cannot be parsed."""

from kerascheck.rules.base import Rule


class SyntaxErrorRule(Rule):
    """
    ## What it does
    Reports a file that cannot be parsed, at the position Python reports, with Python's own
    message. A file that cannot be read (permissions, invalid bytes) is reported the same way.

    ## Why is this bad?
    Nothing else can be checked in a file that does not parse, and Python will refuse to run it.
    kerascheck says so instead of skipping the file silently; every other file is still checked.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential()
    model.add(Dense(activation='relu', 10))
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(10, activation='relu'))
    ```

    ## Fix safety
    No automatic fix: only the author knows what the code meant.

    ## Runtime evidence
    None needed: Python itself raises `SyntaxError` before any Keras code runs.

    ## References
    - The beginner's line this catches, verbatim: `model.add(Dense(activation='relu', 10))`.
    - Python's language reference, ["Calls"](https://docs.python.org/3/reference/expressions.html#calls):
      positional arguments come before keyword arguments.
    """

    code = "KC000"
    name = "syntax-error"
    summary = "The file cannot be parsed; nothing else in it was checked."
