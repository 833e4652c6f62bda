"""Per-file limits: a file that takes longer than ``time-limit`` seconds to lint is reported as
KC000 ("not checked: took longer than N s") and the run goes on.

The limit is an interval timer (``SIGALRM``) in the process that lints the file, the main
process or a pool worker: its handler raises :class:`TimeLimitExceeded` at the next Python
instruction, which LibCST's parser also reaches (it builds its nodes through Python
constructors). It is a ``BaseException`` so that no ``except Exception`` on the way (a rule's
guard) swallows it. Off the main thread, or where there is no ``SIGALRM`` (Windows), no limit
applies. (Hand-written: the standard library has no per-call timeout for CPU-bound code, and a
process per file would cost more than linting most files.)
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator


class TimeLimitExceeded(BaseException):
    """The file being linted ran past its time limit."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`TimeLimitExceeded` in the block after ``seconds`` of wall time (None or
    0: no limit)."""
    if not seconds or not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum, _frame):
        raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def too_slow_message(seconds: float) -> str:
    return (f"not checked: took longer than {seconds:g} s (the `time-limit` setting of "
            f"[tool.kerascheck])")
