"""Report formats: how diagnostics leave kerascheck for people, editors and CI.

``text`` (default: the finding, its source line and a caret under it), ``concise`` (one
``path:line:col: CODE message`` line each), ``json``, ``json-lines`` (one JSON object a
line), ``github`` (workflow annotations), ``gitlab`` (Code Quality), ``pylint``
(``path:line: [CODE] message``), ``sarif`` (SARIF 2.1.0 for code scanning) and ``junit``; and
``--statistics`` (counts per rule). Notebook findings read ``nb.ipynb:cell 3:2:5`` (cell, then
line and column in the cell). A finding's related locations follow it: ``= note:`` lines
(``text``), ``path:line:col: note: ...`` lines (``concise``), ``related`` (JSON),
``relatedLocations`` (SARIF), in the message (``github``, ``gitlab``, ``junit``); ``pylint``
stays one line a finding.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping

from kerascheck.diagnostics import Diagnostic
from kerascheck.reports.locations import display_path, location, only_escapes, sort_key, summary
from kerascheck.reports.text import render_text

__all__ = ["FORMATS", "ReportWriteError", "display_path", "location", "render",
           "render_statistics", "sort_key", "summary", "write_output"]

FORMATS = ("text", "concise", "json", "json-lines", "github", "gitlab", "pylint", "sarif",
           "junit")
SUMMARY_FORMATS = ("text", "concise")


def _json_record(diagnostic: Diagnostic) -> dict:
    """A JSON finding, with the ``url`` of its rule's page (kerascheck's rules only: a rule of
    your own has no page of ours)."""
    from kerascheck.reports.rule_docs import page_url

    record = diagnostic.to_dict()
    if diagnostic.code.startswith("KC"):
        record["url"] = page_url(diagnostic.code)
    return record


def render(diagnostics: Iterable[Diagnostic], output_format: str = "text", *,
           sources: Mapping[str, str] | None = None, colour: bool = False,
           with_summary: bool = True, fixable=None, unsafe: bool = False) -> str:
    """The report in ``output_format``. ``sources`` maps a path to its text when the file on
    disk is not what was linted (stdin); otherwise source lines are read from the files.
    ``colour``, ``with_summary``, ``fixable`` and ``unsafe`` apply to ``text`` and ``concise``
    (:func:`kerascheck.reports.text.render_text`)."""
    ordered = sorted(diagnostics, key=sort_key)
    if output_format in SUMMARY_FORMATS:
        return render_text(ordered, sources, concise=output_format == "concise",
                           colour=colour, with_summary=with_summary, fixable=fixable,
                           unsafe=unsafe)
    if output_format == "json":
        return json.dumps([_json_record(d) for d in ordered], indent=2) + "\n"
    if output_format == "json-lines":
        return "".join(json.dumps(_json_record(d)) + "\n" for d in ordered)
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


def render_statistics(diagnostics: Iterable[Diagnostic], output_format: str = "text", *,
                      fixable=lambda code: True) -> str:
    """Counts per rule, most frequent first: a table (``[*]``: fixable by ``--fix``, ``[-]``:
    by ``--fix --unsafe-fixes``) and how many are fixable, or JSON for ``json``. ``fixable``
    says which rules' fixes the settings allow."""
    diagnostics = list(diagnostics)
    counts = Counter((d.code, d.name) for d in diagnostics)
    safe, unsafe = Counter(), Counter()
    for d in diagnostics:
        if d.fix is not None and fixable(d.code):
            (safe if d.fix.applicability == "safe" else unsafe)[d.code] += 1
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    if output_format == "json":
        return json.dumps([{"code": code, "name": name, "count": count,
                            "fixable": safe[code], "unsafe_fixable": unsafe[code]}
                           for (code, name), count in rows], indent=2) + "\n"
    width = max((len(str(count)) for count in counts.values()), default=1)
    any_fix = bool(safe or unsafe)  # no mark column when nothing is fixable
    marks = {code: "[*] " if safe[code] else "[-] " if unsafe[code] else "    " * any_fix
             for (code, _name), _count in rows}
    table = "".join(f"{count:>{width}}  {code}  {marks[code]}{name}\n"
                    for (code, name), count in rows)
    counts_line = [f"{mark} {sum(counter.values())} fixable with {flags}"
                   for mark, counter, flags in (("[*]", safe, "--fix"),
                                                ("[-]", unsafe, "--fix --unsafe-fixes"))
                   if counter]
    return table + ("; ".join(counts_line) + ".\n" if counts_line else "")


