"""Files that Keras' download cache hands back, and the tables read from them.

``keras.utils.get_file(fname, origin)`` saves its download as ``cache_dir/cache_subdir/fname``
and, when a file of that name is there already, returns it without downloading anything
(unless a ``file_hash`` may tell the cached file is another one, or ``force_download=True``
asks for a fresh copy). So a second call that reuses the first one's ``fname`` for another
``origin`` returns the first file: ``get_file("adult.data", train_url)`` and then
``get_file("adult.data", test_url)`` are both the training download (measured with
``file://`` origins on Keras 3.15 and tf_keras 2.21: the second call returns the first file's
path and bytes; with another ``fname`` it downloads the second file).

Each such call is given the identity of its cache entry, and a table read from it
(``pd.read_csv(path, ...)``) the identity of that entry and of the read's other arguments: two
reads with the same arguments are the same data, and a read that only leaves rows out
(``skiprows=``, ``nrows=``, ``skipfooter=``) is rows of a read that keeps them all. Anything the
analysis cannot read literally (a variable name, a cache folder from a config, a hash, an
archive to extract) keeps the calls apart: unknown stays silent.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

import libcst as cst

CACHED_FILE = "cached file"
# get_file's arguments that make it check, replace or unpack the cached file
_NOT_PLAIN = {"file_hash", "md5_hash", "force_download", "extract", "untar", "archive_format",
              "hash_algorithm"}
# a read's arguments that only leave rows of the file out
_ROW_ARGUMENTS = {"skiprows", "nrows", "skipfooter", "skip_footer", "max_rows", "skip_header"}


def _literal(value, const_type):
    return value.value if isinstance(value, const_type) and type(value.value) is str else None


def cached_file(args, kwargs, node, const_type, data_type, fact_type):
    """The value of ``get_file(...)``: a path whose identity is its cache entry, or None when
    the entry is not known literally (the caller then knows nothing of the result)."""
    if len(args) > 2 or _NOT_PLAIN & set(kwargs):
        return None
    fname = _literal(args[0] if args else kwargs.get("fname"), const_type)
    origin = _literal(args[1] if len(args) > 1 else kwargs.get("origin"), const_type)
    if fname is None and (args or "fname" in kwargs):
        return None  # a name the analysis cannot read
    if fname is None and origin is not None:
        fname = posixpath.basename(urlsplit(origin).path)  # Keras names it after the URL
    if not fname or "/" in fname:
        return None
    folders = []
    for name, default in (("cache_dir", "~/.keras"), ("cache_subdir", "datasets")):
        folder = _literal(kwargs[name], const_type) if name in kwargs else default
        if folder is None:
            return None
        folders.append(folder)
    return data_type(fact_type(identity=(CACHED_FILE, *folders, fname), node=node))


def read_identity(call: cst.Call, args, data_type, module: cst.Module):
    """The identity of a table read from a cached download (``pd.read_csv(path, ...)``), or
    None when the read is not of one (its identity is then its own call)."""
    location = args[0] if args else None
    identity = getattr(getattr(location, "data", None), "identity", None) \
        if isinstance(location, data_type) else None
    if not (isinstance(identity, tuple) and identity[:1] == (CACHED_FILE,)):
        return None
    others, rows = [], []
    for index, argument in enumerate(call.args):
        if index == 0 and argument.keyword is None:
            continue
        if argument.star:
            return None  # **options: what the read keeps is unknown
        keyword = argument.keyword.value if argument.keyword is not None else f"#{index}"
        code = module.code_for_node(argument.value)
        (rows if keyword in _ROW_ARGUMENTS else others).append(f"{keyword}={code}")
    whole = ("read", identity, tuple(sorted(others)))
    if not rows:
        return whole
    # rows of the whole read (analysis/overlap.py: a "slice" whose code is a range of rows)
    return whole, "slice", re.sub(r"[\[\]:,]", " ", " ".join(sorted(rows))) + ":"
