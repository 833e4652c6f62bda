"""KC601 nonexistent-keras-api."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import libcst as cst

from kerascheck import fixes
from kerascheck.analysis.targets import keras3_only_silent, tf2_removal_silent
from kerascheck.facts import FileFacts
from kerascheck.proofkit import Evidence, exception_of, load_tensorflow
from kerascheck.rules.base import Rule

# Roots whose public names kerascheck knows exactly (see kerascheck/keras_api.py). Other
# spellings (tf_keras, keras.src, tensorflow.python.keras) are never judged.
_ROOTS = (("tensorflow", "keras"), ("keras",))
# Namespaces that no longer exist at all, with where their contents went.
_REMOVED = {"tensorflow.layers": "tensorflow.keras.layers"}


@lru_cache(maxsize=1)
def _namespaces() -> dict[str, frozenset]:
    from kerascheck.analysis.keras_api import NAMESPACES  # a large table: loaded on first use only

    return {path: frozenset(" ".join(names).split()) for path, names in
            ((path, value if isinstance(value, tuple) else (value,))
             for path, value in NAMESPACES.items())}


@lru_cache(maxsize=1)
def _homes() -> dict[str, list[str]]:
    """Public name -> the namespaces that define it, for suggestions."""
    homes: dict[str, list[str]] = {}
    for path, names in sorted(_namespaces().items()):
        for name in names:
            homes.setdefault(name, []).append(path)
    return homes


def missing_prefix(path: str) -> str | None:
    """The shortest prefix of the dotted ``path`` that names nothing in Keras 3, or None when the
    path exists or lies outside what kerascheck knows exactly."""
    for removed in _REMOVED:
        if path == removed or path.startswith(removed + "."):
            return removed
    segments = path.split(".")
    for root in _ROOTS:
        if tuple(segments[:len(root)]) == root:
            break
    else:
        return None
    namespaces = _namespaces()
    current = ".".join(root)
    for index in range(len(root), len(segments)):
        segment = segments[index]
        if segment.startswith("_") or current not in namespaces:
            return None
        if segment not in namespaces[current]:
            return ".".join(segments[:index + 1])
        current = f"{current}.{segment}"
    return None


def public_path(path: str, missing: str) -> str | None:
    """Where the name the user wanted lives: ``tensorflow.keras.Dense`` ->
    ``tensorflow.keras.layers.Dense``; None when there is no single answer."""
    if missing in _REMOVED:
        # TF 1's functions (tf.layers.dense) have no namesake in tf.keras.layers: no suggestion
        candidate = _REMOVED[missing] + path[len(missing):]
        return candidate if missing_prefix(candidate) is None else None
    root = "tensorflow.keras" if path.startswith("tensorflow.keras") else "keras"
    segments = path.split(".")
    wanted_index = len(missing.split(".")) - 1
    # keras.layers.core.Dense wants Dense; keras.Dense wants Dense; keras.layers.core wants core
    name = segments[-1] if wanted_index < len(segments) - 1 else segments[wanted_index]
    # a module of the same name elsewhere is a different module
    # (layers.experimental.preprocessing is not keras.preprocessing): no suggestion then
    homes = [home for home in _homes().get(name, ())
             if (home == root or home.startswith(root + "."))
             and f"{home}.{name}" not in _namespaces()]
    if len(homes) != 1:
        # several homes (losses.mse and metrics.mse): prefer the one the user's path names
        named = [home for home in homes if home.split(".")[-1] in segments]
        if len(named) != 1:
            return None
        homes = named
    return f"{homes[0]}.{name}"


def _written(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _written(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None


def _as_written(suggestion: str, qualname: str, written: str) -> str | None:
    """Map a suggested qualified path back onto the user's spelling (``tf.keras...``)."""
    qualified, shown = qualname.split("."), written.split(".")
    head = len(qualified) - len(shown) + 1  # qualified segments the first written name covers
    if head < 1 or suggestion.split(".")[:head] != qualified[:head]:
        return None
    return ".".join([shown[0], *suggestion.split(".")[head:]])


