"""Which Keras a project runs (RULES.md "Which Keras"): the ``target-version`` setting.

``keras3`` (the Keras of TensorFlow >= 2.16 and of ``import keras`` 3.x) or ``keras2``
(``tf.keras`` of TensorFlow <= 2.15, standalone Keras 2, ``tf_keras``). Set in
``[tool.kerascheck]`` or with ``--target-version``; when unset it is inferred, per file first
(``%pip install tensorflow==2.11``, ``os.environ["TF_USE_LEGACY_KERAS"] = "1"``,
``import tf_keras``), then from the nearest dependency pins above the file (``pyproject.toml``,
``requirements*.txt``, ``setup.cfg``, ``environment.yml``), otherwise Keras 3.

The pins are read with a few regular expressions rather than a requirements parser: the
``packaging`` library would be a second dependency, and only two package names and a
version bound matter here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

KERAS3 = "keras3"
KERAS2 = "keras2"
TARGETS = (KERAS3, KERAS2)

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
_COLAB_VERSION = re.compile(r"%tensorflow_version\s+[12]\.x")


def _judge_pin(name: str, op: str | None, major: int, minor: int | None) -> str | None:
    """What one version constraint says about the Keras it installs (None: nothing)."""
    op = op or "=="
    name = name.lower().replace("_", "-")
    if name == "keras":
        if op in ("==", "===", "~=", "^", "~", "=", "<=") and major <= 2:
            return KERAS2
        if op == "<" and (major <= 2 or (major == 3 and not minor)):
            return KERAS2
        if op in ("==", "===", "~=", "^", "~", "=", ">=", ">") and major >= 3:
            return KERAS3
        return None
    version = (major, minor if minor is not None else 0)
    if op in ("==", "===", "~=", "^", "~", "=", "<="):
        return KERAS2 if version <= (2, 15) else KERAS3
    if op == "<":
        return KERAS2 if version <= (2, 16) else None
    if op in (">=", ">"):
        return KERAS3 if version >= (2, 16) else None
    return None


def target_from_text(text: str) -> str | None:
    """The Keras a list of requirements (or an install command) pins, or None."""
    verdicts = {_judge_pin(m["name"], m["op"], int(m["major"]),
                           int(m["minor"]) if m["minor"] else None)
                for m in _PIN.finditer(text)} - {None}
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
    if "%tensorflow_version" in text and _COLAB_VERSION.search(text):
        return KERAS2, "the file selects a Colab TensorFlow version (%tensorflow_version)"
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
