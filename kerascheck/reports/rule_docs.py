"""Rule docs as users read them: ``kerascheck rule KC201``, ``docs/rules/`` and ``examples/README.md``.

One source of truth: a rule's docstring (its sections, see :mod:`kerascheck.rules.base`). The
generated pages add what the docstring cannot hold: the numbers its runtime proof measured
(stored in ``docs/rules/evidence.json`` so the pages can be rebuilt without TensorFlow) and links
to the rule's source and example scripts. Everything here is pure text work: no TensorFlow, and
the same inputs always give the same bytes, which is what lets a test catch stale docs.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import inspect
import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Iterable

from kerascheck.rules.base import SECTIONS, Rule

GENERATOR = "scripts/generate_docs.py"
RULES_DIR = Path("docs") / "rules"
IMG_DIR = RULES_DIR / "img"  # figures drawn from the stored evidence by scripts/generate_docs.py
EVIDENCE_FILE = RULES_DIR / "evidence.json"
# the same numbers inside the package, so that an installed ``kerascheck rule`` prints them
PACKAGED_EVIDENCE = Path("kerascheck") / "reports" / "evidence.json"
EXAMPLES_DIR = Path("examples")
EXAMPLE_NAME_RE = re.compile(r"^kc(?P<number>\d{3})_(?P<kind>bad|good)(?:_[a-z0-9_]+)?\.py$")
# Where the generated pages are read online: the repository's docs/rules/ (the same placeholder
# owner as the README's pre-commit snippet, until the project has a public home).
DOCS_URL = "https://github.com/OWNER/kerascheck/blob/main/docs/rules/"


def page_url(code: str) -> str:
    """The URL of a rule's page (``docs/rules/KC201.md``): SARIF's ``helpUri``, editors' links."""
    return f"{DOCS_URL}{code}.md"


# -- facts about a rule ---------------------------------------------------------------------

def has_proof(rule: type[Rule]) -> bool:
    """Whether the rule overrides :meth:`Rule.prove` (KC000 needs none)."""
    return rule.prove is not Rule.prove


def fix_label(rule: type[Rule]) -> str:
    return rule.fix_applicability or "-"


def proof_fingerprint(rule: type[Rule]) -> str:
    """A short hash of the proof's source, stored with its numbers to tell when they are stale."""
    source = inspect.getsource(rule.prove)
    return hashlib.sha256(inspect.cleandoc(source).encode()).hexdigest()[:12]


def example_scripts(rule: type[Rule], examples_dir: Path) -> dict[str, list[Path]]:
    """The rule's scripts in ``examples/``: ``{"bad": [...], "good": [...]}``, sorted by name."""
    found: dict[str, list[Path]] = {"bad": [], "good": []}
    if not examples_dir.is_dir():
        return found
    for path in sorted(examples_dir.glob("kc*.py")):
        match = EXAMPLE_NAME_RE.match(path.name)
        if match and f"KC{match['number']}" == rule.code:
            found[match["kind"]].append(path)
    return found


def script_description(path: Path) -> str:
    """The first paragraph of a script's module docstring, on one line ('' if it has none)."""
    try:
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except SyntaxError:
        return ""
    return " ".join(docstring.strip().split("\n\n")[0].split())


# -- the terminal doc and the generated page -----------------------------------------------

def render_rule(rule: type[Rule], evidence: dict | None = None, *,
                links: dict[str, str] | None = None) -> str:
    """A rule's doc in Markdown: title, summary, then the fixed sections in order.

    ``evidence`` is the stored record of its proof's run (:func:`evidence_record`): the
    generated page and ``kerascheck rule`` show the same numbers. The page also passes
    ``links`` (label -> relative URL: the source and example scripts).
    """
    sections = rule.sections()
    lines = [f"# {rule.code} {rule.name}", "", rule.summary, ""]
    facts = [f"Family: {rule.family()}", f"Fix: {rule.fix_applicability or 'none'}"]
    facts += [f"{label}: [{Path(url).name}]({url})" for label, url in (links or {}).items()]
    lines += [". ".join(facts) + ".", ""]
    for heading in SECTIONS:
        body = sections.get(heading)
        if not body:
            continue
        lines += [f"## {heading}", "", body, ""]
        if heading == "Runtime evidence" and has_proof(rule):
            lines += _evidence_lines(rule, evidence, measured=links is not None,
                                     image=links is not None)
    return "\n".join(lines).rstrip() + "\n"


