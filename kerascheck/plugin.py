"""The pytest plugin: ``pytest --kerascheck`` lints Python files as test items, and the
``kerascheck`` fixture checks live models in users' tests.

Pytest imports this module in every run of every environment where kerascheck is installed, so
importing it stays cheap: it imports neither TensorFlow nor the rule engine (nor LibCST). The
engine is imported inside hooks, and only when ``--kerascheck`` is given; the runtime checks and
proofs only when a test uses the fixture.

Design notes (lessons from pytest-mypy, pytest-ruff, pytest-flake8 and pytest-pylint):

- Files are linted in the item's ``runtest``, never at collection, so under pytest-xdist each
  file is linted once, by whichever worker runs its item (every worker collects every file).
- Results are cached in pytest's cache, one entry per file, valid only for the same file
  content, kerascheck sources and resolved configuration (never an mtime). A cached clean file
  passes like a freshly linted one. Without the cache provider (``-p no:cacheprovider``) files
  are simply linted every time.
- ``kerascheck_paths`` roots (e.g. ``src``) are linted in addition to the collected files,
  without being collected as tests.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:
    from kerascheck.settings.config import Config

MARKER = "kerascheck"
ITEM_NAME = "kerascheck"
CACHE_PREFIX = "kerascheck/v1/"
# A report's user property telling the controller whether a file was linted or read from the
# cache; it travels with the report from xdist workers.
RESULT_PROPERTY = "kerascheck_result"
# Python files, and notebooks as the CLI lints them (the engine reads their code cells).
LINTED_SUFFIXES = (".py", ".ipynb")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kerascheck")
    group.addoption("--kerascheck", action="store_true", default=False,
                    help="lint collected Python files (and kerascheck_paths) with kerascheck")
    group.addoption("--kerascheck-prove", action="store_true", default=False,
                    help="like --kerascheck, and prove each finding of a failing file on "
                         "its model rebuilt in TensorFlow (needs kerascheck[runtime])")
    parser.addini("kerascheck_paths", type="paths", default=[],
                  help="extra roots linted by --kerascheck without being collected as tests "
                       "(e.g. src); used when pytest is run without path arguments")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: a kerascheck lint item (added by pytest --kerascheck)")
    if config.getoption("kerascheck") or config.getoption("kerascheck_prove"):
        lint_session = LintSession(config)
        config.stash[_SESSION] = lint_session
        config.pluginmanager.register(lint_session, "kerascheck-lint-session")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> KerasCheckFile | None:
    session = parent.config.stash.get(_SESSION, None)
    if session is None or file_path.suffix not in LINTED_SUFFIXES \
            or session.is_skipped(file_path) or not session.claim(file_path):
        return None
    return KerasCheckFile.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)  # before -m/-k deselection, so the marker selects these items
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    lint_session = config.stash.get(_SESSION, None)
    if lint_session is None or config.args_source == pytest.Config.ArgsSource.ARGS:
        # Like testpaths, kerascheck_paths apply when pytest picks what to collect.
        return
    for path in lint_session.extra_files():
        items.extend(KerasCheckFile.from_parent(session, path=path).collect())


class LintSession:
    """The plugin's state for one pytest process: configuration, cache and counters. Registered
    as a plugin itself for the hooks that report the counters."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.rootpath = config.rootpath
        self.cache = getattr(config, "cache", None)  # None with -p no:cacheprovider
        self.prove = bool(config.getoption("kerascheck_prove"))
        self.counts: dict[str, int] = {}
        self._claimed: set[Path] = set()
        self.kerascheck_config = load_kerascheck_config(config.rootpath)
        self._git_ignored = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # On the xdist controller this sees every worker's reports, so the counts are global.
        if report.when == "call":
            for name, value in report.user_properties:
                if name == RESULT_PROPERTY:
                    self.counts[value] = self.counts.get(value, 0) + 1

    def pytest_terminal_summary(self, terminalreporter) -> None:
        linted, cached = self.counts.get("linted", 0), self.counts.get("cached", 0)
        if linted or cached:
            terminalreporter.write_line(
                f"kerascheck: {linted} {'file' if linted == 1 else 'files'} linted, "
                f"{cached} from cache")

    def claim(self, path: Path) -> bool:
        """True the first time a file is seen: each file gets one lint item."""
        resolved = path.resolve()
        if resolved in self._claimed:
            return False
        self._claimed.add(resolved)
        return True

    def extra_files(self) -> Iterator[Path]:
        """Files under ``kerascheck_paths`` that collection did not already give an item."""
        from kerascheck.workspace.paths import discover

        roots = [str(root) for root in self.config.getini("kerascheck_paths") if root.exists()]
        # discover() applies the configuration's excludes and .gitignore, as the CLI does.
        for name in discover(roots, self.kerascheck_config, suffixes=LINTED_SUFFIXES):
            path = Path(name)
            if not self._ignored_by_pytest(path) and self.claim(path):
                yield path

    def is_skipped(self, path: Path) -> bool:
        """Whether the configuration's excludes or .gitignore skip a collected file, as they
        would in the CLI's walk."""
        if self.kerascheck_config.is_excluded(str(path)):
            return True
        if not self.kerascheck_config.respect_gitignore:
            return False
        if self._git_ignored is None:
            from kerascheck.workspace.paths import GitIgnored

            self._git_ignored = GitIgnored()
        return self._git_ignored.is_ignored(str(path))

    def _ignored_by_pytest(self, path: Path) -> bool:
        # Honour --ignore/--ignore-glob and collect_ignore for the file and its folders.
        for candidate in (path, *path.parents):
            if self.config.hook.pytest_ignore_collect(collection_path=candidate,
                                                      config=self.config):
                return True
            if candidate == self.rootpath:
                break
        return False

    def lint(self, path: Path) -> tuple[list, list[str], bool]:
        """``(diagnostics, internal errors, from_cache)`` for one file."""
        from kerascheck.diagnostics import from_records, to_record

        # Absolute, so per-file-ignores match whatever folder pytest runs from.
        engine_path = str(path.resolve())
        try:
            source = path.read_bytes()
        except OSError:
            source = None
        key = CACHE_PREFIX + hashlib.sha256(engine_path.encode("utf-8")).hexdigest()
        fingerprint = self._fingerprint(engine_path, source) if source is not None else None
        if self.cache is not None and fingerprint is not None:
            entry = self.cache.get(key, None)
            cached = from_records(entry.get("diagnostics")) \
                if isinstance(entry, dict) and entry.get("fingerprint") == fingerprint else None
            if cached is not None:
                return cached, [], True
        from kerascheck.engine import lint_file, lint_source

        if source is None:  # the engine turns an unreadable file into a KC000 diagnostic
            result = lint_file(path, self.kerascheck_config)
        else:
            result = lint_source(source, engine_path, self.kerascheck_config)
        errors = [str(error) for error in result.errors]
        if self.cache is not None and fingerprint is not None and not errors:
            self.cache.set(key, {"path": engine_path, "fingerprint": fingerprint,
                                 "diagnostics": [to_record(d) for d in result.diagnostics]})
        return result.diagnostics, errors, False

    def _fingerprint(self, engine_path: str, source: bytes) -> str:
        """What a cached result is valid for: this file's content at this path, this kerascheck
        (version and sources) and this resolved configuration. The very key the CLI's result
        cache uses (:func:`kerascheck.workspace.cache.cache_key`), so both invalidate alike."""
        from kerascheck.workspace.cache import cache_key

        return cache_key(source, self.kerascheck_config, engine_path)


