"""The fourth held-out expert precision corpus (precision4): the same measurement as
``benchmarks/expert_corpus.py`` on repositories none of the other precision manifests
(``expert_corpus.json``, ``heldout_corpus.json``, ``heldout2``, ``heldout3``) uses
(``benchmarks/HELDOUT4_CORPUS.md``). Every option of expert_corpus.py is accepted:

    python benchmarks/heldout4_corpus.py                 # lay out, lint, report
    python benchmarks/heldout4_corpus.py --strict        # exit 1 if a finding has no verdict
    python benchmarks/heldout4_corpus.py --list-unreviewed
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import expert_corpus  # noqa: E402

if __name__ == "__main__":
    sys.exit(expert_corpus.main_for("heldout4_corpus.json", "heldout4_verdicts.csv",
                                    "/work/corpora/heldout4"))