def rules_rows(rules: Iterable[type[Rule]]) -> list[dict]:
    """``kerascheck rules``: one row per rule (fix: "safe", "unsafe" or None, no automatic
    fix)."""
    return [{"code": rule.code, "name": rule.name, "family": rule.family(),
             "fix": rule.fix_applicability, "summary": rule.summary, "has_proof": has_proof(rule)}
            for rule in rules]


def rules_table(rows: list[dict]) -> str:
    """The rows of :func:`rules_rows` as an aligned table (no fix shown as ``-``)."""
    columns = ("code", "name", "family", "fix")
    cells = [{column: row[column] or "-" for column in columns} for row in rows]
    widths = {column: max(len(column), *(len(cell[column]) for cell in cells))
              for column in columns}
    lines = ["  ".join(column.upper().ljust(widths[column]) for column in columns) + "  SUMMARY"]
    lines += ["  ".join(cell[column].ljust(widths[column]) for column in columns)
              + "  " + row["summary"] for row, cell in zip(rows, cells)]
    return "".join(line + "\n" for line in lines)


def rule_as_dict(rule: type[Rule]) -> dict:
    """``kerascheck rule --output-format json``: the doc as data (sections keyed by heading)."""
    return {"code": rule.code, "name": rule.name, "family": rule.family(),
            "fix": rule.fix_applicability, "summary": rule.summary,
            "has_proof": has_proof(rule), "sections": rule.sections(),
            "example": rule.example_code(), "use_instead": rule.use_instead_code()}


def _evidence_lines(rule: type[Rule], evidence: dict | None, measured: bool,
                    image: bool = False) -> list[str]:
    again = [f"Measure it on this machine: `kerascheck prove {rule.code}`.", ""]
    if not measured:  # the terminal: the stored numbers, and the command that measures anew
        return (_evidence_lines(rule, evidence, True) if evidence else []) + again
    if evidence is None:
        return [f"_Not measured yet: run `python {GENERATOR}` where TensorFlow is installed._",
                ""]
    environment = ", ".join(f"{name} {version}"
                            for name, version in evidence.get("environment", {}).items())
    lines = [f"Measured by `kerascheck prove {rule.code}`"
             + (f" ({environment}, CPU, seeded):" if environment else ":"), "",
             "| Measurement | Value |", "| --- | --- |"]
    lines += [f"| {_cell(label)} | {_cell(format_value(value))} |"
              for label, value in evidence.get("measurements", {}).items()]
    outcome = ("reproduced: the bad version shows the symptom and the fixed one does not."
               if evidence.get("verdict") else "**not reproduced** by this run.")
    lines += ["", f"Verdict: {outcome} {_sentence(evidence.get('summary', ''))}".rstrip(), ""]
    figure = figure_file(rule.code, evidence) if image else None
    if figure is not None:
        lines += [f"![{rule.code}: the bad and the fixed model, as measured]"
                  f"({figure.relative_to(RULES_DIR).as_posix()})", ""]
    return lines


def figure_file(code: str, evidence: dict | None) -> Path | None:
    """``docs/rules/img/<CODE>.png`` when the stored evidence has something to draw (measured
    series, or numbers to compare); None for evidence that is all text (an exception)."""
    if not evidence:
        return None
    numbers = [value for value in evidence.get("measurements", {}).values()
               if isinstance(value, (int, float)) and not isinstance(value, bool)
               and math.isfinite(value)]
    if not evidence.get("figure") and not numbers:
        return None
    return IMG_DIR / f"{code}.png"