def load_kerascheck_config(rootpath: Path) -> "Config":
    """The resolved configuration for the project: ``[tool.kerascheck]`` of the nearest
    ``pyproject.toml`` at or above pytest's rootdir, read by the CLI's own loader."""
    from kerascheck.settings.config import ConfigError, load_config

    try:
        return load_config(rootpath)
    except ConfigError as error:  # a clear usage error, as the CLI's exit 2
        raise pytest.UsageError(f"kerascheck: {error}") from None


class KerasCheckFailure(Exception):
    """A file has kerascheck findings (or kerascheck could not check it)."""


class KerasCheckFile(pytest.File):
    """A Python file that kerascheck lints; it holds a single item."""

    def collect(self) -> Iterator[KerasCheckItem]:
        yield KerasCheckItem.from_parent(self, name=ITEM_NAME)


class KerasCheckItem(pytest.Item):
    """Fails with the file's findings, formatted like the CLI; passes when the file is clean."""

    # No fixtures; but some plugins' runtest wrappers assume every item has ``funcargs`` and
    # break any other item (pytest-lsp 1.0's ``pytest_runtest_call`` returns without yielding).
    funcargs: dict = {}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_marker(MARKER)

    def runtest(self) -> None:
        lint_session = self.config.stash[_SESSION]
        diagnostics, errors, from_cache = lint_session.lint(self.path)
        self.user_properties.append((RESULT_PROPERTY, "cached" if from_cache else "linted"))
        display = _display_path(self.path, self.config)
        lines = [format_report(display, self.path, diagnostics)] if diagnostics else []
        lines += [f"kerascheck: {error}" for error in errors]
        if not lines:
            return
        if diagnostics and lint_session.prove:
            lines += ["", *_evidence_lines(self.path, display, diagnostics)]
        raise KerasCheckFailure("\n".join(lines))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None):
        if excinfo.errisinstance(KerasCheckFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, None, str]:
        return self.path, None, f"kerascheck {_display_path(self.path, self.config)}"


