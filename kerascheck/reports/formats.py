"""Report formats: how diagnostics leave kerascheck for people, editors and CI.

``text`` (default: the finding, its source line and a caret under it), ``concise`` (one
``path:line:col: CODE message`` line each), ``json``, ``json-lines`` (one JSON object a
line), ``github`` (workflow annotations), ``gitlab`` (Code Quality), ``pylint``
(``path:line: [CODE] message``), ``sarif`` (SARIF 2.1.0 for code scanning) and ``junit``; and
``--statistics`` (counts per rule). Notebook findings read ``nb.ipynb:cell 3:2:5`` (cell, then line and column in the cell).
"""

from __future__ import annotations

import io
import json
import os
import tokenize
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping

from kerascheck.diagnostics import Diagnostic

FORMATS = ("text", "concise", "json", "json-lines", "github", "gitlab", "pylint", "sarif",
           "junit")
SUMMARY_FORMATS = ("text", "concise")


def sort_key(diagnostic: Diagnostic) -> tuple:
    """File, then cell, then position: notebook findings stay in cell order."""
    return (diagnostic.path, diagnostic.cell or 0, diagnostic.line, diagnostic.column,
            diagnostic.code)


def location(diagnostic: Diagnostic) -> str:
    """``path:line:col`` or, in a notebook, ``path:cell N:line:col`` (the path as
    :func:`display_path` shows it)."""
    cell = f"cell {diagnostic.cell}:" if diagnostic.cell is not None else ""
    return f"{display_path(diagnostic.path)}:{cell}{diagnostic.line}:{diagnostic.column}"


