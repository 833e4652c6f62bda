"""The command line: ``kerascheck [check] PATH ...``, ``kerascheck rule KC201``, ``kerascheck rules``
and ``kerascheck prove``.

The first argument picks a subcommand when it is one of ``check``, ``rule``, ``rules`` or
``prove``; anything else is a path for ``check`` (so ``kerascheck src/`` works as users expect).
A folder literally named ``rules`` is linted with ``kerascheck check rules`` or ``./rules``.

Exit codes: 0 no findings, 1 findings, 2 usage error, missing path or internal error. With
``--fix``, findings means what remains after fixing (``--exit-non-zero-on-fix``: or anything fixed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Sequence

from kerascheck import __version__

SUBCOMMANDS = ("check", "rule", "rules", "prove")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kerascheck",
        description="Find the mistakes people make with Keras, without importing TensorFlow.",
        epilog="Other commands: 'kerascheck rule CODE' explains a rule, 'kerascheck rules' "
               "lists them, 'kerascheck prove [CODE ...]' runs the runtime proofs.")
    parser.add_argument("paths", nargs="*", default=None, metavar="PATH",
                        help="files or folders to check (default: .); '-' reads stdin")
    parser.add_argument("--select", action="append", default=None, metavar="CODES",
                        help="rules to run: codes, prefixes or names, comma-separated (KC2,KC301)")
    parser.add_argument("--ignore", action="append", default=None, metavar="CODES",
                        help="rules to skip: codes, prefixes or names, comma-separated")
    _add_workflow_arguments(parser)
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when problems are found")
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe fixes, then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff, also apply the unsafe fixes (they change "
                             "what the model does: review them)")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff and write nothing")
    parser.add_argument("--exit-non-zero-on-fix", action="store_true",
                        help="with --fix, exit 1 when anything was fixed, even if nothing remains")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the result cache (.kerascheck_cache)")
    parser.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                        help="worker processes for many files (default: one per CPU; 1: none)")
    parser.add_argument("--version", action="version", version=f"kerascheck {__version__}")
    return parser


def _add_workflow_arguments(parser: argparse.ArgumentParser) -> None:
    """Configuration, file selection, suppression and report options of ``check``."""
    from kerascheck.output import FORMATS

    parser.add_argument("--extend-select", action="append", default=None, metavar="CODES",
                        help="rules to run in addition to those selected")
    parser.add_argument("--config", metavar="FILE",
                        help="read settings from this TOML file instead of the nearest "
                             "pyproject.toml's [tool.kerascheck]")
    parser.add_argument("--exclude", action="append", default=None, metavar="GLOBS",
                        help="globs to skip while walking folders (replaces the defaults)")
    parser.add_argument("--extend-exclude", action="append", default=None, metavar="GLOBS",
                        help="globs to skip in addition to the configured excludes")
    parser.add_argument("--force-exclude", action="store_true", default=None,
                        help="apply excludes and .gitignore to files named explicitly too "
                             "(pre-commit passes every file explicitly)")
    parser.add_argument("--no-respect-gitignore", dest="respect_gitignore",
                        action="store_false", default=None,
                        help="check files that .gitignore lists")
    parser.add_argument("--show-settings", action="store_true",
                        help="print the resolved settings and exit")
    parser.add_argument("--show-files", action="store_true",
                        help="print the files that would be checked and exit")
    parser.add_argument("--stdin-filename", metavar="PATH",
                        help="the name of the file read from stdin ('-'): for display, "
                             "per-file-ignores and notebooks (.ipynb)")
    parser.add_argument("--add-noqa", action="store_true",
                        help="add '# noqa: CODE' comments for every finding (notebooks are "
                             "never written)")
    parser.add_argument("--output-format", choices=FORMATS, default="text",
                        help="text (default: each finding with its source line), concise (one "
                             "line each), json, github (workflow annotations), sarif (code "
                             "scanning), junit")
    parser.add_argument("--output-file", metavar="FILE",
                        help="write the report to FILE instead of standard output")
    parser.add_argument("--statistics", action="store_true",
                        help="print the number of findings per rule instead of the findings")


def _positive_int(text: str) -> int:
    """``--jobs``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("expected at least 1")
    return value


def _split_selectors(values: list[str] | None) -> tuple[str, ...]:
    if not values:
        return ()
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS:
        command, rest = args[0], args[1:]
    else:
        command, rest = "check", args
    if command == "rule":
        return _rule_command(rest)
    if command == "rules":
        return _rules_command(rest)
    if command == "prove":
        from kerascheck.proving import prove_command

        return prove_command(rest)
    return _check_command(rest)