def format_report(display: str, path: Path, diagnostics) -> str:
    """The findings as the CLI's text report shows them: each with its source line, a caret
    under it and the fix hint, the path as pytest shows it (no summary line: pytest has its
    own)."""
    from dataclasses import replace

    from kerascheck.reports.text import render_text

    try:
        overrides = {display: path.read_bytes()}
    except OSError:  # gone since it was linted: the findings without their lines
        overrides = {display: b""}
    shown = [replace(diagnostic, path=display, related=tuple(
        replace(place, path=_shown_place(place.path, diagnostic.path, display))
        for place in diagnostic.related)) for diagnostic in diagnostics]
    return render_text(shown, overrides, with_summary=False).rstrip("\n")


def _shown_place(place: str, linted: str, display: str) -> str:
    """A related place's path as pytest shows the linted file's (``display``): relative to
    the same folder."""
    if place == linted:
        return display
    try:
        relative = os.path.relpath(place, os.path.dirname(os.path.abspath(linted)))
    except ValueError:  # another drive on Windows
        return place
    return os.path.normpath(os.path.join(os.path.dirname(display), relative))


def format_diagnostic(display: str, diagnostic) -> str:
    """One finding as the CLI's concise format prints it: ``path:line:col: KC201 message``
    (notebooks: ``nb.ipynb:cell 3:2:5: ...``), with the path as pytest shows it."""
    from dataclasses import replace

    from kerascheck.reports.formats import location

    return f"{location(replace(diagnostic, path=display))}: {diagnostic.code} " \
        f"{diagnostic.message}"


def _display_path(path: Path, config: pytest.Config) -> str:
    """Relative to where pytest was run, as the CLI would print it."""
    try:
        return os.path.relpath(path, config.invocation_params.dir)
    except ValueError:  # another drive on Windows
        return str(path)


def _evidence_lines(path: Path, display: str, diagnostics: list) -> list[str]:
    """``--kerascheck-prove``: each reported finding proved on the user's own model, rebuilt in
    TensorFlow from the linter's facts (:func:`kerascheck.runtime.verdicts.prove_path`; the file is
    never run), or the reason it could not be."""
    lines = ["runtime evidence (--kerascheck-prove):"]
    try:
        from kerascheck.proofkit import RuntimeUnavailable, number
        from kerascheck.runtime.verdicts import prove_path, verdict_of

        proved = prove_path(path.read_bytes(), str(path.resolve()))
    except RuntimeUnavailable as error:
        return lines + [f"  not proved: {error}"]
    except Exception as error:  # a proof that breaks must not hide the lint result
        return lines + [f"  not proved: the proofs failed to run ({type(error).__name__}: "
                        f"{error})"]
    reported = {(d.code, d.cell, d.line, d.column) for d in diagnostics}
    for item in proved:
        found = item.diagnostic
        if (found.code, found.cell, found.line, found.column) not in reported:
            continue  # selected out by the project's configuration
        cell = f"cell {found.cell}:" if found.cell is not None else ""
        where = f"  {display}:{cell}{found.line}:{found.column}: {found.code}:"
        if item.evidence is None:  # the verdicts of `kerascheck prove`, in words
            lines.append(f"{where} not proved ({verdict_of(item)}): {item.not_rebuilt}")
            continue
        on = f"your model at {display}:{item.model_line}" if item.model_line else \
            "your code in the installed Keras"
        shown = "shown" if verdict_of(item) == "shown" else "NOT shown"
        lines.append(f"{where} {on}: {item.evidence.summary} (symptom {shown})")
        lines += [f"      {label}: {number(value)}"
                  for label, value in item.evidence.measurements.items()]
    return lines


