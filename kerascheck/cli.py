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
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or folders to check (default: .)")
    parser.add_argument("--select", action="append", default=None, metavar="CODES",
                        help="rules to run: codes, prefixes or names, comma-separated (KC2,KC301)")
    parser.add_argument("--ignore", action="append", default=None, metavar="CODES",
                        help="rules to skip: codes, prefixes or names, comma-separated")
    parser.add_argument("--output-format", choices=("text", "json"), default="text")
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
    parser.add_argument("--version", action="version", version=f"kerascheck {__version__}")
    return parser


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
    from kerascheck.config import Config, ConfigError

    try:
        config = Config(select=_split_selectors(options.select) or ("KC",),
                        ignore=_split_selectors(options.ignore))
    except ConfigError as error:
        parser.error(str(error))
    missing = [path for path in options.paths if path != "-" and not os.path.exists(path)]
    if missing:
        for path in missing:
            print(f"kerascheck: error: {path}: no such file or directory", file=sys.stderr)
        return EXIT_ERROR

    if options.fix or options.diff:
        return _fix_command(options, config)

    from kerascheck.engine import lint_file
    from kerascheck.paths import discover

    diagnostics = []
    errors = []
    files_with_findings = set()
    for path in discover(options.paths):
        result = lint_file(path, config)
        diagnostics.extend(result.diagnostics)
        errors.extend(result.errors)
        if result.diagnostics:
            files_with_findings.add(path)
    diagnostics.sort()
    _report(diagnostics, len(files_with_findings), options.output_format)
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if diagnostics and not options.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _fix_command(options, config) -> int:
    """``--fix`` / ``--diff``: apply (or show) the fixes the flags allow, report what remains.

    Exit 1 when anything remains (with ``--diff``: when anything would change or remains), or
    with ``--exit-non-zero-on-fix`` when anything was fixed; 0 when all was fixed."""
    from kerascheck.fixes import fix_file
    from kerascheck.paths import discover

    remaining, errors, diffs = [], [], []
    fixed = 0
    files_with_findings = set()
    for path in discover(options.paths):
        result = fix_file(path, config, unsafe=options.unsafe_fixes, write=not options.diff)
        remaining.extend(result.diagnostics)
        errors.extend(result.errors)
        fixed += result.fixed
        if result.diff:
            diffs.append(result.diff)
        for note in result.dropped:
            print(f"kerascheck: {note}", file=sys.stderr)
        if result.diagnostics:
            files_with_findings.add(path)
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
        _report(remaining, len(files_with_findings), options.output_format)
        print(f"Fixed {fixed} {problems} ({left}).",
              file=sys.stdout if options.output_format == "text" else sys.stderr)
    for error in errors:
        print(f"kerascheck: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if options.exit_zero:
        return EXIT_CLEAN
    if remaining or (options.diff and diffs) or (options.exit_non_zero_on_fix and fixed):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _report(diagnostics, file_count: int, output_format: str) -> None:
    if output_format == "json":
        print(json.dumps([d.to_dict() for d in diagnostics], indent=2))
        return
    for diagnostic in diagnostics:
        print(f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: "
              f"{diagnostic.code} {diagnostic.message}")
    if diagnostics:
        problems = "problem" if len(diagnostics) == 1 else "problems"
        files = "file" if file_count == 1 else "files"
        print(f"Found {len(diagnostics)} {problems} in {file_count} {files}.")
    else:
        print("All checks passed.")


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