def _sentence(text) -> str:
    """Proof summaries are written as fragments or sentences; show them as one sentence."""
    text = " ".join(str(text).split())
    if not text:
        return ""
    first_word = text.split(" ", 1)[0]
    if first_word.isalpha():  # never 'Input_shape=(784)' or 'From_logits'
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def format_value(value) -> str:
    """A measured value as a table shows it: floats to 4 significant digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e6:
            return f"{value:.1f}"  # an accuracy of 1.0 reads better than 1
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return str(value)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_page(rule: type[Rule], evidence: dict | None, root: Path) -> str:
    """``docs/rules/<CODE>.md``: the rule's doc with its measured numbers and links."""
    page_dir = root / RULES_DIR
    source = Path(inspect.getfile(rule)).resolve()
    try:
        links = {"Source": _relative(source, page_dir, root)}
    except ValueError:  # the rule lives outside this checkout (an installed copy)
        links = {}
    scripts = example_scripts(rule, root / EXAMPLES_DIR)
    for kind in ("bad", "good"):
        for path in scripts[kind]:
            label = f"{kind.capitalize()} example" + (f" {path.stem}" if len(scripts[kind]) > 1
                                                      else "")
            links[label] = _relative(path, page_dir, root)
    header = (f"<!-- Generated by {GENERATOR} from the rule's docstring and "
              f"{EVIDENCE_FILE.as_posix()}; edit those, not this file. -->")
    return header + "\n" + render_rule(rule, evidence, links=links)


def _relative(path: Path, start: Path, root: Path) -> str:
    path.resolve().relative_to(root.resolve())  # raises ValueError outside the checkout
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


# -- the indexes ----------------------------------------------------------------------------

def render_index(rules: Iterable[type[Rule]], evidence: dict[str, dict]) -> str:
    """``docs/rules/README.md``: one row per rule."""
    lines = [f"<!-- Generated by {GENERATOR}; do not edit. -->", "# kerascheck rules", "",
             "Every rule's page has the same sections: what it does, why it is bad, an example "
             "and its fix, whether the fix is safe, the runtime evidence (numbers measured in "
             "TensorFlow), and references. `kerascheck rule CODE` prints the same text in a "
             "terminal.", "",
             "| Code | Name | Family | Fix | Summary | Proof |",
             "| --- | --- | --- | --- | --- | --- |"]
    for rule in rules:
        if not has_proof(rule):
            proof = "-"
        elif rule.code not in evidence:
            proof = "not measured"
        else:
            proof = "reproduced" if evidence[rule.code].get("verdict") else "NOT reproduced"
        lines.append(f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.family()} | "
                     f"{fix_label(rule)} | {_cell(rule.summary)} | {proof} |")
    lines += ["", "Fix: `safe` fixes are applied by `--fix`, `unsafe` ones only with "
              "`--unsafe-fixes`; `-` means no automatic fix. Proof: whether the last run of the "
              "rule's runtime proof (`kerascheck prove CODE`, recorded in "
              "[evidence.json](evidence.json)) showed the symptom in the bad model and not in "
              "the fixed one.", ""]
    return "\n".join(lines)


def render_examples_readme(rules: Iterable[type[Rule]], root: Path) -> str:
    """``examples/README.md``: what each example script shows, from the scripts' docstrings."""
    lines = [f"<!-- Generated by {GENERATOR} from the scripts' docstrings; do not edit. -->",
             "# Examples", "",
             "For each rule, a small realistic script with the mistake (`kcNNN_bad.py`) and its "
             "corrected twin (`kcNNN_good.py`). `kerascheck examples/` reports each bad script "
             "under its rule and nothing in the good ones (`tests/test_docs.py` checks it).", ""]
    missing = []
    for rule in rules:
        scripts = example_scripts(rule, root / EXAMPLES_DIR)
        if not scripts["bad"] and not scripts["good"]:
            if rule.code != "KC000":
                missing.append(rule.code)
            continue
        lines += [f"## {rule.code} {rule.name}", "", rule.summary,
                  f"([rule doc](../docs/rules/{rule.code}.md))", ""]
        for kind in ("bad", "good"):
            for path in scripts[kind]:
                description = script_description(path) or "(no description)"
                lines.append(f"- [`{path.name}`]({path.name}): {description}")
        lines.append("")
    if missing:
        lines += ["Rules without example scripts yet: " + ", ".join(missing) + ".", ""]
    return "\n".join(lines)


