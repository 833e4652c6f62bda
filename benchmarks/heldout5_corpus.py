"""The fifth held-out expert precision corpus (precision5): the same measurement as
``benchmarks/expert_corpus.py`` on repositories none of the other precision manifests
(``expert_corpus.json``, ``heldout_corpus.json``, ``heldout2`` to ``heldout4``) uses
(``benchmarks/HELDOUT5_CORPUS.md``). Every option of expert_corpus.py is accepted:

    python benchmarks/heldout5_corpus.py                 # lay out, lint, report
    python benchmarks/heldout5_corpus.py --strict        # exit 1 if a finding has no verdict
    python benchmarks/heldout5_corpus.py --list-unreviewed
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import expert_corpus  # noqa: E402

if __name__ == "__main__":
    sys.exit(expert_corpus.main_for("heldout5_corpus.json", "heldout5_verdicts.csv",
                                    "/work/corpora/heldout5"))
