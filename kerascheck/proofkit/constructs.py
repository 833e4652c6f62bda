"""Proving API findings: the failing construct taken from the user's code, run in the installed
Keras in a child process (:mod:`kerascheck.proofkit.construct_worker`).

An API finding (a path that does not exist, a removed argument, an integer shape, a fit before
compile) is not about a model's behaviour but about what Keras does with one construct. The
runtime side (:mod:`kerascheck.runtime.constructs`) cuts that construct out of the user's source
(the import line, the dotted path, the constructor call with the user's literal arguments; never
the script) into a :class:`ConstructSubject`; the rule's ``prove(subject)`` runs it here and
says whether Keras raised, warned or ignored the value.

One worker process per Keras flavour (Keras 3; ``tf_keras`` behind ``TF_USE_LEGACY_KERAS=1``)
serves the whole run, so TensorFlow is imported once per flavour, not once per finding.
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

from kerascheck.proofkit.evidence import CannotMeasure, Evidence

_WORKERS: dict[bool, subprocess.Popen] = {}
_TIMEOUT_NOTE = "the child process did not answer"


@dataclass
class ConstructSubject:
    """The failing construct of one finding, as it will run in the child process.

    ``imports`` are the user's own import lines of TensorFlow/Keras that the construct needs,
    ``setup`` stand-ins the construct needs around it (a tiny model, a tiny data set), and
    ``construct`` the expression taken from the user's code. ``legacy`` runs it on ``tf_keras``
    (``TF_USE_LEGACY_KERAS=1``). ``arguments`` are the user's literal keyword arguments of the
    construct (for checks such as "the learning rate was ignored"), ``stand_ins`` says in words
    what was not the user's (shown in the evidence).
    """

    finding: object
    construct: str
    imports: list = field(default_factory=list)
    setup: str = ""
    legacy: bool = False
    arguments: dict = field(default_factory=dict)
    stand_ins: list = field(default_factory=list)
    kind: str = "expression"  # or "statement" (an import line)
    fact: object = None  # a construct has no model facts

    @property
    def model(self):
        """A construct has no model: a proof that measures a model cannot use it."""
        raise NotImplementedError("this proof measures a model, not a single construct")

    input_shape = model

    @property
    def shown_construct(self) -> str:
        """The construct as the evidence shows it (stand-in names in plain words)."""
        text = self.construct.strip()
        for internal, plain in (("__keras__.", "keras."), ("__model__", "model"),
                                ("__x__", "x"), ("__y__", "y")):
            text = text.replace(internal, plain)
        return text

    @property
    def keras_name(self) -> str:
        return "tf_keras (Keras 2)" if self.legacy else "Keras 3"

    def run(self) -> dict:
        """What the installed Keras did with the construct (see the worker's answer)."""
        return run_construct(self.imports, self.setup, self.construct, legacy=self.legacy,
                             kind=self.kind)


def run_construct(imports: list, setup: str, construct: str, legacy: bool = False,
                  kind: str = "expression", timeout: float = 120.0) -> dict:
    """Run one construct in the worker process of its Keras flavour; raises CannotMeasure when
    the worker cannot start or dies."""
    worker = _worker(legacy, timeout)
    request = json.dumps({"imports": imports, "setup": setup, "construct": construct,
                          "kind": kind})
    try:
        worker.stdin.write(request + "\n")
        worker.stdin.flush()
        line = worker.stdout.readline()
    except (BrokenPipeError, OSError):
        line = ""
    if not line:
        _WORKERS.pop(legacy, None)
        raise CannotMeasure(f"{_TIMEOUT_NOTE} (it exited with {worker.poll()})")
    return json.loads(line)


def _worker(legacy: bool, timeout: float) -> subprocess.Popen:
    worker = _WORKERS.get(legacy)
    if worker is not None and worker.poll() is None:
        return worker
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
                       PYTHONHASHSEED="0")
    environment.pop("TF_USE_LEGACY_KERAS", None)
    if legacy:
        environment["TF_USE_LEGACY_KERAS"] = "1"
    worker = subprocess.Popen(
        [sys.executable, "-m", "kerascheck.proofkit.construct_worker"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=environment)
    ready = worker.stdout.readline()
    if not ready.strip().startswith("{"):
        worker.kill()
        raise CannotMeasure(f"{_TIMEOUT_NOTE}: TensorFlow could not be imported in it")
    _WORKERS[legacy] = worker
    return worker


@atexit.register
def stop_workers() -> None:
    """Close the workers' input so they exit; called at exit."""
    for worker in list(_WORKERS.values()):
        try:
            worker.stdin.close()
            worker.wait(timeout=10)
        except Exception:
            worker.kill()
    _WORKERS.clear()


def construct_evidence(code: str, subject: ConstructSubject, exceptions: tuple,
                       ignored_keyword: str | None = None, warned_keyword: str | None = None,
                       message_contains: str | None = None) -> Evidence:
    """Run ``subject``'s construct and judge it: the symptom is shown when Keras raises one of
    ``exceptions`` (whose message contains ``message_contains``, when given), or when the value
    of ``ignored_keyword`` (a learning rate) is silently not the optimizer's rate, or when a
    warning names ``warned_keyword``. Raises NotImplementedError for a rebuilt model (these
    proofs run constructs, not models)."""
    if not isinstance(subject, ConstructSubject):
        raise NotImplementedError("this proof runs the failing construct, not a model")
    answer = subject.run()
    measurements = {"construct (from your code)": subject.shown_construct,
                    "Keras": subject.keras_name}
    for line, kind, message in answer.get("import_errors", [])[1:]:
        measurements[f"import failed: {line}"] = f"{kind}: {message}"
    if "setup_error" in answer:
        raise CannotMeasure(f"the stand-in around the construct failed: "
                            f"{': '.join(answer['setup_error'])}")
    for line, fallback in answer.get("fallbacks", []):
        subject.stand_ins.append(f"`{line}` failed (a finding of its own); `{fallback}` "
                                 f"used instead")
    error = answer.get("exception")
    if error is not None and error[0] == "NameError" and answer.get("import_errors"):
        # the construct's own name did not import: that import's failure is what Keras does
        failed = answer["import_errors"][0]
        measurements["failing import"] = failed[0]
        error = failed[1:]
    shown, summary = False, "Keras accepts it"
    if error is not None:
        measurements["exception"] = f"{error[0]}: {error[1]}"
        if error[0] in exceptions and (message_contains is None or message_contains in error[1]):
            shown, summary = True, f"{subject.keras_name} raises {error[0]}"
        else:
            summary = f"{subject.keras_name} raises {error[0]}, not the expected " \
                      f"{'/'.join(exceptions)}"
    elif ignored_keyword and ignored_keyword in subject.arguments:
        given = subject.arguments[ignored_keyword]
        actual = answer.get("learning_rate")
        measurements[f"{ignored_keyword}= given"] = given
        measurements["optimizer's learning rate"] = actual if actual is not None else "none"
        if isinstance(given, (int, float)) and actual is not None and \
                abs(float(given) - actual) > 1e-9 * max(1.0, abs(float(given))):
            shown = True
            summary = f"{subject.keras_name} silently ignores `{ignored_keyword}=`: the " \
                      f"learning rate stays {actual:g}"
    if not shown and warned_keyword:
        warned = [w for w in answer.get("warnings", []) if warned_keyword in w]
        if warned:
            measurements["warning"] = warned[0]
            shown = True
            summary = f"{subject.keras_name} ignores `{warned_keyword}=` after a warning"
    if error is None and not shown:
        measurements["result"] = answer.get("result_type", "none")
    if subject.stand_ins:
        measurements["stand-ins (not from your code)"] = "; ".join(subject.stand_ins)
    return Evidence(code=code, verdict=shown, summary=summary, measurements=measurements)
