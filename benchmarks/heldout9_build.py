"""Build benchmarks/heldout9_corpus.json from the mirrors (HEAD of each snapshot)."""

from pathlib import Path

from mirrors import build, flat_project, Snapshot

OUT = Path(__file__).resolve().parent / "heldout9_corpus.json"


def keras_package(repo, under):
    """every .py under a package folder that mentions Keras, and its __init__.py files (not tests)"""
    snapshot = Snapshot(repo)
    return lambda c: snapshot.keras_modules(c, under, lambda p: "test" in p)


# m2dsupsdlclass/lectures-labs was dropped: it is a repository of benchmarks/bug_corpus.json
# ZFTurbo's a01_densenet_121.py and a01_densenet_161.py are byte-identical to the copies in heldout7's
# ZFTurbo/Kaggle-Planet-Understanding-the-Amazon-from-Space (same author); kept, as modules a02_zoo.py imports
TCN_EXTRA = lambda c: ["tcn/__init__.py", "tcn/tcn.py", "tasks/adding_problem/utils.py",  # noqa: E731
                       "tasks/copy_memory/utils.py", "tasks/exchange_rate/utils.py",
                       "tasks/mnist_pixel/utils.py", "tasks/receptive-field/utils.py"]

SEL = {  # repo -> (era, include(path), extra(commit) -> paths)
 # --- Keras 3 era ---
 # Haifeng Jin (Keras team, AutoKeras author): Keras 3 multi-backend benchmarks (2024): multi-file, the
 # benchmark package (bert, gemma, mistral, SAM, stable diffusion fit/predict on keras_nlp/keras_cv, utils.py)
 "haifeng-jin/keras-benchmarks": ("keras3", lambda p: p.startswith("benchmark/"),
     keras_package("haifeng-jin/keras-benchmarks", "benchmark/")),
 # Romain Tavenard (Université Rennes 2, French teacher): deep-learning course labs in Keras 3,
 # with and without corrections (MLP, ConvNets, generative models, wrap-up)
 "rtavenar/deep-notebooks": ("keras3", lambda p: True, None),
 # Philippe Remy: keras-tcn (temporal convolutional networks; tensorflow unpinned, tox tests TF 2.17-2.19,
 # i.e. Keras 3 as tf.keras, 2026): time-series tasks (forecasting, adding/copy-memory problems, IMDB, word PTB) on the tcn package
 "philipperemy/keras-tcn": ("keras3", lambda p: p.startswith("tasks/"), TCN_EXTRA),
 # Romain Tavenard: machine learning for time series course notebooks (keras>=3.0, 2025): deep nets and
 # attention on time series (solutions and intermediate versions)
 "rtavenar/notebooks-ml4ts": ("keras3", lambda p: True, None),
 # --- Keras 2 era ---
 # Mohammed Innat (Kaggle grandmaster): Video FocalNets reimplemented in tf.keras (requirements tensorflow>=2.12,
 # 2023; "replace with keras-core" is a plan): multi-file, the videofocalnet package (blocks, layers, model) and the
 # video-classification fine-tuning notebook
 "innat/Video-FocalNets": ("keras2", lambda p: True, keras_package("innat/Video-FocalNets", "videofocalnet/")),
 # Romain Tavenard: keras-dann, domain-adversarial training (DANN) as a plain class over tf.keras Sequential
 # models (2021): multi-file, example.ipynb on kerasDANN/model.py
 "rtavenar/keras-dann": ("keras2", lambda p: True, lambda c: ["kerasDANN/__init__.py"]),
 # Juan Ignacio Bagnato (Aprende Machine Learning, Spanish teacher): time series with LSTM and embeddings,
 # CNN, object detection, embeddings, XOR
 "jbagnato/machine-learning": ("keras2", lambda p: True, None),
 # HSE (Higher School of Economics, Russian course on Coursera): Introduction to Deep Learning, Keras tasks
 "hse-aml/intro-to-dl": ("keras2", lambda p: True, None),
 # Yandex School of Data Analysis (Russian course): Practical_DL, the TF/Keras seminars
 "yandexdataschool/Practical_DL": ("keras2", lambda p: True, None),
 # Roman Solovyev (ZFTurbo, Kaggle grandmaster): Intel & MobileODT Cervical Cancer Screening 2017 solution
 "ZFTurbo/KAGGLE_CERVICAL_CANCER_2017": ("keras2", lambda p: True,
     flat_project("ZFTurbo/KAGGLE_CERVICAL_CANCER_2017")),
 # Peter Giannakopoulos (petrosgk): Kaggle Carvana Image Masking Challenge U-Net solution (2017): multi-file
 # segmentation training (train.py on model/u_net.py, model/losses.py, params.py)
 "petrosgk/Kaggle-Carvana-Image-Masking-Challenge": ("keras2", lambda p: True,
     flat_project("petrosgk/Kaggle-Carvana-Image-Masking-Challenge")),
 # Octavio Arriaga: face_classification (real-time emotion and gender CNNs, REQUIREMENTS keras==2.0.5):
 # multi-file training (src/train_*_classifier.py on src/models/cnn.py and src/utils/)
 "oarriaga/face_classification": ("keras2", lambda p: True, flat_project("oarriaga/face_classification", "src/")),
 # qqwweee: keras-yolo3 (YOLOv3 object detection in Keras 2, 2018): multi-file detection training
 # (train.py, train_bottleneck.py on yolo3/model.py, yolo3/utils.py)
 "qqwweee/keras-yolo3": ("keras2", lambda p: True, flat_project("qqwweee/keras-yolo3")),
}
WHAT = "precision9: the ninth held-out expert precision corpus (see HELDOUT9_CORPUS.md)"


def main():
    build(OUT, WHAT, SEL, lambda path, extra: path.endswith("__init__.py"))


if __name__ == "__main__":
    main()