def render_fixes(fixed_codes: dict[str, list[str]]) -> str:
    """``--show-fixes``: per file, how many fixes of each rule were applied."""
    from kerascheck.rules import rule_name

    lines = []
    for path in sorted(fixed_codes):
        lines.append(f"- {display_path(path)}:")
        for code, count in sorted(Counter(fixed_codes[path]).items()):
            lines.append(f"    {count} × {code} ({rule_name(code)})")
    return "".join(line + "\n" for line in lines)


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
    message = f"{location(diagnostic)}: {diagnostic.code} {diagnostic.message}" + \
        "".join(f"\nnote: {location(place)}: {place.message}" for place in diagnostic.related)
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
        notes = "".join(f" (see {location(place)}: {place.message})"
                        for place in diagnostic.related)
        issues.append({
            "description": f"{where}{diagnostic.code} {diagnostic.message}{notes}",
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
        if diagnostic.related:
            result["relatedLocations"] = [_sarif_related(index, place)
                                          for index, place in enumerate(diagnostic.related)]
        fixes = _sarif_fixes(diagnostic, physical["artifactLocation"])
        if fixes:
            result["fixes"] = fixes
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


def _sarif_related(index: int, place) -> dict:
    """A related location (``relatedLocations``): its region, or in a notebook its cell and
    line in the message (a cell's lines are not lines of the file)."""
    physical: dict = {"artifactLocation": {"uri": _sarif_uri(place.path)}}
    message = place.message
    if place.cell is None:
        physical["region"] = {"startLine": place.line, "startColumn": place.column,
                              "endLine": place.end_line or place.line,
                              "endColumn": max(place.end_column or place.column, place.column)}
    else:
        message = f"cell {place.cell}, line {place.line}, column {place.column}: {message}"
    return {"id": index, "physicalLocation": physical, "message": {"text": message}}


def _sarif_fixes(diagnostic: Diagnostic, artifact: dict) -> list[dict]:
    """The diagnostic's fix as SARIF ``fixes`` (one change of the file, its replacements in
    order); none for a notebook, whose cell positions are not positions in the file."""
    from kerascheck.diagnostics import text_edits

    edits = text_edits(diagnostic.fix) if diagnostic.fix is not None else ()
    if not edits or diagnostic.cell is not None:
        return []
    replacements = [{"deletedRegion": {"startLine": edit.line, "startColumn": edit.column,
                                       "endLine": edit.end_line, "endColumn": edit.end_column},
                     "insertedContent": {"text": edit.new_text}} for edit in edits]
    return [{"description": {"text": f"{diagnostic.fix.message} "
                                     f"({diagnostic.fix.applicability} fix)"},
             "artifactChanges": [{"artifactLocation": dict(artifact),
                                  "replacements": replacements}]}]


def _sarif_rule(rule) -> dict:
    from kerascheck.reports.rule_docs import page_url

    sections = rule.sections()
    entry = {
        "id": rule.code,
        "name": rule.name,
        "helpUri": page_url(rule.code),
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
    return path.encode("utf-8", "surrogateescape" if only_escapes(path) else "surrogatepass")


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
            failure.text = f"{where}: {diagnostic.code} {message}" + "".join(
                f"\nnote: {_xml_text(location(place))}: {_xml_text(place.message)}"
                for place in diagnostic.related)
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
