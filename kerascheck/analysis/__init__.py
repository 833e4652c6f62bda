"""The static analysis: from a parsed file to :mod:`kerascheck.facts`.

A small abstract interpreter (:mod:`.interpreter`, with its parts :mod:`.expressions`,
:mod:`.functions` and :mod:`.construction`) walks a file's statements in execution order over
the abstract :mod:`.values`; :mod:`.dataflow` follows data, :mod:`.subclassing` follows
``keras.Model`` subclasses; :mod:`.bindings` and :mod:`.names` resolve what the file's names
mean, :mod:`.keras_api` is the public Keras API as a table. Nothing here imports TensorFlow,
and nothing here knows a rule.
"""