def display_path(path: str) -> str:
    """``path`` as text any report can hold. On POSIX a file name is bytes, and the bytes that
    are not UTF-8 reach Python as lone surrogates (``b'\\xff.py'`` is ``'\\udcff.py'``), which no
    UTF-8 stream can write: they are shown as ``\\xff``, the bytes they stand for."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        raw = path.encode("utf-8", "surrogateescape") if _only_escapes(path) else \
            path.encode("utf-8", "backslashreplace")
        return raw.decode("utf-8", "backslashreplace")


def _only_escapes(text: str) -> bool:
    """Whether every surrogate in ``text`` is one ``os.fsdecode`` makes for a byte."""
    return all(not 0xD800 <= ord(char) <= 0xDFFF or 0xDC80 <= ord(char) <= 0xDCFF
               for char in text)


def render(diagnostics: Iterable[Diagnostic], output_format: str = "text", *,
           sources: Mapping[str, str] | None = None) -> str:
    """The report in ``output_format``. ``sources`` maps a path to its text when the file on
    disk is not what was linted (stdin); otherwise source lines are read from the files."""
    ordered = sorted(diagnostics, key=sort_key)
    if output_format == "text":
        return _text(ordered, SourceLines(sources))
    if output_format == "concise":
        lines = [f"{location(d)}: {d.code} {d.message}" for d in ordered]
        return "".join(line + "\n" for line in lines) + summary(ordered) + "\n"
    if output_format == "json":
        return json.dumps([d.to_dict() for d in ordered], indent=2) + "\n"
    if output_format == "json-lines":
        return "".join(json.dumps(d.to_dict()) + "\n" for d in ordered)
    if output_format == "github":
        return "".join(_github_line(d) + "\n" for d in ordered)
    if output_format == "gitlab":
        return json.dumps(gitlab_report(ordered), indent=2) + "\n"
    if output_format == "pylint":
        return "".join(f"{location(d).rsplit(':', 1)[0]}: [{d.code}] {d.message}\n"
                       for d in ordered)
    if output_format == "sarif":
        return json.dumps(sarif_document(ordered), indent=2) + "\n"
    if output_format == "junit":
        return junit_document(ordered)
    raise ValueError(f"unknown output format {output_format!r}; expected one of {FORMATS}")


def summary(diagnostics: list[Diagnostic]) -> str:
    """``Found 3 problems in 2 files.`` or ``All checks passed.``"""
    if not diagnostics:
        return "All checks passed."
    file_count = len({d.path for d in diagnostics})
    problems = "problem" if len(diagnostics) == 1 else "problems"
    files = "file" if file_count == 1 else "files"
    return f"Found {len(diagnostics)} {problems} in {file_count} {files}."


def render_statistics(diagnostics: Iterable[Diagnostic], output_format: str = "text") -> str:
    """Counts per rule, most frequent first: a table, or JSON for ``json``."""
    counts = Counter((d.code, d.name) for d in diagnostics)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    if output_format == "json":
        return json.dumps([{"code": code, "name": name, "count": count}
                           for (code, name), count in rows], indent=2) + "\n"
    width = max((len(str(count)) for count in counts.values()), default=1)
    return "".join(f"{count:>{width}}  {code}  {name}\n" for (code, name), count in rows)


# -- text ---------------------------------------------------------------------------------

class SourceLines:
    """Lines of the linted files, read once per file and only for files with findings."""

    def __init__(self, overrides: Mapping[str, str] | None = None):
        self._overrides = dict(overrides or {})
        self._files: dict[str, object] = {}

    def get(self, diagnostic: Diagnostic) -> str | None:
        path = diagnostic.path
        if path not in self._files:
            self._files[path] = self._load(path)
        content = self._files[path]
        if content is None:
            return None
        if diagnostic.cell is not None:
            return content.cell_line(diagnostic.cell, diagnostic.line) \
                if hasattr(content, "cell_line") else None
        if isinstance(content, list) and 0 < diagnostic.line <= len(content):
            return content[diagnostic.line - 1].rstrip("\r\n")
        return None

    def _load(self, path: str):
        text = self._overrides.get(path)
        try:
            raw = text.encode("utf-8") if text is not None else Path(path).read_bytes()
        except OSError:
            return None
        if path.endswith(".ipynb"):
            from kerascheck.source.notebook import NotebookError, read_notebook

            try:
                return read_notebook(raw)
            except NotebookError:
                return None
        from kerascheck.source.suppression import source_lines

        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
            return source_lines(raw.decode(encoding, "replace"))
        except (SyntaxError, LookupError):
            return source_lines(raw.decode("utf-8", "replace"))


def _text(diagnostics: list[Diagnostic], sources: SourceLines) -> str:
    out = []
    for diagnostic in diagnostics:
        out.append(f"{location(diagnostic)}: {diagnostic.code} {diagnostic.message}\n")
        line = sources.get(diagnostic)
        if line is not None and line.strip():
            out.append(_snippet(diagnostic, line))
        fix = diagnostic.fix
        # notebooks are never written, so no fix is offered for them
        if fix is not None and getattr(fix, "message", None) and diagnostic.cell is None:
            flag = "--fix" if getattr(fix, "applicability", "") == "safe" \
                else "--fix --unsafe-fixes"
            out.append(f"  = help: {fix.message} ({flag})\n")
        out.append("\n")
    out.append(summary(diagnostics) + "\n")
    return "".join(out)


def _snippet(diagnostic: Diagnostic, line: str) -> str:
    number = str(diagnostic.line)
    gutter = " " * len(number)
    start = max(diagnostic.column - 1, 0)
    if diagnostic.end_line == diagnostic.line and diagnostic.end_column > diagnostic.column:
        width = diagnostic.end_column - diagnostic.column
    else:
        width = len(line.rstrip()) - start
    width = max(1, min(width, max(len(line) - start, 1)))
    # keep tabs so the caret lines up under tab-indented code
    padding = "".join(char if char == "\t" else " " for char in line[:start])
    return (f"{gutter} |\n{number} | {line}\n{gutter} | {padding}{'^' * width}\n")


# -- github -------------------------------------------------------------------------------

def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github_line(diagnostic: Diagnostic) -> str:
    properties = [f"title={_escape_property(f'kerascheck ({diagnostic.code})')}",
                  f"file={_escape_property(display_path(diagnostic.path))}"]
    if diagnostic.cell is None:  # a cell's lines are not lines of the .ipynb file
        properties += [f"line={diagnostic.line}", f"col={diagnostic.column}",
                       f"endLine={diagnostic.end_line or diagnostic.line}",
                       f"endColumn={diagnostic.end_column or diagnostic.column}"]
    message = f"{location(diagnostic)}: {diagnostic.code} {diagnostic.message}"
    return f"::error {','.join(properties)}::{_escape_data(message)}"


# -- gitlab -------------------------------------------------------------------------------

def gitlab_report(diagnostics: list[Diagnostic]) -> list[dict]:
    """GitLab Code Quality: one issue per finding, paths relative to the current folder (the
    project's checkout in CI). The fingerprint hashes the path, the code and the message, not
    the line, so a finding keeps its identity when code above it moves; repeats are counted."""
    import hashlib

    seen: Counter = Counter()
    issues = []
    for diagnostic in diagnostics:
        path = display_path(_relative(diagnostic.path))
        identity = (path, diagnostic.code, diagnostic.message)
        seen[identity] += 1
        digest = hashlib.sha256(json.dumps([*identity, seen[identity]]).encode()).hexdigest()
        # a cell's lines are not lines of the .ipynb file: the issue names the cell instead
        begin = diagnostic.line if diagnostic.cell is None else 1
        end = (diagnostic.end_line or diagnostic.line) if diagnostic.cell is None else 1
        where = f"cell {diagnostic.cell}, line {diagnostic.line}: " \
            if diagnostic.cell is not None else ""
        issues.append({
            "description": f"{where}{diagnostic.code} {diagnostic.message}",
            "check_name": diagnostic.code,
            "fingerprint": digest,
            "severity": "major" if diagnostic.code == "KC000" else "minor",
            "location": {"path": path, "lines": {"begin": begin, "end": end}}})
    return issues


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path


# -- sarif --------------------------------------------------------------------------------

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def sarif_document(diagnostics: list[Diagnostic]) -> dict:
    """A SARIF 2.1.0 log with one run: every rule in ``tool.driver.rules``, one result per
    diagnostic. Columns count Unicode code points (``columnKind``), as kerascheck's do."""
    from kerascheck import __version__
    from kerascheck.rules import all_rules

    rules = list(all_rules())
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = []
    for diagnostic in diagnostics:
        physical: dict = {"artifactLocation": {"uri": _sarif_uri(diagnostic.path)}}
        message = diagnostic.message
        result: dict = {"ruleId": diagnostic.code, "level": _sarif_level(diagnostic.code),
                        "message": {"text": message}}
        if diagnostic.cell is None:
            physical["region"] = {
                "startLine": diagnostic.line, "startColumn": diagnostic.column,
                "endLine": diagnostic.end_line or diagnostic.line,
                "endColumn": max(diagnostic.end_column or diagnostic.column, diagnostic.column)}
        else:
            result["message"] = {"text": f"cell {diagnostic.cell}, line {diagnostic.line}, "
                                         f"column {diagnostic.column}: {message}"}
            result["properties"] = {"cell": diagnostic.cell, "cellLine": diagnostic.line,
                                    "cellColumn": diagnostic.column}
        result["locations"] = [{"physicalLocation": physical}]
        if diagnostic.code in index:
            result["ruleIndex"] = index[diagnostic.code]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kerascheck",
                "version": __version__,
                "informationUri": "https://pypi.org/project/kerascheck/",
                "rules": [_sarif_rule(rule) for rule in rules],
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def _sarif_rule(rule) -> dict:
    sections = rule.sections()
    entry = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "defaultConfiguration": {"level": _sarif_level(rule.code)},
        "properties": {"tags": [rule.family()]},
    }
    if sections.get("What it does"):
        entry["fullDescription"] = {"text": sections["What it does"]}
    if sections.get("Why is this bad?"):
        entry["help"] = {"text": sections["Why is this bad?"],
                         "markdown": sections["Why is this bad?"]}
    return entry


