"""Build benchmarks/heldout3_corpus.json from the mirrors (HEAD of each snapshot)."""

import json
import sys
from pathlib import Path

from mirrors import Snapshot, print_counts, write_manifest

OUT = Path(__file__).resolve().parent / "heldout3_corpus.json"
ERAS = Path(__file__).resolve().parent / "heldout3_eras.json"  # eras judged file by file

ASL_TRAINER = "asl_core/notebooks/building_production_ml_systems/solutions/taxifare/trainer/"
PACKT2 = {p.rsplit("/", 1)[-1] for p in
          Snapshot("PacktPublishing/Deep-Learning-with-TensorFlow-2-and-Keras").tree("HEAD")}
SEL = {  # repo -> (era (str or path->str), include(path), extra paths)
 "GoogleCloudPlatform/asl-ml-immersion": ("keras3",
     lambda p: "/labs/" not in p and (p.startswith("asl_core/notebooks/") or p.startswith("asl_core/scaffolds/")),
     [ASL_TRAINER + "__init__.py", ASL_TRAINER + "model.py", ASL_TRAINER + "task.py"]),
 # the 3rd edition reuses most of the 2nd edition's files (benchmarks/heldout_corpus.json): keep only
 # files whose name appears nowhere in the 2nd edition's tree
 "PacktPublishing/Deep-Learning-with-TensorFlow-and-Keras-3rd-edition": ("keras2", lambda p: p.rsplit("/", 1)[-1] not in PACKT2, []),
 "https-deeplearning-ai/tensorflow-2-public": ("keras2", lambda p: "/ungraded_labs/" in p or p.endswith("_Solution.ipynb"), []),
 "comet-ml/comet-examples": (None, lambda p: True, []),
 "d2l-ai/d2l-tensorflow-colab": ("keras2", lambda p: not p.startswith("d2l/") or p == "d2l/tensorflow.py", ["d2l/__init__.py", "d2l/tensorflow.py"]),
 "hfawaz/dl-4-tsc": ("keras2", lambda p: True, "ALLPY"),
 "hfawaz/InceptionTime": ("keras2", lambda p: True, "ALLPY"),
}
WHAT = ("kerascheck third held-out expert precision corpus (precision3): real Keras notebooks, scripts and project modules written by experts (Google Cloud's Advanced Solutions Lab course solutions, the new chapters of a Packt book's third edition, deeplearning.ai course labs, a vendor's example folder, d2l-ai's TensorFlow notebooks with their d2l module, two published research code bases laid out whole) from repositories in none of benchmarks/expert_corpus.json, benchmarks/heldout_corpus.json and benchmarks/heldout2_corpus.json, at pinned commits. Only this list is kept; benchmarks/expert_corpus.py --corpus heldout3 lays the files out from git snapshots, lints them and joins the findings with benchmarks/heldout3_verdicts.csv.")


def main():
    era_of = json.loads(ERAS.read_text()) if ERAS.exists() else {}
    files, seen = [], {}
    for repo, (era, keep, extra) in SEL.items():
        snapshot = Snapshot(repo)
        commit = snapshot.head()
        paths = [p for p in snapshot.grep_candidates(commit) if keep(p)]
        if extra == "ALLPY":
            paths += [p for p in snapshot.tree(commit) if p.endswith(".py")]
        else:
            paths += extra
        for p in sorted(set(paths)):
            blob = snapshot.blob(commit, p)
            if blob in seen:
                print(f"duplicate: {repo}/{p} = {seen[blob]}", file=sys.stderr)
                continue
            seen[blob] = f"{repo}/{p}"
            files.append({"repo": repo, "commit": commit, "path": p,
                          "era": era_of.get(f"{repo}/{p}") or era or "keras3"})
    write_manifest(OUT, WHAT, files)
    print_counts(files)


if __name__ == "__main__":
    main()
