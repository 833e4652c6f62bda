"""``kerascheck --watch [PATH ...]``: check once, then stay in the foreground and check again
whenever a checked file changes (what ``ruff check --watch`` does).

Each run prints exactly what ``kerascheck PATH ...`` with the same options prints (the report
in the chosen format and its summary line), then one line ``[HH:MM:SS] Checked N files.
Watching for file changes.``; before each run the screen is cleared when standard output is a
terminal (never into a pipe or a file). With ``--output-format`` other than ``text`` and
``concise``, ``-q`` or ``-s``, that line goes to standard error, so standard output holds
only the reports. Internal errors of a run go to standard error as in the CLI.

Design decisions:

- **One engine, one process.** Every run calls the runner the CLI uses
  (:func:`kerascheck.workspace.paths.discover` with the settings, excludes and ``.gitignore``;
  :func:`kerascheck.workspace.runner.lint_paths` with the per-module content cache, whose keys
  hold the digests of the project modules a file imports), in this process. After one edit,
  the cache finds every other file's result, so only the edited file and the files importing
  it are linted again; the interpreter, LibCST, the analysis, the rules, the settings and the
  parsed project modules stay loaded. A re-check with more than 16 files to lint (a shared
  module edited) uses the process pool for that run only: no worker lives between runs.
  (``--no-cache`` works, and then every run lints every file.)
- **Change detection: polling, standard library only.** Every
  :data:`DEFAULT_INTERVAL` seconds (``$KERASCHECK_WATCH_INTERVAL`` to change it) the loop
  compares ``(mtime_ns, size, inode)`` of the checked files, of the project modules they
  import (editing ``model.py`` re-checks ``train.py`` even when only ``train.py`` is
  checked), and of the settings files (pins, ``pyproject.toml``, ``setup.cfg``,
  ``.gitignore``) in the walked folders and above them, plus the modification time of every
  walked folder (a file added, removed or renamed there; an editor that saves by renaming).
  A folder change walks the paths again; a settings change reloads the settings first. Why not
  a notification library (``watchfiles``, ``watchdog``): no new dependency, the same on every
  platform and file system (network and container mounts included), 0.4 ms of CPU a poll
  for 200 files (about 2 µs a file: a 10,000-file tree would cost 4 % of a core), and the
  process stays single-threaded: the pool forks its workers (they inherit the loaded engine)
  only from a process with one thread (:func:`kerascheck.workspace.pool.process_context`),
  and a notifier's thread would make every re-check's pool spawn fresh interpreters instead.
  There is no debounce: a file read half-written is checked again at the next poll, when its
  size or time has changed.
- **Options.** Refused with exit 2 (:func:`refused`): standard input, ``--fix``,
  ``--fix-only``, ``--diff``, ``--add-noqa`` (Ruff allows ``--fix --watch``; here writing
  files in a loop while an editor saves them could overwrite the user's newer text between
  the fixer's read and its write, and a fix that makes a file change would trigger the next
  run: fix once, then watch), ``--output-file`` (each run would overwrite the last report),
  ``--show-settings``, ``--show-files`` and ``--show-fixes`` (they print and exit).
- **Ending.** Ctrl-C (SIGINT) and SIGTERM end the watch with exit 0, between runs or during
  one: a running pool's workers are stopped on the way out (its ``with`` block), so no
  process outlives this one. A file that cannot be parsed is a KC000 finding as always; a file
  deleted between the walk and its lint is left out of that run (the folder change walks
  again); a run that fails for any other reason prints one line on standard error and the
  watch goes on. A reader that closed standard output ends it (exit 1, as the CLI).
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import time

INTERVAL_ENV = "KERASCHECK_WATCH_INTERVAL"
DEFAULT_INTERVAL = 0.5  # seconds between polls
CLEAR_SCREEN = "\x1b[2J\x1b[3J\x1b[H"  # erase the screen and the scrollback, cursor home
# Files whose change reloads the settings and walks again, beside the pin files of
# kerascheck.settings.target (PIN_FILES, pyproject.toml among them, and requirements*.txt)
SETTINGS_NAMES = (".gitignore",)
REFUSED = (("fix", "--fix"), ("fix_only", "--fix-only"), ("diff", "--diff"),
           ("add_noqa", "--add-noqa"), ("output_file", "--output-file"),
           ("show_settings", "--show-settings"), ("show_files", "--show-files"),
           ("show_fixes", "--show-fixes"))


def refused(options, reading_stdin: bool) -> str | None:
    """Why ``options`` cannot be watched (the message of a usage error), or None."""
    if reading_stdin or "-" in (options.paths or []):
        return "--watch needs files or folders, not standard input ('-')"
    for attribute, flag in REFUSED:
        if getattr(options, attribute, None):
            return f"--watch cannot be combined with {flag}"
    return None


def interval() -> float:
    """The seconds between polls: ``$KERASCHECK_WATCH_INTERVAL``, else the default."""
    text = os.environ.get(INTERVAL_ENV, "").strip()
    if not text:
        return DEFAULT_INTERVAL
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < 3600:
        raise ValueError(f"{INTERVAL_ENV} must be a number of seconds above 0, not {text!r}")
    return value


class _Stopped(BaseException):
    """SIGINT or SIGTERM: end the watch (a BaseException: no ``except Exception`` takes it)."""


def _stop(_signum, _frame):
    raise _Stopped


def watch(options, config, resolve_config, report, lint) -> int:
    """Run the check of ``options.paths`` now and after every change until a signal ends it
    (returns 0). ``resolve_config()``: the settings read again (after a settings file
    changed); ``report(diagnostics, file_count, output_format, options)``: the CLI's report;
    ``lint``: the CLI's runner (:func:`kerascheck.workspace.runner.lint_paths`, handed in so
    that this module sits beside it, not above it)."""
    try:
        seconds = interval()
    except ValueError as error:
        print(f"kerascheck: error: {error}", file=sys.stderr)
        return 2
    previous = {number: signal.signal(number, _stop) for number in (signal.SIGINT,
                                                                    signal.SIGTERM)}
    watcher = _Watcher(options.paths)
    try:
        reload = False
        while True:
            try:
                if reload:
                    config = _reloaded(config, resolve_config, options)
                if watcher.stale:
                    watcher.walk(config)
                _run(watcher, config, options, report, lint)
            except BrokenPipeError:
                raise  # nobody reads the reports any more (the CLI's exit 1)
            except Exception as error:  # a failing run never ends the watch
                print(f"kerascheck: error: the check failed ({type(error).__name__}: "
                      f"{error}); still watching", file=sys.stderr)
                watcher.stale = True
            gc.unfreeze()  # (a pool's warm-up froze the heap before forking: collect it again)
            while True:
                time.sleep(seconds)
                changed = watcher.poll(config)
                if changed:
                    reload = changed == "settings"
                    break
    except _Stopped:
        return 0
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _reloaded(config, resolve_config, options):
    """The settings read again; the old ones, said on stderr, when they no longer load."""
    from kerascheck.settings.config import ConfigError
    from kerascheck.settings.target import target_from_pins

    target_from_pins.cache_clear()  # (pins are read once per folder and process)
    try:
        config = resolve_config()
    except ConfigError as error:
        print(f"kerascheck: error: {error}; still using the previous settings", file=sys.stderr)
        return config
    options.unsafe_fixes, options.is_fixable = config.unsafe_fixes, config.is_fixable
    return config


def _run(watcher: "_Watcher", config, options, report, lint) -> None:
    cache = None
    if not options.no_cache:
        from kerascheck.workspace.cache import Cache

        cache = Cache.for_config(config)
    watcher.snapshot()  # (before linting: a change made during the run is seen at the next poll)
    diagnostics, errors, with_findings, checked = [], [], set(), 0
    for result in lint(watcher.files, config, jobs=options.jobs, cache=cache):
        if not os.path.lexists(result.path):
            watcher.stale = True  # deleted since the walk: not an error, walked again
            continue
        checked += 1
        diagnostics.extend(result.diagnostics)
        errors.extend(result.errors)
        if result.diagnostics:
            with_findings.add(result.path)
    watcher.follow_imports()
    diagnostics.sort()
    if _is_terminal(sys.stdout) and not options.silent:
        sys.stdout.write(CLEAR_SCREEN)
    report(diagnostics, len(with_findings), options.output_format, options)
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    human = options.output_format in ("text", "concise") and not (options.quiet or
                                                                   options.silent)
    files = "file" if checked == 1 else "files"
    print(f"[{time.strftime('%H:%M:%S')}] Checked {checked} {files}. Watching for file "
          "changes.", file=sys.stdout if human else sys.stderr, flush=True)
    sys.stdout.flush()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _stamp(path: str):
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


class _Watcher:
    """What a run checks and what it depends on, with their stamps as of the last run."""

    def __init__(self, paths: list[str]):
        self.paths = list(paths)
        self.files: list[str] = []
        self.folders: list[str] = []
        self.settings: list[str] = []
        self.modules: list[str] = []  # project modules imported, not checked themselves
        self.scans: dict[str, tuple] = {}  # path -> (stamp, the project modules it imports)
        self.stamps: dict[str, object] = {}
        self.stale = True  # walk before the next run

    def walk(self, config) -> None:
        """The files to check and the folders they were found in, as the CLI finds them."""
        from kerascheck.source.project import forget_layout
        from kerascheck.workspace.paths import discover

        forget_layout()  # (a module added or removed changes what an import finds)
        folders: list[str] = []
        existing = [path for path in self.paths if os.path.lexists(path)]
        self.files = list(discover(existing, config, folders=folders))
        for path in self.paths:  # (a file named, even deleted: its folder says it is back)
            if not os.path.isdir(path) and os.path.isdir(os.path.dirname(path) or "."):
                folders.append(os.path.dirname(path) or ".")
        self.folders = sorted(set(folders))
        self.settings = _settings_files(self.folders, getattr(config, "source", None))
        self.stale = False

    def watched(self) -> list[str]:
        return [*self.files, *self.modules, *self.settings]

    def snapshot(self) -> None:
        self.stamps = self._stamps()

    def _stamps(self) -> dict:
        stamps = {path: _stamp(path) for path in self.watched()}
        for folder in self.folders:
            stamps[("folder", folder)] = _stamp(folder)
        return stamps

    def poll(self, config) -> str | None:
        """What changed since the last run: "settings", "layout", "files" or None."""
        now = self._stamps()
        if now == self.stamps:
            return None
        changed = [key for key in now.keys() | self.stamps.keys()
                   if now.get(key) != self.stamps.get(key)]
        if any(key in self.settings for key in changed):
            self.stale = True
            return "settings"
        if any(now.get(key) is None for key in changed):
            self.stale = True  # a file went away: walked again before the run
            return "layout"
        if all(isinstance(key, tuple) for key in changed):
            # only folders changed: a run only if the walk now finds other files (a cache
            # folder made, an editor's backup file: nothing to check again)
            files, settings = self.files, self.settings
            try:
                self.walk(config)
            except Exception:  # (said by the run that walks again)
                self.stale = True
                return "layout"
            if self.settings != settings:
                return "settings"
            if self.files == files:
                fresh = self._stamps()  # (the folders' new times; the files' as they were)
                self.stamps = {key: self.stamps.get(key, value) if not isinstance(key, tuple)
                               else value for key, value in fresh.items()}
                return None
        return "files"

    def follow_imports(self) -> None:
        """Watch the project modules the checked files import (transitively) too; each file
        is scanned again only when its stamp changed."""
        from kerascheck.source.project import project_for

        checked = {os.path.abspath(path) for path in self.files}
        pending, wanted = list(self.files), set()
        scans = {}
        while pending:
            path = pending.pop()
            stamp = _stamp(path)
            known = self.scans.get(path)
            if known is None or known[0] != stamp:
                known = (stamp, _imports_of(path, project_for(path)) if stamp else ())
            scans[path] = known
            for module in known[1]:
                if module not in wanted and module not in checked:
                    wanted.add(module)
                    pending.append(module)
        self.scans = scans
        for module in set(self.modules) - wanted:
            self.stamps.pop(module, None)
        for module in wanted:
            self.stamps.setdefault(module, _stamp(module))
        self.modules = sorted(wanted)


def _imports_of(path: str, project) -> tuple[str, ...]:
    if project is None:
        return ()
    raw = project.read(os.path.abspath(path))
    return tuple(project.dependencies(path, raw)) if raw is not None else ()


def _settings_files(folders: list[str], source) -> list[str]:
    """The settings and pins files in ``folders`` and above them (where the pins and the
    project's settings are looked for), and the settings file in use."""
    from kerascheck.settings.target import PIN_FILES

    names = set(SETTINGS_NAMES) | set(PIN_FILES)
    found: set[str] = {str(source)} if source else set()
    seen: set[str] = set()
    for folder in folders:
        current = os.path.abspath(folder)
        while current not in seen:
            seen.add(current)
            try:
                entries = os.listdir(current)
            except OSError:
                entries = []
            for name in entries:
                if name in names or name.startswith("requirements") and name.endswith(".txt"):
                    found.add(os.path.join(current, name))
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    return sorted(found)
