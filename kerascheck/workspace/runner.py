"""Linting many files: the cache first, then a process pool, results streamed in input order.

:func:`lint_paths` takes the paths to lint (any iterable, typically ``paths.discover``) and
yields one :class:`~kerascheck.engine.FileResult` per path, in the same order, whatever the
number of processes: output is deterministic. Memory stays bounded on a large tree: paths are
consumed as they come, file contents are read by whoever lints them and dropped at once, and at
most a few chunks per worker are in flight (the caller receives results while later files are
still being linted).

- **Cache.** With a :class:`~kerascheck.workspace.cache.Cache`, the parent process reads each file and
  looks its key up; hits never reach a worker (a warm run starts no pool at all), nor do files
  that do not mention Keras (settled from those bytes, never stored). Misses are linted and
  stored by the process that lints them. A cache that holds no entry when the run starts (a
  cold run) is not looked up: the parent only screens each file's bytes for Keras, and the
  key is made once, by whoever lints and stores the file.
- **Pool.** Misses go to a process pool in chunks of :data:`CHUNK_SIZE` files. A pool costs a
  fork (Linux) or a fresh interpreter per worker, so it starts only when more than
  :data:`POOL_THRESHOLD` files need linting and ``jobs`` > 1; fewer files are linted in-process.
- **Crashes.** The engine guards against deep input (see :mod:`kerascheck.source.parsing`), but a
  native crash in a worker (a segfault in the parser) must not lose the run: the files of the
  chunks that were in flight are linted again one per fresh process, and a file that kills its
  process alone gets a KC000 that says so.
"""

from __future__ import annotations

import os
from collections import deque
from typing import Iterable, Iterator

from kerascheck.diagnostics import InternalError
from kerascheck.workspace import limits
from kerascheck.workspace.cache import Cache, cache_key
from kerascheck.workspace.limits import TimeLimitExceeded, hard_deadline, time_limit
from kerascheck.workspace.pool import (end_soon, native_threads, new_executor, run_alone,
                                       settle_threads, shutdown_within, stop_workers)

STALL_GRACE = 5.0  # seconds a chunk may take beyond its files' hard deadlines (see _Pool._results)
CHUNK_SIZE = 8  # files per task: ~0.1 to 0.3 s of work, so IPC is noise and load stays even
POOL_THRESHOLD = 16  # below this many files to lint, a pool costs more than it saves
IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker: keeps workers busy, bounds memory
MAX_HELD_RESULTS = 1024  # cache hits held back while deciding whether a pool is worth it


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def lint_paths(paths: Iterable[str], config=None, *, jobs: int | None = None,
               cache: Cache | None = None, chunk_size: int = CHUNK_SIZE,
               pool_threshold: int = POOL_THRESHOLD) -> Iterator:
    """Yield a ``FileResult`` for every path of ``paths``, in order.

    ``jobs``: worker processes (default: every CPU; 1 lints in-process). ``cache``: where
    results are looked up and stored (None: no cache). Never raises on a file's content: an
    unreadable, undecodable, deep or crashing file becomes a KC000 diagnostic."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    cache_dir = str(cache.directory) if cache is not None else None
    # Nothing to find in a cache without entries: no key is made for a lookup (entries written
    # during this run are under other keys: each path is linted once)
    lookup = cache if cache is not None and cache.has_entries() else None
    iterator = iter(paths)
    if jobs == 1:
        for path in iterator:
            hit = _cached_result(path, config, lookup) if cache is not None else None
            yield hit if hit is not None else _lint_one(path, config, cache)
        return

    # Phase 1: look up the cache until enough misses justify a pool (or the paths run out).
    # Hits are yielded at once unless a miss before them is still waiting for that decision.
    order: deque = deque()  # FileResult, or None for a miss (in ``waiting``), in input order
    waiting: deque = deque()
    for path in iterator:
        hit = _cached_result(path, config, lookup) if cache is not None else None
        if hit is not None and not waiting:
            yield hit
            continue
        order.append(hit)
        if hit is None:
            waiting.append(path)
            if len(waiting) > pool_threshold:
                break
        if len(order) > MAX_HELD_RESULTS:  # sparse misses among many hits: no pool needed
            yield from _in_process(order, waiting, config, cache)
    else:
        yield from _in_process(order, waiting, config, cache)
        return

    # Phase 2: a pool; results are yielded in input order as their chunks complete.
    with _Pool(jobs, config, cache_dir) as pool:
        pending: deque = deque()
        chunk: list[str] = []

        def flush() -> None:
            nonlocal chunk
            if chunk:
                pool.submit(chunk)
                chunk = []

        def enqueue_miss(path: str) -> None:
            chunk.append(path)
            pending.append(pool.slot_for_next(len(chunk) - 1))
            if len(chunk) >= chunk_size:
                flush()

        for item in order:
            if item is None:
                enqueue_miss(waiting.popleft())
            else:
                pending.append(item)
        order.clear()
        for path in iterator:
            hit = _cached_result(path, config, lookup) if cache is not None else None
            if hit is not None:
                pending.append(hit)
            else:
                enqueue_miss(path)
            busy = pool.in_flight() >= jobs * IN_FLIGHT_PER_WORKER
            yield from pool.drain(pending, wait=busy or len(pending) > MAX_HELD_RESULTS)
        flush()
        while pending:
            yield from pool.drain(pending, wait=True)


def _in_process(order: deque, waiting: deque, config, cache: Cache | None) -> Iterator:
    """Yield ``order``'s results, linting its misses (``waiting``) here; empties both."""
    while order:
        item = order.popleft()
        yield item if item is not None else _lint_one(waiting.popleft(), config, cache)


