"""The child process that runs failing constructs: ``python -m kerascheck.proofkit.construct_worker``.

It reads one JSON request per line on stdin, ``{"imports": [...], "setup": "...", "construct":
"..."}``, and answers one JSON line on stdout per request: what the installed Keras did with the
construct. Each request runs in a fresh namespace: the import lines first (each on its own, so
that one failing import is recorded and the others still bind their names; an import given as
``[line, fallback]`` falls back to the public path of the same name), then the setup
(stand-in model and data, never the user's code), then the construct itself, whose value is kept
as ``__result__``. The answer holds the exception (type and first line of its message), the
warnings raised, and a few attributes of the result that proofs measure (an optimizer's
``learning_rate``).

Nothing of kerascheck is imported here: the worker is a plain Python process with TensorFlow.
"""

from __future__ import annotations

import json
import os
import sys
import warnings


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines() or [""])[0][:300]


def _float_or_none(value):
    try:
        import numpy as np

        return float(np.asarray(value))
    except Exception:  # not a number (a schedule, a variable of another kind)
        return None


def run_request(request: dict) -> dict:
    """Run one request; never raises."""
    namespace: dict = {"__name__": "__kerascheck_construct__"}
    answer: dict = {"import_errors": [], "exception": None, "warnings": []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for entry in request.get("imports", []):
            line, fallback = (entry, None) if isinstance(entry, str) else entry
            try:
                exec(line, namespace)
            except Exception as error:
                answer["import_errors"].append([line, type(error).__name__, _first_line(error)])
                if fallback:  # the public path of the same name (a finding of its own)
                    try:
                        exec(fallback, namespace)
                        answer.setdefault("fallbacks", []).append([line, fallback])
                    except Exception:
                        pass
        try:
            exec(request.get("setup", ""), namespace)
        except Exception as error:
            answer["setup_error"] = [type(error).__name__, _first_line(error)]
            return answer
        try:
            if request.get("kind") == "statement":
                exec(request["construct"], namespace)
            else:
                exec(f"__result__ = (\n{request['construct']}\n)", namespace)
        except Exception as error:
            answer["exception"] = [type(error).__name__, _first_line(error)]
        else:
            result = namespace.get("__result__")
            answer["result_type"] = type(result).__name__
            rate = getattr(result, "learning_rate", None) if result is not None else None
            if rate is not None:
                answer["learning_rate"] = _float_or_none(rate)
        answer["warnings"] = [f"{w.category.__name__}: {str(w.message)[:300]}" for w in caught
                              if "decay" in str(w.message) or "deprecat" in str(w.message).lower()
                              or "argument" in str(w.message)]
    return answer


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    out = sys.stdout
    sys.stdout = sys.stderr  # anything Keras prints must not break the protocol
    import tensorflow  # noqa: F401  (imported once, before the first request)

    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = run_request(json.loads(line))
        except Exception as error:  # a malformed request
            answer = {"worker_error": f"{type(error).__name__}: {_first_line(error)}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
