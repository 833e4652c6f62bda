"""The shape of a rule.

A rule is one class in one module under ``kerascheck/rules/``, read top-down (Fixit's shape):

1. ``code``, ``name`` and ``summary`` (the public contract, never changed once shipped);
2. the docstring: Markdown sections ``## What it does``, ``## Why is this bad?``, ``## Example``
   (the bad code), ``## Use instead`` (the fix), ``## Fix safety``, ``## Runtime evidence`` and
   ``## References``. It drives ``kerascheck rule``, the generated docs and a meta-test; the
   Example must fire and the Use instead block must not;
3. ``invalid`` and ``valid`` examples. Every line of an invalid example that should be reported
   ends in ``# expect: KC201``; valid examples must produce nothing. They are the rule's tests;
4. the judgment: ``check_model`` over :class:`~kerascheck.facts.ModelFact` (shared by the linter
   and the runtime checks), or ``check_file`` for purely syntactic rules;
5. ``prove``: the runtime proof, which imports TensorFlow inside the function only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Iterable

from kerascheck.diagnostics import Finding, Related

if TYPE_CHECKING:
    from kerascheck.facts import FileFacts, ModelFact

SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "Use instead",
    "Fix safety",
    "Runtime evidence",
    "References",
)

_SECTION_RE = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_CODE_RE = re.compile(r"```python\n(.*?)```", re.DOTALL)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    #: "safe", "unsafe" or None: the fix this rule can offer
    fix_applicability: ClassVar[str | None] = None
    invalid: ClassVar[tuple[str, ...]] = ()
    valid: ClassVar[tuple[str, ...]] = ()

    #: whether the rule judges one output head against its loss, so that a model of several
    #: outputs with a loss per output is judged head by head (``ModelFact.views``)
    judges_each_output: ClassVar[bool] = False

    # -- the judgment ---------------------------------------------------------------------
    def check_file(self, facts: "FileFacts") -> Iterable[Finding]:
        """Findings for a whole file; by default, the findings of every model it builds (and
        of each output head, for rules that judge one)."""
        for model in facts.models:
            if self.judges_each_output and loss_scores_nothing(model):
                continue
            yield from self.check_model(model)
            if self.judges_each_output:
                for view in model.views:
                    yield from self.check_model(view)

    def check_model(self, model: "ModelFact") -> Iterable[Finding]:
        """Findings for one model (its layers, compile, fits, evaluations)."""
        return ()

    def covered(self, facts: "FileFacts") -> Iterable:
        """The nodes this rule leaves unreported because a finding it reports elsewhere in the
        same file covers them (one root cause, one report: the uses of a removed import). A
        file importing this module does not report them either: they are this module's."""
        return ()

    def finding(self, target, message: str, fix=None, related=(), home=None) -> Finding:
        """``related``: the finding's other ends, ``(target, message)`` pairs (a
        :class:`~kerascheck.diagnostics.Related` each; a target that is the finding's own is
        left out); ``home``: where in the linted file to report a target that lies in an
        imported project module (the call building the model), instead of at the import."""
        places = tuple(place if isinstance(place, Related) else Related(*place)
                       for place in related)
        return Finding(code=self.code, message=message, target=target, fix=fix,
                       related=places, home=home)

    # -- the docs -------------------------------------------------------------------------
    @classmethod
    def sections(cls) -> dict[str, str]:
        """The docstring's sections, by heading, in order."""
        doc = _dedent_doc(cls.__doc__ or "")
        headings = list(_SECTION_RE.finditer(doc))
        result = {}
        for i, heading in enumerate(headings):
            end = headings[i + 1].start() if i + 1 < len(headings) else len(doc)
            result[heading.group(1)] = doc[heading.end():end].strip()
        return result

    @classmethod
    def example_code(cls) -> str:
        return _first_code_block(cls.sections().get("Example", ""))

    @classmethod
    def use_instead_code(cls) -> str:
        return _first_code_block(cls.sections().get("Use instead", ""))

    @classmethod
    def family(cls) -> str:
        return FAMILIES.get(cls.code[:3], "other")

    # -- the runtime proof ----------------------------------------------------------------
    def prove(self):
        """Build the bad example and its fixed twin in TensorFlow and measure the difference.

        Returns a :class:`kerascheck.proofkit.Evidence`. Rules without a proof raise
        NotImplementedError.
        """
        raise NotImplementedError(f"{self.code} has no runtime proof")


def loss_scores_nothing(model: "ModelFact") -> bool:
    """A model compiled but never trained or evaluated itself, only called inside another model
    that the file keeps (a GAN's generator, compiled out of habit and used through the combined
    model and ``predict``): its own loss never scores anything, so the rules that judge an
    output against its loss leave it alone."""
    return model.used_as_layer and not model.escapes and not model.fits and not any(
        event.method.startswith(("train", "test", "evaluate", "fit")) for event in model.events)


FAMILIES = {
    "KC0": "syntax and suppressions",
    "KC1": "model structure and shapes",
    "KC2": "activations and initialization",
    "KC3": "output layer and loss",
    "KC4": "data",
    "KC5": "training and evaluation",
    "KC6": "API misuse",
}


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)


def _first_code_block(section: str) -> str:
    match = _CODE_RE.search(section)
    return match.group(1) if match else ""
