"""Build benchmarks/heldout7_corpus.json from the mirrors (HEAD of each snapshot)."""

from pathlib import Path

from mirrors import build, flat_project, Snapshot

OUT = Path(__file__).resolve().parent / "heldout7_corpus.json"


def folder(repo, under, also=()):
    """every .py of a project folder but its tests (the whole multi-file project)"""
    snapshot = Snapshot(repo)
    return lambda c: [p for p in snapshot.tree(c) if p.startswith(under) and p.endswith(".py")
                      and "test" not in p.rsplit("/", 1)[-1] and "/test" not in "/" + p
                      and "e2e_tests/" not in p] + list(also)


TFX_KEEP = ("tfx/examples/", "tfx/experimental/templates/")
SEL = {  # repo -> (era, include(path), extra(commit) -> paths)
 # --- Keras 3 era ---
 # TensorFlow Extended (Google): the production pipeline examples and templates (trainer modules of the taxi, penguin,
 # imdb, mnist, bert pipelines). HEAD (2026) pins tensorflow>=2.21 and its 2026 commits port the Keras models to
 # Keras 3; the taxi template is a multi-file project (models/keras_model/model.py built on models/features.py,
 # preprocessing.py, constants.py, run by pipeline/ and the runners). docs/tutorials are left out (tensorflow.org).
 "tensorflow/tfx": ("keras3", lambda p: p.startswith(TFX_KEEP),
     folder("tensorflow/tfx", "tfx/experimental/templates/taxi/")),
 # Md Awsafur Rahman (awsaf49, Kaggle grandmaster): his KerasNLP / KerasCore starter notebooks for Kaggle
 # competitions, 2023-2024 (PII detection, LMSYS arena, USPTO patent search, LLM science exam), jax/torch/tf backends
 "awsaf49/pii-data-detection": ("keras3", lambda p: True, None),
 "awsaf49/lmsys": ("keras3", lambda p: True, None),
 "awsaf49/uspto-interpret-patent-search": ("keras3", lambda p: True, None),
 "awsaf49/llm-science-exam": ("keras3", lambda p: True, None),
 # Mohammed Innat: Video Swin Transformer in Keras 3 (multi-backend, 2024-2025): the videoswin package (backbone,
 # blocks, layers) fine-tuned by the jax / tf / torch guides (a multi-file project)
 "innat/VideoSwin": ("keras3", lambda p: p.startswith("guides/fine_tune/"),
     folder("innat/VideoSwin", "videoswin/")),
 # Kevin Coakley (SDSC): ResNet on CIFAR in Keras 3.4 (requirements pin keras==3.4.1, jax, torch): flat multi-file
 "kevincoakley/keras3-resnet": ("keras3", lambda p: True, flat_project("kevincoakley/keras3-resnet")),
 # LiterallyTheOne: "Deep learning with Keras" tutorial course (Keras 3, kagglehub, 2025)
 "LiterallyTheOne/deep-learning-with-keras": ("keras3", lambda p: True, None),
 # --- Keras 2 era ---
 # Md Awsafur Rahman: 1st place, DrivenData Deep Chimpact (2021, tensorflow==2.4.1): the whole training package
 # (train.py on dataset/, models/, utils/)
 "awsaf49/deep-chimpact-1st-place-solution": ("keras2", lambda p: True,
     folder("awsaf49/deep-chimpact-1st-place-solution", "")),
 # Roman Solovyev (ZFTurbo, Kaggle grandmaster): Planet: Understanding the Amazon from Space (2017, Keras 2):
 # flat multi-file solution (a30_* training scripts on a00_common_functions, a01_* models, a02_zoo)
 "ZFTurbo/Kaggle-Planet-Understanding-the-Amazon-from-Space": ("keras2", lambda p: True,
     flat_project("ZFTurbo/Kaggle-Planet-Understanding-the-Amazon-from-Space")),
 # Mohammed Innat: his Kaggle competition notebooks (Bengali.AI, RSNA breast cancer, Jigsaw, ...), tf.keras 2
 "innat/kaggle": ("keras2", lambda p: True, None),
 # Taeho Jo (조태호): "모두의 딥러닝" (Korean beginners' book, Gilbut), the Colab notebooks, tf.keras 2
 "taehojo/deeplearning": ("keras2", lambda p: p.startswith("colab/"), None),
 # UC Berkeley D-Lab: Computational Social Science Training Program (neural networks, NLP labs), Keras 2
 "dlab-berkeley/Computational-Social-Science-Training-Program": ("keras2", lambda p: True, None),
 # Stefan Jansen, "Machine Learning for Algorithmic Trading" 2nd ed.: TimeGAN on price series (tf.keras 2)
 "stefan-jansen/machine-learning-for-trading": ("keras2", lambda p: True, None),
}
WHAT = "precision7: the seventh held-out expert precision corpus (see HELDOUT7_CORPUS.md)"


def main():
    build(OUT, WHAT, SEL, lambda path, extra: path.endswith("__init__.py"))


if __name__ == "__main__":
    main()
