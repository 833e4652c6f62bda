"""Training and measuring: a fixed number of quiet steps, and the measurements the proofs share
(accuracy, affine residuals, gradient norms, exceptions, a confidently wrong output), including
those taken on a user's rebuilt model (a :class:`~kerascheck.proofkit.evidence.Subject`). The
memorization experiment of the holdout rules is :mod:`kerascheck.proofkit.memorization`."""

from __future__ import annotations

from typing import Callable

from kerascheck.proofkit.evidence import CannotMeasure, Subject


def fit_quietly(model, x, y, steps: int, batch_size: int = 32, seed: int = 0,
                losses: list | None = None) -> float:
    """Train ``model`` (compiled) for exactly ``steps`` optimizer steps in one silent epoch and
    return its loss on ``(x, y)`` afterwards; ``losses``, when given, receives each step's
    training loss (for the figures).

    The data is shuffled (seeded) and repeated as needed: one long epoch costs far less than many
    short ones (Keras spends ~50 ms per epoch on bookkeeping).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    count = len(x)
    needed = steps * batch_size
    order = np.concatenate([rng.permutation(count) for _ in range(-(-needed // count))])[:needed]
    step = _train_step(model)
    if step is not None:
        batches_x, batches_y = _as_float32(x[order]), _as_float32(y[order])
        for start in range(0, needed, batch_size):
            loss = step(batches_x[start:start + batch_size], batches_y[start:start + batch_size])
            if losses is not None:
                losses.append(max(0.0, float(loss)))
    else:  # a model without Keras 3's compute_loss / optimizer.apply: Keras' own fit
        callbacks = []
        if losses is not None:
            from tensorflow import keras

            from kerascheck.proofkit.curves import loss_recorder

            callbacks.append(loss_recorder(keras, losses))
        model.fit(x[order], y[order], batch_size=batch_size, epochs=1, verbose=0, shuffle=False,
                  callbacks=callbacks)
    if hasattr(model, "compute_loss"):  # Keras 3: no second traced function, unlike evaluate()
        return float(model.compute_loss(x=x, y=y, y_pred=model(x, training=False),
                                        training=False))
    return float(model.evaluate(x, y, batch_size=max(count, 1), verbose=0))


def _as_float32(values):
    import numpy as np

    values = np.asarray(values)
    return values.astype("float32") if values.dtype.kind == "f" else values


def _train_step(model):
    """One optimizer step of the compiled ``model`` as a traced function, what Keras'
    ``train_step`` does (the compiled loss with the model's regularization losses, gradients,
    ``optimizer.apply``) without ``fit``'s machinery: Keras traces its multi-step train
    function with autograph at about twice the cost (1.7 s of CPU against 0.4 s for a small
    convolutional network), more than the proof's steps. Kept on the model for its compiled
    optimizer and loss, so that twin runs from one start (``training.train_from_one_start``)
    trace once. None when the model is not a compiled Keras 3 model (then ``fit`` is used)."""
    optimizer = getattr(model, "optimizer", None)
    if not getattr(model, "compiled", False) or optimizer is None or \
            not hasattr(model, "compute_loss") or not hasattr(optimizer, "apply"):
        return None
    key = (id(optimizer), id(getattr(model, "loss", None)))
    cached = getattr(model, "_kerascheck_step", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    import tensorflow as tf

    variables = model.trainable_variables

    @tf.function(reduce_retracing=True)
    def step(x, y):
        with tf.GradientTape() as tape:
            predictions = model(x, training=True)
            loss = model.compute_loss(x=x, y=y, y_pred=predictions, training=True)
        gradients = tape.gradient(loss, variables)
        optimizer.apply(gradients, variables)
        return loss

    model._kerascheck_step = (key, step)
    return step


def accuracy(model, x, y) -> float:
    """Fraction of ``x`` whose predicted class equals the int label ``y`` (argmax, or > 0.5 for
    one output unit)."""
    import numpy as np

    predictions = np.asarray(model(x, training=False))
    if predictions.shape[-1] == 1:
        predicted = (predictions[..., 0] > 0.5).astype("int64")
    else:
        predicted = predictions.argmax(axis=-1)
    return float((predicted == np.asarray(y).reshape(predicted.shape)).mean())


def output_sums(model, x):
    """Per-sample sums of the model's outputs over the last axis (a distribution sums to 1)."""
    import numpy as np

    return np.asarray(model(x, training=False)).sum(axis=-1)


