"""How kerascheck starts worker processes (the runner's pool and ``--fix --jobs``), and how they
end: never after their parent.

A worker ignores Ctrl-C (the terminal sends SIGINT to the whole process group; the parent alone
answers it, with one line) and dies with its parent: on Linux the kernel sends it SIGKILL when
the parent dies (``PR_SET_PDEATHSIG``), even by SIGKILL; elsewhere a thread checks every second
that the parent is still there. Without this, a worker blocked on the pool's pipe outlives a
killed parent forever, holding its stdout open.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from functools import lru_cache

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_CHECK_SECONDS = 1.0
AUTOMATIC_MAX_MB = 4096


def process_context():
    """``fork`` on Linux when this process runs a single thread (workers inherit the imported
    engine for free); ``spawn`` otherwise (forking a multi-threaded process can deadlock, and
    macOS frameworks are not fork-safe)."""
    import multiprocessing

    if sys.platform.startswith("linux") and threading.active_count() == 1 and \
            _native_threads() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _native_threads() -> int:
    """This process's threads as the kernel counts them: native ones too (a TensorFlow imported
    by the caller, a pytest run that used it, starts thread pools Python does not list; a fork
    inherits their locks held, and the worker waits on a futex forever)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 2  # unknown: do not fork


# Held back while workers start: a Ctrl-C in the middle of a fork would reach a worker before
# it ignores SIGINT (a traceback), or the parent inside a fork handler (swallowed).
_HELD = {signal.SIGINT, signal.SIGTERM}


def new_executor(workers: int, memory_limit_mb: int = 0, *, watchdog: bool = True):
    """A ``ProcessPoolExecutor`` whose workers die with this process and ignore Ctrl-C, with
    the same guards in every pool (the runner's, ``--fix``'s, a file's own process):

    - memory: each worker's memory is capped at ``memory_limit_mb`` (the ``memory-limit``
      setting; 0: automatic, see :func:`worker_memory_bytes`), so a file that needs too much
      costs a ``MemoryError`` or its worker (the callers report KC000), not the machine;
    - time: with ``watchdog``, a worker stuck in native code past a file's time limit ends
      itself (:mod:`kerascheck.workspace.limits`); without it (a process linting one file),
      the parent waits for it until that deadline and kills it."""
    limit = worker_memory_bytes(memory_limit_mb, workers)
    return _executor_class()(workers, mp_context=process_context(), initializer=_init_worker,
                             initargs=(os.getpid(), limit, watchdog))


def worker_memory_bytes(memory_limit_mb: int, workers: int) -> int | None:
    """The data-segment limit of one worker: ``memory_limit_mb``, or when 0 this machine's
    memory shared among ``workers`` (at most :data:`AUTOMATIC_MAX_MB`); None if unknown."""
    if memory_limit_mb:
        return memory_limit_mb << 20
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
    return min(physical // max(1, workers), AUTOMATIC_MAX_MB << 20)


@lru_cache(maxsize=1)
def _executor_class():
    from concurrent.futures import ProcessPoolExecutor

    class Executor(ProcessPoolExecutor):
        """Starts its workers (which ``submit`` does) with SIGINT and SIGTERM held; a signal
        that came meanwhile is delivered once they run."""

        def submit(self, fn, /, *args, **kwargs):
            if threading.current_thread() is not threading.main_thread() or \
                    not hasattr(signal, "pthread_sigmask"):  # Windows
                return super().submit(fn, *args, **kwargs)
            previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
            try:
                return super().submit(fn, *args, **kwargs)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    return Executor


def stop_workers(executor) -> None:
    """End ``executor``'s workers now, without waiting for the files they are linting (the run
    was interrupted or terminated)."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    # (shutdown forgets the processes and the manager thread: take them first)
    processes = list((getattr(executor, "_processes", None) or {}).values())
    manager = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.kill()
        except (OSError, AttributeError, ValueError):
            pass
    _forget_wakeup(manager)


def _forget_wakeup(manager) -> None:
    """Python < 3.12 wakes every pool's manager thread at exit through a pipe that the thread
    may have closed already once its workers were killed, and prints "Exception ignored ...
    Bad file descriptor" after our one line. A pool stopped here needs no waking: take it off
    that list (a private table of ``concurrent.futures.process``; absent elsewhere: a no-op)."""
    if manager is None:
        return
    from concurrent.futures import process as futures_process

    wakeups = getattr(futures_process, "_threads_wakeups", None)
    if wakeups is not None:
        wakeups.pop(manager, None)


def _init_worker(parent_pid: int, memory_bytes: int | None = None,
                 watchdog: bool = False) -> None:
    if memory_bytes:
        _limit_memory(memory_bytes)
    if watchdog:
        from kerascheck.workspace.limits import enable_watchdog

        enable_watchdog()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent_pid,), name="kerascheck-parent",
                         daemon=True).start()
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _limit_memory(memory_bytes: int) -> None:
    """Cap the data segment (on Linux it counts the allocator's anonymous mappings too, not
    the thread stacks and shared libraries an address-space limit would)."""
    try:
        import resource
    except ImportError:  # Windows
        return
    kind = getattr(resource, "RLIMIT_DATA", None) or getattr(resource, "RLIMIT_AS", None)
    if kind is None:
        return
    try:
        _soft, hard = resource.getrlimit(kind)
        wanted = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(kind, (wanted, hard))
    except (OSError, ValueError):
        pass


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is not
    available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    import time

    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def run_alone(function, args: tuple, *, memory_limit_mb: int = 0,
              deadline: float | None = None) -> tuple[object, str | None]:
    """``function(*args)`` in a process of its own, with the pools' memory guard, waited for
    until ``deadline`` seconds (None: for as long as it takes) and killed past it.

    Returns ``(value, None)``, or ``(None, "timeout")`` or ``(None, "crashed")`` (the process
    died: a native crash, or its memory guard)."""
    from concurrent.futures import TimeoutError as Timeout
    from concurrent.futures.process import BrokenProcessPool

    try:
        executor = new_executor(1, memory_limit_mb, watchdog=False)
    except OSError:  # no semaphores, no processes
        return None, "crashed"
    try:
        return executor.submit(function, *args).result(timeout=deadline), None
    except Timeout:  # stuck in native code: only ending the process stops it
        stop_workers(executor)
        return None, "timeout"
    except (BrokenProcessPool, OSError):
        return None, "crashed"
    finally:
        executor.shutdown(wait=True)
