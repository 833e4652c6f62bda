"""A file that does not parse, read again with its broken statements made opaque.

Python refuses a whole file for one bad statement, and so did kerascheck: a Stack Overflow
question with a line of prose or a ``train_data = ....`` placeholder, a script caught mid-edit
in an editor, or old code with a Python 2 construct (``print >>f, x``, ``except E, e:``) got a
KC000 and nothing else. Ruff reads on past a syntax error; so does kerascheck now. Decision
(issue 16, ``tensfa-so61116088``): such a file keeps its KC000 at Python's own position and
message, and is also checked with each statement Python refuses replaced, line for line, by an
*opaque* statement: a call of a function the linter cannot see, given every name the broken
text mentions (``x_train = ....`` becomes ``x_train = <opaque>(x_train)``; a broken block
header keeps its block: ``if <opaque>(...):``). What the opaque call is given counts as handed
to code the linter cannot see (a model escapes, data may have been scaled there), so a rule
that fires on something *missing* stays silent about what the broken text may have done.
Findings are kept only on lines left as the user wrote them, without fixes, and KC001 (unused
``noqa``) is not reported from such a reading. At most :data:`MAX_STATEMENTS` statements, and
a third of the file's lines, are replaced; beyond that the file is not Python enough and keeps
its KC000 alone.

Hand-written: LibCST's parser stops at the first error and has no recovery, and no
well-kept library turns a broken Python file into a parsable one line for line.
"""

from __future__ import annotations

import io
import keyword
import re
import tokenize

# The function a replaced statement calls: no file binds it, so its result and effects are
# unknown to the analysis.
OPAQUE = "__kerascheck_unparsed__"
MAX_STATEMENTS = 20
# The message Python 3 gives a Python 2 print statement (read again as Python 2: python2_tabs)
PRINT_STATEMENT = "Missing parentheses in call to 'print'"

_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_TARGETS = re.compile(r"([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*,?\s*=(?!=)")
_HEADER_LINE = re.compile(r"\bon line (\d+)")
_SKIPPED_TOKENS = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT,
                   tokenize.ENCODING)


def statement_lines(text: str, line: int) -> tuple[int, int]:
    """The first and last (1-based) physical lines of the logical statement that holds
    ``line``: a bracketed call over several lines is one statement. Where the tokenizer gives
    up (an unclosed bracket or string), the line alone."""
    first = None
    try:
        # (``newline=None``: a lone ``\r`` ends a line for the tokenizer, as for Python)
        for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
            if token.type in _SKIPPED_TOKENS:
                continue
            if first is None:
                first = token.start[0]
                if first > line:
                    break
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                if first <= line <= token.start[0]:
                    return first, token.start[0]
                first = None
    except (tokenize.TokenError, SyntaxError):
        pass
    return line, line


def opaque_statement(lines: list[str], first: int, last: int, indentation: str | None = None,
                     plain: bool = False) -> str:
    """The one line that stands for physical lines ``first``..``last`` (1-based) of ``lines``:
    an opaque call of every name they mention, keeping an assignment's names bound and (unless
    ``plain``) a block header's block (a line that ends in a colon, or whose next line is
    indented deeper)."""
    body = "".join(lines[first - 1:last])
    stripped = lines[first - 1].strip()
    if indentation is None:
        indentation = _indentation_of(lines[first - 1])
    names = [name for name in dict.fromkeys(_IDENTIFIER.findall(body))
             if not keyword.iskeyword(name) and name != OPAQUE]
    call = f"{OPAQUE}({', '.join(names)})"
    if not plain and (lines[last - 1].split("#")[0].rstrip().endswith(":") or
                      len(_indentation_after(lines, last)) > len(indentation)):
        word = stripped.split(None, 1)[0].rstrip(":")
        named = _IDENTIFIER.match(stripped[len(word):].lstrip())
        if word in ("except", "elif"):
            return f"{indentation}{word} {call}:"
        if word == "def" and named:
            return f"{indentation}def {named.group()}(*args, **kwargs):"
        if word == "class" and named:
            return f"{indentation}class {named.group()}:"
        return f"{indentation}if {call}:"
    targets = _TARGETS.match(stripped)
    if targets and not any(keyword.iskeyword(name) for name in
                           _IDENTIFIER.findall(targets.group(1))):
        return f"{indentation}{targets.group(1)} = {call}"
    return f"{indentation}{call}"