def _cached_result(path: str, config, cache: Cache | None):
    """The result for ``path``'s current content known without parsing: a cache hit, or a file
    that does not mention Keras; None otherwise (a miss, or unreadable). ``cache`` None: only
    the latter is looked for (a cold cache). (Never imports the engine: a warm run needs no
    LibCST, no analysis, no rules.)"""
    from kerascheck.source.files import FileResult, is_relevant, read_source
    from kerascheck.source.project import project_for

    content = read_source(path)
    if isinstance(content, FileResult):
        return None  # linted (and reported) the engine's way

    if not is_relevant(content, path, project_for(path)):  # (or a project module it imports)
        # No Keras in sight: settled from the bytes already read, never stored (an entry per
        # unrelated file of a monorepo would cost more than reading the file again).
        return FileResult(path, relevant=False)
    if cache is None:
        return None
    diagnostics = cache.get(cache_key(content, config, path))
    if diagnostics is None:
        return None
    return FileResult(path, diagnostics)


def _lint_one(path: str, config, cache: Cache | None, *, isolate_stalls: bool = True):
    """Lint one file (reading it once), storing a clean result in ``cache``. With a time
    limit, a file that could hold LibCST's native parser past it (see
    :mod:`kerascheck.workspace.limits`) is linted in a process of its own, when
    ``isolate_stalls`` (in the main process: nobody could stop this one)."""
    from kerascheck.engine import FileResult, is_relevant, lint_source, read_source
    from kerascheck.source.parsing import looks_deep

    content = read_source(path)
    if isinstance(content, FileResult):
        return content  # unreadable, or not a regular file: KC000, the engine's way
    seconds = getattr(config, "time_limit", None)
    if seconds and isolate_stalls and not path.endswith(".ipynb") and is_relevant(content) \
            and looks_deep(content):  # (a notebook's JSON always looks deep: not screened)
        result = _lint_isolated(path, config, str(cache.directory) if cache else None)
        if result.diagnostics[:1] != [_crashed(path)] or _pool_can_run():
            return result
        # no process can start here at all: lint it in this one, Python-level limit only
    if seconds:
        _warm_up_here(config)
    try:
        with time_limit(seconds):
            result = lint_source(content, path, config)
    except TimeLimitExceeded:  # never cached: a faster machine may finish it
        return _too_slow(path, seconds)
    if cache is not None and result.relevant and not result.errors:
        cache.put(cache_key(content, config, path), result.diagnostics)
    return result


_warmed_up = False


def _warm_up_here(config) -> None:
    """Before this process's first timed lint: the imports every first lint pays (about 40 ms
    idle, several times that on a loaded machine) are not the file's time (a small first file
    was reported "not checked" under load)."""
    global _warmed_up
    if not _warmed_up:
        _warmed_up = True
        from kerascheck.engine import warm_up

        warm_up(config)