def _check_command(argv: list[str]) -> int:
    parser = _check_parser()
    options = parser.parse_args(argv)
    from kerascheck.config import ConfigError

    reading_stdin = options.paths == ["-"] or (not options.paths and options.stdin_filename)
    if not reading_stdin and "-" in (options.paths or []):
        parser.error("'-' (standard input) cannot be combined with other paths")
    options.paths = options.paths or ["."]
    try:
        config = _resolve_config(options, reading_stdin)
    except ConfigError as error:
        print(f"kerascheck: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if options.show_settings:
        _show_settings(config)
        return EXIT_CLEAN
    if reading_stdin:
        return _stdin_command(options, config)
    missing = [path for path in options.paths if not os.path.exists(path)]
    if missing:
        for path in missing:
            print(f"kerascheck: error: {path}: no such file or directory", file=sys.stderr)
        return EXIT_ERROR

    if options.show_files:
        from kerascheck.paths import discover

        for path in discover(options.paths, config):
            print(path)
        return EXIT_CLEAN
    if options.fix or options.diff:
        return _fix_command(options, config)

    from kerascheck.paths import discover
    from kerascheck.runner import lint_paths

    # The runner streams results in discovery order: cache hits first, misses in a process
    # pool when there are many (see kerascheck/runner.py and kerascheck/cache.py).
    cache = None
    if not options.no_cache:
        from kerascheck.cache import Cache

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
        return _add_noqa(diagnostics, errors)
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
    from kerascheck.config import load_config

    if reading_stdin:
        start = os.path.dirname(os.path.abspath(options.stdin_filename or "-"))
    else:
        existing = [os.path.abspath(path) for path in options.paths if os.path.exists(path)]
        start = os.path.commonpath(existing) if existing else os.getcwd()
    config = load_config(start, options.config)
    changes: dict = {}
    if options.select:
        changes.update(select=_split_selectors(options.select), extend_select=(), ignore=())
    if options.extend_select:
        changes["extend_select"] = changes.get("extend_select", config.extend_select) + \
            _split_selectors(options.extend_select)
    if options.ignore:
        changes["ignore"] = changes.get("ignore", config.ignore) + \
            _split_selectors(options.ignore)
    if options.exclude:
        changes["exclude"] = _split_selectors(options.exclude)
    if options.extend_exclude:
        changes["extend_exclude"] = config.extend_exclude + \
            _split_selectors(options.extend_exclude)
    if options.force_exclude is not None:
        changes["force_exclude"] = options.force_exclude
    if options.respect_gitignore is not None:
        changes["respect_gitignore"] = options.respect_gitignore
    return config.with_overrides(**changes) if changes else config


def _show_settings(config) -> None:
    """``--show-settings``: where the settings came from and what they resolve to."""
    print(f"Settings file: {config.source or '(none: defaults)'}")
    print(f"Project root: {config.root or os.getcwd()}")
    print("[tool.kerascheck]")
    for key, value in config.to_dict().items():
        if key == "root":
            continue
        print(f"{key} = {json.dumps(value)}")
    print(f"# enabled rules: {', '.join(config.enabled_codes()) or '(none)'}")


def _stdin_command(options, config) -> int:
    """``kerascheck -`` (with ``--stdin-filename``): lint standard input, for editors."""
    from kerascheck.engine import lint_source
    from kerascheck.paths import GitIgnored

    if options.add_noqa or options.fix or options.diff:
        print("kerascheck: error: --add-noqa, --fix and --diff need files, not standard input",
              file=sys.stderr)
        return EXIT_ERROR
    filename = options.stdin_filename or "-"
    source = sys.stdin.buffer.read()
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


def _add_noqa(diagnostics, errors) -> int:
    """``--add-noqa``: suppress every current finding where it is reported."""
    from kerascheck.suppression import add_noqa

    by_path: dict[str, list] = {}
    for diagnostic in diagnostics:
        if diagnostic.code != "KC000":  # a file that does not parse cannot be annotated
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    added = 0
    for path, found in sorted(by_path.items()):
        if path.endswith(".ipynb"):
            print(f"kerascheck: {path}: notebooks are never written; add '# noqa: CODE' "
                  f"in the notebook yourself", file=sys.stderr)
            continue
        added += add_noqa(path, found)
    print(f"Added {added} noqa {'directive' if added == 1 else 'directives'}.")
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    return EXIT_ERROR if errors else EXIT_CLEAN


def _fix_command(options, config) -> int:
    """``--fix`` / ``--diff``: apply (or show) the fixes the flags allow, report what remains.

    Exit 1 when anything remains (with ``--diff``: when anything would change or remains), or
    with ``--exit-non-zero-on-fix`` when anything was fixed; 0 when all was fixed."""
    from kerascheck.fixer import fix_files
    from kerascheck.fixes import allowed
    from kerascheck.paths import discover
    from kerascheck.runner import default_jobs, lint_paths

    cache = None
    if not options.no_cache:
        from kerascheck.cache import Cache

        cache = Cache.for_config(config)
    remaining, errors, diffs = [], [], []
    fixed = 0
    files_with_findings = set()
    # The ordinary lint (cache, pool) finds the files with something to fix; only those are
    # analysed again to be fixed (a cached fix describes but cannot apply).
    to_fix = []
    for result in lint_paths(discover(options.paths, config), config, jobs=options.jobs,
                             cache=cache):
        if any(allowed(d.fix, options.unsafe_fixes) for d in result.diagnostics):
            to_fix.append(result.path)
            continue
        remaining.extend(result.diagnostics)
        errors.extend(result.errors)
        if result.diagnostics:
            files_with_findings.add(result.path)
    for result in fix_files(to_fix, config, unsafe=options.unsafe_fixes, write=not options.diff,
                            jobs=options.jobs or default_jobs()):
        fixed += result.fixed
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
    hidden = sum(1 for d in remaining if d.fix is not None and d.fix.applicability == "unsafe")
    if hidden and not options.unsafe_fixes:
        left += f"; {hidden} more fixable with --unsafe-fixes"
    if options.diff:
        sys.stdout.write("".join(diffs))
        print(f"Would fix {fixed} {problems} ({left}).", file=sys.stderr)
    else:
        _report(remaining, len(files_with_findings), options.output_format, options)
        # machine-readable formats keep stdout parseable
        human = options.output_format in ("text", "concise") or options.output_file
        print(f"Fixed {fixed} {problems} ({left}).", file=sys.stdout if human else sys.stderr)
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if options.exit_zero:
        return EXIT_CLEAN
    if remaining or (options.diff and diffs) or (options.exit_non_zero_on_fix and fixed):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _report(diagnostics, file_count: int, output_format: str, options=None,
            sources=None) -> None:
    """Print (or write to ``--output-file``) the report in the chosen format; with
    ``--statistics``, the counts per rule instead."""
    from kerascheck.output import render, render_statistics, write_output

    if options is not None and getattr(options, "statistics", False):
        text = render_statistics(diagnostics, output_format)
    else:
        text = render(diagnostics, output_format, sources=sources)
    write_output(text, getattr(options, "output_file", None))


def _rule_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kerascheck rule",
                                     description="Explain a rule: its docs and examples.")
    parser.add_argument("rule", nargs="?", help="a code (KC201) or a name")
    parser.add_argument("--all", action="store_true", help="print every rule's doc")
    parser.add_argument("--output-format", choices=("text", "json"), default="text",
                        help="json: the doc's sections and code blocks, for editors and tools")
    options = parser.parse_args(argv)
    from kerascheck.docs import render_rule, rule_as_dict
    from kerascheck.rules import all_rules, rule_by_code_or_name

    if options.all:
        if options.output_format == "json":
            print(json.dumps([rule_as_dict(rule) for rule in all_rules()], indent=2))
        else:
            print("\n\n".join(render_rule(rule) for rule in all_rules()), end="")
        return EXIT_CLEAN
    if not options.rule:
        parser.error("name a rule (e.g. KC201) or pass --all")
    rule = rule_by_code_or_name(options.rule)
    if rule is None:
        import difflib

        known = [r.code for r in all_rules()] + [r.name for r in all_rules()]
        close = difflib.get_close_matches(options.rule, known, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else \
            "; 'kerascheck rules' lists them"
        print(f"kerascheck: error: unknown rule {options.rule!r}{hint}", file=sys.stderr)
        return EXIT_ERROR
    if options.output_format == "json":
        print(json.dumps(rule_as_dict(rule), indent=2))
    else:
        print(render_rule(rule), end="")
    return EXIT_CLEAN


def _rules_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kerascheck rules", description="List the rules.")
    parser.add_argument("--output-format", choices=("text", "json"), default="text")
    options = parser.parse_args(argv)
    from kerascheck.docs import has_proof
    from kerascheck.rules import all_rules

    # fix: "safe", "unsafe" or null (no automatic fix); shown as "-" in the table
    rows = [{"code": rule.code, "name": rule.name, "family": rule.family(),
             "fix": rule.fix_applicability, "summary": rule.summary, "has_proof": has_proof(rule)}
            for rule in all_rules()]
    if options.output_format == "json":
        print(json.dumps(rows, indent=2))
        return EXIT_CLEAN
    columns = ("code", "name", "family", "fix")
    cells = [{column: row[column] or "-" for column in columns} for row in rows]
    widths = {column: max(len(column), *(len(cell[column]) for cell in cells))
              for column in columns}
    print("  ".join(column.upper().ljust(widths[column]) for column in columns) + "  SUMMARY")
    for row, cell in zip(rows, cells):
        print("  ".join(cell[column].ljust(widths[column]) for column in columns)
              + "  " + row["summary"])
    return EXIT_CLEAN


if __name__ == "__main__":
    sys.exit(main())