class NonexistentKerasApi(Rule):
    """
    ## What it does
    Finds Keras paths that do not exist in Keras 3: names in the wrong namespace
    (`tf.keras.Dense`, `keras.Dense`), TensorFlow 1's `tf.layers`, and Keras 2's private module
    paths (`keras.layers.core.Dense`, `keras.engine.topology`, `keras.utils.np_utils`) and removed
    namespaces (`tf.keras.layers.experimental.preprocessing`, `keras.wrappers.scikit_learn`).
    Paths are checked against a table of every public name of Keras 3.15, in imports and in code.
    `tf_keras` (legacy Keras 2) and `keras.src` paths are not judged. A removed import is
    reported once, at the import, not again at each use of the name it imported, nor at a file
    that imports this module and runs those uses. Under
    `target-version = "keras2"` only paths that were wrong on Keras 2 as well are reported
    (`tf.keras.Dense`, `tf.layers`); Keras 2's own paths are fine there. Under `"tf1"` (TensorFlow
    1 code: pinned `tensorflow<2`, or a file with `tf.Session`, `tf.placeholder`, ...)
    `tf.layers` is fine as well. Also an attribute Keras 3 removed from an object the file
    knows: `model.optimizer.lr` on a model it builds (`learning_rate` on every Keras).

    ## Why is this bad?
    Python only looks the attribute up when the line runs, so the script fails with
    `AttributeError: module 'keras' has no attribute 'Dense'` (or `ModuleNotFoundError` for an
    import) at that line, often after data loading has already taken minutes. Tutorials written
    for TensorFlow 1 or Keras 2 are full of such paths; under TensorFlow 2.16 and later, where
    `tf.keras` is Keras 3, they no longer work.

    ## Example
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential()
    model.add(tf.keras.Dense(10, activation='relu'))
    ```

    ## Use instead
    ```python
    import tensorflow as tf

    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(10, activation='relu'))
    ```

    ## Fix safety
    Safe: the path is replaced by the one public path that defines the same name; the old path
    could not run. When the name has no single public home, no fix is offered.

    ## Runtime evidence
    The proof looks the paths up in the installed TensorFlow and Keras 3: `tf.keras.Dense`,
    `keras.Dense`, `tf.layers` and `keras.layers.core` raise `AttributeError`, while the
    suggested public paths resolve to the real classes.

    ## References
    - The beginners' lines this catches, as they are written: `tf.keras.Dense(10)` and
      `tf.layers.Dense(10)`.
    - Keras 3 migration guide ("Migrating from Keras 2 to Keras 3"), and the Keras API reference
      for the public namespaces.
    """

    code = "KC601"
    name = "nonexistent-keras-api"
    summary = "A Keras path that does not exist, such as tf.keras.Dense or tf.layers.Dense."
    fix_applicability = "safe"

    invalid = (
        # the seed's quiz 2, options A and D
        """
import tensorflow as tf
model = tf.keras.Sequential()
model.add(tf.keras.Dense(10, activation='relu'))  # expect: KC601
model.add(tf.layers.Dense(activation='relu', units=10))  # expect: KC601
""",
        # Keras 2 private module paths
        """
from keras.layers.core import Dense, Dropout  # expect: KC601
from keras.utils.np_utils import to_categorical  # expect: KC601
import keras
layer = keras.layers.convolutional.Conv2D(8, 3)  # expect: KC601
""",
        # removed namespaces, through aliases
        """
from tensorflow import keras as K
scale = K.layers.experimental.preprocessing.Rescaling(1 / 255)  # expect: KC601
from tensorflow.keras.wrappers.scikit_learn import KerasClassifier  # expect: KC601
""",
        # one removed import is one report: its uses are not reported again
        """
import tensorflow as tf
from tensorflow.keras.layers.experimental import preprocessing  # expect: KC601
augment = tf.keras.Sequential([preprocessing.RandomFlip(), preprocessing.RandomRotation(0.1)])
crop = preprocessing.CenterCrop(24, 24)
""",
    )
    valid = (
        # the public paths, in every spelling
        """
import tensorflow as tf
import keras
from tensorflow.keras import layers, models, optimizers
from tensorflow.keras.layers import Dense, Conv2D
from keras.datasets import mnist
from keras.applications.resnet50 import preprocess_input
model = tf.keras.Sequential([tf.keras.Input(shape=(4,)), tf.keras.layers.Dense(1)])
opt = keras.optimizers.schedules.ExponentialDecay(0.1, 1000, 0.9)
loss = tf.keras.losses.sparse_categorical_crossentropy
print(keras.__version__, keras.ops.relu, tf.keras.backend.clear_session)
""",
        # legacy Keras 2 and private paths are not judged; TensorFlow's own API is not either
        """
import tf_keras
from tf_keras.layers import DenseFeatures
from keras.src.layers.core.dense import Dense
import tensorflow as tf
x = tf.compat.v1.layers.dense
y = tf.nn.relu(tf.constant(1.0))
""",
        # a local name that shadows keras is not Keras
        """
import tensorflow as tf
class keras:
    Dense = object
layer = keras.Dense
""",
        # attributes of classes and objects are not namespaces
        """
import keras
print(keras.layers.Dense.__name__, keras.Model.fit, keras.layers.Dense(3).units)
""",
    )

    def check_file(self, facts: FileFacts):
        findings = self._findings(facts)
        if tf2_removal_silent(facts.target_version):
            # TensorFlow 1 code: tf.layers is there, and so are Keras 2's paths; only what no
            # Keras ever had (tf.keras.Dense) is wrong
            findings = (replace(finding, message=finding.message.replace(
                "does not exist in Keras 3", "does not exist in any Keras"))
                for finding, missing in findings
                if missing not in _REMOVED and _wrong_on_keras2(missing))
        elif keras3_only_silent(facts.target_version):
            # only what never existed (tf.keras.Dense) or went with TF 1 (tf.layers) is wrong
            # on Keras 2; Keras 2's own paths (layers.experimental, DenseFeatures) are fine there
            findings = (replace(finding, message=finding.message.replace(
                "does not exist in Keras 3", "does not exist in Keras 2 or 3"))
                for finding, missing in findings if _wrong_on_keras2(missing))
        else:
            findings = (finding for finding, _ in findings)
            yield from self._removed_attributes(facts)
        yield from findings

    def _removed_attributes(self, facts: FileFacts):
        """``model.optimizer.lr`` on a model the file builds (Keras 3: AttributeError; the
        attribute is ``learning_rate`` on every Keras)."""
        # the model's ``optimizer`` attribute, as the analysis saw it read on a known model
        owners = {id(event.node) for model in facts.models for event in model.events
                  if event.method == "optimizer" and isinstance(event.node, cst.Attribute)}
        if not owners or facts.module is None:
            return
        finder = _OptimizerRate(owners)
        facts.module.visit(finder)
        for node in finder.found:
            owner = facts.module.code_for_node(node.value)
            written = f"{owner}.learning_rate"
            yield self.finding(
                node, f"`{owner}.lr` does not exist in Keras 3 (AttributeError); use "
                      f"`{written}`",
                fix=fixes.replace_expression(node, written, applicability=fixes.SAFE,
                                             message=f"Use `{written}`"))

    def _findings(self, facts: FileFacts, covered: list | None = None):
        """(finding, the missing path) for every path Keras 3 does not have; ``covered`` gains
        the uses left unreported because their import is reported."""
        covered = [] if covered is None else covered
        reported_imports: list[str] = []  # the dotted paths of names whose import was reported
        for module_node, module_path, names in facts.imports:
            missing = missing_prefix(module_path)
            if missing is not None:
                reported_imports += [f"{module_path}.{name}" for _, name in names]
                yield self._import_finding(module_node, module_path, missing, names), missing
                continue
            for alias_node, name in names:
                path = f"{module_path}.{name}"
                if missing_prefix(path) == path:
                    reported_imports.append(path)
                    yield self._finding(alias_node, path, path, None), path
        nested = {id(node.value) for node, _ in facts.references if isinstance(node, cst.Attribute)}
        seen: set[int] = set()
        for node, path in facts.references:
            if id(node) in nested or id(node) in seen:
                continue  # report the whole dotted path once, not each of its prefixes
            seen.add(id(node))
            missing = missing_prefix(path)
            if missing is None:
                continue
            written = _written(node)
            if _through_reported_import(path, written, reported_imports):
                covered.append(node)
                continue  # one root cause, one report: the import was reported, not each use
            yield self._finding(node, path, missing, written), missing

    def covered(self, facts: FileFacts):
        """The uses of a removed import this file reports (not reported again, here or at a
        file importing this one)."""
        covered: list = []
        for _ in self._findings(facts, covered):
            pass
        return covered

    def _finding(self, node, path: str, missing: str, written: str | None):
        """A finding for a dotted path in code (``written`` is the user's spelling) or for a
        name imported from an existing module (``written`` None)."""
        suggestion = public_path(path, missing)
        if written is None:  # from tensorflow.keras import Dense
            shown_missing = path
            shown = suggestion
        else:
            shown_missing = _shown_missing(missing, path, written)
            shown = _as_written(suggestion, path, written) if suggestion else None
        if missing in _REMOVED:
            message = f"`{shown_missing}` was removed in TensorFlow 2"
        else:
            message = f"`{shown_missing}` does not exist in Keras 3"
        fix = None
        if shown is not None:
            message += f"; use `{shown}`"
            if written is not None and isinstance(node, cst.Attribute):
                fix = fixes.replace_expression(node, shown, applicability=fixes.SAFE,
                                               message=f"Use `{shown}`")
        return self.finding(node, message, fix=fix)

    def _import_finding(self, node, module_path: str, missing: str, names: list):
        """``from keras.layers.core import Dense``: suggest the one public module that defines
        every imported name, and rewrite the module path when there is one."""
        homes = {public_path(f"{module_path}.{name}", missing) for _, name in names}
        homes = {home.rsplit(".", 1)[0] for home in homes if home}
        message = f"`{missing}` does not exist in Keras 3"
        fix = None
        if names and len(homes) == 1 and all(public_path(f"{module_path}.{name}", missing)
                                             for _, name in names):
            home = homes.pop()
            message += f"; import from `{home}`"
            if _dotted_text(node) == module_path:  # written in full: safe to rewrite
                fix = fixes.replace_expression(node, home, applicability=fixes.SAFE,
                                               message=f"Import from `{home}`")
        return self.finding(node, message, fix=fix)

    def prove(self, subject=None):
        if subject is not None:  # the construct taken from the user's code
            from kerascheck.proofkit.constructs import construct_evidence

            return construct_evidence(self.code, subject, ("AttributeError", "ModuleNotFoundError", "ImportError"))
        import importlib

        tf, keras, np = load_tensorflow(0)
        lookups = {
            "tf.keras.Dense": lambda: tf.keras.Dense,
            "keras.Dense": lambda: keras.Dense,
            "tf.layers.Dense": lambda: tf.layers.Dense,
            "keras.layers.core": lambda: importlib.import_module("keras").layers.core,
        }
        fixed = {"tf.keras.layers.Dense": lambda: tf.keras.layers.Dense,
                 "keras.layers.Dense": lambda: importlib.import_module("keras").layers.Dense}
        bad = {path: exception_of(lookup) for path, lookup in lookups.items()}
        good = {path: exception_of(lookup) for path, lookup in fixed.items()}
        verdict = all(o is not None and o[0] == "AttributeError" for o in bad.values()) and \
            all(o is None for o in good.values())
        measurements = {f"bad: {path}": f"{o[0]}: {o[1]}" if o else "exists"
                        for path, o in bad.items()}
        measurements.update({f"good: {path}": "exists" if o is None else f"{o[0]}: {o[1]}"
                             for path, o in good.items()})
        return Evidence(code=self.code, verdict=verdict,
                        summary="The flagged paths raise AttributeError in Keras 3; the public "
                                "paths resolve.",
                        measurements=measurements)


