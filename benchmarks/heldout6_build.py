"""Build benchmarks/heldout6_corpus.json from the mirrors (HEAD of each snapshot)."""

from pathlib import Path

from mirrors import build, flat_project, Snapshot

OUT = Path(__file__).resolve().parent / "heldout6_corpus.json"


SEL = {  # repo -> (era, include(path), extra(commit) -> paths)
 # --- Keras 3 era ---
 # Oliver Duerr / Beate Sick (tensorchiefs, ZHAW/UZH, authors of "Probabilistic Deep Learning"): their DL course
 # ported to Keras 3 with the torch / jax backends (2024)
 "tensorchiefs/dl_keras3": ("keras3", lambda p: p.startswith("notebooks/"), None),
 # "Inside Deep Learning" (Edward Raff) chapters ported to Keras 3.13 (pyproject pins keras==3.13.2, jax, torch), 2026
 "quangtiencs/keras3-inside-deep-learning": ("keras3", lambda p: True, lambda c: ["utils.py"]),
 # Muhammad Ghifary: ViT on CIFAR-100 in Keras 3.9 (requirements pin keras==3.9.0): a flat multi-file project
 # (models_vit.py, dataset.py, tools.py, trained by train_*/finetune_* scripts)
 "ghif/vit-keras3": ("keras3", lambda p: True, flat_project("ghif/vit-keras3")),
 # Muhammad Ghifary: DDIM diffusion in Keras 3.9 (keras==3.9.0): architectures.py + ddim.py trained by training.py
 "ghif/diffusion-keras3": ("keras3", lambda p: True, flat_project("ghif/diffusion-keras3")),
 # Andrew H. Fagg (University of Oklahoma, Symbiotic Computing Laboratory): the Keras 3 model-building tools of his
 # deep-learning course (src/, not src/old/)
 "Symbiotic-Computing-Laboratory/keras3_tools": ("keras3", lambda p: p.startswith("src/") and not p.startswith("src/old/"),
     lambda c: Snapshot("Symbiotic-Computing-Laboratory/keras3_tools").keras_modules(
         c, "src/", lambda p: p.endswith("_test.py") or p.startswith("src/old/"))),
 # Google's Gemma cookbook (google-gemini, 2024-2026): KerasHub / KerasNLP Gemma and PaliGemma LoRA fine-tuning
 # notebooks, demos and workshops on Keras 3 (JAX backend mostly)
 "google-gemini/gemma-cookbook": ("keras3", lambda p: True, None),
 # --- Keras 2 era (tf.keras) ---
 # Lakshmanan, Robinson and Munn, "Machine Learning Design Patterns" (O'Reilly 2020): the book's tf.keras notebooks
 # (tabular taxi-fare / natality, embeddings, multilabel, rebalancing, checkpoints, transfer learning, serving)
 "GoogleCloudPlatform/ml-design-patterns": ("keras2", lambda p: True, None),
 # Chris Deotte (Kaggle grandmaster): the MNIST CNN ensemble of his Kaggle Digit Recognizer kernel (2018, Keras 2)
 "cdeotte/MNIST-CNN-99.75": ("keras2", lambda p: True, None),
 # Kaggle Learn courses (Ryan Holbrook's Intro to Deep Learning / Computer Vision / Time Series, Dan Becker's Deep
 # Learning, Colin Morris's Embeddings): the raw tutorial and exercise notebooks and the checking modules
 "Kaggle/learntools": ("keras2", lambda p: p.startswith(("notebooks/deep_learning_intro/", "notebooks/computer_vision/",
     "notebooks/deep_learning/", "notebooks/embeddings/", "notebooks/time_series/", "notebooks/nlp/",
     "learntools/deep_learning_intro/", "learntools/computer_vision/", "learntools/deep_learning/",
     "learntools/time_series/", "learntools/embeddings/")), None),
 # Le Wagon data-science bootcamp: NYC taxi-fare regression package (tabular), Network built in network.py, trained in
 # trainer.py on data.py / preprocessor.py / encoders.py (multi-file, 2021)
 "lewagon/taxi-fare-deep": ("keras2", lambda p: True,
     lambda c: Snapshot("lewagon/taxi-fare-deep").keras_modules(
         c, "taxifare_deep/", lambda p: p.endswith("_test.py")) + Snapshot(
         "lewagon/taxi-fare-deep").with_local_imports(c, ["taxifare_deep/trainer.py"],
                                                      packages=True)),
 # Laurence Moroney, "AI and Machine Learning for On-Device Development" (O'Reilly 2021): the book's training code
 "lmoroney/odmlbook": ("keras2", lambda p: True, None),
 # (CertifaiAI/time-series-labs was looked at and left out: its forecasting labs are PyTorch)
 # Hoyeol Sohn (hoyso48, Kaggle grandmaster): 2nd place, Google ASL Fingerspelling Recognition 2023, the tf.keras
 # training notebook (landmark sequences, Conv1D + transformer, CTC; TPU)
 "hoyso48/Google---American-Sign-Language-Fingerspelling-Recognition-2nd-place-solution": ("keras2", lambda p: True, None),
 # Microsoft Azure: LSTM predictive maintenance on the turbofan run-to-failure series (2017, standalone Keras 2)
 "Azure/lstms_for_predictive_maintenance": ("keras2", lambda p: True, None),
 # Umberto Griffo: the same task as scripts (binary classification and RUL regression), 2024 HEAD
 "umbertogriffo/Predictive-Maintenance-using-LSTM": ("keras2", lambda p: True, None),
 # Lisa Ong (NUS-ISS): Applied Deep Learning class material, Sequence Modeling with Deep Learning (text with
 # TextVectorization / Tokenizer, RNN time series), 2020, tf.keras 2
 "lisaong/adl": ("keras2", lambda p: True, None),
}
WHAT = "precision6: the sixth held-out expert precision corpus (see HELDOUT6_CORPUS.md)"


def main():
    # a duplicate is dropped, except a package's __init__.py
    build(OUT, WHAT, SEL, lambda path, extra: path.endswith("__init__.py"))


if __name__ == "__main__":
    main()
