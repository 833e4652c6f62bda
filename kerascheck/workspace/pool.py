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
MANAGER_JOIN_SECONDS = 5.0  # how long a stopped pool's manager thread is waited for
SETTLE_SECONDS = 0.5  # how long joined threads are waited for to leave the kernel's list


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
    _kill(processes)
    _forget_wakeup(manager)
    _join(manager, MANAGER_JOIN_SECONDS)


def shutdown_within(executor, seconds: float) -> None:
    """Shut ``executor`` down once its work is done, waiting ``seconds`` at most for its workers
    to end; a worker still there then is ended. (``shutdown(wait=True)`` waits for ever for a
    worker that never took a task and never will end: stopped, or stuck before its first.)"""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    manager = getattr(executor, "_executor_manager_thread", None)
    executor.shutdown(wait=False)
    if manager is None or _join(manager, seconds):
        return
    _kill(processes)
    _forget_wakeup(manager)
    _join(manager, MANAGER_JOIN_SECONDS)


def _kill(processes) -> None:
    for process in processes:
        try:
            process.kill()
        except (OSError, AttributeError, ValueError):
            pass


def _join(manager, seconds: float) -> bool:
    """Wait for a pool's manager thread to end (at most ``seconds``); whether it did. Once it
    has, the next process can be forked again (:func:`process_context` forks a process that
    runs one thread only) rather than spawned, a fresh interpreter whose imports cost 0.3 s
    idle and over a second under load."""
    if manager is None or manager is threading.current_thread():
        return True
    manager.join(seconds)
    return not manager.is_alive()


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


START_UP_SECONDS = 120.0  # how long a process of its own may take to start and import


def run_alone(function, args: tuple, *, memory_limit_mb: int = 0,
              deadline: float | None = None, prepare=None) -> tuple[object, str | None]:
    """``function(*args)`` in a process of its own, with the pools' memory guard, waited for
    until ``deadline`` seconds (None: for as long as it takes) and killed past it.

    The process is started, and ``prepare()`` (picklable: the imports and the first-use costs
    ``function`` would pay) run in it, *before* the clock starts: under load a
    fresh interpreter's imports alone can take longer than a file's deadline, and that is not
    the file's doing. The start-up is bounded by :data:`START_UP_SECONDS` only.

    Returns ``(value, None)``, or ``(None, "timeout")`` or ``(None, "crashed")`` (the process
    died: a native crash, or its memory guard; or no process could start)."""
    from concurrent.futures import TimeoutError as Timeout
    from concurrent.futures.process import BrokenProcessPool

    threads = _native_threads()  # (before the executor's threads)
    try:
        executor = new_executor(1, memory_limit_mb, watchdog=False)
    except OSError:  # no semaphores, no processes
        return None, "crashed"
    try:
        try:
            executor.submit(prepare or _ready).result(timeout=START_UP_SECONDS)
        except Timeout:  # a process that never came up: not the file's deadline
            stop_workers(executor)
            return None, "crashed"
        return executor.submit(function, *args).result(timeout=deadline), None
    except Timeout:  # stuck in native code: only ending the process stops it
        stop_workers(executor)
        return None, "timeout"
    except (BrokenProcessPool, OSError):
        return None, "crashed"
    finally:
        executor.shutdown(wait=True)
        settle_threads(threads)


def native_threads() -> int:
    """This process's threads as the kernel counts them (see :func:`settle_threads`)."""
    return _native_threads()


def settle_threads(expected: int, seconds: float = SETTLE_SECONDS) -> None:
    """Wait (at most ``seconds``) until the kernel counts no more than ``expected`` threads
    here (what it counted before a pool started). A joined Python thread is done in Python's
    eyes a moment before its native thread has exited; a process started meanwhile would be
    spawned (see :func:`process_context`), a fresh interpreter whose imports cost 0.3 s idle
    and over a second under load, not forked."""
    import time

    end = time.monotonic() + seconds
    while _native_threads() > expected and time.monotonic() < end:
        time.sleep(0.001)


def _ready() -> bool:
    return True


# how long the program may take to end after Ctrl-C or SIGTERM before it is ended outright
END_GRACE_SECONDS = 10.0


_ANNOUNCED = []  # the program said why it ends (cli.main's one line)


def end_soon(code: int, seconds: float = END_GRACE_SECONDS, line: str | None = None) -> int:
    """After Ctrl-C or SIGTERM in the kerascheck program itself (not in a process that called
    ``cli.main`` as a library): if stopping the pool or the interpreter's own exit (joining the
    pool's threads, multiprocessing's finalizers) has not ended the process within ``seconds``,
    end it with ``code``, writing ``line`` first unless the program has already said why it
    ends (``line`` None: it has); returns ``code``. (That exit joins the pool's manager thread
    and runs the finalizers with no timeout of their own: this bounds them.)"""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    program = getattr(spec, "name", "") == "kerascheck.__main__" or \
        os.path.basename(sys.argv[0] if sys.argv else "") == "kerascheck"
    if line is None:
        _ANNOUNCED.append(code)
    if program:
        def end() -> None:
            if line is not None and not _ANNOUNCED:
                print(line, file=sys.stderr)
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (OSError, ValueError):
                    pass
            os._exit(code)

        timer = threading.Timer(seconds, end)
        timer.daemon = True
        timer.start()
    return code
