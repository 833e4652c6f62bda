"""Per-file limits: a file that takes longer than ``time-limit`` seconds to lint is reported as
KC000 ("not checked: took longer than N s") and the run goes on.

Two bounds, one per kind of slowness:

- **Python code** (the analysis, the rules, LibCST building its nodes): an interval timer
  (``SIGALRM``) whose handler raises :class:`TimeLimitExceeded` at the next Python
  instruction, at the limit. It is a ``BaseException`` so that no ``except Exception`` on the
  way (a rule's guard) swallows it. Off the main thread, or where there is no ``SIGALRM``
  (Windows), it does not apply.
- **Native code** (LibCST's Rust tokenizer and parser hold the interpreter for as long as they
  run: 1,000 chained ``.add()`` calls, 32 kB, take 26 s in there, and no Python handler runs
  meanwhile). Only ending the process stops that. A pool worker arms a native watchdog
  (``faulthandler.dump_traceback_later(exit=True)``: a C thread that needs no interpreter
  lock) at :func:`hard_deadline`; the worker then exits, the runner's crash isolation lints
  the files it had again, each in a process of its own that the parent waits for until the
  same deadline and kills past it (:func:`kerascheck.workspace.runner._lint_isolated`): the
  file is KC000, every other file is checked. A file linted in the main process has no one
  to kill it; the runner sends the files that could stall the parser there (the ones
  :func:`kerascheck.source.parsing.looks_deep` picks) to a process of their own.

(Hand-written: the standard library has no per-call timeout for CPU-bound code, and a process
per file would cost more than linting most files.)
"""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Iterator

# Set in pool workers (kerascheck.workspace.pool): whether this process arms the watchdog.
_watchdog = {"armed": False, "sink": None}


class TimeLimitExceeded(BaseException):
    """The file being linted ran past its time limit."""


def hard_deadline(seconds: float) -> float:
    """When a process stuck past the limit (in native code) is ended: the limit and a grace
    for the Python-level timer to act first (half the limit, at least a second)."""
    return seconds + max(1.0, seconds / 2)


def enable_watchdog() -> None:
    """Called once by a pool worker: from now on :func:`time_limit` also arms the watchdog
    that ends this process at :func:`hard_deadline`."""
    _watchdog["armed"] = True


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds`` of wall time (None or
    0: no limit); in a pool worker, also end the process at :func:`hard_deadline`."""
    if not seconds or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum, _frame):
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, expired)
    watchdog = _arm_watchdog(hard_deadline(seconds)) if _watchdog["armed"] else None
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if watchdog is not None:
            watchdog.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


def _arm_watchdog(seconds: float):
    import faulthandler

    if _watchdog["sink"] is None:  # the traceback it dumps first is nobody's business
        _watchdog["sink"] = open(os.devnull, "w")  # noqa: SIM115 (kept open for good)
    faulthandler.dump_traceback_later(seconds, exit=True, file=_watchdog["sink"])
    return faulthandler


CRASHED = ("not checked: kerascheck's process crashed on this file (in the parser, or out of "
           "the memory the `memory-limit` setting allows)")


def too_slow_message(seconds: float) -> str:
    return (f"not checked: took longer than {seconds:g} s (the `time-limit` setting of "
            f"[tool.kerascheck])")
