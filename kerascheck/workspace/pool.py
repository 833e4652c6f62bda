"""How kerascheck starts worker processes (the runner's pool and ``--fix --jobs``)."""

from __future__ import annotations

import sys
import threading


def process_context():
    """``fork`` on Linux when this process runs a single thread (workers inherit the imported
    engine for free); ``spawn`` otherwise (forking a multi-threaded process can deadlock, and
    macOS frameworks are not fork-safe)."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")
