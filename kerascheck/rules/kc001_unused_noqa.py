"""KC001 unused-noqa: reported by the engine once every other rule has run (see
:mod:`kerascheck.source.unused_noqa`)."""

from kerascheck.rules.base import Rule


class UnusedNoqa(Rule):
    """
    ## What it does
    Finds a `# noqa: KCnnn` comment whose code suppresses nothing on its line: the rule ran
    and reported nothing there, or kerascheck has no rule with that code (a typo such as
    `KC5O2`, a rule that never existed). The codes of your own rules are judged the same way.
    Codes of rules that did not run on the file (`--select`, `ignore`, `per-file-ignores`) or
    that raised are not judged, other tools' codes (`E501`) are left alone, and so is a bare
    `# noqa`. Ruff's `RUF100` does the same for Ruff's codes.

    ## Why is this bad?
    A suppression outlives the problem it hid: the layer was fixed, the line moved, the code was
    mistyped. Left in place, it silences the next real finding on that line without anyone
    noticing, and it tells readers the line is wrong when it is not. A mistyped code is worse:
    it never suppressed anything, so the finding it was meant for is still reported and the
    comment only misleads.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(784,)),
        tf.keras.layers.Dense(64, activation="relu"),  # noqa: KC201
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(784,)),
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    ```

    ## Fix safety
    Safe: the fix removes only the unused codes from the comment (`# noqa: E501, KC201`
    becomes `# noqa: E501`), or the whole directive when no code is left; the code itself is
    not touched. `--ignore-noqa` shows what the comments hide.

    ## Runtime evidence
    None needed: a comment never changes what Keras does; the evidence is the lint run itself,
    in which the suppressed rule reported nothing on that line.

    ## References
    - [Ruff's unused-noqa (RUF100)](https://docs.astral.sh/ruff/rules/unused-noqa/)
    - [flake8's "Selecting and Ignoring Violations"](https://flake8.pycqa.org/en/latest/user/violations.html),
      where the `# noqa: CODE` convention comes from.
    """

    code = "KC001"
    name = "unused-noqa"
    summary = "A noqa comment names a code that suppresses nothing on its line."
    fix_applicability = "safe"

    invalid = (
        """
        import tensorflow as tf

        model = tf.keras.Sequential([
            tf.keras.Input(shape=(4,)),
            tf.keras.layers.Dense(8, activation="relu"),  # noqa: KC201  # expect: KC001
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ])
        """,
        # a mistyped code never suppressed anything
        """
        import tensorflow as tf

        model = tf.keras.Sequential([
            tf.keras.Input(shape=(4,)),
            tf.keras.layers.Dense(8, activation="relu"),
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ])
        model.compile(optimizer="adam", loss="binary_crossentropy")  # noqa: KC5O2  # expect: KC001
        """,
        # one used code and one unused on the same comment: the unused one is reported
        """
        import tensorflow as tf

        model = tf.keras.Sequential([
            tf.keras.Input(shape=(4,)),
            tf.keras.layers.Dense(8),  # noqa: KC201, KC301  # expect: KC001
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ])
        """,
    )
    valid = (
        # the code suppresses a real finding
        """
        import tensorflow as tf

        model = tf.keras.Sequential([
            tf.keras.Input(shape=(4,)),
            tf.keras.layers.Dense(8),  # noqa: KC201
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ])
        """,
        # other tools' codes and a bare noqa are theirs
        """
        import tensorflow as tf

        model = tf.keras.Sequential([  # noqa: E501
            tf.keras.Input(shape=(4,)),  # noqa
            tf.keras.layers.Dense(8, activation="relu"),  # type: ignore  # noqa: F401
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ])
        """,
        # a suppression on the first line of the statement covers the finding inside it
        """
        import tensorflow as tf

        model = tf.keras.Sequential([  # noqa: KC201
            tf.keras.Input(shape=(4,)),
            tf.keras.layers.Dense(8),
            tf.keras.layers.Dense(1, activation="sigmoid"),
        ])
        """,
        # "# noqa: KC001" keeps a directive kept on purpose
        """
        import tensorflow as tf

        layer = tf.keras.layers.Dense(8, activation="relu")  # noqa: KC201, KC001
        """,
    )