class _OptimizerRate(cst.CSTVisitor):
    """``<model>.optimizer.lr`` where ``<model>.optimizer`` is a known model's optimizer."""

    def __init__(self, owners: set):
        self.owners = owners
        self.found: list[cst.Attribute] = []

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "lr" and id(node.value) in self.owners:
            self.found.append(node)


def _wrong_on_keras2(missing: str) -> bool:
    """Whether a path Keras 3 lacks was wrong on Keras 2 as well: a removed TF 1 namespace, or
    a class spelled directly under the root (``tf.keras.Dense``), where no Keras ever had it."""
    if missing in _REMOVED:
        return True
    for root in _ROOTS:
        prefix = ".".join(root) + "."
        if missing.startswith(prefix):
            leaf = missing[len(prefix):]
            return "." not in leaf and leaf[:1].isupper() and leaf not in (
                "Model", "Sequential", "Input", "Layer", "Variable", "Optimizer", "Loss")
    return False


def _through_reported_import(path: str, written: str | None, reported: list[str]) -> bool:
    """Whether ``written`` (``preprocessing.RandomFlip``) reaches ``path`` through the local name
    of an import that was already reported, rather than spelling the removed path out."""
    if written is None:
        return False
    for imported in reported:
        if path == imported or path.startswith(imported + "."):
            if written.count(".") <= path.count(".") - imported.count("."):
                return True
    return False


def _dotted_text(node) -> str | None:
    return _written(node)


def _shown_missing(missing: str, path: str, written: str) -> str:
    """The missing prefix in the user's spelling."""
    qualified, shown = path.split("."), written.split(".")
    head = len(qualified) - len(shown) + 1
    missing_segments = missing.split(".")
    if head < 1 or len(missing_segments) < head:
        return missing
    return ".".join([shown[0], *missing_segments[head:]])
