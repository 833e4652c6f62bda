"""The second held-out expert precision corpus (precision2): the same measurement as
``benchmarks/expert_corpus.py`` on repositories that neither
``benchmarks/expert_corpus.json`` nor ``benchmarks/heldout_corpus.json`` uses.

It reuses expert_corpus.py's layout, lint and report with another manifest
(``benchmarks/heldout2_corpus.json``), another verdict table
(``benchmarks/heldout2_verdicts.csv``) and another default root
(``/work/corpora/heldout2``). Every option of expert_corpus.py is accepted:

    python benchmarks/heldout2_corpus.py                 # lay out, lint, report
    python benchmarks/heldout2_corpus.py --strict        # exit 1 if a finding has no verdict
    python benchmarks/heldout2_corpus.py --list-unreviewed
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import expert_corpus  # noqa: E402

if __name__ == "__main__":
    sys.exit(expert_corpus.main_for("heldout2_corpus.json", "heldout2_verdicts.csv",
                                    "/work/corpora/heldout2"))
