"""KC001 unused-noqa: the ``# noqa: KCnnn`` codes that suppressed nothing, found once the
engine knows which comment suppressed which finding (Ruff's RUF100).

A code is unused when its rule (kerascheck's or one of your own) ran on the file and reported
nothing the comment covers, and unknown when it starts with ``KC`` and kerascheck has no such
rule. Codes of rules that did not run (``--select``, ``ignore``, per-file ignores) or that
raised are not judged: another run may need them. Other tools' codes (``E501``) and a bare
``# noqa`` are left alone. The fix (safe) removes the unused codes, or the whole directive
when none is left.
"""

from __future__ import annotations

import difflib
import io
import tokenize
from typing import Callable, Iterable

import libcst as cst

from kerascheck.diagnostics import Diagnostic
from kerascheck.fixes import SAFE, Edit, Fix
from kerascheck.source.suppression import NOQA_PATTERN, lf_lines, split_codes

CODE = "KC001"
NAME = "unused-noqa"
OWN_PREFIX = "KC"


def unused_noqa(text: str, module: cst.Module, used: dict[int, set[str]],
                known: Iterable[str], judged: Callable[[str], bool],
                path: str) -> list[Diagnostic]:
    """KC001 diagnostics, with their fixes, for the comments after code in ``text`` (the code of
    ``module``). ``used`` maps a comment's line to the codes it suppressed; ``judged(code)``
    says whether that rule ran on the file."""
    known = set(known)
    found: list[Diagnostic] = []
    holders: tuple[dict[int, cst.TrailingWhitespace], dict] | None = None
    for line, column, comment in _line_comments(text):
        drop: set[str] = set()
        for match in NOQA_PATTERN.finditer(comment):
            if not match.group("codes"):
                continue
            unknown, unused = [], []
            for code in split_codes(comment[match.start("codes"):_codes_end(comment, match)]):
                if code == CODE:
                    continue
                if code in known:  # kerascheck's rules and the rules of your own
                    if judged(code) and code not in used.get(line, ()):
                        unused.append(code)
                elif code.startswith(OWN_PREFIX):  # other tools' codes are theirs
                    unknown.append(code)
            if not unknown and not unused:
                continue
            drop.update(unknown, unused)
            parts = [f"unused: {', '.join(f'`{c}`' for c in unused)}"] if unused else []
            if unknown:
                parts.append(f"unknown: {', '.join(_with_guess(c, known) for c in unknown)}")
            found.append(Diagnostic(
                path=path, line=line, column=column + match.start(), code=CODE, name=NAME,
                message=f"Unused `noqa` directive ({'; '.join(parts)}); remove it",
                end_line=line, end_column=column + _codes_end(comment, match)))
        if drop:
            holders = _comment_holders(module) if holders is None else holders
            found[-1] = _fixed(found[-1], comment, drop, holders[0].get(line), module,
                               holders[1])
    return found


def _fixed(diagnostic: Diagnostic, comment: str, drop: set[str],
           holder: cst.TrailingWhitespace | None, module: cst.Module, spans: dict) -> Diagnostic:
    """``diagnostic`` with the fix that takes ``drop`` out of ``holder``'s comment (and its
    text edits, as every located fix has)."""
    from dataclasses import replace

    from kerascheck.fixes import with_text_edits

    if holder is None:
        return diagnostic
    remaining = without_codes(comment, drop)
    message = "Remove the unused `noqa` directive" if not remaining else \
        f"Remove {', '.join(sorted(drop))} from the `noqa` comment"
    fix = Fix(message, SAFE, (Edit(holder, _rewrite(remaining)),))
    return replace(diagnostic, fix=with_text_edits(fix, module, spans, None))


def _with_guess(code: str, known: set[str]) -> str:
    close = difflib.get_close_matches(code, sorted(known), n=1)
    return f"`{code}`, did you mean `{close[0]}`?" if close else f"`{code}`"


def _codes_end(comment: str, match) -> int:
    """Where a directive's code list ends, a mistyped code included (``KC5O2`` is one code,
    though the pattern stops after ``KC5``)."""
    end = match.end("codes")
    while end < len(comment) and (comment[end].isalnum() or comment[end] == "_"):
        end += 1
    return end


def _line_comments(text: str) -> list[tuple[int, int, str]]:
    """``(line, 1-based column, text)`` of every comment after code on its line (a comment on
    a line of its own is a file-level directive or covers nothing)."""
    comments = []
    try:
        # CR-only files (old Mac) read as LF, as the suppression code reads them
        for token in tokenize.generate_tokens(io.StringIO(lf_lines(text)).readline):
            if token.type == tokenize.COMMENT and "noqa" in token.string.lower() \
                    and token.line[:token.start[1]].strip():
                row, column = token.start
                comments.append((row, column + 1, token.string))
    except (tokenize.TokenError, SyntaxError, ValueError):
        return []
    return comments


def without_codes(comment: str, drop: set[str]) -> str:
    """``comment`` with the codes in ``drop`` taken out of its noqa directives, and a directive
    left with no code removed; ``""`` when nothing of the comment remains."""
    pieces = []
    position = 0
    for match in NOQA_PATTERN.finditer(comment):
        codes = match.group("codes")
        if not codes:
            continue
        end = _codes_end(comment, match)
        kept = [code for code in split_codes(comment[match.start("codes"):end])
                if code not in drop]
        pieces.append(comment[position:match.start("codes") if kept else match.start()])
        if kept:
            pieces.append(", ".join(kept))
        position = end
    pieces.append(comment[position:])
    rest = "".join(pieces).rstrip()
    if not rest.strip("# \t"):
        return ""
    rest = rest.strip()
    return rest if rest.startswith("#") else "# " + rest


class _CommentHolders(cst.CSTVisitor):
    """The nodes holding a comment that mentions noqa: the trailing whitespace of a line."""

    def __init__(self):
        super().__init__()
        self.holders: list[cst.TrailingWhitespace] = []

    def visit_TrailingWhitespace(self, node: cst.TrailingWhitespace) -> None:
        if node.comment is not None and "noqa" in node.comment.value.lower():
            self.holders.append(node)


def _comment_holders(module: cst.Module) -> tuple[dict[int, cst.TrailingWhitespace], dict]:
    """The trailing whitespace nodes holding a noqa comment, by line, and their spans (for the
    fixes' text edits)."""
    from kerascheck.source.positions import positions_and_spans

    visitor = _CommentHolders()
    module.visit(visitor)
    positions, spans, _code, _quotes = positions_and_spans(module, visitor.holders,
                                                           visitor.holders)
    return {positions[holder].start.line: holder for holder in visitor.holders
            if holder in positions}, spans


def _rewrite(replacement: str):
    def rebuild(holder: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
        if not replacement:
            return holder.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
        return holder.with_changes(comment=cst.Comment(replacement))
    return rebuild
