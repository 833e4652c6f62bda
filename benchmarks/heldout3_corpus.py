"""The third held-out expert precision corpus (precision3): the same measurement as
``benchmarks/expert_corpus.py`` on repositories that none of ``benchmarks/expert_corpus.json``,
``benchmarks/heldout_corpus.json`` and ``benchmarks/heldout2_corpus.json`` uses
(``benchmarks/HELDOUT3_CORPUS.md``). Every option of expert_corpus.py is accepted:

    python benchmarks/heldout3_corpus.py                 # lay out, lint, report
    python benchmarks/heldout3_corpus.py --strict        # exit 1 if a finding has no verdict
    python benchmarks/heldout3_corpus.py --list-unreviewed
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import expert_corpus  # noqa: E402

if __name__ == "__main__":
    sys.exit(expert_corpus.main_for("heldout3_corpus.json", "heldout3_verdicts.csv",
                                    "/work/corpora/heldout3"))
