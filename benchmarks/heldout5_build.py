"""Build benchmarks/heldout5_corpus.json from the mirrors (HEAD of each snapshot)."""
import json, re, subprocess, sys
from pathlib import Path
MIRROR = Path("/work/.mirror"); OUT = Path(__file__).resolve().parent / "heldout5_corpus.json"
FIT = re.compile(rb"\.compile\(|\.fit\(|fit_generator")
KERAS = re.compile(rb"keras", re.I)
def gd(repo):
    base = MIRROR / repo.replace("/", "+") / "repo"
    return str(base / ".git") if (base / ".git" / "HEAD").is_file() else str(base)
def git(repo, *a):
    return subprocess.run(["git", "--git-dir", gd(repo), *a], check=True, capture_output=True).stdout
def show(repo, commit, p):
    r = subprocess.run(["git", "--git-dir", gd(repo), "show", f"{commit}:{p}"], capture_output=True)
    return r.stdout if r.returncode == 0 else None
def tree(repo, commit):
    return git(repo, "ls-tree", "-r", "--name-only", commit).decode().splitlines()
def blob(repo, commit, p):
    return git(repo, "rev-parse", f"{commit}:{p}").decode().strip()
def candidates(repo, commit, keep):
    out = []
    for p in tree(repo, commit):
        if not (p.endswith(".py") or p.endswith(".ipynb")) or not keep(p): continue
        if any(part.startswith(".") for part in p.split("/")[:-1]): continue
        if "/test" in "/" + p or p.endswith("_test.py"): continue   # library unit tests are not programs
        t = show(repo, commit, p)
        if t is None: print(f"blob absent in snapshot: {repo}/{p}", file=sys.stderr); continue
        if KERAS.search(t) and FIT.search(t): out.append(p)
    return out
def keras_modules(repo, commit, under):
    """the modules of a multi-file project: every .py under `under` that mentions keras (+ __init__.py)"""
    out = []
    for p in tree(repo, commit):
        if p.startswith(under) and p.endswith(".py") and not p.endswith("_test.py"):
            t = show(repo, commit, p)
            if t is not None and (KERAS.search(t) or p.endswith("__init__.py")): out.append(p)
    return out
IMPORT = re.compile(rb"^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import|import\s+([A-Za-z_][\w.]*))", re.M)
def with_local_imports(repo, commit, seeds):
    """seeds plus the repository-root modules they import (transitively): flat multi-file projects"""
    names = set(tree(repo, commit)); out, todo = [], list(seeds)
    while todo:
        p = todo.pop(0)
        if p in out: continue
        out.append(p)
        for m in IMPORT.finditer(show(repo, commit, p) or b""):
            mod = (m.group(1) or m.group(2)).decode().replace(".", "/") + ".py"
            if mod in names and mod not in out: todo.append(mod)
    return out
def zf(repo):  # ZFTurbo's competition solutions: the scripts that compile/fit and the modules they import
    return lambda c: with_local_imports(repo, c, candidates(repo, c, lambda p: True))
MEDIC_PKGS = ("medicai/__init__.py", "medicai/losses/", "medicai/metrics/", "medicai/models/", "medicai/layers/",
              "medicai/blocks/", "medicai/callbacks/", "medicai/utils/")