def _too_slow(path: str, seconds: float):
    from kerascheck.engine import FileResult, _syntax_diagnostic

    return FileResult(path, [_syntax_diagnostic(path, 1, 1, limits.too_slow_message(seconds))])


# -- the pool -------------------------------------------------------------------------------------

def _lint_chunk(paths: list[str], config, cache_dir: str | None) -> list[tuple]:
    """Worker: lint ``paths``; results travel as plain tuples (``InternalError`` instances do
    not survive pickling, fixes travel detached)."""
    cache = _worker_cache(cache_dir)
    results = []
    for path in paths:
        result = _lint_one(path, config, cache, isolate_stalls=False)
        errors = [(error.path, error.rule, error.detail) for error in result.errors]
        results.append((result.path, result.diagnostics, errors, result.relevant))
    return results


_WORKER_CACHES: dict[str, Cache] = {}


def _worker_cache(cache_dir: str | None) -> Cache | None:
    """The process's :class:`Cache` for ``cache_dir``: one per worker, not one per chunk (its
    folder's markers are checked on its first write, once)."""
    if cache_dir is None:
        return None
    cache = _WORKER_CACHES.get(cache_dir)
    if cache is None:
        cache = _WORKER_CACHES[cache_dir] = Cache(cache_dir)
    return cache


def _from_wire(item: tuple):
    from kerascheck.engine import FileResult

    path, diagnostics, errors, relevant = item
    return FileResult(path, diagnostics, [InternalError(*error) for error in errors], relevant)


class _Chunk:
    def __init__(self):
        self.paths: list[str] = []
        self.future = None
        self.results: list | None = None


class _Pool:
    """A process pool that survives a crashing worker; slots are resolved in order by drain.
    (``concurrent.futures`` and ``multiprocessing`` are imported here, not at module level:
    linting a few files, the usual pre-commit run, never pays for them.)"""

    def __init__(self, jobs: int, config, cache_dir: str | None):
        self.jobs = jobs
        self.config = config
        self.cache_dir = cache_dir
        self.executor = None
        self.open_chunk = _Chunk()
        self.submitted: deque = deque()
        self.worked = False  # a chunk came back from a worker: the pool itself can run
        self.in_process = False  # the pool never worked: lint here instead
        self.threads = 1  # this process's native threads before the pool's

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self.executor is None:
            return
        if kind is not None:
            # Ctrl-C, SIGTERM, an error, a consumer that stopped early (GeneratorExit): end
            # the workers now, not after their chunks (what they write is written atomically).
            if kind is KeyboardInterrupt or getattr(kind, "ends_the_program", False):
                interrupted = kind is KeyboardInterrupt  # (stopping the pool cannot hang)
                end_soon(130 if interrupted else 143, line="kerascheck: " + (
                    "interrupted" if interrupted else "terminated"))
            stop_workers(self.executor)
        else:  # (every result is in: a worker that does not end now never will)
            shutdown_within(self.executor, STALL_GRACE)

    def _executor(self):
        if self.executor is None:
            _warm_up(self.config)
            self.threads = native_threads()
            self.executor = new_executor(self.jobs, _memory_limit(self.config))
        return self.executor

    def slot_for_next(self, index: int) -> list:
        return [self.open_chunk, index]

    def submit(self, paths: list[str]) -> None:
        from concurrent.futures.process import BrokenProcessPool

        chunk = self.open_chunk
        chunk.paths = list(paths)
        self.open_chunk = _Chunk()
        if self.in_process:
            chunk.results = [_lint_one(path, self.config, self._cache(), isolate_stalls=False)
                             for path in chunk.paths]
            chunk.future = "done here"
            return
        try:
            chunk.future = self._executor().submit(_lint_chunk, chunk.paths, self.config,
                                                   self.cache_dir)
        except BrokenProcessPool:  # an earlier crash: start a fresh pool
            self.executor = None
            chunk.future = self._executor().submit(_lint_chunk, chunk.paths, self.config,
                                                   self.cache_dir)
        self.submitted.append(chunk)

    def _cache(self):
        return Cache(self.cache_dir) if self.cache_dir is not None else None

    def in_flight(self) -> int:
        while self.submitted and self.submitted[0].future.done():
            self.submitted.popleft()
        return len(self.submitted)

    def drain(self, pending: deque, wait: bool) -> Iterator:
        """Yield the ready results at the head of ``pending``; with ``wait``, block for the
        head once (that bounds the work in flight)."""
        while pending:
            head = pending[0]
            if not isinstance(head, list):
                pending.popleft()
                yield head
                continue
            chunk, index = head
            if chunk.future is None:
                return  # its chunk is still being filled
            if chunk.results is None:
                if not chunk.future.done() and not wait:
                    return
                wait = False
                chunk.results = self._results(chunk)
            pending.popleft()
            yield chunk.results[index]

    def _results(self, chunk: _Chunk) -> list:
        from concurrent.futures import CancelledError
        from concurrent.futures import TimeoutError as NoAnswer
        from concurrent.futures.process import BrokenProcessPool

        seconds = getattr(self.config, "time_limit", None)
        try:
            # A worker that gives no answer for longer than its files' hard deadlines (stopped,
            # or stuck where no file's time limit reaches) is not waited for forever: the pool
            # is stopped and the chunk's files are linted each in a process of its own.
            bound = hard_deadline(seconds) * len(chunk.paths) + STALL_GRACE if seconds else None
            results = [_from_wire(item) for item in chunk.future.result(bound)]
        except (NoAnswer, CancelledError):  # (cancelled: another chunk's stall stopped the pool)
            if self.executor is not None and not chunk.future.cancelled():
                stop_workers(self.executor)
            self.executor = None
            settle_threads(self.threads)  # (so that the processes below are forked)
            return [_lint_isolated(path, self.config, self.cache_dir) for path in chunk.paths]
        except BrokenProcessPool:
            self.executor = None  # the next submit starts a fresh pool
            if not self.worked and not _pool_can_run():
                # Not a file killing a worker: no pool can run here (a __main__ that a fresh
                # interpreter cannot import, no semaphores, ...). Lint here from now on.
                self.in_process = True
                return [_lint_one(path, self.config, self._cache(), isolate_stalls=False)
                        for path in chunk.paths]
            self.worked = True
            return [_lint_isolated(path, self.config, self.cache_dir) for path in chunk.paths]
        self.worked = True
        return results


