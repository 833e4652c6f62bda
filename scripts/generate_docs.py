"""Regenerate docs/rules/<CODE>.md, docs/rules/README.md and examples/README.md from the rules.

    python scripts/generate_docs.py             # run every proof in TensorFlow, then write
    python scripts/generate_docs.py KC201 KC301 # re-measure these rules only
    python scripts/generate_docs.py --no-prove  # no TensorFlow: reuse docs/rules/evidence.json
    python scripts/generate_docs.py --check     # write nothing; exit 1 if a file is out of date

The numbers in each page's "Runtime evidence" come from running the rule's proof
(``rule().prove()``) and are stored in docs/rules/evidence.json, so that a docstring edit can be
rendered without TensorFlow and tests/test_docs.py can check the pages are in sync.

Each page with numbers to show embeds docs/rules/img/<CODE>.png, drawn (matplotlib) from the
stored evidence, never by training again. A figure is drawn when it is missing or when its rule
was measured in this run; otherwise it is left alone (PNG bytes are not stable across matplotlib
versions, so regenerating with --no-prove must not rewrite them).

Exit status: 0 when done (or, with --check, up to date); 1 when a file is out of date (--check),
a proof failed or raised, or a proof did not reproduce its symptom; 2 on usage errors.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's kerascheck, even when another copy is installed

from kerascheck.reports import rule_docs as docs  # noqa: E402
from kerascheck.rules import all_rules, rule_by_code_or_name  # noqa: E402


def measure(rules, evidence: dict[str, dict]) -> list[str]:
    """Run the rules' proofs, updating ``evidence`` in place; returns the problems met."""
    from kerascheck.proofkit import RuntimeUnavailable, load_tensorflow

    try:
        tf, keras, _ = load_tensorflow()
    except RuntimeUnavailable as error:
        raise SystemExit(f"generate_docs: {error}; pass --no-prove to reuse the stored numbers")
    # Proofs provoke deprecation warnings and retracing notes on purpose; they are not news here.
    warnings.filterwarnings("ignore")
    tf.get_logger().setLevel("ERROR")
    environment = {"TensorFlow": tf.__version__, "Keras": keras.__version__,
                   "Python": ".".join(platform.python_version_tuple()[:2])}
    problems = []
    for rule in rules:
        if not docs.has_proof(rule):
            continue
        started = time.perf_counter()
        try:
            result = rule().prove()
        except NotImplementedError:
            continue
        except Exception as error:  # keep the last good numbers; report and carry on
            problems.append(f"{rule.code}: the proof raised {type(error).__name__}: {error}")
            continue
        finally:
            keras.backend.clear_session()
        seconds = time.perf_counter() - started
        evidence[rule.code] = docs.evidence_record(rule, result, environment)
        status = "reproduced" if result.verdict else "NOT reproduced"
        print(f"{rule.code}: {status} in {seconds:.1f} s", file=sys.stderr)
        if not result.verdict:
            problems.append(f"{rule.code}: the proof did not reproduce the symptom "
                            f"({result.summary})")
    return problems


def stale_problems(rules, evidence: dict[str, dict]) -> list[str]:
    """Rules whose proof changed, or appeared, since its numbers were stored."""
    problems = []
    for rule in rules:
        if not docs.has_proof(rule):
            continue
        record = evidence.get(rule.code)
        if record is None:
            problems.append(f"{rule.code}: has a proof but no stored numbers")
        elif record.get("proof") != docs.proof_fingerprint(rule):
            problems.append(f"{rule.code}: the proof changed since its numbers were measured")
    return problems


def draw_figures(to_draw: dict, evidence: dict[str, dict]) -> list[str]:
    """Draw docs/rules/img/<CODE>.png from the stored evidence (kerascheck.runtime.plots)."""
    if not to_draw:
        return []
    from kerascheck.runtime.plots import PLOT_HINT, draw, matplotlib_available

    if not matplotlib_available():
        return [f"figures not drawn ({', '.join(sorted(to_draw))}): {PLOT_HINT}"]
    for code, relative in sorted(to_draw.items()):
        draw({"code": code, **evidence[code]}, str(ROOT / relative),
             title=f"{code} {rule_by_code_or_name(code).name}: bad vs fixed")
        print(f"wrote {relative}", file=sys.stderr)
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("codes", nargs="*", metavar="CODE",
                        help="re-measure only these rules (default: all)")
    parser.add_argument("--no-prove", action="store_true",
                        help="do not run the proofs; reuse docs/rules/evidence.json")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a generated file is out of date")
    options = parser.parse_args(argv)

    rules = all_rules()
    selected = []
    for code in options.codes:
        rule = rule_by_code_or_name(code)
        if rule is None:
            parser.error(f"unknown rule {code!r}")
        selected.append(rule)
    evidence = docs.load_evidence(ROOT)
    # Forget the numbers of rules that no longer exist.
    evidence = {code: record for code, record in evidence.items()
                if rule_by_code_or_name(code) is not None}

    problems = []
    measured: set[str] = set()
    if not (options.no_prove or options.check):
        problems += measure(selected or rules, evidence)
        measured = {rule.code for rule in selected or rules}
    else:
        for problem in stale_problems(rules, evidence):
            print(f"generate_docs: warning: {problem}", file=sys.stderr)

    files = docs.generated_files(rules, evidence, ROOT)
    files[docs.EVIDENCE_FILE] = docs.dump_evidence(evidence)
    expected_pages = {path.name for path in files if path.parent == docs.RULES_DIR}
    orphans = [path for path in sorted((ROOT / docs.RULES_DIR).glob("KC*.md"))
               if path.name not in expected_pages]

    changed = [relative for relative, text in files.items()
               if not (ROOT / relative).exists()
               or (ROOT / relative).read_text(encoding="utf-8") != text]
    figures = {rule.code: docs.figure_file(rule.code, evidence.get(rule.code)) for rule in rules}
    to_draw = {code: path for code, path in figures.items() if path is not None
               and (code in measured or not (ROOT / path).exists())}
    if options.check:
        changed += [path for code, path in to_draw.items() if code not in measured]
        for relative in changed:
            print(f"out of date: {relative}", file=sys.stderr)
        for path in orphans:
            print(f"no such rule any more: {path.relative_to(ROOT)}", file=sys.stderr)
        if changed or orphans:
            print(f"run: python {docs.GENERATOR} --no-prove", file=sys.stderr)
            return 1
        return 0

    for relative in changed:
        target = ROOT / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[relative], encoding="utf-8")
        print(f"wrote {relative}", file=sys.stderr)
    for path in orphans:
        path.unlink()
        print(f"removed {path.relative_to(ROOT)}", file=sys.stderr)
    problems += draw_figures(to_draw, evidence)
    for problem in problems:
        print(f"generate_docs: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
