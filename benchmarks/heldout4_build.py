"""Build benchmarks/heldout4_corpus.json from the mirrors (HEAD of each snapshot)."""
import json, re, subprocess, sys, collections, hashlib
from pathlib import Path
MIRROR = Path("/work/.mirror"); OUT = Path(__file__).resolve().parent / "heldout4_corpus.json"
FIT = re.compile(rb"\.compile\(|\.fit\(|fit_generator")
KERAS = re.compile(rb"keras", re.I)
def gd(repo): return str(MIRROR / repo.replace("/", "+") / "repo")
def git(repo, *a, check=True):
    return subprocess.run(["git", "--git-dir", gd(repo), *a], check=check, capture_output=True).stdout
def show(repo, commit, p):
    r = subprocess.run(["git", "--git-dir", gd(repo), "show", f"{commit}:{p}"], capture_output=True)
    return r.stdout if r.returncode == 0 else None
def tree(repo, commit):
    return git(repo, "ls-tree", "-r", "--name-only", commit).decode().splitlines()
def candidates(repo, commit, keep):
    out = []
    for p in tree(repo, commit):
        if not (p.endswith(".py") or p.endswith(".ipynb")) or not keep(p): continue
        if any(part.startswith(".") for part in p.split("/")[:-1]): continue  # .ipynb_checkpoints copies (and the walk skips them)
        t = show(repo, commit, p)
        if t is None: print(f"blob absent in snapshot: {repo}/{p}", file=sys.stderr); continue
        if KERAS.search(t) and FIT.search(t): out.append(p)
    return out
def keras_modules(repo, commit, under):
    """extra modules of a multi-file project: every .py under `under` that mentions keras"""
    out = []
    for p in tree(repo, commit):
        if p.startswith(under) and p.endswith(".py") and "_test" not in p and "_tst" not in p:
            t = show(repo, commit, p)
            if t is not None and (KERAS.search(t) or p.endswith("__init__.py")): out.append(p)
    return out
NV_TUT = "examples/tutorials/self-paced-training/part-4_advanced_federated_learning/chapter-7_algorithms_and_workflows/07.2_algorithms/07.2.1_advanced_algos/"
# integrations/neo4j/ is an older copy of real-time-ai-systems/aml/ (same anomaly_detection.py): left out
HOPS = ("real-time-ai-systems/aml/", "llm-ai-systems/recommender-system/", "real-time-ai-systems/tiktok_recsys/python/Jupyter/")
SEL = {  # repo -> (era, include(path), extra(commit) -> paths)
 # Magnus Ekman's "Learning Deep Learning" (NVIDIA DLI): the book's .py scripts (the c*.ipynb are the
 # same programs as notebooks, so they are left out) and the video course notebooks (v*.ipynb)
 "NVDLI/LDL": ("keras3", lambda p: p.startswith("tf_framework/") and (p.endswith(".py") or p.rsplit("/", 1)[-1].startswith("v")), None),
 # NVIDIA FLARE TensorFlow examples: federated clients that train a model built in a sibling module
 "NVIDIA/NVFlare": ("keras3", lambda p: p.startswith("examples/"),
     lambda c: ["examples/advanced/cifar10/tf/src/model.py", "examples/advanced/cifar10/tf/src/data/cifar10_data_utils.py",
                "examples/advanced/job_api/tf/src/tf_net.py", "examples/advanced/job_api/tf/src/cifar10_data_split.py",
                "examples/hello-world/hello-tf/model.py", "examples/hello-world/hello-cyclic/model.py",
                NV_TUT + "src/tf_net.py", NV_TUT + "src/cifar10_data_split.py"]),
 "optuna/optuna-examples": (None, lambda p: True, None),
 # Deep Learning and the Game of Go (Pumperla & Ferguson, Manning): the scripts and the dlgo modules they import
 "maxpumperla/deep_learning_and_the_game_of_go": ("keras2", lambda p: p.startswith("code/"),
     lambda c: keras_modules("maxpumperla/deep_learning_and_the_game_of_go", c, "code/dlgo/")),
 "logicalclocks/hopsworks-tutorials": ("keras2", lambda p: p.startswith(HOPS),
     lambda c: ["real-time-ai-systems/aml/anomaly_detection.py"]),  # the model the aml notebook imports
 "alexeygrigorev/mlbookcamp-code": ("keras2", lambda p: True, None),
 "DataTalksClub/machine-learning-zoomcamp": ("keras2", lambda p: True, None),
 # Harvard CS109B (2021, Protopapas, Glickman, Tanner): lecture and section notebooks; docs/ is the rendered site copy
 "Harvard-IACS/2021-CS109B": ("keras2", lambda p: p.startswith("content/") and "scaffold" not in p and "_students" not in p, None),  # scaffolds/student copies have blanks
}
ERA = {"optuna/optuna-examples/tensorflow/tensorflow_estimator_integration.py": "keras2",
       "optuna/optuna-examples/tensorflow/tensorflow_estimator_simple.py": "keras2"}
def main():
    files, seen = [], {}
    for repo, (era, keep, extra) in SEL.items():
        commit = git(repo, "rev-parse", "HEAD").decode().strip()
        paths = candidates(repo, commit, keep)
        extras = set(extra(commit)) if extra else set()
        for p in sorted(set(paths) | extras):
            blob = git(repo, "rev-parse", f"{commit}:{p}").decode().strip()
            # a project module another file imports stays even when byte-identical to another file
            if blob in seen and p in extras: print(f"kept duplicate module: {repo}/{p} = {seen[blob]}", file=sys.stderr)
            elif blob in seen: print(f"duplicate: {repo}/{p} = {seen[blob]}", file=sys.stderr); continue
            seen[blob] = f"{repo}/{p}"
            e = ERA.get(f"{repo}/{p}") or era or "keras3"
            files.append({"repo": repo, "commit": commit, "path": p, "era": e})
    OUT.write_text(json.dumps({
        "what": "kerascheck fourth held-out expert precision corpus (precision4): real Keras scripts, notebooks and project modules written by experts (the TensorFlow code of NVIDIA DLI's Learning Deep Learning book and video course, NVIDIA FLARE's federated TensorFlow examples, Optuna's Keras examples, the Manning Deep Learning and the Game of Go code with its dlgo package, Hopsworks' recommender and anti-money-laundering tutorials, Alexey Grigorev's ML Bookcamp and ML Zoomcamp deep-learning notebooks, Harvard CS109B 2021 lecture and section notebooks) from repositories in none of the four earlier precision manifests nor the bug corpus, at pinned commits. Only this list is kept; heldout4_corpus.py lays the files out from git snapshots, lints them and joins the findings with heldout4_verdicts.csv.",
        "fields": {"repo": "GitHub owner/name", "commit": "pinned commit", "path": "file in the repository",
                   "era": "the Keras the file was written for, as judged when the corpus was assembled: keras2 (tf.keras of TF <= 2.15, standalone Keras 2, TF 1.x) or keras3"},
        "files": files}, indent=1) + "\n")
    c = collections.Counter((f["repo"], f["era"], f["path"].endswith(".ipynb")) for f in files)
    for k, v in sorted(c.items()): print(k, v)
    print(len(files))
main()
