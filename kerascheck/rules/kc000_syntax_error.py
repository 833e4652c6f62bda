"""KC000 syntax-error: reported by the engine itself when a file cannot be parsed."""

from kerascheck.rules.base import Rule


class SyntaxErrorRule(Rule):
    """
    ## What it does
    Reports a file that cannot be parsed, at the position Python reports, with Python's own
    message. A file that cannot be read (permissions, invalid bytes) is reported the same way.

    ## Why is this bad?
    Python will refuse to run a file that does not parse. kerascheck says so instead of
    skipping the file silently, and every other file is still checked. The rest of this file
    is checked too: each statement Python refuses is read as an opaque statement (a call of the
    names it mentions), and findings are reported on the lines left as written, without fixes
    (README, "Files that do not parse").

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
    summary = "The file cannot be parsed; the rest of it is checked past the error."
