"""Build benchmarks/heldout2_corpus.json from the mirrors (HEAD of each snapshot)."""

import sys
from pathlib import Path

from mirrors import Snapshot, print_counts, write_manifest

OUT = Path(__file__).resolve().parent / "heldout2_corpus.json"

# repo -> (era, include(path)->bool, extra paths)
SEL = {
    "keras-team/keras-rs": ("keras3", lambda p: True,
        ["examples/ml_perf/model.py", "examples/ml_perf/dataloader.py",
         "examples/ml_perf/configs/__init__.py", "examples/ml_perf/configs/v6e_8.py",
         "examples/ml_perf/configs/v6e_16.py", "examples/ml_perf/configs/v6e_16_full_dataset.py",
         "examples/ml_perf/configs/v6e_32_full_dataset.py", "examples/ml_perf/configs/v6e_8_full_dataset.py"]),
    "keras-team/autokeras": ("keras3", lambda p: not p.startswith("docs/ipynb/") and p != "docs/keras_autodoc/docstring.py", []),
    "wandb/examples": ("keras3", lambda p: p.startswith("colabs/keras/keras_core/"), []),
    "davidADSP/GDL_code": ("keras2", lambda p: True, []),  # extras below
    "thushv89/manning_tf2_in_action": ("keras2", lambda p: True, []),
    "GANs-in-Action/gans-in-action": ("keras2", lambda p: True, []),
    "niaid/bcbb-training-intro-to-deep-learning": ("keras2", lambda p: p.startswith("Python_Scripts"), []),
    "moelgendy/deep_learning_for_vision_systems": ("keras2", lambda p: ".ipynb_checkpoints" not in p, []),
    "PracticalDL/Practical-Deep-Learning-Book": ("keras2", lambda p: True, []),
    "chrismattmann/MLwithTensorFlow2ed": ("keras2", lambda p: True, []),
}

WHAT = ("kerascheck second held-out expert precision corpus (precision2): real Keras scripts, notebooks and project modules written by experts (book companion code, course material, Keras-team library examples, library code and tests) from repositories in neither benchmarks/expert_corpus.json nor benchmarks/heldout_corpus.json, at pinned commits. Only this list is kept; benchmarks/expert_corpus.py --corpus heldout2 lays the files out from git snapshots, lints them and joins the findings with benchmarks/heldout2_verdicts.csv.")


def main():
    files, seen = [], {}
    for repo, (era, keep, extra) in SEL.items():
        snapshot = Snapshot(repo)
        commit = snapshot.head()
        paths = [p for p in snapshot.grep_candidates(commit) if keep(p)]
        if repo == "davidADSP/GDL_code":
            tree = snapshot.tree(commit)
            paths += [p for p in tree if p.endswith(".py")]
            paths += [p for p in tree if p.endswith(".ipynb")]  # the whole project folder
        paths += extra
        for p in sorted(set(paths)):
            blob = snapshot.blob(commit, p)
            snapshot.git("cat-file", "-e", blob)
            if blob in seen:
                print(f"duplicate: {repo}/{p} = {seen[blob]}", file=sys.stderr)
                continue
            seen[blob] = f"{repo}/{p}"
            files.append({"repo": repo, "commit": commit, "path": p, "era": era})
    write_manifest(OUT, WHAT, files)
    print_counts(files)


if __name__ == "__main__":
    main()
