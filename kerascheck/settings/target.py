"""Which Keras a project runs (RULES.md "Which Keras"): the ``target-version`` setting.

``keras3`` (the Keras of TensorFlow >= 2.16 and of ``import keras`` 3.x), ``keras2``
(``tf.keras`` of TensorFlow 2.0-2.15, standalone Keras 2, ``tf_keras``) or ``tf1`` (TensorFlow
1.x: graph-mode code with placeholders and sessions, its ``tf.layers`` and ``tf.contrib``, and
the Keras 2 of that era, standalone or ``tf.keras``). Each is older than the one before: a
Keras-3-only finding is silent under ``keras2`` and ``tf1``, a "removed in TensorFlow 2" finding
is silent under ``tf1`` only (:mod:`kerascheck.analysis.targets`).

Set in ``[tool.kerascheck]`` or with ``--target-version``; when unset it is inferred, per file
first (``%pip install tensorflow==2.11``, ``os.environ["TF_USE_LEGACY_KERAS"] = "1"``,
``import tf_keras``, ``%tensorflow_version 1.x``, then TensorFlow 1 code itself: ``tf.Session``,
``tf.placeholder``, ``tf.train.AdamOptimizer``, ``tf.contrib`` ... spelled on ``tf`` directly,
not through ``tf.compat.v1``), then from the nearest dependency pins above the file
(``pyproject.toml``, ``requirements*.txt``, ``setup.cfg``, ``environment.yml``; ``tensorflow<2``
or ``tensorflow==1.15`` mean ``tf1``), otherwise Keras 3.

The pins are read with a few regular expressions rather than a requirements parser: the
``packaging`` library would be a second dependency, and only two package names and a
version bound matter here.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from kerascheck.analysis.targets import KERAS2, KERAS3, TARGETS, TF1  # noqa: F401 (re-exported)

PIN_FILES = ("pyproject.toml", "setup.cfg", "environment.yml", "environment.yaml")
# ``tensorflow==2.11``, ``tensorflow-gpu<2.16``, ``keras>=3``, ``tensorflow = "^2.15"``
_PIN = re.compile(
    r"""(?<![\w.-])(?P<name>tensorflow(?:[-_](?:cpu|gpu|macos))?|keras)\b["']?\s*[:=]?\s*["']?
        \s*(?P<op>===|==|~=|<=|>=|<|>|\^|~|=)?\s*(?P<major>\d+)(?:\.(?P<minor>\d+))?""",
    re.VERBOSE | re.IGNORECASE)
_LEGACY_ENV = re.compile(r"""TF_USE_LEGACY_KERAS["']?\s*(?:\]\s*)?[=,:]\s*["']?(?:1|true)""",
                         re.IGNORECASE)
_TF_KERAS_IMPORT = re.compile(r"^\s*(?:import|from)\s+tf_keras\b", re.MULTILINE)
_INSTALL_LINE = re.compile(r"""(?:^|["'\s])[%!]?\s*pip3?\s+install\b[^\n"]*""", re.MULTILINE)
_COLAB_VERSION = re.compile(r"%tensorflow_version\s+(?P<major>[12])\.x")
# TensorFlow 1's own API spelled on ``tf`` itself (TF 2 removed all of it): the code was
# written for TF 1. Not in a comment; ``tf.compat.v1.placeholder`` is TF 2 code and does not
# match (the name must follow ``tf.`` directly).
# (Searched for by its literal start, then kept when no word character or dot comes before it
# and no ``#`` before it on its line: the pattern that said all that, ``^[^#\n]*?(?<![\w.])...``,
# was tried at every character of every line, 20 times slower on tutorial scripts.)
_TF1_API = re.compile(
    r"""(?P<api>(?:tf|tensorflow)\.(?:placeholder|Session|InteractiveSession|
        global_variables_initializer|initialize_all_variables|contrib|variable_scope|
        get_variable|reset_default_graph|train\.\w*Optimizer|train\.Saver))\b""",
    re.VERBOSE)
_WORD_OR_DOT = re.compile(r"[\w.]")
# ... unless ``tf`` is TensorFlow 2's compat module, or the TF 1 calls are the fallback of a
# test for eager mode or for the TensorFlow version: then the file runs on TensorFlow 2 too
_TF_IS_COMPAT = re.compile(r"compat\.v1\s+as\s+tf\b|\btf\s*=\s*tf\.compat\.v1\b|"
                           r"disable_v2_behavior|executing_eagerly|"
                           r"(?:tf|tensorflow)\.__version__\s*(?:[<>!=]=?|\.startswith|\.split|\[)|"
                           r"[Vv]ersion\(\s*(?:tf|tensorflow)\.__version__")


def _judge_pin(name: str, op: str | None, major: int, minor: int | None) -> str | None:
    """What one version constraint says about the Keras it installs (None: nothing)."""
    op = op or "=="
    name = name.lower().replace("_", "-")
    if name == "keras":
        if op in ("==", "===", "~=", "^", "~", "=", "<=") and major <= 1 or \
                op == "<" and (major <= 1 or (major == 2 and not minor)):
            return TF1  # Keras 1 ran on TensorFlow 1 (or Theano), never on TensorFlow 2
        if op in ("==", "===", "~=", "^", "~", "=", "<=") and major <= 2:
            return KERAS2
        if op == "<" and (major <= 2 or (major == 3 and not minor)):
            return KERAS2
        if op in ("==", "===", "~=", "^", "~", "=", ">=", ">") and major >= 3:
            return KERAS3
        return None
    version = (major, minor if minor is not None else 0)
    if op in ("==", "===", "~=", "^", "~", "=", "<="):
        return TF1 if major <= 1 else KERAS2 if version <= (2, 15) else KERAS3
    if op == "<":
        return TF1 if version <= (2, 0) else KERAS2 if version <= (2, 16) else None
    if op in (">=", ">"):
        return KERAS3 if version >= (2, 16) else None
    return None


def target_from_text(text: str) -> str | None:
    """The Keras a list of requirements (or an install command) pins, or None."""
    verdicts = {_judge_pin(m["name"], m["op"], int(m["major"]),
                           int(m["minor"]) if m["minor"] else None)
                for m in _PIN.finditer(text)} - {None}
    if verdicts == {KERAS2, TF1}:
        return TF1  # keras==2.2.4 with tensorflow==1.15: the Keras 2 of TensorFlow 1
    return verdicts.pop() if len(verdicts) == 1 else None  # conflicting pins: say nothing


def target_from_source(text: str) -> tuple[str, str] | None:
    """What a file says about its own Keras: (target, why) or None."""
    # substring tests first: most files say nothing, and plain ``in`` is much cheaper
    if "TF_USE_LEGACY_KERAS" in text and _LEGACY_ENV.search(text):
        return KERAS2, "the file sets TF_USE_LEGACY_KERAS"
    if "tf_keras" in text and _TF_KERAS_IMPORT.search(text):
        return KERAS2, "the file imports tf_keras"
    if "install" in text:
        installs = " ".join(match.group(0) for match in _INSTALL_LINE.finditer(text))
        pinned = target_from_text(installs) if installs else None
        if pinned is not None:
            return pinned, "the file's pip install pins it"
    colab = _COLAB_VERSION.search(text) if "%tensorflow_version" in text else None
    if colab is not None:
        return (TF1 if colab["major"] == "1" else KERAS2,
                "the file selects a Colab TensorFlow version (%tensorflow_version)")
    if "tf" in text:
        tf1_call = _tf1_call(text)
        if tf1_call is not None and not _TF_IS_COMPAT.search(text):
            return TF1, f"the file is TensorFlow 1 code: {tf1_call['api']}"
    return None


def _tf1_call(text: str) -> re.Match | None:
    """The first TensorFlow 1 call of ``text`` outside a comment (before any ``#`` of its
    line; a ``#`` in a string counts too, as it always did)."""
    for match in _TF1_API.finditer(text):
        start = match.start()
        if start and _WORD_OR_DOT.match(text, start - 1):
            continue  # (``mytf.Session``, ``x.tf.Session``: not TensorFlow's own name)
        if "#" not in text[text.rfind("\n", 0, start) + 1:start]:
            return match
    return None


@lru_cache(maxsize=256)
def target_from_pins(directory: str) -> tuple[str, str] | None:
    """The Keras the nearest dependency pins above ``directory`` say: (target, the file)."""
    folder = Path(directory)
    for candidate in (folder, *folder.parents):
        try:
            files = [candidate / name for name in PIN_FILES] + sorted(
                candidate.glob("requirements*.txt"))
        except OSError:
            continue
        texts = []
        for path in files:
            try:
                if path.is_file():
                    texts.append((path, path.read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
        for path, text in texts:
            target = target_from_text(_dependency_lines(path, text))
            if target is not None:
                return target, str(path)
    return None


def _dependency_lines(path: Path, text: str) -> str:
    """The part of a pins file that lists dependencies (a pyproject's tool tables aside)."""
    if path.name != "pyproject.toml":
        return "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    keep, inside = [], False
    for line in text.splitlines():
        header = line.strip()
        if header.startswith("["):
            inside = header.startswith(("[project", "[tool.poetry.dependencies",
                                        "[tool.poetry.group"))
        elif inside:
            keep.append(line.split("#", 1)[0])
    return "\n".join(keep)


def resolve_target(configured: str | None, source_text: str, path: str) -> tuple[str, str]:
    """The target for one file and where it came from."""
    if configured:
        return configured, "the target-version setting"
    from_file = target_from_source(source_text)
    if from_file is not None:
        return from_file
    if path and not path.startswith("<"):
        from_pins = target_from_pins(str(Path(path).resolve().parent))
        if from_pins is not None:
            return from_pins[0], f"pinned in {from_pins[1]}"
    return KERAS3, "the default"


def describe_targets(configured: str | None, root: str, paths=()) -> list[str]:
    """``--show-settings``: the target for the project and for each file named on the command
    line, with where each came from."""
    if configured:
        lines = [f"# target Keras: {configured} (set by target-version)"]
    else:
        pinned = target_from_pins(str(Path(root).resolve()))
        inferred = f"{pinned[0]} (pinned in {pinned[1]})" if pinned else "keras3 (the default)"
        line = (f"# target Keras: {inferred}; a file that says otherwise (pip install "
                f"tensorflow==2.x, TF_USE_LEGACY_KERAS, import tf_keras, TF 1 code: tf.Session, "
                f"tf.placeholder) or has nearer pins is judged by its own")
        lines = [line]
    for path in paths:
        if Path(path).is_file():
            target, why = resolve_target(configured, _written_text(Path(path)), str(path))
            lines.append(f"# target Keras for {path}: {target} ({why})")
    return lines


def _written_text(path: Path) -> str:
    """A file's text as written; a notebook's code cells joined (their sources only: what the
    lint itself reads, not the Markdown around them)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
            return "\n".join("".join(cell.get("source", "")) for cell in cells
                             if isinstance(cell, dict) and cell.get("cell_type") == "code")
        except (ValueError, AttributeError, TypeError):
            return ""
    return text