def _sarif_level(code: str) -> str:
    return "error" if code == "KC000" else "warning"


def _sarif_uri(path: str) -> str:
    """A path relative to the current folder (code scanning resolves it against the checkout),
    or a ``file://`` URI for a path outside it. The file name's bytes are percent-encoded
    (RFC 3986), so a name that is not UTF-8 (``b'\\xff.py'``) is ``%FF.py``."""
    from urllib.parse import quote

    absolute = Path(path).resolve()
    try:
        relative = absolute.relative_to(Path.cwd().resolve())
    except ValueError:
        return "file://" + quote(_path_bytes(absolute.as_posix()))
    return quote(_path_bytes(relative.as_posix()))


def _path_bytes(path: str) -> bytes:
    """The bytes of a file name (the ones ``os.fsdecode`` turned into surrogates included)."""
    return path.encode("utf-8", "surrogateescape" if _only_escapes(path) else "surrogatepass")


# -- junit --------------------------------------------------------------------------------

def junit_document(diagnostics: list[Diagnostic]) -> str:
    """JUnit XML: one test suite per file with findings, one failed test case per finding (a
    single passing case when there is nothing to report)."""
    from xml.etree import ElementTree

    suites = ElementTree.Element("testsuites", name="kerascheck", tests=str(len(diagnostics)),
                                 failures=str(len(diagnostics)), errors="0")
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    if not by_path:
        suite = ElementTree.SubElement(suites, "testsuite", name="kerascheck", tests="1",
                                       failures="0", errors="0", skipped="0")
        ElementTree.SubElement(suite, "testcase", name="No problems found",
                               classname="kerascheck")
    for raw_path, found in by_path.items():
        path = _xml_text(display_path(raw_path))
        suite = ElementTree.SubElement(suites, "testsuite", name=path, tests=str(len(found)),
                                       failures=str(len(found)), errors="0", skipped="0")
        classname = os.path.splitext(_without_dot_slash(path))[0].replace(os.sep, "/") \
            .replace("/", ".")
        for diagnostic in found:
            case = ElementTree.SubElement(
                suite, "testcase", name=f"{diagnostic.code} {diagnostic.name}",
                classname=classname, file=path, line=str(diagnostic.line))
            where = location(diagnostic)[len(display_path(raw_path)) + 1:]
            message = _xml_text(diagnostic.message)
            failure = ElementTree.SubElement(case, "failure", message=message,
                                             type=diagnostic.code)
            failure.text = f"{where}: {diagnostic.code} {message}"
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + \
        ElementTree.tostring(suites, encoding="unicode") + "\n"


