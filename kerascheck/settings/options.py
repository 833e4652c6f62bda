"""The options of ``kerascheck check``: the command line's half of the settings (the other half
is ``[tool.kerascheck]``, :mod:`.config`). ``formats`` is handed in by the front door, which
knows the report formats."""

from __future__ import annotations

import argparse
from typing import Sequence

from kerascheck import __version__
from kerascheck.analysis.targets import TARGETS


def check_parser(formats: Sequence[str]) -> argparse.ArgumentParser:
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
    _add_workflow_arguments(parser, formats)
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 even when problems are found")
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe fixes, then report what remains")
    parser.add_argument("--unsafe-fixes", action="store_true", default=None,
                        help="with --fix or --diff, also apply the unsafe fixes (they change "
                             "what the model does: review them)")
    parser.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false",
                        help="apply only the safe fixes, whatever unsafe-fixes says")
    parser.add_argument("--fix-only", action="store_true",
                        help="apply the fixes and report only what was fixed (exit 0 unless "
                             "--exit-non-zero-on-fix)")
    parser.add_argument("--show-fixes", action="store_true",
                        help="with --fix, list what was fixed in each file")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff and write nothing")
    parser.add_argument("--exit-non-zero-on-fix", action="store_true",
                        help="with --fix, exit 1 when anything was fixed, even if nothing remains")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the result cache (.kerascheck_cache)")
    parser.add_argument("--watch", "-w", action="store_true",
                        help="check, then check again whenever a checked file changes, until "
                             "Ctrl-C (exit 0)")
    parser.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                        help="worker processes for many files (default: one per CPU; 1: none)")
    parser.add_argument("--version", action="version", version=f"kerascheck {__version__}")
    return parser


def _add_workflow_arguments(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    """Configuration, file selection, suppression and report options of ``check``."""
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
    parser.add_argument("--target-version", choices=TARGETS, default=None,
                        help="the Keras the code runs on (default: inferred per file from its "
                             "pins, else keras3); Keras-3-only findings are silent for keras2 "
                             "and tf1, TensorFlow-1-only ones (tf.layers) for tf1")
    parser.add_argument("--show-settings", action="store_true",
                        help="print the resolved settings and exit")
    parser.add_argument("--show-files", action="store_true",
                        help="print the files that would be checked and exit")
    parser.add_argument("--stdin-filename", metavar="PATH",
                        help="the name of the file read from stdin ('-'): for display, "
                             "per-file-ignores and notebooks (.ipynb)")
    parser.add_argument("--ignore-noqa", action="store_true", default=None,
                        help="report findings even where a '# noqa' comment suppresses them")
    parser.add_argument("--add-noqa", action="store_true",
                        help="add '# noqa: CODE' comments for every finding (notebooks are "
                             "never written)")
    parser.add_argument("--output-format", choices=formats, default="text",
                        help="text (default: each finding with its source line), concise (one "
                             "line each), json, json-lines, github (workflow annotations), "
                             "gitlab (Code Quality), pylint, sarif (code scanning), junit")
    parser.add_argument("--output-file", metavar="FILE",
                        help="write the report to FILE instead of standard output")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true",
                          help="print the findings only: no summary line, no 'Fixed N' line")
    loudness.add_argument("-s", "--silent", action="store_true",
                          help="print nothing on standard output (errors still go to standard "
                               "error); the exit code says whether anything was found")
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


def split_selectors(values: list[str] | None) -> tuple[str, ...]:
    """``--select KC2,KC301 --select KC5`` as one tuple of selectors."""
    if not values:
        return ()
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())
