"""kerascheck's diagnostics in the editor's terms: LSP diagnostics, ranges in the client's
position encoding, code actions (each fix, labelled safe or unsafe, and "add ``# noqa``"), a
fix-all edit and the hover of a diagnostic. Pure conversions: no I/O, no linting.

Positions: kerascheck counts 1-based lines and columns in code points, the editor 0-based in
its negotiated encoding (UTF-16 unless it asked for another); lines are split as Python splits
them (:func:`kerascheck.source.suppression.source_lines`).
"""

from __future__ import annotations

import os
from typing import Iterable, Sequence

from lsprotocol import types

from kerascheck.diagnostics import Diagnostic, text_edits
from kerascheck.reports.locations import location
from kerascheck.reports.rule_docs import page_url
from kerascheck.rules import rule_by_code_or_name
from kerascheck.source.suppression import add_noqa_to_source, source_lines

SOURCE = "kerascheck"
FIX_ALL = "source.fixAll.kerascheck"


class Text:
    """A text as kerascheck linted it, and its positions in the client's encoding."""

    def __init__(self, source: str, codec):
        self.source = source
        self.lines = source_lines(source)
        self.codec = codec

    def position(self, line: int, column: int) -> types.Position:
        """The client's position of a 1-based code-point ``line:column``."""
        from pygls.workspace.position_codec import ServerTextPosition

        line = max(line - 1, 0)
        character = max(column - 1, 0)
        if line < len(self.lines):
            character = min(character, len(self.lines[line].rstrip("\r\n")))
        return self.codec.position_to_client_units(self.lines, ServerTextPosition(line, character))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> types.Range:
        start = self.position(line, column)
        end = self.position(end_line or line, end_column or column)
        return types.Range(start=start, end=max(start, end, key=lambda p: (p.line, p.character)))

    def offset(self, line: int, column: int) -> int:
        """The code-point offset in :attr:`source` of a 1-based ``line:column``."""
        before = sum(len(text) for text in self.lines[:line - 1])
        return min(before + column - 1, len(self.source))


def lsp_diagnostic(text: Text, diagnostic: Diagnostic,
                   uri: str | None = None) -> types.Diagnostic:
    """``diagnostic`` for the editor; with the document's ``uri``, its related places as
    ``relatedInformation`` (those in this document, or in this cell of a notebook, and those in
    other files of the project)."""
    fix = diagnostic.fix
    message = diagnostic.message
    if fix is not None:
        message += f" [{fix.applicability} fix: {fix.message}]"
    related = [info for info in (related_information(text, diagnostic, place, uri)
                                 for place in diagnostic.related) if info is not None] \
        if uri is not None else []
    return types.Diagnostic(
        related_information=related or None,
        range=text.range(diagnostic.line, diagnostic.column, diagnostic.end_line,
                         diagnostic.end_column),
        message=message,
        severity=types.DiagnosticSeverity.Error if diagnostic.code == "KC000"
        else types.DiagnosticSeverity.Warning,
        code=diagnostic.code,
        code_description=types.CodeDescription(href=page_url(diagnostic.code)),
        source=SOURCE)


def related_information(text: Text, diagnostic: Diagnostic, place,
                        uri: str) -> types.DiagnosticRelatedInformation | None:
    """One related place as LSP related information; None for a place in another cell of the
    notebook (its cell's URI is not known here). A place in another file is given in code
    points, that file's text not being at hand."""
    if place.path == diagnostic.path:
        if place.cell != diagnostic.cell:
            return None
        where = types.Location(uri=uri, range=text.range(place.line, place.column,
                                                          place.end_line, place.end_column))
    else:
        from pygls.uris import from_fs_path

        start = types.Position(line=place.line - 1, character=place.column - 1)
        end = types.Position(line=(place.end_line or place.line) - 1,
                             character=(place.end_column or place.column) - 1)
        where = types.Location(uri=from_fs_path(os.path.abspath(place.path)) or place.path,
                               range=types.Range(start=start, end=max(start, end, key=lambda p: (
                                   p.line, p.character))))
    return types.DiagnosticRelatedInformation(location=where, message=place.message)


def lsp_text_edits(text: Text, diagnostic: Diagnostic) -> list[types.TextEdit]:
    return [types.TextEdit(range=text.range(edit.line, edit.column, edit.end_line,
                                            edit.end_column), new_text=edit.new_text)
            for edit in text_edits(diagnostic.fix)]


def overlaps(diagnostic: Diagnostic, text: Text, wanted: types.Range) -> bool:
    found = text.range(diagnostic.line, diagnostic.column, diagnostic.end_line,
                       diagnostic.end_column)
    return (found.start.line, found.start.character) <= (wanted.end.line, wanted.end.character) \
        and (wanted.start.line, wanted.start.character) <= (found.end.line, found.end.character)