def replace_statement(text: str, error: SyntaxError) -> tuple[str, set[int]] | None:
    """``text`` with the statement Python's ``error`` is about made opaque (see the module
    doc), and the lines that changed; None when the error has no line to replace."""
    lines = _PHYSICAL_LINE.findall(text)  # Python's line ends only (not splitlines' \x0c...)
    message = str(error.msg)
    header = _HEADER_LINE.search(message) if "expected an indented block" in message else None
    line = int(header.group(1)) if header else error.lineno
    if not line or line > len(lines):
        return None
    first, last = statement_lines(text, line)
    last = min(last, len(lines))  # (the tokenizer's end marker may follow the last line)
    indentation = _indentation_before(lines, first) if "unexpected indent" in message else None
    # a block header whose body is missing becomes a plain statement
    replacement = opaque_statement(lines, first, last, indentation, plain=header is not None)
    for number in range(first, last + 1):
        ending = lines[number - 1][len(lines[number - 1].rstrip("\r\n")):] or "\n"
        lines[number - 1] = (replacement if number == first else "") + ending
    return "".join(lines), set(range(first, last + 1))


_PHYSICAL_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _indentation_of(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" \t\f"))]


def _indentation_after(lines: list[str], line: int) -> str:
    """The indentation of the nearest non-blank line below ``line`` (1-based): deeper than a
    statement's own, it is the block of a header that lost its colon."""
    for number in range(line + 1, len(lines) + 1):
        if lines[number - 1].strip():
            return _indentation_of(lines[number - 1])
    return ""


def _indentation_before(lines: list[str], line: int) -> str:
    """The indentation of the nearest non-blank line above ``line`` (1-based)."""
    for number in range(line - 1, 0, -1):
        if lines[number - 1].strip():
            return _indentation_of(lines[number - 1])
    return ""


def read_past_errors(text: str) -> tuple[str, set[int]] | None:
    """``text`` made parsable for Python: mixed tabs expanded and print statements made calls
    as Python 2 read them (:mod:`kerascheck.source.python2_tabs`), then each statement Python
    still refuses made opaque; and the lines that changed. None when that is not enough (more
    than :data:`MAX_STATEMENTS` statements, or a third of the lines, would change)."""
    from kerascheck.source.parsing import python_parse_error
    from kerascheck.source.python2_tabs import expand_indentation_tabs

    changed: set[int] = set()
    python2_read = False
    for _ in range(MAX_STATEMENTS + 1):
        error = python_parse_error(text)
        if error is None:
            return text, changed
        if not isinstance(error, SyntaxError) or len(changed) * 3 > text.count("\n") + 1:
            return None
        step = None
        if not python2_read and (isinstance(error, TabError) or PRINT_STATEMENT in str(error)):
            python2_read = True
            step = expand_indentation_tabs(text, prints=True)
        if step is None:
            step = replace_statement(text, error)
        if step is None or step[0] == text:  # no progress
            return None
        text, lines = step
        changed |= lines
    return None


def opaque_text(text: str) -> str:
    """``text`` as one opaque statement given every name it mentions, on its first line, and
    blank lines for the rest (as many lines as it had): what a broken notebook cell that
    :func:`read_past_errors` cannot read may have done stays unknown, not undone."""
    names = sorted({name for name in _IDENTIFIER.findall(text) if not keyword.iskeyword(name)})
    return f"{OPAQUE}({', '.join(names)})" + "\n" * text.count("\n")