# --- the fixture for users' tests ------------------------------------------------------------


@pytest.fixture
def kerascheck(pytestconfig: pytest.Config) -> KerasCheckFixture:
    """Check live Keras models in a test: ``kerascheck.check_model(model)``,
    ``kerascheck.check_fit(model, x, y)``, ``kerascheck.assert_clean(model, x, y)``, and
    ``kerascheck.prove("KC201")`` to run a rule's runtime proof and assert its verdict."""
    return KerasCheckFixture(pytestconfig.rootpath)


class KerasCheckFixture:
    """The ``kerascheck`` fixture. TensorFlow and the runtime checks are imported when a method
    is first called, never when the fixture is created.

    Findings are filtered by the project's ``[tool.kerascheck]`` selection (``select``,
    ``ignore``) unless ``select`` is given, so a rule the team ignores in the linter does not
    fail ``assert_clean`` either.
    """

    def __init__(self, rootpath: Path):
        self._rootpath = rootpath
        self._project_config: Config | None = None

    def check_model(self, model, select=None) -> list:
        """Findings on a live ``keras.Model`` (compiled or not), located by layer."""
        from kerascheck.runtime_checks import check_model

        selection = self._selection(select)
        return [finding for finding in check_model(model, select=select)
                if selection.is_enabled(finding.code)]

    def check_fit(self, model, x, y=None, validation_data=None, validation_split=None,
                  select=None) -> list:
        """The model's findings plus what only the training data can show: input scale,
        labels that do not match the loss, no holdout. ``x`` and ``y`` are what ``fit``
        receives (NumPy arrays, or a ``tf.data.Dataset`` of ``(x, y)``)."""
        from kerascheck.runtime_checks import check_fit

        selection = self._selection(select)
        return [finding for finding in check_fit(model, x, y, validation_data=validation_data,
                                                 validation_split=validation_split,
                                                 select=select)
                if selection.is_enabled(finding.code)]

    def assert_clean(self, model, x=None, y=None, *, validation_data=None,
                     validation_split=None, select=None) -> None:
        """Fail the test with a readable list of findings if the model (and, when ``x`` is
        given, its training data) has any."""
        __tracebackhide__ = True
        if x is None:
            findings = self.check_model(model, select=select)
        else:
            findings = self.check_fit(model, x, y, validation_data=validation_data,
                                      validation_split=validation_split, select=select)
        if findings:
            raise AssertionError(describe_findings(model, findings))

    def prove(self, code: str):
        """Run the runtime proof of rule ``code`` (TensorFlow, seconds) and fail the test
        unless its verdict holds; returns the :class:`kerascheck.proofkit.Evidence`."""
        __tracebackhide__ = True
        from kerascheck.runtime.prove import prove

        evidence = prove(code)
        if not evidence.verdict:
            measured = "".join(f"\n    {label}: {value}"
                               for label, value in evidence.measurements.items())
            raise AssertionError(f"the runtime proof of {evidence.code} does not hold: "
                                 f"{evidence.summary}{measured}")
        return evidence

    def _selection(self, select) -> Config:
        from kerascheck.settings.config import Config

        if select is not None:
            return Config(select=(select,) if isinstance(select, str) else tuple(select))
        if self._project_config is None:
            self._project_config = load_kerascheck_config(self._rootpath)
        return self._project_config


def describe_findings(model, findings: list) -> str:
    """``kerascheck found 2 problems in model 'sequential':`` then one finding a line, as
    ``KC201 linear-hidden-activation: layer 'dense': message``."""
    count = len(findings)
    heading = (f"kerascheck found {count} {'problem' if count == 1 else 'problems'} in model "
               f"{getattr(model, 'name', type(model).__name__)!r}:")
    return "\n".join([heading, *(f"  {finding}" for finding in findings)])


_SESSION = pytest.StashKey[LintSession]()
