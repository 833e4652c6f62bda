"""Build benchmarks/heldout3_corpus.json from the mirrors (HEAD of each snapshot)."""
import json, re, subprocess, sys, collections
from pathlib import Path
MIRROR = Path("/work/.mirror"); OUT = Path(__file__).resolve().parent / "heldout3_corpus.json"
FIT = re.compile(rb"\.compile\(|\.fit\(|fit_generator")
def gd(repo): return str(MIRROR / repo.replace("/", "+") / "repo")
def git(repo, *a, check=True):
    return subprocess.run(["git", "--git-dir", gd(repo), *a], check=check, capture_output=True).stdout
def show(repo, commit, p):
    r = subprocess.run(["git", "--git-dir", gd(repo), "show", f"{commit}:{p}"], capture_output=True)
    return r.stdout if r.returncode == 0 else None
def candidates(repo, commit):
    names = git(repo, "grep", "-l", "-i", "keras", commit, "--", "*.py", "*.ipynb", check=False).decode().splitlines()
    out = []
    for n in names:
        p = n.split(":", 1)[1]; t = show(repo, commit, p)
        if t is None: print(f"blob absent in snapshot: {repo}/{p}", file=sys.stderr); continue
        if FIT.search(t): out.append(p)
    return out
ASL_TRAINER = "asl_core/notebooks/building_production_ml_systems/solutions/taxifare/trainer/"
PACKT2 = set(subprocess.run(["git", "--git-dir", gd("PacktPublishing/Deep-Learning-with-TensorFlow-2-and-Keras"), "ls-tree", "-r",
    "--name-only", "HEAD"], check=True, capture_output=True, text=True).stdout.split("\n"))
PACKT2 = {p.rsplit("/", 1)[-1] for p in PACKT2}
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
ERA = json.load(open(Path(__file__).parent / "heldout3_eras.json")) if (Path(__file__).parent / "heldout3_eras.json").exists() else {}
def main():
    files, seen = [], {}
    for repo, (era, keep, extra) in SEL.items():
        commit = git(repo, "rev-parse", "HEAD").decode().strip()
        paths = [p for p in candidates(repo, commit) if keep(p)]
        if extra == "ALLPY":
            paths += [p for p in git(repo, "ls-tree", "-r", "--name-only", commit).decode().splitlines() if p.endswith(".py")]
        else: paths += extra
        for p in sorted(set(paths)):
            blob = git(repo, "rev-parse", f"{commit}:{p}").decode().strip()
            if blob in seen: print(f"duplicate: {repo}/{p} = {seen[blob]}", file=sys.stderr); continue
            seen[blob] = f"{repo}/{p}"
            e = ERA.get(f"{repo}/{p}") or era or "keras3"
            files.append({"repo": repo, "commit": commit, "path": p, "era": e})
    OUT.write_text(json.dumps({
        "what": "kerascheck third held-out expert precision corpus (precision3): real Keras notebooks, scripts and project modules written by experts (Google Cloud's Advanced Solutions Lab course solutions, the new chapters of a Packt book's third edition, deeplearning.ai course labs, a vendor's example folder, d2l-ai's TensorFlow notebooks with their d2l module, two published research code bases laid out whole) from repositories in none of benchmarks/expert_corpus.json, benchmarks/heldout_corpus.json and benchmarks/heldout2_corpus.json, at pinned commits. Only this list is kept; benchmarks/heldout3_corpus.py lays the files out from git snapshots, lints them and joins the findings with benchmarks/heldout3_verdicts.csv.",
        "fields": {"repo": "GitHub owner/name", "commit": "pinned commit", "path": "file in the repository",
                   "era": "the Keras the file was written for, as judged when the corpus was assembled: keras2 (tf.keras of TF <= 2.15, standalone Keras 2, TF 1.x) or keras3"},
        "files": files}, indent=1) + "\n")
    c = collections.Counter((f["repo"], f["era"], f["path"].endswith(".ipynb")) for f in files)
    for k, v in sorted(c.items()): print(k, v)
    print(len(files))
main()