def _xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold at all, not even as ``&#1;`` (control
    characters but tab, newline and return; lone surrogates; U+FFFE/U+FFFF), written
    ``\\x01``, ``\\udcff``: a file name with a control character still gives well-formed XML."""
    return "".join(char if _xml_allowed(char) else
                   char.encode("unicode_escape").decode("ascii") for char in text)


def _xml_allowed(char: str) -> bool:
    point = ord(char)
    return point in (0x9, 0xA, 0xD) or 0x20 <= point <= 0xD7FF or 0xE000 <= point <= 0xFFFD \
        or point >= 0x10000


def _without_dot_slash(path: str) -> str:
    while path.startswith(("./", ".\\")):
        path = path[2:]
    return path


class ReportWriteError(OSError):
    """The report could not be written (``--output-file`` a folder, a full disk...): the CLI
    says what failed and exits 2."""


def write_output(text: str, output_file: str | None) -> None:
    """Print the report, or write it to ``output_file`` (parents created) when given. Raises
    :class:`ReportWriteError` when the file cannot be written."""
    if output_file is None:
        import sys

        try:
            sys.stdout.write(text)
        except UnicodeEncodeError:  # a terminal that is not UTF-8
            encoding = sys.stdout.encoding or "utf-8"
            sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))
        sys.stdout.flush()
        return
    target = Path(output_file)
    try:
        if target.parent != Path(""):
            target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
    except OSError as error:
        raise ReportWriteError(f"cannot write the report to {display_path(output_file)}: "
                               f"{error.strerror or error}") from None