# -- evidence and the whole set of generated files ------------------------------------------

def evidence_record(rule: type[Rule], evidence, environment: dict[str, str]) -> dict:
    """A JSON-ready record of one proof run (a :class:`kerascheck.proofkit.Evidence`)."""
    return {"verdict": bool(evidence.verdict),
            "summary": str(evidence.summary),
            "measurements": {str(label): _json_value(value)
                             for label, value in dict(evidence.measurements).items()},
            "environment": dict(environment),
            "proof": proof_fingerprint(rule),
            **({"figure": _json_value(evidence.figure)} if getattr(evidence, "figure", None)
               else {})}


def _json_value(value):
    """Plain JSON types; floats rounded to 6 significant digits so reruns diff quietly."""
    if hasattr(value, "tolist"):  # NumPy scalars and arrays
        value = value.tolist()
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if not math.isfinite(value) else float(f"{value:.6g}")
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):  # a figure's series
        return {str(key): _json_value(item) for key, item in value.items()}
    return str(value)


def load_evidence(root: Path) -> dict[str, dict]:
    path = root / EVIDENCE_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def dump_evidence(evidence: dict[str, dict]) -> str:
    return json.dumps(dict(sorted(evidence.items())), indent=2, sort_keys=False) + "\n"


def generated_files(rules: Iterable[type[Rule]], evidence: dict[str, dict],
                    root: Path) -> dict[Path, str]:
    """Every generated file (relative path -> text), from the rules and the stored evidence."""
    rules = tuple(rules)
    files = {RULES_DIR / f"{rule.code}.md": render_page(rule, evidence.get(rule.code), root)
             for rule in rules}
    files[RULES_DIR / "README.md"] = render_index(rules, evidence)
    files[EXAMPLES_DIR / "README.md"] = render_examples_readme(rules, root)
    files[PACKAGED_EVIDENCE] = dump_evidence(evidence)
    return files


def packaged_evidence() -> dict[str, dict]:
    """The stored proof runs shipped inside the package (:data:`PACKAGED_EVIDENCE`); empty
    when they are missing or damaged (the doc then only says how to measure)."""
    from importlib.resources import files

    try:
        data = json.loads(files("kerascheck.reports").joinpath("evidence.json")
                          .read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# -- the commands that print them: `kerascheck rule`, `kerascheck rules` ----------------------


def rule_command(argv: list[str]) -> int:
    """``kerascheck rule CODE|NAME`` / ``--all``: a rule's page (exit 2 for an unknown rule)."""
    parser = argparse.ArgumentParser(prog="kerascheck rule",
                                     description="Explain a rule: its docs and examples.")
    parser.add_argument("rule", nargs="?", help="a code (KC201) or a name")
    parser.add_argument("--all", action="store_true", help="print every rule's doc")
    parser.add_argument("--output-format", choices=("text", "json"), default="text",
                        help="json: the doc's sections and code blocks, for editors and tools")
    options = parser.parse_args(argv)
    from kerascheck.rules import all_rules, rule_by_code_or_name

    evidence = packaged_evidence()

    if options.all:
        if options.output_format == "json":
            print(json.dumps([rule_as_dict(rule) for rule in all_rules()], indent=2))
        else:
            print("\n\n".join(render_rule(rule, evidence.get(rule.code))
                              for rule in all_rules()), end="")
        return 0
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
        return 2
    if options.output_format == "json":
        print(json.dumps(rule_as_dict(rule), indent=2))
    else:
        print(render_rule(rule, evidence.get(rule.code)), end="")
    return 0


def rules_command(argv: list[str]) -> int:
    """``kerascheck rules``: the rule table, as text or JSON."""
    parser = argparse.ArgumentParser(prog="kerascheck rules", description="List the rules.")
    parser.add_argument("--output-format", choices=("text", "json"), default="text")
    options = parser.parse_args(argv)
    from kerascheck.rules import all_rules

    rows = rules_rows(all_rules())
    print(json.dumps(rows, indent=2) if options.output_format == "json" else rules_table(rows),
          end="\n" if options.output_format == "json" else "")
    return 0
