"""Build benchmarks/heldout2_corpus.json from the mirrors (HEAD of each snapshot)."""
import json, re, subprocess, sys
from pathlib import Path

MIRROR = Path("/work/.mirror")
OUT = Path(__file__).resolve().parent / "heldout2_corpus.json"
FIT = re.compile(rb"\.compile\(|\.fit\(|fit_generator")

def gd(repo):
    return str(MIRROR / repo.replace("/", "+") / "repo")

def git(repo, *a):
    return subprocess.run(["git", "--git-dir", gd(repo), *a], check=True, capture_output=True).stdout

def candidates(repo, commit):
    names = git(repo, "grep", "-l", "-i", "keras", commit, "--", "*.py", "*.ipynb").decode().splitlines()
    out = []
    for n in names:
        p = n.split(":", 1)[1]
        if FIT.search(git(repo, "show", f"{commit}:{p}")):
            out.append(p)
    return out

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

def main():
    files, seen = [], {}
    for repo, (era, keep, extra) in SEL.items():
        commit = git(repo, "rev-parse", "HEAD").decode().strip()
        paths = [p for p in candidates(repo, commit) if keep(p)]
        if repo == "davidADSP/GDL_code":
            tree = git(repo, "ls-tree", "-r", "--name-only", commit).decode().splitlines()
            paths += [p for p in tree if p.endswith(".py")]
            paths += [p for p in tree if p.endswith(".ipynb")]  # the whole project folder
        paths += extra
        for p in sorted(set(paths)):
            blob = git(repo, "rev-parse", f"{commit}:{p}").decode().strip()
            git(repo, "cat-file", "-e", blob)
            if blob in seen:
                print(f"duplicate: {repo}/{p} = {seen[blob]}", file=sys.stderr); continue
            seen[blob] = f"{repo}/{p}"
            files.append({"repo": repo, "commit": commit, "path": p, "era": era})
    OUT.write_text(json.dumps({
        "what": "kerascheck second held-out expert precision corpus (precision2): real Keras scripts, notebooks and project modules written by experts (book companion code, course material, Keras-team library examples, library code and tests) from repositories in neither benchmarks/expert_corpus.json nor benchmarks/heldout_corpus.json, at pinned commits. Only this list is kept; /work/precision2/heldout2_corpus.py lays the files out from git snapshots, lints them and joins the findings with /work/precision2/heldout2_verdicts.csv.",
        "fields": {"repo": "GitHub owner/name", "commit": "pinned commit", "path": "file in the repository",
                   "era": "the Keras the file was written for, as judged when the corpus was assembled: keras2 (tf.keras of TF <= 2.15, standalone Keras 2, TF 1.x) or keras3"},
        "files": files}, indent=1) + "\n")
    import collections
    c = collections.Counter((f["repo"], f["era"], f["path"].endswith(".ipynb")) for f in files)
    for k, v in sorted(c.items()): print(k, v)
    print(len(files))

main()
