"""The rule docs people read: every rule's docstring is complete and well-formed (refurb's
meta-test), the generated pages and indexes are in sync with the rules, the example scripts
show exactly what they claim, and ``kerascheck rule`` / ``kerascheck rules`` print them.

Nothing here runs TensorFlow: the measured numbers are read from docs/rules/evidence.json.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import libcst as cst
import pytest
from conftest import expected_lines

from kerascheck.cli import main
from kerascheck.engine import lint_file
from kerascheck.reports import rule_docs as docs
from kerascheck.rules import all_rules
from kerascheck.rules.base import FAMILIES, SECTIONS
from kerascheck.settings.config import Config

ROOT = Path(__file__).resolve().parent.parent
RULES = all_rules()
PROVABLE = [rule for rule in RULES if rule.code != "KC000"]
# KC001 judges comments, which never change what Keras does: no TensorFlow proof to run
MEASURABLE = [rule for rule in PROVABLE if rule.code != "KC001"]
EXAMPLES = ROOT / docs.EXAMPLES_DIR
REGENERATE = f"run `python {docs.GENERATOR} --no-prove` and commit the result"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def by_code(rules):
    return pytest.mark.parametrize("rule", rules, ids=lambda rule: rule.code)


# -- the docstring: one source of truth ----------------------------------------------------

@by_code(RULES)
def test_rule_has_every_section_in_order(rule):
    assert list(rule.sections()) == list(SECTIONS)
    assert all(body.strip() for body in rule.sections().values()), "a section is empty"


@by_code(RULES)
def test_example_and_use_instead_hold_one_python_block_each(rule):
    sections = rule.sections()
    for heading in ("Example", "Use instead"):
        blocks = FENCE.findall(sections[heading])
        assert [language for language, _ in blocks] == ["python"], heading


@by_code(RULES)
def test_python_blocks_parse(rule):
    blocks = [(heading, code) for heading, body in rule.sections().items()
              for language, code in FENCE.findall(body) if language == "python"]
    for heading, code in blocks:
        if rule.code == "KC000" and heading == "Example":
            # KC000's bad example is the point: it must not parse.
            with pytest.raises(cst.ParserSyntaxError):
                cst.parse_module(code)
        else:
            cst.parse_module(code)


def test_codes_are_well_formed_and_unique():
    codes = [rule.code for rule in RULES]
    assert all(re.fullmatch(r"KC\d{3}", code) for code in codes), codes
    assert len(set(codes)) == len(codes)
    assert {code[:3] for code in codes} <= set(FAMILIES)


def test_names_are_kebab_case_and_unique():
    names = [rule.name for rule in RULES]
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name) for name in names), names
    assert len(set(names)) == len(names)


@by_code(RULES)
def test_module_is_named_after_code_and_name(rule):
    expected = f"{rule.code.lower()}_{rule.name.replace('-', '_')}"
    assert rule.__module__.rsplit(".", 1)[-1] == expected


@by_code(RULES)
def test_summary_is_one_sentence_on_one_line(rule):
    summary = rule.summary
    assert summary and "\n" not in summary and summary == summary.strip()
    assert summary[0].isupper() and summary.endswith("."), summary
    assert len(summary) <= 100, f"{len(summary)} characters"


@by_code(RULES)
def test_fix_safety_section_agrees_with_fix_applicability(rule):
    assert rule.fix_applicability in (None, "safe", "unsafe")
    first_word = rule.sections()["Fix safety"].split(None, 1)[0].strip(".:,").lower()
    if rule.fix_applicability is None:
        assert first_word not in ("safe", "unsafe"), "the doc promises a fix the rule lacks"
    else:
        assert first_word == rule.fix_applicability


@by_code(RULES)
def test_references_are_a_list(rule):
    items = [line for line in rule.sections()["References"].splitlines()
             if line.startswith("- ")]
    assert items, "References should list at least one Keras doc page or seed pitfall"


@by_code(PROVABLE)
def test_rule_has_invalid_and_valid_examples_in_the_suite(rule):
    # tests/test_rule_examples.py runs them; here we only insist that they exist.
    assert rule.invalid and rule.valid
    assert all(any(code == rule.code for _, code in expected_lines(example))
               for example in rule.invalid), "every invalid example marks # expect: <code>"


@by_code(MEASURABLE)
def test_rule_has_a_runtime_proof(rule):
    assert docs.has_proof(rule), f"{rule.code} has no prove() method"


# -- the generated files are in sync -------------------------------------------------------

def stored_evidence():
    return docs.load_evidence(ROOT)


def test_generated_docs_are_up_to_date():
    files = docs.generated_files(RULES, stored_evidence(), ROOT)
    stale = [str(relative) for relative, text in files.items()
             if not (ROOT / relative).exists()
             or (ROOT / relative).read_text(encoding="utf-8") != text]
    assert not stale, f"out of date: {stale}; {REGENERATE}"


IMAGE = re.compile(r"!\[[^\]]*\]\((img/[^)]+\.png)\)")


@by_code([rule for rule in PROVABLE if docs.has_proof(rule)])
def test_pages_embed_the_figure_drawn_from_their_stored_evidence(rule):
    """A page with numbers to show embeds img/<CODE>.png, and the figure is there (its bytes
    are matplotlib's business: presence and a PNG signature only)."""
    page = (ROOT / docs.RULES_DIR / f"{rule.code}.md").read_text(encoding="utf-8")
    embedded = IMAGE.findall(page)
    expected = docs.figure_file(rule.code, stored_evidence().get(rule.code))
    assert embedded == ([expected.relative_to(docs.RULES_DIR).as_posix()] if expected else [])
    for relative in embedded:
        image = ROOT / docs.RULES_DIR / relative
        assert image.is_file(), f"{image} is missing; {REGENERATE}"
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_measured_series_are_stored_for_the_training_curves():
    """The figures are drawn from the stored series, never by training again."""
    figure = stored_evidence()["KC401"]["figure"]
    assert figure["kind"] == "curves"
    bad, good = figure["series"].values()
    assert len(bad) == len(good) > 5 and bad[-1] > good[-1]


def test_no_page_for_a_rule_that_does_not_exist():
    pages = {path.stem for path in (ROOT / docs.RULES_DIR).glob("KC*.md")}
    assert pages == {rule.code for rule in RULES}


def test_stored_evidence_is_canonical_and_only_for_known_rules():
    evidence = stored_evidence()
    assert set(evidence) <= {rule.code for rule in PROVABLE}
    text = (ROOT / docs.EVIDENCE_FILE).read_text(encoding="utf-8")
    assert text == docs.dump_evidence(evidence), REGENERATE


@by_code([rule for rule in PROVABLE if docs.has_proof(rule)])
def test_proof_numbers_are_stored_and_current(rule):
    record = stored_evidence().get(rule.code)
    rerun = f"run `python {docs.GENERATOR} {rule.code}` (needs TensorFlow) and commit"
    assert record is not None, f"{rule.code} was never measured; {rerun}"
    assert record["proof"] == docs.proof_fingerprint(rule), f"the proof changed; {rerun}"
    assert record["measurements"], "a proof must report what it measured"
    assert record["verdict"] is True, f"the stored run did not reproduce: {record['summary']}"


def test_page_shows_the_stored_numbers():
    evidence = {"KC201": {"verdict": True, "summary": "Linear stack at chance.",
                          "measurements": {"bad: accuracy on XOR": 0.5,
                                           "good: accuracy | XOR": 1.0,
                                           "bad: max affine residual": 3.2e-07},
                          "environment": {"TensorFlow": "2.21.0"}, "proof": "x"}}

    class ProvedKC201(kc201_rule()):  # the page shows numbers for rules that have a proof
        __doc__ = kc201_rule().__doc__

        def prove(self):
            raise AssertionError("rendering must not run the proof")

    page = docs.render_page(ProvedKC201, evidence["KC201"], ROOT)
    runtime = page.split("## Runtime evidence", 1)[1].split("## References", 1)[0]
    assert "| bad: accuracy on XOR | 0.5 |" in runtime
    assert "| good: accuracy \\| XOR | 1.0 |" in runtime
    assert "| bad: max affine residual | 3.2e-07 |" in runtime
    assert "(TensorFlow 2.21.0, CPU, seeded)" in runtime
    assert "Verdict: reproduced: the bad version shows the symptom and the fixed one does " \
           "not. Linear stack at chance." in runtime
    evidence["KC201"]["summary"] = "input_shape=(784) raises"
    page = docs.render_page(ProvedKC201, evidence["KC201"], ROOT)
    assert "does not. input_shape=(784) raises." in page
    assert "Source: [test_docs.py](../../tests/test_docs.py)" in page
    assert "Not measured yet" in docs.render_page(ProvedKC201, None, ROOT)


def test_index_lists_every_rule_with_a_link():
    index = (ROOT / docs.RULES_DIR / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| [{rule.code}]({rule.code}.md) | {rule.name} |" in index


# -- the example scripts --------------------------------------------------------------------

EXAMPLE_SCRIPTS = sorted(EXAMPLES.glob("*.py")) if EXAMPLES.is_dir() else []


@by_code(PROVABLE)
def test_rule_has_a_bad_and_a_good_example_script(rule):
    scripts = docs.example_scripts(rule, EXAMPLES)
    assert scripts["bad"] and scripts["good"], (
        f"add examples/{rule.code.lower()}_bad.py and {rule.code.lower()}_good.py")


@pytest.mark.parametrize("path", EXAMPLE_SCRIPTS, ids=lambda path: path.name)
def test_example_script_is_named_and_described(path):
    match = docs.EXAMPLE_NAME_RE.match(path.name)
    assert match, "examples are named kcNNN_bad.py / kcNNN_good.py (optionally kcNNN_bad_x.py)"
    assert any(rule.code == f"KC{match['number']}" for rule in RULES), "no such rule"
    assert docs.script_description(path), "start the script with a docstring saying what it shows"


@pytest.mark.parametrize("path", EXAMPLE_SCRIPTS, ids=lambda path: path.name)
def test_example_script_yields_exactly_its_rule(path):
    match = docs.EXAMPLE_NAME_RE.match(path.name)
    assert match
    code = f"KC{match['number']}"
    result = lint_file(path, Config(select=("KC",)))
    assert not result.errors, result.errors
    found = sorted((d.line, d.code) for d in result.diagnostics)
    if match["kind"] == "good":
        assert found == []
        return
    marked = sorted(expected_lines(path.read_text(encoding="utf-8")))
    if marked:  # '# expect: KCnnn' comments say exactly where (and which other rules) fire
        assert found == marked
    else:
        assert found and {c for _, c in found} == {code}, found


# -- the command line -----------------------------------------------------------------------

def test_rule_command_prints_the_doc_by_code_or_name(capsys):
    assert main(["rule", "KC201"]) == 0
    by_code_output = capsys.readouterr().out
    assert main(["rule", "linear-hidden-activation"]) == 0
    assert capsys.readouterr().out == by_code_output
    headings = re.findall(r"^## (.+)$", by_code_output, re.MULTILINE)
    assert headings == list(SECTIONS)
    # the terminal points at the command that measures the proof, when there is one
    assert ("kerascheck prove KC201" in by_code_output) == docs.has_proof(kc201_rule())


def test_rule_command_lowercase_code(capsys):
    assert main(["rule", "kc201"]) == 0
    assert capsys.readouterr().out.startswith("# KC201 linear-hidden-activation")


def test_rule_command_unknown_rule_suggests(capsys):
    assert main(["rule", "linear-hiden-activation"]) == 2
    error = capsys.readouterr().err
    assert "unknown rule" in error and "linear-hidden-activation" in error


def test_rule_command_all(capsys):
    assert main(["rule", "--all"]) == 0
    output = capsys.readouterr().out
    assert re.findall(r"^# (KC\d{3}) ", output, re.MULTILINE) == [r.code for r in RULES]


def test_rules_command_table(capsys):
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "FAMILY", "FIX", "SUMMARY"]
    assert [line.split()[0] for line in lines[1:]] == [rule.code for rule in RULES]
    kc201 = next(line for line in lines if line.startswith("KC201"))
    assert "linear-hidden-activation" in kc201 and "unsafe" in kc201


def test_rules_command_json(capsys):
    assert main(["rules", "--output-format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["code"] for row in rows] == [rule.code for rule in RULES]
    kc201 = next(row for row in rows if row["code"] == "KC201")
    assert kc201 == {"code": "KC201", "name": "linear-hidden-activation",
                     "family": "activations and initialization", "fix": "unsafe",
                     "summary": next(r for r in RULES if r.code == "KC201").summary,
                     "has_proof": docs.has_proof(kc201_rule())}


def kc201_rule():
    return next(rule for rule in RULES if rule.code == "KC201")


def test_generator_check_mode_agrees_without_tensorflow():
    """``generate_docs.py --check`` is what CI and contributors run: it agrees with the sync test
    above and never imports TensorFlow."""
    import subprocess

    probe = ("import runpy, sys\n"
             f"sys.argv = [{str(ROOT / docs.GENERATOR)!r}, '--check']\n"
             "try:\n"
             "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
             "except SystemExit as exit:\n"
             "    status = exit.code\n"
             "print(status, 'tensorflow' in sys.modules, 'keras' in sys.modules)\n")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               timeout=120, cwd=ROOT)
    assert completed.stdout.split() == ["0", "False", "False"], completed.stderr


def test_rule_command_json(capsys):
    assert main(["rule", "KC201", "--output-format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["code"], doc["name"], doc["fix"]) == ("KC201", "linear-hidden-activation",
                                                      "unsafe")
    assert list(doc["sections"]) == list(SECTIONS)
    assert "activation='linear'" in doc["example"] and "activation='relu'" in doc["use_instead"]
    assert main(["rule", "--all", "--output-format", "json"]) == 0
    assert [d["code"] for d in json.loads(capsys.readouterr().out)] == [r.code for r in RULES]


def test_evidence_record_is_plain_rounded_json():
    from kerascheck.proofkit import Evidence

    class ProvedKC201(kc201_rule()):
        __doc__ = kc201_rule().__doc__

        def prove(self, subject=None):
            return Evidence("KC201", True, "done", {})

    measured = Evidence("KC201", True, "Linear stack at chance.",
                        {"bad: accuracy": 0.49999999012, "steps": 300, "shape": (4, 2),
                         "error": "ValueError: Cannot convert '784' to a shape."})
    record = docs.evidence_record(ProvedKC201, measured, {"TensorFlow": "2.21.0"})
    assert record["measurements"] == {"bad: accuracy": 0.5, "steps": 300, "shape": [4, 2],
                                      "error": "ValueError: Cannot convert '784' to a shape."}
    assert record["proof"] == docs.proof_fingerprint(ProvedKC201) != ""
    # what is stored renders the same after a round trip through the JSON file
    restored = json.loads(docs.dump_evidence({"KC201": record}))["KC201"]
    assert docs.render_page(ProvedKC201, restored, ROOT) == \
        docs.render_page(ProvedKC201, record, ROOT)
    assert "| shape | [4, 2] |" in docs.render_page(ProvedKC201, restored, ROOT)
    # a figure's series are stored rounded too, and the page embeds the figure
    with_series = Evidence("KC201", True, "done", {"loss": 1.0}, figure={
        "kind": "curves", "series": {"bad": [0.123456789, 2.0]}})
    record = docs.evidence_record(ProvedKC201, with_series, {})
    assert record["figure"]["series"]["bad"] == [0.123457, 2.0]
    assert "](img/KC201.png)" in docs.render_page(ProvedKC201, record, ROOT)


def test_rule_command_prints_the_numbers_the_page_holds(capsys):
    """``kerascheck rule KC201`` shows the stored measurements (shipped in the package) exactly
    as the generated page does, and how to measure them again."""
    assert docs.packaged_evidence() == stored_evidence()
    assert main(["rule", "KC201"]) == 0
    terminal = capsys.readouterr().out
    page = (ROOT / docs.RULES_DIR / "KC201.md").read_text(encoding="utf-8")

    def evidence(text):
        return text.split("## Runtime evidence", 1)[1].split("## References", 1)[0]

    table = [line for line in evidence(page).splitlines() if line.startswith(("| ", "Verdict"))]
    assert len(table) >= 4 and all(line in evidence(terminal) for line in table)
    assert "Measure it on this machine: `kerascheck prove KC201`." in terminal