def quick_fixes(uri: str, version: int | None, text: Text,
                diagnostics: Iterable[Diagnostic]) -> list[types.CodeAction]:
    """For each diagnostic: its fix (when it has edits), then "add ``# noqa: CODE``"."""
    actions = []
    for diagnostic in diagnostics:
        shown = lsp_diagnostic(text, diagnostic)
        edits = lsp_text_edits(text, diagnostic) if diagnostic.fix is not None else []
        if edits:
            fix = diagnostic.fix
            actions.append(types.CodeAction(
                title=f"{fix.message} ({diagnostic.code}, {fix.applicability} fix)",
                kind=types.CodeActionKind.QuickFix, diagnostics=[shown],
                is_preferred=fix.applicability == "safe",
                edit=workspace_edit(uri, version, edits)))
        noqa = noqa_edit(text, diagnostic)
        if noqa is not None:
            actions.append(types.CodeAction(
                title=f"Add `# noqa: {diagnostic.code}` (suppress {diagnostic.code} here)",
                kind=types.CodeActionKind.QuickFix, diagnostics=[shown],
                edit=workspace_edit(uri, version, [noqa])))
    return actions


def noqa_edit(text: Text, diagnostic: Diagnostic) -> types.TextEdit | None:
    """The edit that adds ``# noqa: CODE`` where kerascheck reads it (the finding's line or its
    statement's first line, merged into a comment already there); None when no line can take
    it (KC000: a file that does not parse)."""
    if diagnostic.code == "KC000":
        return None
    located = Diagnostic(path=diagnostic.path, line=diagnostic.line, column=diagnostic.column,
                         code=diagnostic.code, name=diagnostic.name, message="")
    new_source, added = add_noqa_to_source(text.source, [located])
    if not added:
        return None
    return replacement(text, new_source)


def replacement(text: Text, new_source: str) -> types.TextEdit:
    """One edit that turns ``text`` into ``new_source``: the lines between their common head
    and tail (so the cursor and the undo history stay where the change is)."""
    new_lines = source_lines(new_source)
    head = 0
    while head < min(len(text.lines), len(new_lines)) and text.lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while tail < min(len(text.lines), len(new_lines)) - head \
            and text.lines[-1 - tail] == new_lines[-1 - tail]:
        tail += 1
    return types.TextEdit(range=types.Range(start=_line_start(text, head),
                                            end=_line_start(text, len(text.lines) - tail)),
                          new_text="".join(new_lines[head:len(new_lines) - tail]))


def _line_start(text: Text, index: int) -> types.Position:
    """Where the 0-based line ``index`` starts; for the line after the last, the end."""
    if index < len(text.lines):
        return text.position(index + 1, 1)
    if not text.lines:
        return types.Position(line=0, character=0)
    last = text.lines[-1]
    if last.endswith(("\n", "\r")):
        return types.Position(line=len(text.lines), character=0)
    return text.position(len(text.lines), len(last) + 1)


def apply_edits(source: str, diagnostics: Sequence[Diagnostic]) -> tuple[str, int]:
    """``source`` with the text edits of ``diagnostics``' fixes applied, a fix whose edits
    overlap one taken before it left out (the next pass takes it); and how many were applied."""
    text = Text(source, None)
    taken: list[tuple[int, int, str]] = []
    applied = 0
    for diagnostic in diagnostics:
        spans = [(text.offset(e.line, e.column), text.offset(e.end_line, e.end_column),
                  e.new_text) for e in text_edits(diagnostic.fix)]
        if not spans or any(start < end_ and begin < stop for start, stop, _ in spans
                            for begin, end_, _ in taken):
            continue
        if any(start == begin for start, _, _ in spans for begin, _, _ in taken):
            continue  # two insertions at one place: their order would be a guess
        taken += spans
        applied += 1
    for start, stop, new_text in sorted(taken, reverse=True):
        source = source[:start] + new_text + source[stop:]
    return source, applied


def workspace_edit(uri: str, version: int | None,
                   edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
        edits=edits)])


def hover(text: Text, diagnostics: Iterable[Diagnostic],
          position: types.Position) -> types.Hover | None:
    """The rule's summary, the finding and its fix, and a link to the rule's page, for the
    diagnostics under ``position``."""
    spot = types.Range(start=position, end=position)
    found = [d for d in diagnostics if overlaps(d, text, spot)]
    if not found:
        return None
    parts = []
    for diagnostic in found:
        rule = rule_by_code_or_name(diagnostic.code)
        summary = rule.summary if rule is not None else ""
        lines = [f"**{diagnostic.code}** `{diagnostic.name}`: {summary}", "", diagnostic.message]
        if diagnostic.related:
            lines += ["", *(f"- see {location(place)}: {place.message}"
                            for place in diagnostic.related)]
        if diagnostic.fix is not None:
            lines += ["", f"Fix ({diagnostic.fix.applicability}): {diagnostic.fix.message}"]
        lines += ["", f"[{diagnostic.code} documentation]({page_url(diagnostic.code)})"]
        parts.append("\n".join(lines))
    first = found[0]
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                    value="\n\n---\n\n".join(parts)),
                       range=text.range(first.line, first.column, first.end_line,
                                        first.end_column))
