"""Glob patterns of the settings (``exclude``, ``per-file-ignores``): what they match, the way
Ruff's users expect.

A pattern without ``/`` matches a file or folder name anywhere; a pattern with ``/`` matches the
path relative to the folder holding the configuration.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache


def matches_glob(path: str, pattern: str, root: str | os.PathLike = "",
                 ancestors: bool = True) -> bool:
    """Whether ``pattern`` matches the file ``path`` or (with ``ancestors``) one of the folders
    holding it. A walk passes ``ancestors=False``: it tests each folder as it enters it, and a
    folder named on the command line is walked even inside an excluded one (as in Ruff).

    A pattern without ``/`` matches a file or folder name (``build``, ``*_test.py``); a pattern
    with ``/`` matches the path relative to ``root`` (the project root, default the current
    folder), and also the path exactly as given. ``*`` matches any characters (``/`` included,
    as in Ruff), ``?`` one character, ``**/`` any number of folders, ``[abc]`` and ``{a,b}`` as
    usual.
    """
    return matches_any_glob(path, (pattern,), root, ancestors)


def matches_any_glob(path: str, patterns, root: str | os.PathLike = "",
                     ancestors: bool = True) -> bool:
    """:func:`matches_glob` for several patterns, resolving ``path`` once."""
    relative = _relative_parts(path, root)
    given = _normalized(path).split("/")
    for pattern in patterns:
        text = pattern.strip()
        if "/" not in text.strip("/"):
            regex = _glob_regex(text.strip("/"))
            parts = relative or given
            if ancestors:
                if any(regex.fullmatch(part) for part in parts if part not in ("", ".", "..")):
                    return True
            elif regex.fullmatch(parts[-1]):
                return True
            continue
        regex = _glob_regex(text.lstrip("/"))
        for parts in (given, relative) if relative else (given,):
            for end in range(len(parts), 0 if ancestors else len(parts) - 1, -1):
                if regex.fullmatch("/".join(parts[:end])):
                    return True
    return False


def _normalized(path: str) -> str:
    text = os.fspath(path).replace(os.sep, "/")
    while text.startswith("./"):
        text = text[2:]
    return text


def _relative_parts(path: str, root: str | os.PathLike) -> list[str] | None:
    """``path`` relative to ``root`` as parts, or None when it lies outside ``root``."""
    base = os.path.abspath(os.fspath(root) or ".")
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return None
    if relative == ".." or relative.startswith(".." + os.sep):
        return None
    return relative.replace(os.sep, "/").split("/")


@lru_cache(maxsize=512)
def _glob_regex(pattern: str) -> re.Pattern:
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif char == "*":
            out.append(".*")
            index += 1
        elif char == "?":
            out.append("[^/]")
            index += 1
        elif char == "[" and pattern.find("]", index + 2) > 0:
            end = pattern.find("]", index + 2)
            body = pattern[index + 1:end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            index = end + 1
        elif char == "{" and "}" in pattern[index:]:
            end = pattern.index("}", index)
            options = pattern[index + 1:end].split(",")
            out.append("(?:" + "|".join(_glob_regex(option).pattern for option in options) + ")")
            index = end + 1
        else:
            out.append(re.escape(char))
            index += 1
    return re.compile("".join(out))
