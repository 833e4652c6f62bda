"""Glob patterns of the settings (``exclude``, ``per-file-ignores``): what they match, the way
Ruff's users expect, in time linear in the path.

Matching is pathspec's (``.gitignore`` syntax) on Google's RE2, whose matching time is linear in
the path whatever the pattern (a backtracking regex takes minutes on ``*a*a*a...b``); braces are
expanded by bracex first. Nothing here is a hand-made regex. A pattern that cannot be compiled is
a :class:`GlobError` (the configuration's ``ConfigError`` wraps it: exit 2).

A pattern without ``/`` matches a file or folder name anywhere; a pattern with ``/`` matches the
path relative to the folder holding the configuration (and the path exactly as given), or one of
the folders on that path.

A plain name (letters, digits, ``_``, ``-`` and ``.``, as every default exclude is) matches a
name equal to it, which is what its compiled pattern answers: it is compared, not compiled, so
a run whose patterns are all plain names never imports pathspec, RE2 or bracex (about 17 ms of
every run's start).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

# Brace expansion multiplies patterns ({a,b}{c,d}... doubles each time): past this, a mistake.
MAX_EXPANDED = 256
# A name no glob syntax touches (no wildcard, class, brace, escape, negation, comment, slash):
# as a pattern it matches exactly that name
_PLAIN_NAME = re.compile(r"[\w-][\w.-]*")


class GlobError(ValueError):
    """A glob that cannot be compiled (``[z-a]``, too many brace alternatives)."""


def matches_glob(path: str, pattern: str, root: str | os.PathLike = "",
                 ancestors: bool = True) -> bool:
    """Whether ``pattern`` matches the file ``path`` or (with ``ancestors``) one of the folders
    holding it. A walk passes ``ancestors=False``: it tests each folder as it enters it, and a
    folder named on the command line is walked even inside an excluded one (as in Ruff).

    A pattern without ``/`` matches a file or folder name (``build``, ``*_test.py``); a pattern
    with ``/`` matches the path relative to ``root`` (the project root, default the current
    folder), and also the path exactly as given. ``*`` matches any characters but ``/`` (a glob
    that matches a folder covers everything in it, so ``tests/*`` covers ``tests/unit/a.py``),
    ``?`` one character, ``**/`` any number of folders, ``[abc]`` and ``{a,b}`` as usual.
    """
    return matches_any_glob(path, (pattern,), root, ancestors)


def matches_any_glob(path: str, patterns, root: str | os.PathLike = "",
                     ancestors: bool = True) -> bool:
    """:func:`matches_glob` for several patterns, resolving ``path`` once."""
    relative = _relative_parts(path, root)
    given = _normalized(path).split("/")
    # RE2 matches UTF-8 text only: a name's undecodable bytes (surrogate-escaped on POSIX) are
    # matched as their ``\xff`` escapes, which no glob in a (UTF-8) TOML file can spell anyway
    relative = relative and [_matchable(part) for part in relative]
    given = [_matchable(part) for part in given]
    for pattern in patterns:
        text = pattern.strip()
        if "/" not in text.strip("/"):
            name = text.strip("/")
            plain = _PLAIN_NAME.fullmatch(name) is not None
            spec = None if plain else compile_glob(name)
            parts = [part for part in (relative or given) if part not in ("", ".", "..")]
            if not parts:
                continue
            if plain:
                if (name in parts) if ancestors else parts[-1] == name:
                    return True
            elif ancestors:
                if any(spec.match_file(part) for part in parts):
                    return True
            elif spec.match_file(parts[-1]):
                return True
            continue
        spec = compile_glob("/" + text.lstrip("/"))
        for parts in (given, relative) if relative else (given,):
            if ancestors:
                # the shortest folder first: pathspec's answer for it covers what it holds
                if any(spec.match_file("/".join(parts[:end])) for end in range(1, len(parts) + 1)):
                    return True
            elif _matches_itself(spec, parts):
                return True
    return False


def _matches_itself(spec: pathspec.PathSpec, parts: list[str]) -> bool:
    """Whether the path of ``parts`` matches, not only by lying inside a matching folder."""
    if not spec.match_file("/".join(parts)):
        return False
    return len(parts) == 1 or not spec.match_file("/".join(parts[:-1]))


def check_glob(pattern: str) -> None:
    """Raise :class:`GlobError` if ``pattern`` cannot be compiled."""
    if _PLAIN_NAME.fullmatch(pattern.strip().strip("/")):
        return  # (a plain name always compiles)
    compile_glob(pattern.strip().strip("/") if "/" not in pattern.strip().strip("/")
                 else "/" + pattern.strip().lstrip("/"))


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> pathspec.PathSpec:
    """``pattern`` (braces expanded) as a PathSpec on the RE2 backend."""
    import bracex
    import pathspec

    try:
        expanded = bracex.expand(pattern, limit=MAX_EXPANDED)
    except (bracex.ExpansionLimitException, ValueError) as error:  # limit, bad braces
        raise GlobError(f"invalid glob {pattern!r}: {error}") from None
    lines = [line for line in expanded if line.strip("/")]
    if not lines:
        raise GlobError(f"invalid glob {pattern!r}: it matches nothing")
    try:
        return pathspec.PathSpec.from_lines("gitignore", lines, backend="re2")
    except Exception as error:  # re.error, pathspec's own errors, RE2's: all mean "invalid"
        raise GlobError(f"invalid glob {pattern!r}: {error}") from None


def _matchable(text: str) -> str:
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


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