def _warm_up(config) -> None:
    """Before workers are forked: what every first lint pays (the analysis' and the rules'
    imports, their tables and caches: about 40 ms) is paid once here and inherited, not once
    per worker; and the objects made so far are moved out of the collector's sight
    (``gc.freeze``, as the ``gc`` docs advise before a fork), so that collections in the
    workers neither walk nor copy-on-write the inherited heap. (A spawned worker imports
    everything again whatever is done here.)"""
    import gc

    from kerascheck.engine import warm_up
    from kerascheck.workspace.pool import process_context

    if process_context().get_start_method() != "fork":
        return
    warm_up(config)
    gc.freeze()


def _memory_limit(config) -> int:
    return getattr(config, "memory_limit", 0)


def _pool_can_run() -> bool:
    """Whether a worker process can start and answer at all (asked after a pool broke before
    any chunk came back)."""
    try:
        with new_executor(1) as executor:
            return executor.submit(os.getpid).result() > 0
    except Exception:  # BrokenProcessPool, OSError (no semaphores), ...
        return False


def _lint_isolated(path: str, config, cache_dir: str | None):
    """Lint one file in a process of its own, waited for until the file's hard deadline
    (:func:`~kerascheck.workspace.limits.hard_deadline`; killed past it: KC000 "took longer");
    if that process dies, say so as KC000."""
    from kerascheck.engine import FileResult

    from functools import partial

    from kerascheck.engine import warm_up

    seconds = getattr(config, "time_limit", None)
    wire, failure = run_alone(_lint_chunk, ([path], config, cache_dir),
                              memory_limit_mb=_memory_limit(config),
                              deadline=hard_deadline(seconds) if seconds else None,
                              prepare=partial(warm_up, config))
    if failure is None:
        return _from_wire(wire[0])
    if failure == "timeout":
        return _too_slow(path, seconds)
    return FileResult(path, [_crashed(path)])


def _crashed(path: str):
    from kerascheck.engine import _syntax_diagnostic

    return _syntax_diagnostic(path, 1, 1, limits.CRASHED)