SEL = {  # repo -> (era, include(path), extra(commit) -> paths)
 # Mohammed Innat's medic-ai: Keras 3 (keras.ops) medical-imaging library; the training smoke test and the
 # package modules it imports (models, losses, metrics, layers, blocks, callbacks, utils)
 "innat/medic-ai": ("keras3", lambda p: p == "test/training/test_training_gpu_only.py",
     lambda c: [p for p in keras_modules("innat/medic-ai", c, "medicai/") if p.startswith(MEDIC_PKGS)]),
 # ASRT speech recognition (nl8590687): train/evaluate/predict scripts and the model modules they import
 "nl8590687/ASRT_SpeechRecognition": ("keras2", lambda p: True,
     lambda c: ["speech_model.py", "model_zoo/speech_model/keras_backend.py", "train_speech_model.py",
                "evaluate_speech_model.py", "predict_speech_file.py", "data_loader.py", "utils/ops.py",
                "utils/config.py", "speech_features/__init__.py", "speech_features/base.py",
                "speech_features/speech_features.py"]),
 "danielegrattarola/spektral": ("keras2", lambda p: p.startswith("examples/"), None),      # graph NNs
 "shenweichen/DeepCTR": ("keras2", lambda p: p.startswith("examples/"), None),             # CTR recommenders
 "tensorflow/similarity": ("keras2", lambda p: p.startswith(("examples/", "benchmark/")),  # metric learning
     None),
 "tensorflow/gnn": ("keras2", lambda p: p.startswith("examples/"), None),                  # tf-keras pinned
 "tensorflow/decision-forests": ("keras2", lambda p: p.startswith(("examples/", "documentation/")), None),
 "tensorflow/probability": ("keras2", lambda p: p.startswith("tensorflow_probability/examples/"), None),
 "csteinmetz1/findio": ("keras2", lambda p: p.startswith("train/"), None),                 # audio
 "basveeling/wavenet": ("keras2", lambda p: True, None),                                   # audio
 "massquantity/LibRecommender": ("keras2", lambda p: p.startswith("examples/"), None),     # recommender
 # mcfly (Netherlands eScience Center): Keras 3 (pyproject keras>=3.0) time-series classification; models built in
 # mcfly/models/*.py and modelgen.py, trained in find_architecture.py: the whole package
 "NLeSC/mcfly": ("keras3", lambda p: False, lambda c: [p for p in tree("NLeSC/mcfly", c) if p.startswith("mcfly/") and p.endswith(".py")]),
 # TF Model Remediation (MinDiff / counterfactual) guides and tutorials: Keras models wrapped in MinDiffModel (2023)
 "tensorflow/model-remediation": ("keras2", lambda p: p.startswith("docs/"), None),
 # keon's deep Q-learning agents (CartPole DQN / DDQN, 2017-2019, requirements: unpinned keras)
 "keon/deep-q-learning": ("keras2", lambda p: True, None),
 # Roman Solovyev (ZFTurbo), Kaggle grandmaster: competition solutions, flat multi-file projects (models in a01/a02
 # modules, trained in a25/a30/r21/r50 scripts), Keras 2.0 era (2017-2018)
 # ZFTurbo/Kaggle-Planet-Understanding-the-Amazon-from-Space was fetched and linted (135 findings, 17 files) but left out: too many findings to review by hand in the time
 "ZFTurbo/DrivenData-Pri-matrix-Factorization-2nd-Place-Solution": ("keras2", lambda p: False, zf("ZFTurbo/DrivenData-Pri-matrix-Factorization-2nd-Place-Solution")),
 # ZFTurbo/KAGGLE_CERVICAL_CANCER_2017 was fetched and linted (85 findings) but left out: it targets Keras 1.2.2 (README), not an era of this manifest, and the time was short
}
def main():
    files, seen = [], {}
    for repo, (era, keep, extra) in SEL.items():
        commit = git(repo, "rev-parse", "HEAD").decode().strip()
        paths = candidates(repo, commit, keep); n_seed = len(paths)
        if extra: paths += [p for p in extra(commit) if p not in paths]
        for i, p in enumerate(paths):
            if show(repo, commit, p) is None: print(f"absent: {repo}/{p}", file=sys.stderr); continue
            b = blob(repo, commit, p)
            # a duplicate is dropped, except a module another laid-out file imports from its own folder
            if b in seen and i < n_seed and not p.endswith("__init__.py"):
                print(f"duplicate blob: {repo}/{p} = {seen[b]}", file=sys.stderr); continue
            seen.setdefault(b, f"{repo}/{p}")
            files.append({"repo": repo, "commit": commit, "path": p, "era": era})
    OUT.write_text(json.dumps({
        "what": "precision5: the fifth held-out expert precision corpus (see HELDOUT5_CORPUS.md)",
        "fields": {"repo": "GitHub owner/name", "commit": "pinned commit (40 hex)",
                   "path": "file path in the repository", "era": "keras2 or keras3: the Keras the file targets"},
        "files": files}, indent=1) + "\n")
    print(len(files), "files")
if __name__ == "__main__": main()
