"""Figures of runtime proofs (``kerascheck prove ... --plot DIR``, the rule pages' images).

One figure kind per kind of evidence, not per rule, drawn only from the numbers the proof
measured (:attr:`kerascheck.proofkit.Evidence.figure`; nothing is re-run here):

* ``curves``: training loss per optimizer step, bad vs fixed (KC401, KC603, ...);
* ``distributions``: histograms of output values, bad vs fixed, with a reference line;
* ``bars``: any other evidence: its numeric measurements side by side (log scale when they
  span orders of magnitude), or, with none (an exception), the measurements as text.

matplotlib is an optional extra (``pip install 'kerascheck[plot]'``); it is imported only when
a figure is drawn, with the Agg backend (no display needed).
"""

from __future__ import annotations

import math
import os
import re

PLOT_HINT = "--plot needs matplotlib: pip install 'kerascheck[plot]'"
_BAD, _GOOD, _OTHER = "#c0392b", "#2e86c1", "#7f8c8d"


def matplotlib_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def figure_name(path: str | None, line: int | None, code: str) -> str:
    """``train.py:12 KC401`` -> ``train.py-L12-KC401.png`` (folders joined by ``_``); a
    catalog proof (no path) -> ``KC401.png``."""
    if not path:
        return f"{code}.png"
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", path.replace(os.sep, "_").lstrip("._"))
    return f"{stem}-L{line}-{code}.png"


def _color(label: str) -> str:
    lowered = label.lower()
    return _BAD if lowered.startswith("bad") else _GOOD if lowered.startswith("good") \
        else _OTHER


def _numeric(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def draw(evidence, target: str, title: str | None = None) -> str:
    """Draw ``evidence`` (an Evidence, or its stored record as a dict) to the PNG ``target``;
    returns ``target``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    record = evidence if isinstance(evidence, dict) else {
        "code": evidence.code, "summary": evidence.summary, "verdict": evidence.verdict,
        "measurements": evidence.measurements, "figure": evidence.figure}
    spec = record.get("figure") or {}
    figure, axes = plt.subplots(figsize=(6.4, 3.8), dpi=100)
    kind = spec.get("kind")
    if kind == "curves":
        _curves(axes, spec)
    elif kind == "distributions":
        _distributions(axes, spec)
    else:
        _bars(axes, record.get("measurements", {}))
    axes.set_title(title or spec.get("title") or record.get("code", ""), fontsize=10)
    summary = str(record.get("summary", ""))
    figure.text(0.5, 0.01, summary if len(summary) < 110 else summary[:107] + "...",
                ha="center", va="bottom", fontsize=7, color="#333333")
    figure.tight_layout(rect=(0, 0.05, 1, 1))
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    figure.savefig(target, metadata={"Software": None})  # no version stamp in the bytes
    plt.close(figure)
    return target


def _curves(axes, spec: dict) -> None:
    series = spec.get("series", {})
    for label, values in series.items():
        finite = [v if isinstance(v, (int, float)) and math.isfinite(v) else float("nan")
                  for v in values]
        total = spec.get("steps") or len(finite)
        steps = [round((index + 1) * total / len(finite)) for index in range(len(finite))]
        axes.plot(steps, finite, label=label, color=_color(label), linewidth=1.8)
        if any(math.isnan(v) for v in finite):
            axes.annotate("diverged (NaN)", xy=(0.98, 0.9), xycoords="axes fraction",
                          ha="right", color=_BAD, fontsize=8)
    values = [v for vs in series.values() for v in vs if _numeric(v) and math.isfinite(v)]
    if spec.get("log") and values and max(values) > 0:
        positive = [v for v in values if v > 0]
        if min(values) > 0:
            axes.set_yscale("log")
        else:  # a step's loss of 0 (or its float rounding): linear near zero
            axes.set_yscale("symlog", linthresh=min(positive))
    axes.set_xlabel(spec.get("x", "optimizer step") + " (each point: the mean of its steps)",
                    fontsize=8)
    axes.set_ylabel(spec.get("y", "loss"), fontsize=8)
    axes.legend(fontsize=8)


def _distributions(axes, spec: dict) -> None:
    series = spec.get("series", {})
    values = [v for vs in series.values() for v in vs if _numeric(v) and math.isfinite(v)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-6:
        low, high = low - 0.5, high + 0.5
    for label, data in series.items():
        axes.hist([v for v in data if _numeric(v) and math.isfinite(v)], bins=30,
                  range=(low, high), alpha=0.6, label=label, color=_color(label))
    if spec.get("reference") is not None:
        axes.axvline(spec["reference"], color="black", linestyle="--", linewidth=1,
                     label=f"{spec['reference']:g}")
    axes.set_xlabel(spec.get("x", "value"), fontsize=8)
    axes.set_ylabel("samples", fontsize=8)
    axes.legend(fontsize=8)


def _bars(axes, measurements: dict) -> None:
    numeric = {label: float(value) for label, value in measurements.items() if _numeric(value)
               and math.isfinite(value)}
    if not numeric:  # an exception or a shape: the evidence is text
        axes.axis("off")
        lines = [f"{label}: {value}" for label, value in measurements.items()]
        axes.text(0.0, 1.0, "\n".join(line[:95] for line in lines[:8]), va="top",
                  family="monospace", fontsize=7, transform=axes.transAxes)
        return
    labels = list(numeric)
    axes.barh(range(len(labels)), [abs(v) or 1e-12 for v in numeric.values()],
              color=[_color(label) for label in labels])
    axes.set_yticks(range(len(labels)), [label[:48] for label in labels], fontsize=7)
    axes.invert_yaxis()
    positive = [abs(v) for v in numeric.values() if v]
    if positive and max(positive) / min(positive) > 100:
        axes.set_xscale("log")
    for index, value in enumerate(numeric.values()):
        axes.annotate(f"{value:.3g}", xy=(abs(value) or 1e-12, index), fontsize=7,
                      va="center")
