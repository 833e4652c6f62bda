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


def _unpacked(command: str):
    """``(archive, folder)`` of ``unzip [-q] ARCHIVE -d FOLDER`` or
    ``tar -xf ARCHIVE -C FOLDER`` (``tar xzf ...``); ``(None, None)`` for any other extraction
    (into the working folder, of some members only, flags not read); None for other commands."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None, None
    if not words or words[0] not in ("unzip", "tar"):
        return None
    if words[0] == "tar" and (len(words) < 3 or "x" not in words[1] or
                              not words[1].lstrip("-").endswith("f")):
        return None if len(words) > 1 and "x" not in words[1] else (None, None)
    archive, folder, rest = (words[2], None, words[3:]) if words[0] == "tar" else (
        None, None, words[1:])
    into = "-d" if words[0] == "unzip" else "-C"
    index = 0
    while index < len(rest):
        word = rest[index]
        if word == into and index + 1 < len(rest):
            folder, index = rest[index + 1], index + 2
            continue
        if word in ("-q", "-qq", "-o", "-n") and words[0] == "unzip" or \
                not word.startswith("-") and archive is None:
            archive = word if not word.startswith("-") else archive
            index += 1
            continue
        return None, None  # a member list, an exclusion, a flag not read
    if archive is None or folder is None or not _PLAIN.match(archive + folder):
        return None, None
    return posixpath.normpath(archive), posixpath.normpath(folder)


# shell commands that only read files: they leave every folder as it was
READING_COMMANDS = ("ls", "cat", "head", "tail", "du", "df", "wc", "file", "tree", "echo", "pwd",
            "nvidia-smi", "pip", "pip3", "python", "apt", "apt-get", "which", "free")


def _downloads(analyzer) -> dict:
    """The module's shell downloads (saved file -> (url, line id), None when two downloads of
    different URLs write one file), read once; its shell extractions go to the folders, and a
    shell line that may change files (``cp``, ``mv``, ``rm``, ...) leaves every folder unknown."""
    state = analyzer.tables
    if state.downloads is None:
        state.downloads = {}
        unpacked = []
        # only the notebook reader writes shell lines: a script is not walked for them (a
        # visit of the whole tree cost 4 % of a clean script's lint, counted by callgrind)
        notebook = str(analyzer.path).endswith(".ipynb")
        for line in _shell_lines(analyzer.module) if notebook else ():
            command = line.trailing_whitespace.comment.value[len(SHELL_MARK):]
            saved, extraction = _saved(command), _unpacked(command)
            if saved is not None:
                url, name = saved
                known = state.downloads.get(name, (url, id(line)))
                state.downloads[name] = (url, id(line)) if known and known[0] == url else None
            elif extraction is not None:
                unpacked.append(extraction)
            elif command.split(maxsplit=1)[:1] and command.split()[0] not in READING_COMMANDS:
                state.folders["*"] = None
        for archive, folder in unpacked:
            _fill(state, folder, state.downloads.get(archive) if archive else None)
    return state.downloads


def _fill(state, folder, source) -> None:
    folders = state.folders
    folder = folder or "*"
    folders[folder] = source if folder not in folders or folders[folder] == source else None


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
    _fill(analyzer.tables, folder, _downloads(analyzer).get(archive))


# Python calls that may change the files of a folder given by their string arguments
_CHANGING = ("shutil.", "os.rename", "os.replace", "os.remove", "os.unlink", "os.rmdir",
             "os.removedirs", "os.symlink", "os.link")


def touched(analyzer, qualname: str, args, kwargs) -> None:
    """``shutil.copy(a, b)``, ``os.remove(p)``, ...: a folder whose path an argument names (or
    every folder, when an argument is not a literal) may hold other files now."""
    if not qualname.startswith(_CHANGING):
        return
    folders = analyzer.tables.folders
    for value in [*args, *kwargs.values()]:
        path = _literal_path(value)
        if path is None and isinstance(getattr(value, "value", None), (bool, int)):
            continue  # a flag (``dirs_exist_ok=True``)
        named = [folder for folder in folders if path is not None and (
            path == folder or path.startswith(folder + "/") or folder.startswith(path + "/"))]
        for folder in named if path is not None else ["*"]:
            folders[folder] = None


def folder_identity(analyzer, args, kwargs, whole: bool):
    """The identity of the images a directory reader yields when its folder was filled from a
    known download: ``(DOWNLOADED, url, subfolder, line id)``; None otherwise. ``whole``:
    whether the reader takes every file of the folder (no subset, no class list)."""
    _downloads(analyzer)  # (its shell extractions and changes fill the folders)
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
