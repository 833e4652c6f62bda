"""Build benchmarks/heldout8_corpus.json from the mirrors (HEAD of each snapshot)."""

from pathlib import Path

from mirrors import build, flat_project, Snapshot

OUT = Path(__file__).resolve().parent / "heldout8_corpus.json"


def keras_package(repo, under):
    """every .py under a package folder that mentions Keras, and its __init__.py files (not tests)"""
    snapshot = Snapshot(repo)
    return lambda c: snapshot.keras_modules(c, under, lambda p: "test" in p)


def only(*paths):
    return lambda p: p in paths


BNSREENU = (  # DigitalSreeni: medical / microscopy imaging, GANs, VAE, class weights, KerasClassifier grid searches
 "128_Malaria_cell_classification_CNN_with_data_aug.py", "148_imbalanced_data_DeepLearning.py",
 "149-imbalanced_data_liver.py", "153-ANN_heart_disease.py", "175-breast_cancer_without_PCA.py",
 "203b_skin_cancer_lesion_classification_V4.0.py", "204-207simple_unet_model.py",
 "204_train_simple_unet_for_mitochondria.py", "215_3d_unet.py", "216_mito_unet__xferlearn_12_training_images.py",
 "125_126_GAN_training_mnist.py", "178_179_variational_autoencoders_mnist.py",
 "248_keras_implementation_of_GAN/248-cifar_GAN.py",
 "249_keras_implementation-of_conditional_GAN/249-cifar_conditional_GAN.py",
 "251_satellite_image_to_maps_translation/pix2pix_model.py", "253_254_cycleGAN_monet2photo/254-cycleGAN_model.py",
 "255_256_SRGAN/SRGAN_train.py", "259_semi_supervised_GAN/259_semi_supervised_GAN_train.py",
 "185-187-gridsearch_hyperparam_tuning_lr_momentum.py", "188-gridsearch_hyperparam_tuning_activation_opt_weights.py",
 "189-gridsearch_hyperparam_tuning_dropout_wt_constr_hidden_layer_neurons.py",
 "092-autoencoder_colorize_transfer_learning_VGG16_V0.1.py", "210_multiclass_Unet_using_VGG_resnet_inception.py",
 "166b-Intro_to_time_series_Forecasting_using_LSTM_and_TimeseriesGenerator.py",
 "240_train_age_gender_detection/240_train_age_gender_detection.py",
 "245 - Advantages of keras functional API in defining complex models/"
 "245_adv_of_keras_functional_API_in_defining_complex_models.py",
)
BRATS = "231_234_BraTa2020_Unet_segmentation/"
X4NTH055 = tuple("machine-learning/" + p for p in (
 "skin-cancer-detection/skin-cancer-detection.py", "malaria-classification/malaria-classification.py",
 "image-classifier-using-transfer-learning/train.py", "nlp/text-classification/sentiment_analysis.py",
 "nlp/text-classification/utils.py", "stock-prediction/train.py", "stock-prediction/stock_prediction.py",
 "satellite-image-classification/satellite_image_classification_with_tensorflow_pythoncode.py"))
LAZY = ("recommenders/", "nlp_class3/", "cnn_class2/use_pretrained_weights")

SEL = {  # repo -> (era, include(path), extra(commit) -> paths)
 # --- Keras 3 era ---
 # Park Haesun (rickiepark): 혼자 공부하는 머신러닝+딥러닝 2nd ed. (Korean beginners' book, Hanbit, 2025-2026),
 # the Keras 3 notebooks of chapters 7-9 (the *.pytorch.ipynb twins mention no Keras)
 "rickiepark/hg-mldl2": ("keras3", lambda p: True, None),
 # Udacity: the Keras Core (Keras 3 preview) lesson, demos and exercises, starter and solution (2023-2024)
 "udacity/keras-core-lesson": ("keras3", lambda p: True, None),
 # U-Sleep / U-Time (Perslev et al., sleep staging from EEG/PSG) ported to Keras 3.12 (requirements: keras~=3.12,
 # tensorflow~=2.20, 2025): multi-file, the whole utime package (models, sequences, callbacks, trainer, bin/train.py)
 "jojuo123/U-Sleep-Keras-3.0": ("keras3", lambda p: p.startswith("utime/"),
     keras_package("jojuo123/U-Sleep-Keras-3.0", "utime/")),
 # Adrian Garcia Badaracco: scikeras (scikit-learn wrappers for Keras; pyproject keras>=3.2), the library modules
 "adriangb/scikeras": ("keras3", lambda p: p.startswith("scikeras/"), flat_project("adriangb/scikeras")),
 # --- Keras 2 era ---
 # TensorFlow Model Optimization Toolkit: the QAT / pruning / clustering example scripts (tf-keras>=2.14.1)
 "tensorflow/model-optimization": ("keras2", lambda p: p.startswith("tensorflow_model_optimization/python/examples/"),
     None),
 # Sreenivas Bhattiprolu (DigitalSreeni, YouTube teacher): python_for_microscopists, medical and microscopy imaging
 # (malaria, HAM10000, BraTS 2020 3D U-Net as a multi-file folder, mitochondria U-Nets), GAN/VAE collection,
 # class weights, KerasClassifier grid searches, transfer learning
 "bnsreenu/python_for_microscopists": ("keras2", lambda p: p in BNSREENU or p.startswith(BRATS),
     lambda c: [BRATS + "simple_3d_unet.py", BRATS + "233_custom_datagen.py", BRATS + "232_brats2020_get_data_ready.py"]),
 # Naoki Nakamura (nkmk, Japanese tutorials): tf.keras basics and MobileNetV2 fine-tuning (the .py twins only)
 "nkmk/tensorflow-keras-examples": ("keras2", lambda p: p.endswith(".py"), None),
 # wikibook: 텐서플로 2.0 (Korean book), chapter notebooks
 "wikibook/tf2": ("keras2", lambda p: True, None),
 # Julie Prost (Sicara): keras-tuner tutorial (hypermodels and a baseline)
 "JulieProst/keras-tuner-tutorial": ("keras2", lambda p: True, None),
 # Md Awsafur Rahman: audio classification models, fake speech detection with a Conformer (tf 2.x)
 "awsaf49/audio_classification_models": ("keras2", lambda p: True, None),
 # Abdou Rockikz (PythonCode tutorials): medical imaging, transfer learning, text classification, stock LSTM
 "x4nth055/pythoncode-tutorials": ("keras2", lambda p: p in X4NTH055, None),
 # Lazy Programmer (Udemy teacher): recommenders (matrix factorisation, AutoRec), attention / memory networks,
 # pretrained ResNet/VGG transfer learning
 "lazyprogrammer/machine_learning_examples": ("keras2", lambda p: p.startswith(LAZY), None),
}
WHAT = "precision8: the eighth held-out expert precision corpus (see HELDOUT8_CORPUS.md)"


def main():
    build(OUT, WHAT, SEL, lambda path, extra: path.endswith("__init__.py"))


if __name__ == "__main__":
    main()
