"""Image folders filled from one download (KC505).

A notebook's shell line ``!wget URL -O /tmp/a.zip`` (or ``!curl -L URL -o /tmp/a.zip``) saves the
file at ``URL`` under that literal name; ``zipfile.ZipFile("/tmp/a.zip").extractall("/tmp/a")``
(or ``tarfile.open``) fills a literal folder with its contents; ``flow_from_directory("/tmp/a")``
and ``image_dataset_from_directory("/tmp/a")`` read the folder. Two folders extracted from
downloads of the very same URL hold the same files: a validation folder filled so is the
training folder again.

Everything must be literal and unambiguous: a URL or a name with a shell or Python variable in
it, a file written by two downloads of different URLs, a folder filled by two archives, or an
extraction the analysis cannot see (an unknown helper, ``!unzip``) leaves the folder unknown.
A reader that takes only part of the folder (``subset=``, ``classes=``, a generator with
``validation_split``) is not judged.

The notebook reader (``source/notebook.py``) masks a shell line as ``pass`` and keeps the
command after :data:`SHELL_MARK` in a comment on that line; the downloads are read from those
comments, once per analysis. What each analysis learned (the downloads, the folders each
archive filled) is kept in its tables (analysis/tables.py: ``downloads``, ``folders``)."""

from __future__ import annotations

import posixpath
import re
import shlex

import libcst as cst

SHELL_MARK = "# shell: "
DOWNLOADED = "downloaded folder"  # the identity's mark: (DOWNLOADED, url, subfolder, line id)
OPENERS = {"zipfile.ZipFile", "tarfile.open", "tarfile.TarFile"}
_URL = re.compile(r"^(?:https?|ftp)://[^\s$`{}]+$")
_PLAIN = re.compile(r"^[\w./~+-]+$")  # a file name with no variable in it


def shell_comment(command: str) -> str:
    """The comment a masked shell line keeps (one line: continuations joined)."""
    return SHELL_MARK + " ".join(command.replace("\\\n", " ").split())


def _saved(command: str):
    """``(url, saved file)`` of a ``wget``/``curl`` command with one literal URL and a literal
    ``-O``/``-o`` file, else None."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or words[0] not in ("wget", "curl"):
        return None
    flags = ("-O", "--output-document") if words[0] == "wget" else ("-o", "--output")
    urls, saved = [], None
    for index, word in enumerate(words[1:], start=1):
        if word in flags and index + 1 < len(words):
            saved = words[index + 1]
        elif word.startswith(flags[-1] + "="):
            saved = word.split("=", 1)[1]
        elif _URL.match(word):
            urls.append(word)
    if len(urls) != 1 or saved is None or not _PLAIN.match(saved):
        return None
    return urls[0], posixpath.normpath(saved)


def _downloads(analyzer) -> dict:
    state = analyzer.tables
    if state.downloads is None:
        state.downloads = {}
        for line in _shell_lines(analyzer.module):
            comment = line.trailing_whitespace.comment.value
            saved = _saved(comment[len(SHELL_MARK):])
            if saved is not None:
                url, name = saved
                known = state.downloads.get(name, (url, id(line)))
                state.downloads[name] = (url, id(line)) if known and known[0] == url else None
    return state.downloads


def _shell_lines(module: cst.Module):
    lines = []

    class Lines(cst.CSTVisitor):
        def visit_SimpleStatementLine(self, node) -> bool:
            comment = node.trailing_whitespace.comment
            if comment is not None and comment.value.startswith(SHELL_MARK) and len(
                    node.body) == 1 and isinstance(node.body[0], cst.Pass):
                lines.append(node)
            return False

    module.visit(Lines())
    return lines


def _literal_path(value):
    text = getattr(value, "value", None)  # a ``Const`` (values stand above this module)
    return posixpath.normpath(text) if isinstance(text, str) and _PLAIN.match(text) else None


def opened(qualname: str, args, kwargs):
    """The archive file an opener is given (``zipfile.ZipFile(name)``), or None."""
    if qualname not in OPENERS:
        return None
    return _literal_path(args[0] if args else kwargs.get("file", kwargs.get("name")))


def extracted(analyzer, archive: str, method: str, args, kwargs) -> None:
    """``archive.extractall(folder)``: the folder now holds the archive's download (with
    ``members=`` only part of it: the folder is no longer known)."""
    if method not in ("extractall", "extract"):
        return
    folder = _literal_path(args[0] if args else kwargs.get("path"))
    if method == "extract" or folder is None or "members" in kwargs or len(args) > 1:
        folder = _literal_path(kwargs.get("path", args[1] if len(args) > 1 else None)) \
            if method == "extract" else folder
        # some files only, or a folder not written out: what the folders hold is unknown now
        analyzer.tables.folders[folder or "*"] = None
        return
    source = _downloads(analyzer).get(archive)
    folders = analyzer.tables.folders
    folders[folder] = source if folder not in folders or folders[folder] == source else None


def folder_identity(analyzer, args, kwargs, whole: bool):
    """The identity of the images a directory reader yields when its folder was filled from a
    known download: ``(DOWNLOADED, url, subfolder, line id)``; None otherwise. ``whole``:
    whether the reader takes every file of the folder (no subset, no class list)."""
    folders = analyzer.tables.folders
    if not folders or "*" in folders or not whole or "classes" in kwargs or "subset" in kwargs:
        return None
    folder = _literal_path(args[0] if args else kwargs.get("directory"))
    if folder is None:
        return None
    for filled, source in folders.items():
        if source is not None and (folder == filled or folder.startswith(filled + "/")):
            return DOWNLOADED, source[0], posixpath.relpath(folder, filled), source[1]
    return None


def second_download(train, validation):
    """The id of the line that downloaded the validation folder again, when the training and
    validation folders were filled from two downloads of one URL (the same subfolder of it)."""
    if not (isinstance(train, tuple) and isinstance(validation, tuple) and
            train[:1] == validation[:1] == (DOWNLOADED,)):
        return None
    return validation[3] if train[1:3] == validation[1:3] and train[3] != validation[3] else None
