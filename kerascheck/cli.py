"""The command line: ``kerascheck [check] PATH ...``, ``kerascheck rule KC201``, ``kerascheck rules``,
``kerascheck prove`` and ``kerascheck test-rule PATH``.

The first argument picks a subcommand when it is one of ``check``, ``rule``, ``rules``,
``prove``, ``server`` or ``test-rule``; anything else is a path for ``check`` (so
``kerascheck src/`` works as users expect). A folder literally named ``rules`` is linted with
``kerascheck check rules`` or ``./rules``.

Exit codes: 0 no findings, 1 findings (or a reader that closed the pipe), 2 usage error,
missing path, a report that cannot be written or internal error. With
``--fix``, findings means what remains after fixing (``--exit-non-zero-on-fix``: or anything fixed).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from typing import Sequence

from kerascheck.reports.formats import FORMATS
from kerascheck.settings.options import check_parser, split_selectors
from kerascheck.workspace.pool import end_soon

SUBCOMMANDS = ("check", "rule", "rules", "prove", "server", "test-rule")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command. Ctrl-C exits 130 and SIGTERM 143 (128 + the signal), each with one line
    on stderr and no worker left behind; a report that cannot be written exits 2."""
    from kerascheck.reports.formats import ReportWriteError

    previous = _terminate_by_exception()
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except ReportWriteError as error:
        print(f"kerascheck: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # the reader went away (``kerascheck ... | head -1``): no traceback, and none at exit
        # when Python flushes stdout again (the recipe of Python's signal docs)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except (KeyboardInterrupt, _Terminated) as stop:  # (end_soon: the exit cannot hang)
        interrupted = isinstance(stop, KeyboardInterrupt)
        print(f"kerascheck: {'interrupted' if interrupted else 'terminated'}", file=sys.stderr)
        return end_soon(128 + (signal.SIGINT if interrupted else signal.SIGTERM))
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(BaseException):
    """SIGTERM, raised where the main thread is, so the pool's workers are stopped on the way
    out (a BaseException: no ``except Exception`` swallows it)."""

    ends_the_program = True  # (the pool's exit bounds its own wait: workspace.runner)


def _terminate_by_exception():
    """Turn SIGTERM into :class:`_Terminated`; returns the previous handler (None off the main
    thread, where Python cannot set one)."""
    def terminated(_signum, _frame):
        raise _Terminated

    try:
        return signal.signal(signal.SIGTERM, terminated)
    except ValueError:  # not the main thread (an embedding application)
        return None


def _dispatch(args: list[str]) -> int:
    if args and args[0] in SUBCOMMANDS:
        command, rest = args[0], args[1:]
    else:
        command, rest = "check", args
    if command == "rule":
        from kerascheck.reports.rule_docs import rule_command

        _load_project_rules()
        return rule_command(rest)
    if command == "rules":
        from kerascheck.reports.rule_docs import rules_command

        _load_project_rules()
        return rules_command(rest)
    if command == "prove":
        from kerascheck.runtime.verdicts import prove_command

        return prove_command(rest)
    if command == "server":
        return _server_command(rest)
    if command == "test-rule":
        return _test_rule_command(rest)
    return _check_command(rest)


def _server_command(argv: list[str]) -> int:
    """``kerascheck server``: the Language Server over stdio (needs the ``lsp`` extra)."""
    argparse.ArgumentParser(prog="kerascheck server", description="A Language Server over "
                            "stdio, for editors (docs/editors.md).").parse_args(argv)
    try:
        from kerascheck.server.language_server import serve
    except ImportError as error:
        print(f"kerascheck server: {error}; install kerascheck[lsp]", file=sys.stderr)
        return EXIT_ERROR
    return serve()


def _check_command(argv: list[str]) -> int:
    parser = check_parser(FORMATS)
    options = parser.parse_args(argv)
    from kerascheck.settings.config import ConfigError

    reading_stdin = options.paths == ["-"] or (not options.paths and options.stdin_filename)
    if not reading_stdin and "-" in (options.paths or []):
        parser.error("'-' (standard input) cannot be combined with other paths")
    if options.watch:
        from kerascheck.workspace.watch import refused

        if refused(options, reading_stdin):
            parser.error(refused(options, reading_stdin))
    options.paths = options.paths or ["."]
    try:
        config = _resolve_config(options, reading_stdin)
    except ConfigError as error:
        print(f"kerascheck: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    options.unsafe_fixes, options.is_fixable = config.unsafe_fixes, config.is_fixable
    if options.show_settings:
        _show_settings(config, options.paths)
        return EXIT_CLEAN
    if reading_stdin:
        return _stdin_command(options, config)
    missing = [path for path in options.paths if not os.path.exists(path)]
    if missing:
        for path in missing:
            print(f"kerascheck: error: {path}: no such file or directory", file=sys.stderr)
        return EXIT_ERROR

    if options.show_files:
        from kerascheck.workspace.paths import discover

        for path in discover(options.paths, config):
            print(path)
        return EXIT_CLEAN
    if options.fix or options.diff or options.fix_only:
        return _fix_command(options, config)
    from kerascheck.workspace.paths import discover
    from kerascheck.workspace.runner import lint_paths

    if options.watch:  # the same runner, run again on every change
        from kerascheck.workspace.watch import watch

        return watch(options, config, lambda: _resolve_config(options, False), _report,
                     lint_paths)

    # The runner streams results in discovery order: cache hits first, misses in a process
    # pool when there are many (see kerascheck/runner.py and kerascheck/cache.py).
    cache = None
    if not options.no_cache:
        from kerascheck.workspace.cache import Cache

        cache = Cache.for_config(config)
    diagnostics = []
    errors = []
    files_with_findings = set()
    for result in lint_paths(discover(options.paths, config), config, jobs=options.jobs,
                             cache=cache):
        path = result.path
        diagnostics.extend(result.diagnostics)
        errors.extend(result.errors)
        if result.diagnostics:
            files_with_findings.add(path)
    if options.add_noqa:
        return _add_noqa(diagnostics, errors, options, config)
    diagnostics.sort()
    _report(diagnostics, len(files_with_findings), options.output_format, options)
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if diagnostics and not options.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _resolve_config(options, reading_stdin: bool):
    """The configuration file's settings with the command line's on top (Ruff's precedence:
    ``--select`` replaces the configured selection and its ignores; ``--extend-select`` and
    ``--ignore`` add to it)."""
    from kerascheck.settings.config import load_config

    if reading_stdin:
        start = os.path.dirname(os.path.abspath(options.stdin_filename or "-"))
    else:
        existing = [os.path.abspath(path) for path in options.paths if os.path.exists(path)]
        start = os.path.commonpath(existing) if existing else os.getcwd()
    config = load_config(start, options.config)
    changes: dict = {}
    if options.select:
        changes.update(select=split_selectors(options.select), extend_select=(), ignore=())
    if options.extend_select:
        changes["extend_select"] = changes.get("extend_select", config.extend_select) + \
            split_selectors(options.extend_select)
    if options.ignore:
        changes["ignore"] = changes.get("ignore", config.ignore) + \
            split_selectors(options.ignore)
    if options.exclude:
        changes["exclude"] = split_selectors(options.exclude)
    if options.extend_exclude:
        changes["extend_exclude"] = config.extend_exclude + \
            split_selectors(options.extend_exclude)
    if options.force_exclude is not None:
        changes["force_exclude"] = options.force_exclude
    if options.respect_gitignore is not None:
        changes["respect_gitignore"] = options.respect_gitignore
    if options.ignore_noqa:
        changes["ignore_noqa"] = True
    if options.unsafe_fixes is not None:
        changes["unsafe_fixes"] = options.unsafe_fixes
    if options.target_version is not None:
        changes["target_version"] = options.target_version
    return config.with_overrides(**changes) if changes else config


def _show_settings(config, paths=()) -> None:
    """``--show-settings``: where the settings came from and what they resolve to."""
    print(f"Settings file: {config.source or '(none: defaults)'}")
    print(f"Project root: {config.root or os.getcwd()}")
    print("[tool.kerascheck]")
    for key, value in config.to_dict().items():
        if key == "root":
            continue
        print(f"{key} = {json.dumps(value)}")
    print(f"# enabled rules: {', '.join(config.enabled_codes()) or '(none)'}")
    from kerascheck.settings.target import describe_targets

    print("\n".join(describe_targets(config.target_version, config.root or os.getcwd(), paths)))


def _stdin_command(options, config) -> int:
    """``kerascheck -`` (with ``--stdin-filename``): lint standard input, for editors."""
    from kerascheck.engine import lint_source
    from kerascheck.workspace.paths import GitIgnored

    if options.add_noqa or options.diff:
        print("kerascheck: error: --add-noqa and --diff need files, not standard input",
              file=sys.stderr)
        return EXIT_ERROR
    filename = options.stdin_filename or "-"
    try:
        source = sys.stdin.buffer.read()
    except (AttributeError, OSError, ValueError) as error:  # closed (None), or unreadable
        reason = "it is closed" if sys.stdin is None else getattr(error, "strerror", None) or error
        print(f"kerascheck: error: cannot read standard input: {reason}", file=sys.stderr)
        return EXIT_ERROR
    if options.fix:
        return _stdin_fix(source, filename, options, config)
    if options.stdin_filename and config.force_exclude and (
            config.is_excluded(filename)
            or config.respect_gitignore and GitIgnored().is_ignored(filename)):
        diagnostics, errors = [], []  # excluded: nothing to say, as Ruff does
    else:
        result = lint_source(source, filename, config)
        diagnostics, errors = sorted(result.diagnostics), result.errors
    text = source.decode("utf-8", "replace")
    _report(diagnostics, 1 if diagnostics else 0, options.output_format, options,
            sources={filename: text})
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if diagnostics and not options.exit_zero else EXIT_CLEAN


def _stdin_fix(source: bytes, filename: str, options, config) -> int:
    """``kerascheck --fix -``: the fixed source on stdout (the input as it was when nothing
    applies, or for a notebook, which is never rewritten); what remains on stderr."""
    from kerascheck.engine import lint_source
    from kerascheck.fixing.fixer import fix_source

    fixed = source if filename.endswith(".ipynb") else \
        fix_source(source, filename, config, options.unsafe_fixes).source
    sys.stdout.buffer.write(fixed)
    sys.stdout.flush()
    result = lint_source(fixed, filename, config)
    for diagnostic in sorted(result.diagnostics):
        print(f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.code} "
              f"{diagnostic.message}", file=sys.stderr)
    for error in result.errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    if result.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if result.diagnostics and not options.exit_zero else EXIT_CLEAN


def _add_noqa(diagnostics, errors, options, config) -> int:
    """``--add-noqa``: suppress every current finding where it is reported."""
    from kerascheck.fixing.noqa import add_noqa_to_files

    results = add_noqa_to_files(diagnostics, config)
    for result in results:
        if result.error:
            print(f"kerascheck: {result.path}: noqa comments not written: {result.error}",
                  file=sys.stderr)
    added = sum(result.added for result in results)
    if not _quiet(options):
        print(f"Added {added} noqa {'directive' if added == 1 else 'directives'}.")
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    return EXIT_ERROR if errors or any(result.error for result in results) else EXIT_CLEAN


def _fix_command(options, config) -> int:
    """``--fix`` / ``--diff``: apply (or show) the fixes the flags allow, report what remains.

    Exit 1 when anything remains (with ``--diff``: when anything would change or remains), or
    with ``--exit-non-zero-on-fix`` when anything was fixed; 0 when all was fixed."""
    from kerascheck.fixes import allowed
    from kerascheck.fixing.fixer import fix_files
    from kerascheck.workspace.paths import discover
    from kerascheck.workspace.runner import default_jobs, lint_paths

    cache = None
    if not options.no_cache:
        from kerascheck.workspace.cache import Cache

        cache = Cache.for_config(config)
    remaining, errors, diffs = [], [], []
    fixed = 0
    files_with_findings = set()
    # The ordinary lint (cache, pool) finds the files with something to fix; only those are
    # analysed again to be fixed (a cached fix describes but cannot apply).
    to_fix = []
    for result in lint_paths(discover(options.paths, config), config, jobs=options.jobs,
                             cache=cache):
        if any(allowed(d.fix, options.unsafe_fixes) and config.is_fixable(d.code)
               for d in result.diagnostics):
            to_fix.append(result.path)
            continue
        remaining.extend(result.diagnostics)
        errors.extend(result.errors)
        if result.diagnostics:
            files_with_findings.add(result.path)
    fixed_codes: dict[str, list[str]] = {}
    for result in fix_files(to_fix, config, unsafe=options.unsafe_fixes, write=not options.diff,
                            jobs=options.jobs or default_jobs()):
        fixed += result.fixed
        if result.fixed_codes:
            fixed_codes[result.path] = result.fixed_codes
        if result.diff:
            diffs.append(result.diff)
        for note in result.dropped:
            print(f"kerascheck: {note}", file=sys.stderr)
        remaining.extend(result.diagnostics)
        errors.extend(result.errors)
        if result.diagnostics:
            files_with_findings.add(result.path)
    remaining.sort()
    problems = "problem" if fixed == 1 else "problems"
    left = f"{len(remaining)} remaining"
    hidden = sum(1 for d in remaining if d.fix is not None and d.fix.applicability == "unsafe"
                 and config.is_fixable(d.code))
    if hidden and not options.unsafe_fixes:
        left += f"; {hidden} more fixable with --unsafe-fixes"
    if options.diff:
        if not options.silent:
            sys.stdout.write("".join(diffs))
        if not _quiet(options):
            print(f"Would fix {fixed} {problems} ({left}).", file=sys.stderr)
    else:
        if not options.fix_only:  # --fix-only: what was fixed, not what remains
            _report(remaining, len(files_with_findings), options.output_format, options)
        # machine-readable formats keep stdout parseable
        human = options.output_format in ("text", "concise") or options.output_file
        if not _quiet(options):
            stream = sys.stdout if human else sys.stderr
            print(f"Fixed {fixed} {problems} ({left}).", file=stream)
            if options.show_fixes and fixed_codes:
                from kerascheck.reports.formats import render_fixes

                print(render_fixes(fixed_codes), end="", file=stream)
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if options.exit_zero:
        return EXIT_CLEAN
    if (remaining and not options.fix_only) or (options.diff and diffs) \
            or (options.exit_non_zero_on_fix and fixed):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _report(diagnostics, file_count: int, output_format: str, options=None,
            sources=None) -> None:
    """Print (or write to ``--output-file``) the report in the chosen format; with
    ``--statistics``, the counts per rule instead."""
    from kerascheck.reports.formats import render, render_statistics, write_output
    from kerascheck.reports.text import use_colour

    output_file = getattr(options, "output_file", None)
    if getattr(options, "silent", False) and output_file is None:
        return  # -s: the exit code says it all
    if options is not None and getattr(options, "statistics", False):
        text = render_statistics(diagnostics, output_format,
                                 fixable=getattr(options, "is_fixable", lambda code: True))
    else:
        text = render(diagnostics, output_format, sources=sources,
                      colour=output_file is None and use_colour(sys.stdout),
                      with_summary=not _quiet(options),
                      fixable=getattr(options, "is_fixable", None),
                      unsafe=bool(getattr(options, "unsafe_fixes", False)))
    write_output(text, output_file)


def _quiet(options) -> bool:
    """``-q`` (findings only) or ``-s`` (nothing): no summary and no "Fixed N" line."""
    return bool(getattr(options, "quiet", False) or getattr(options, "silent", False))


def _load_project_rules() -> None:
    """The rules of your own the current project's settings name (their docs are listed too)."""
    from kerascheck.settings.config import ConfigError, load_config

    try:
        load_config(os.getcwd())
    except ConfigError:
        pass


def _test_rule_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="kerascheck test-rule",
        description="Run a rule module's valid and invalid examples as tests (like fixit test).")
    parser.add_argument("module", help="a .py file of your own rules, or a dotted module name")
    from kerascheck.rule_testing import run_rule_tests

    status, report = run_rule_tests(parser.parse_args(argv).module, os.getcwd())
    (sys.stderr if status == EXIT_ERROR else sys.stdout).write(report)
    return status


if __name__ == "__main__":
    sys.exit(main())
