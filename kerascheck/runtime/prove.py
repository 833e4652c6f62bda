"""``kerascheck prove``: run the catalog's proofs (each rule's ``prove()``), or prove a user's
findings on their own model (:mod:`kerascheck.runtime.rebuild`)."""

from __future__ import annotations

from kerascheck.proofkit import Evidence, Subject, number


def prove(code: str, subject: Subject | None = None) -> Evidence:
    """Run the proof of the rule named by ``code`` (a code such as ``KC201`` or a name).

    Raises KeyError for an unknown rule, NotImplementedError when the rule has no proof and
    :class:`RuntimeUnavailable` without TensorFlow.
    """
    from kerascheck.rules import rule_by_code_or_name

    rule_class = rule_by_code_or_name(code)
    if rule_class is None:
        raise KeyError(f"unknown rule {code!r}")
    rule = rule_class()
    if subject is None:
        return rule.prove()
    return rule.prove(subject)


def provable_codes() -> list[str]:
    """Codes of the rules that define a proof of their own."""
    from kerascheck.rules import all_rules
    from kerascheck.rules.base import Rule

    return [rule.code for rule in all_rules() if rule.prove is not Rule.prove]


def format_evidence(evidence: Evidence) -> str:
    """One table row per proof, then its measurements indented under it."""
    from kerascheck.rules import rule_name

    verdict = "holds" if evidence.verdict else "FAILS"
    lines = [f"{evidence.code}  {rule_name(evidence.code):<34} {verdict:<5}  {evidence.summary}"]
    width = max((len(label) for label in evidence.measurements), default=0)
    for label, value in evidence.measurements.items():
        lines.append(f"       {label:<{width}}  {number(value)}")
    return "\n".join(lines)


def prove_codes(codes: list[str], plot=None) -> int:
    """Print each rule's proof; ``plot(evidence)``, when given, draws its figure."""
    all_hold = True
    for code in codes:
        try:
            evidence = prove(code)
        except NotImplementedError:
            print(f"{code}  no runtime proof yet")
            all_hold = False
            continue
        print(format_evidence(evidence), flush=True)
        if plot is not None:
            print(f"       figure: {plot(evidence)}", flush=True)
        all_hold = all_hold and evidence.verdict
    held = "every verdict holds" if all_hold else "some verdicts do not hold"
    print(f"{len(codes)} proof{'s' if len(codes) != 1 else ''} run: {held}.")
    return 0 if all_hold else 1
