"""The tables one analysis keeps beside the interpreter's own state: what the modules that
follow preprocessors, statistics, rows, rescaled images, loops and downloads remember between
the calls the interpreter makes of them. One :class:`Tables` per
:class:`~kerascheck.analysis.interpreter.Analyzer` (``analyzer.tables``, made in its
``__init__``), so each lives and dies with its analysis; the keys are data identities or the
``id()`` of nodes and facts of that analysis."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(eq=False)
class Tables:
    # own_statistics.py: what each statistic value (``X.mean()``) was computed from
    own_statistic_of: dict = field(default_factory=dict)
    # preprocessors.py and own_statistics.py: (scaler instance or "own", data identity) -> the
    # StatisticsFitFact that learned those statistics last (one root cause, one report)
    statistics_fit_of: dict = field(default_factory=dict)
    own_fits: set = field(default_factory=set)  # id() of the fits that are own statistics
    # preprocessors.py: data identity -> the head and tail cuts of it seen, ("head", n) ...
    row_cuts: dict = field(default_factory=dict)
    # rows.py: identity of an array or list filled in a loop -> the identities it was filled from
    filled_from: dict = field(default_factory=dict)
    # rows.py: the lists that became data, kept for the analysis's life so that the id() in
    # their identity ("rows", id) is never another list's (a helper's list is freed on return)
    gathered: list = field(default_factory=list)
    # rescaling.py: identities of decoded 8-bit images and of images converted to [0, 1]
    decoded_pixels: set = field(default_factory=set)
    unit_range: set = field(default_factory=set)
    # loops.py, read by refits.py: id() of each ``for`` statement -> the statement, and of each
    # loop over a splitter's folds -> (splitter node id, its qualname, its n_splits value)
    loop_nodes: dict = field(default_factory=dict)
    fold_loops: dict = field(default_factory=dict)
    # loops.py: id() of a ``for`` over an exact list of layers -> the layers, one per round
    layer_rounds: dict = field(default_factory=dict)
    # archives.py: saved file -> (url, id of the shell line) or None, read once from the
    # module's masked shell lines (None until then); folder -> what filled it, or None
    downloads: dict | None = None
    folders: dict = field(default_factory=dict)
    # origins.py: fnmatch patterns of the tables the module writes (``df.to_csv(path)``), read
    # once, at its first tabular load (None until then)
    written_tables: list | None = None
