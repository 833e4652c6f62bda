"""Build benchmarks/heldout5_corpus.json from the mirrors (HEAD of each snapshot)."""

from pathlib import Path

from mirrors import build, Snapshot

OUT = Path(__file__).resolve().parent / "heldout5_corpus.json"


def zf(repo):  # ZFTurbo's competition solutions: the scripts that compile/fit and the modules they import
    snapshot = Snapshot(repo)
    return lambda c: snapshot.with_local_imports(
        c, snapshot.tree_candidates(c, lambda p: True, skip_tests=True))
MEDIC_PKGS = ("medicai/__init__.py", "medicai/losses/", "medicai/metrics/", "medicai/models/", "medicai/layers/",
              "medicai/blocks/", "medicai/callbacks/", "medicai/utils/")
SEL = {  # repo -> (era, include(path), extra(commit) -> paths)
 # Mohammed Innat's medic-ai: Keras 3 (keras.ops) medical-imaging library; the training smoke test and the
 # package modules it imports (models, losses, metrics, layers, blocks, callbacks, utils)
 "innat/medic-ai": ("keras3", lambda p: p == "test/training/test_training_gpu_only.py",
     lambda c: [p for p in Snapshot("innat/medic-ai").keras_modules(
         c, "medicai/", lambda p: p.endswith("_test.py")) if p.startswith(MEDIC_PKGS)]),
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
 "NLeSC/mcfly": ("keras3", lambda p: False, lambda c: [p for p in Snapshot("NLeSC/mcfly").tree(c)
                                        if p.startswith("mcfly/") and p.endswith(".py")]),
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
WHAT = "precision5: the fifth held-out expert precision corpus (see HELDOUT5_CORPUS.md)"


def main():
    # a duplicate is dropped, except a module another laid-out file imports from its own folder
    build(OUT, WHAT, SEL, lambda path, extra: extra or path.endswith("__init__.py"))


if __name__ == "__main__":
    main()