def affine_residual(function: Callable, inputs) -> float:
    """Largest absolute error of the best single affine map ``x @ A + b`` fitted (least squares,
    float64) to ``function(inputs)``. About 1e-7 (float32 rounding) means ``function`` *is* one
    affine map; a nonlinear function leaves a residual of the order of its outputs."""
    import numpy as np

    flat_inputs = np.asarray(inputs, dtype="float64").reshape(len(inputs), -1)
    outputs = np.asarray(function(inputs), dtype="float64").reshape(len(inputs), -1)
    design = np.hstack([flat_inputs, np.ones((len(inputs), 1))])
    solution, *_ = np.linalg.lstsq(design, outputs, rcond=None)
    return float(np.abs(design @ solution - outputs).max())


def gradient_norm(model, loss, x, y, variables=None) -> float:
    """Global norm of the gradient of ``loss(y, model(x))`` with respect to ``variables``
    (default: the model's trainable weights)."""
    import tensorflow as tf

    variables = model.trainable_weights if variables is None else variables
    with tf.GradientTape() as tape:
        value = loss(tf.constant(y), model(tf.constant(x), training=False))
    gradients = tape.gradient(value, variables)
    return float(tf.linalg.global_norm([g for g in gradients if g is not None]))


def exception_of(action: Callable) -> tuple[str, str] | None:
    """``(exception class name, first line of its message)`` raised by ``action()``, or None."""
    try:
        action()
    except Exception as error:  # the proof reports whatever Keras raises
        return type(error).__name__, (str(error).strip().splitlines() or [""])[0][:160]
    return None


def captured_stdout(action: Callable) -> str:
    """What ``action()`` prints (``model.summary()``), as text."""
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        action()
    return buffer.getvalue()


def number(value: float) -> str:
    """A measurement as short text: 3 significant digits, scientific when tiny or huge."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e5):
        return f"{value:.2e}"
    return f"{value:.3g}"


def inspection_symptoms(model) -> dict:
    """What inspecting ``model`` before it is built shows (KC101): the summary's total parameter
    count, and ``output_shape`` / ``count_params()`` as a value or ``"ExceptionName: message"``."""
    import re

    summary = captured_stdout(model.summary)
    total = re.search(r"Total params:\s*([\d,]+)", summary)
    symptoms = {"summary(): total params": int(total.group(1).replace(",", "")) if total
                else "not shown"}
    for label, action in (("output_shape", lambda: model.output_shape),
                          ("count_params()", model.count_params)):
        error = exception_of(action)
        symptoms[label] = f"{error[0]}: {error[1]}" if error else str(action())
    return symptoms


def loss_object(keras, loss_name: str, from_logits: bool = False):
    """A keras loss instance for a canonical loss name (``"categorical_crossentropy"``)."""
    class_name = "".join(part.capitalize() for part in loss_name.split("_"))
    loss_class = getattr(keras.losses, class_name)
    if "crossentropy" in loss_name:
        return loss_class(from_logits=bool(from_logits))
    return loss_class()


def make_confident(output_layer) -> None:
    """Give ``output_layer`` (a Dense) a zero kernel and a bias of 8 for the first class (0
    elsewhere), so that whatever the input its output is confident: the first class for a
    softmax, about 1 for one sigmoid unit, large logits for a linear output."""
    import numpy as np

    weights = output_layer.get_weights()
    weights[0] = np.zeros_like(weights[0])
    if len(weights) > 1:
        weights[1] = np.zeros_like(weights[1])
        weights[1][0] = 8.0
    output_layer.set_weights(weights)


def confident_wrong_gradients(model, output_layer, activation: str, loss) -> tuple[float, float]:
    """Make ``model`` confidently wrong (:func:`make_confident` on ``output_layer``) and return ``(gradient norm of loss, gradient norm of the matching
    cross-entropy)`` at a label of the last class (0 for one unit). A gradient that is orders of
    magnitude below cross-entropy's cannot correct the mistake (KC302)."""
    import numpy as np
    from tensorflow import keras

    units = int(output_layer.kernel.shape[-1])
    make_confident(output_layer)
    sample = np.ones((1, *model.input_shape[1:]), dtype="float32")
    if units == 1:
        label = np.zeros((1, 1), dtype="float32")
        reference = keras.losses.BinaryCrossentropy(from_logits=activation == "linear")
    else:
        label = np.eye(units, dtype="float32")[[units - 1]]
        reference = keras.losses.CategoricalCrossentropy(from_logits=activation == "linear")
    return gradient_norm(model, loss, sample, label), gradient_norm(model, reference, sample, label)


