"""kerascheck: a linter and pytest plugin for the mistakes people make with Keras.

Importing this package is cheap: it imports neither TensorFlow nor LibCST. The engine is
:func:`kerascheck.engine.lint_source`; the runtime checks live in
:mod:`kerascheck.runtime_checks`.
"""

__version__ = "0.1.0"
