"""The one way kerascheck writes a user's file (``--fix`` and ``--add-noqa`` alike).

:func:`write_atomically` replaces a file's content through a temporary file in the same folder
and ``os.replace``: a reader, or a crash at any moment, sees the old file or the new one, never
half of either. The file keeps its permission bits and its owner (when root fixes another user's
file); a symbolic link stays a link (its target is replaced). A file that no longer holds what
was read (an editor saved it meanwhile) is left alone. :func:`write_file` is the same for a
front door: the outcome as a message per file, never an exception, so one failure (a read-only
folder, a full disk) costs that file alone.
"""

from __future__ import annotations

import os
import stat
import tempfile

CHANGED_ON_DISK = "the file changed on disk while kerascheck was working on it"


def write_atomically(path: str | os.PathLike, data: bytes, expected: bytes | None = None) -> bool:
    """Replace the content of the file at ``path`` by ``data``, atomically, keeping its mode
    and owner. Returns False, writing nothing, when the file no longer holds ``expected`` (when
    given). Raises ``OSError`` when the file cannot be written."""
    target = os.path.realpath(path)
    status = os.stat(target)
    directory, name = os.path.split(target)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".kerascheck",
                                             dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if hasattr(os, "chown") and (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
            try:  # keep the owner too, where we may (root fixing someone else's file)
                os.chown(temporary, status.st_uid, status.st_gid)
            except OSError:
                pass
        os.chmod(temporary, stat.S_IMODE(status.st_mode))  # after chown, which clears setuid
        if expected is not None and _current(target) != expected:
            os.unlink(temporary)
            return False
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return True


def write_file(path: str | os.PathLike, data: bytes, expected: bytes | None) -> str | None:
    """:func:`write_atomically`, its failure as a message: None when written, else why not
    (the file changed on disk, or the system's reason)."""
    try:
        if write_atomically(path, data, expected):
            return None
        return CHANGED_ON_DISK
    except OSError as error:
        return error.strerror or str(error)


def _current(target: str) -> bytes | None:
    try:
        with open(target, "rb") as handle:
            return handle.read()
    except OSError:
        return None
