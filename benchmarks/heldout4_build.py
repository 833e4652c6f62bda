"""Build benchmarks/heldout4_corpus.json from the mirrors (HEAD of each snapshot)."""

import sys
from pathlib import Path

from mirrors import Snapshot, print_counts, write_manifest

OUT = Path(__file__).resolve().parent / "heldout4_corpus.json"

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
     lambda c: Snapshot("maxpumperla/deep_learning_and_the_game_of_go").keras_modules(
         c, "code/dlgo/", lambda p: "_test" in p or "_tst" in p)),
 "logicalclocks/hopsworks-tutorials": ("keras2", lambda p: p.startswith(HOPS),
     lambda c: ["real-time-ai-systems/aml/anomaly_detection.py"]),  # the model the aml notebook imports
 "alexeygrigorev/mlbookcamp-code": ("keras2", lambda p: True, None),
 "DataTalksClub/machine-learning-zoomcamp": ("keras2", lambda p: True, None),
 # Harvard CS109B (2021, Protopapas, Glickman, Tanner): lecture and section notebooks; docs/ is the rendered site copy
 "Harvard-IACS/2021-CS109B": ("keras2", lambda p: p.startswith("content/") and "scaffold" not in p and "_students" not in p, None),  # scaffolds/student copies have blanks
}
ERA = {"optuna/optuna-examples/tensorflow/tensorflow_estimator_integration.py": "keras2",
       "optuna/optuna-examples/tensorflow/tensorflow_estimator_simple.py": "keras2"}
WHAT = ("kerascheck fourth held-out expert precision corpus (precision4): real Keras scripts, notebooks and project modules written by experts (the TensorFlow code of NVIDIA DLI's Learning Deep Learning book and video course, NVIDIA FLARE's federated TensorFlow examples, Optuna's Keras examples, the Manning Deep Learning and the Game of Go code with its dlgo package, Hopsworks' recommender and anti-money-laundering tutorials, Alexey Grigorev's ML Bookcamp and ML Zoomcamp deep-learning notebooks, Harvard CS109B 2021 lecture and section notebooks) from repositories in none of the four earlier precision manifests nor the bug corpus, at pinned commits. Only this list is kept; benchmarks/expert_corpus.py --corpus heldout4 lays the files out from git snapshots, lints them and joins the findings with heldout4_verdicts.csv.")


def main():
    files, seen = [], {}
    for repo, (era, keep, extra) in SEL.items():
        snapshot = Snapshot(repo)
        commit = snapshot.head()
        paths = snapshot.tree_candidates(commit, keep)
        extras = set(extra(commit)) if extra else set()
        for p in sorted(set(paths) | extras):
            blob = snapshot.blob(commit, p)
            # a project module another file imports stays even when byte-identical to another
            if blob in seen and p in extras:
                print(f"kept duplicate module: {repo}/{p} = {seen[blob]}", file=sys.stderr)
            elif blob in seen:
                print(f"duplicate: {repo}/{p} = {seen[blob]}", file=sys.stderr)
                continue
            seen[blob] = f"{repo}/{p}"
            files.append({"repo": repo, "commit": commit, "path": p,
                          "era": ERA.get(f"{repo}/{p}") or era or "keras3"})
    write_manifest(OUT, WHAT, files)
    print_counts(files)


if __name__ == "__main__":
    main()