def ends_affine_path(layer_fact) -> bool:
    """A Dense or convolution layer: what ends the path of a linear hidden layer (KC201), in
    the proof's measurement and in the rebuild of that path alone."""
    return isinstance(layer_fact.kind, str) and layer_fact.kind.startswith(
        ("Dense", "Conv", "SeparableConv", "DepthwiseConv"))


def linear_path_residual(subject: Subject) -> tuple[float, list[str]]:
    """For a finding on a hidden layer with no activation (KC201): the distance of the flagged
    layer, the layers after it and the next Dense (or convolution) layer's pre-activation to
    one affine map, on random inputs, and the names of those layers. About 1e-7 whatever the
    weights."""
    import numpy as np

    path = [subject.finding.target]
    while len(path) == 1 or not ends_affine_path(path[-1]):
        following = subject.fact.successors(path[-1])
        if len(following) != 1:
            raise CannotMeasure("the path to the next Dense layer branches")
        path.append(following[0])
    layers = [subject.layer_of(fact) for fact in path]
    if any(layer is None for layer in layers):
        raise CannotMeasure("a layer on the path was not rebuilt")
    rng = np.random.default_rng(1)
    last = layers[-1]
    if len(last.kernel.shape) == 2:  # the path ends in a Dense layer
        inputs = rng.uniform(-2, 2, size=(256, int(layers[0].kernel.shape[0]))) \
            .astype("float32")

        def stack(values):
            for layer in layers[:-1]:
                values = layer(values, training=False)
            bias = last.bias.numpy() if last.use_bias else 0.0
            return np.asarray(values) @ last.kernel.numpy() + bias

        return affine_residual(stack, inputs), [layer.name for layer in layers]
    # a convolutional path: on a small map (a convolution takes any spatial size), the last
    # layer's pre-activation; affine means f(x + y) - f(x) - f(y) + f(0) = 0 for every x, y
    # (a least-squares fit would need more samples than a map has values)
    sample = tuple(subject.input_shape) if subject.input_shape and len(
        subject.input_shape) == len(layers[0].kernel.shape) - 1 and \
        all(side <= 16 for side in subject.input_shape[:-1]) else None
    if sample is None:
        channels = int(layers[0].kernel.shape[-2])
        sample = (12,) * (len(layers[0].kernel.shape) - 2) + (channels,)
    x, y = (rng.uniform(-2, 2, size=(64, *sample)).astype("float32") for _ in range(2))
    activation = last.activation
    last.activation = lambda values: values  # its pre-activation
    try:
        def apply(values):
            for layer in layers:
                values = layer(values, training=False)
            return np.asarray(values, dtype="float64")

        zero = apply(np.zeros_like(x))
        deviation = apply(x + y) - apply(x) - apply(y) + zero
        scale = 1.0 + np.abs(apply(x) - zero).max()
    finally:
        last.activation = activation
    return float(np.abs(deviation).max() / scale), [layer.name for layer in layers]


def require_user_model(code: str, subject) -> Subject:
    """``subject`` when it is a user's rebuilt model; NotImplementedError (the rule proves on
    its own example only) for a construct, or a subject with no model."""
    if not isinstance(subject, Subject) or subject.model is None:
        raise NotImplementedError(f"{code} is shown on the user's model, not a construct")
    return subject


def subject_head(subject: Subject):
    """``(output Dense keras layer, activation, units, keras loss or None)`` of a user's model;
    CannotMeasure when the output is not a single Dense head."""
    head = subject.fact.output_head()
    layer = subject.layer_of(head.dense) if head is not None else None
    # units from a variable (``Dense(y.shape[1])``): the rebuilt layer's stand-in, which the
    # rebuild lists in the evidence (a rule that depends on the units fires only when known)
    units = head.units if head is not None and isinstance(head.units, int) else \
        getattr(layer, "units", None)
    if head is None or not isinstance(units, int):
        raise CannotMeasure("the model has no single Dense output the facts describe")
    loss = getattr(subject.model, "loss", None) if getattr(subject.model, "compiled",
                                                           False) else None
    return layer, head.activation, units, loss


def subject_input_shape(subject: Subject) -> tuple:
    """The user's model's sample shape; CannotMeasure when the facts give none."""
    if subject.input_shape is None:
        raise CannotMeasure("the model declares no input shape")
    return subject.input_shape


def _loss_name_of(loss) -> str | None:
    if loss is None:
        return None
    from kerascheck.facts import normalize_loss

    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or \
        type(loss).__name__
    return normalize_loss(name)
