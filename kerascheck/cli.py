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

from kerascheck.reports.formats import FORMATS
from kerascheck.settings.options import check_parser, split_selectors

SUBCOMMANDS = ("check", "rule", "rules", "prove")
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
        return _prove_command(rest)
    return _check_command(rest)


def _check_command(argv: list[str]) -> int:
    parser = check_parser(FORMATS)
    options = parser.parse_args(argv)
    from kerascheck.settings.config import ConfigError

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
        from kerascheck.workspace.paths import discover

        for path in discover(options.paths, config):
            print(path)
        return EXIT_CLEAN
    if options.fix or options.diff:
        return _fix_command(options, config)

    from kerascheck.workspace.paths import discover
    from kerascheck.workspace.runner import lint_paths

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
    if options.target_version is not None:
        changes["target_version"] = options.target_version
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
    print(f"# target Keras: {_target_origin(config)}")


def _target_origin(config) -> str:
    """Which Keras the files are judged for, and where that came from."""
    from kerascheck.settings.target import target_from_pins

    if config.target_version:
        return f"{config.target_version} (set by target-version)"
    pinned = target_from_pins(os.path.abspath(config.root or os.getcwd()))
    inferred = f"{pinned[0]} (pinned in {pinned[1]})" if pinned else "keras3 (the default)"
    return (f"{inferred}; a file that says otherwise (pip install tensorflow==2.x, "
            f"TF_USE_LEGACY_KERAS, import tf_keras) or has nearer pins is judged by its own")


def _stdin_command(options, config) -> int:
    """``kerascheck -`` (with ``--stdin-filename``): lint standard input, for editors."""
    from kerascheck.engine import lint_source
    from kerascheck.workspace.paths import GitIgnored

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
    from kerascheck.source.suppression import add_noqa

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
    from kerascheck.reports.formats import render, render_statistics, write_output

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
    from kerascheck.reports.rule_docs import render_rule, rule_as_dict
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
    from kerascheck.reports.rule_docs import has_proof
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


def _prove_command(argv: list[str]) -> int:
    """``kerascheck prove [CODE ...]`` and ``kerascheck prove FILE ...``.

    With codes (or nothing: every rule that has a proof), print each proof's evidence and exit 0
    only if every verdict holds (1 otherwise). With files, prove each finding on the user's own
    model (see :func:`kerascheck.runtime.rebuild.prove_file`); exit 0 when no proof on a rebuilt model
    was refuted. Exit 2 on a usage error or without TensorFlow.
    """
    import argparse

    parser = argparse.ArgumentParser(
        prog="kerascheck prove",
        description="Run the runtime proofs: build a rule's bad example and its fixed twin in "
                    "TensorFlow and measure both; or, given files, measure each finding on "
                    "the model the linter reconstructed from the file.")
    parser.add_argument("targets", nargs="*", metavar="CODE|FILE",
                        help="rule codes or names (default: every rule with a proof), or .py "
                             "files")
    options = parser.parse_args(argv)
    files = [t for t in options.targets if t.endswith(".py") or os.path.isfile(t)]
    codes = [t for t in options.targets if t not in files]
    if files and codes:
        parser.error("give either rule codes or files, not both")
    from kerascheck.proofkit import INSTALL_HINT, RuntimeUnavailable, tensorflow_available
    from kerascheck.rules import rule_by_code_or_name
    from kerascheck.runtime.prove import provable_codes, prove_codes
    from kerascheck.runtime.rebuild import prove_files

    unknown = [code for code in codes if rule_by_code_or_name(code) is None]
    if unknown:
        print(f"kerascheck prove: error: unknown rule {unknown[0]!r}", file=sys.stderr)
        return 2
    if not tensorflow_available():
        print(f"kerascheck prove: {INSTALL_HINT}", file=sys.stderr)
        return 2
    try:
        if files:
            return prove_files(files)
        return prove_codes([rule_by_code_or_name(code).code for code in codes]
                            or provable_codes())
    except RuntimeUnavailable as error:
        print(f"kerascheck prove: {error}", file=sys.stderr)
        return 2
