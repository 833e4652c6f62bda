"""A Python 2 file's mixed tabs and spaces, read the way Python 2 read them.

Python 3 refuses indentation that mixes tabs and spaces inconsistently (``TabError``); Python 2
took a tab to the next multiple of eight columns and ran the file. Old Keras scripts often do
this, and everything else in them is worth judging. Decision (issue 16, ``allconv-strided``):
such a file keeps its KC000 (Python 3 cannot run it), and is also checked as Python 2 read it
(so is a file Python 3 refuses for a ``print x`` statement, tabs or not: issue 16,
``textclassifier-hatt-tokenizer``):
its indentation tabs expanded, and (such a file is Python 2's) a one-line ``print x, y``
statement read as the call ``print(x, y)``; every other line unchanged. Findings are kept only where
the user's text is exactly what was checked (no line of the finding's span had a tab expanded)
and never carry a fix, since a fix would be computed on the expanded text.
"""

from __future__ import annotations

import re

# ``print x`` / ``print "a" % b,`` as a whole line; not ``print(x)``, ``print = f``,
# ``print >>f, x`` (another grammar) or a line with a comment or a continuation (left as it
# is: if it does not parse, the file keeps its KC000 alone). Hand-written: no library reads
# Python 2 statements into a Python 3 tree.
_PRINT_STATEMENT = re.compile(r"^print\s+(?![\s(=>])([^#\\]*?)\s*$")


def expand_indentation_tabs(text: str, prints: bool = False) -> tuple[str, set[int]] | None:
    """``text`` with the tabs of each line's leading whitespace expanded to the next multiple of
    eight columns (Python 2's rule) and its print statements made calls, and the 1-based
    numbers of the lines that changed; None when no line's indentation has a tab (``prints``:
    when no line changed, for a file Python 3 refuses for a print statement alone)."""
    lines = text.splitlines(keepends=True)
    changed: set[int] = set()
    for number, line in enumerate(lines, start=1):
        body = line.lstrip(" \t\f")
        indentation = line[:len(line) - len(body)]
        if "\t" in indentation:
            lines[number - 1] = indentation.expandtabs(8) + body
            changed.add(number)
    if not changed and not prints:
        return None
    for number, line in enumerate(lines, start=1):
        body = line.lstrip(" \f")
        statement = _PRINT_STATEMENT.match(body.rstrip("\r\n"))
        if statement:
            ending = body[len(body.rstrip("\r\n")):]
            lines[number - 1] = f"{line[:len(line) - len(body)]}print({statement.group(1)}){ending}"
            changed.add(number)
    return ("".join(lines), changed) if changed else None
