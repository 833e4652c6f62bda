"""Models a library builds whole (``keras.applications``, keras-hub, keras-nlp and keras-cv
tasks) are Keras models whose layers are not seen: their training is judged, their structure
is not. And a snippet's ``model.add(...)`` on a name it never binds is a Sequential whose first
layers were cut."""

import textwrap

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config


def codes(source: str, path: str = "train.py"):
    result = lint_source(textwrap.dedent(source), path, Config(select=("ALL",)))
    assert not result.errors
    return sorted((d.line, d.code) for d in result.diagnostics)


def test_an_application_is_a_model_whose_training_is_judged():
    found = codes("""
        from tensorflow import keras
        (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
        net = keras.applications.ResNet50(weights=None, classes=10, input_shape=(32, 32, 3))
        net.fit(x_train, y_train, epochs=1)
        net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        net.fit(x_train, y_train, epochs=3, validation_data=(x_train[:500], y_train[:500]))
    """)
    # fit before compile raises; validated on training rows; and nothing about its layers or
    # its input scale (EfficientNet and others rescale inside: KC401 cannot know)
    assert found == [(5, "KC504"), (7, "KC505")]


def test_an_application_as_the_base_of_a_head_keeps_the_head_judged():
    found = codes("""
        from tensorflow import keras
        from tensorflow.keras.applications.mobilenet_v2 import MobileNetV2
        base = MobileNetV2(include_top=False, weights="imagenet", input_shape=(96, 96, 3))
        base.trainable = False
        net = keras.Sequential([base, keras.layers.GlobalAveragePooling2D(),
                                keras.layers.Dense(4, activation="sigmoid")])
        net.compile(optimizer="adam", loss="categorical_crossentropy")
        features = base.predict(images)
    """)
    assert found == [(7, "KC301")]  # no KC101 (the base declares the input), no KC504


def test_library_tasks_come_compiled_and_their_validation_is_judged():
    found = codes("""
        import keras_cv
        import keras_hub
        import tensorflow_datasets as tfds
        train = tfds.load("voc/2007", split="train+test")
        train = train.concatenate(tfds.load("voc/2012", split="train+validation"))
        held = tfds.load("voc/2007", split="test")
        detector = keras_cv.models.RetinaNet(num_classes=20, bounding_box_format="xywh")
        detector.fit(train, validation_data=held, epochs=5)
        reviews = tfds.load("imdb_reviews", split="train[:90%]", as_supervised=True)
        rest = tfds.load("imdb_reviews", split="train[90%:]", as_supervised=True)
        classifier = keras_hub.models.BertClassifier.from_preset("bert_tiny_en_uncased",
                                                                 num_classes=2)
        classifier.fit(reviews.batch(16), validation_data=rest.batch(16))
    """)
    # the VOC 2007 test split is inside the training splits; the imdb slices are disjoint;
    # neither task is reported for fitting before compile (keras-hub's compile themselves)
    assert found == [(9, "KC505")]


def test_library_layers_and_unknown_names_are_not_models():
    found = codes("""
        import keras_hub
        tokenizer = keras_hub.models.BertTokenizer.from_preset("bert_tiny_en_uncased")
        tokenizer.fit(texts)
        converter = keras_hub.models.ResNetImageConverter(image_size=(224, 224))
        converter.fit(images)
        helper = keras_hub.models.backbone_presets.lookup("x")
        helper.fit(rows)
    """)
    assert found == []


def test_a_dataset_concatenated_with_another_holds_both():
    found = codes("""
        import tensorflow_datasets as tfds
        from tensorflow import keras
        net = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                                keras.layers.Dense(10, activation="softmax")])
        net.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        first = tfds.load("mnist", split="train", as_supervised=True)
        second = tfds.load("mnist", split="test", as_supervised=True)
        both = first.concatenate(second).map(lambda x, y: (x / 255, y))
        net.fit(both.batch(32), validation_data=second.map(lambda x, y: (x / 255, y)).batch(32))
        net.fit(first.map(lambda x, y: (x / 255, y)).batch(32),
                validation_data=second.map(lambda x, y: (x / 255, y)).batch(32))
    """)
    assert found == [(10, "KC505")]


def test_a_snippet_whose_sequential_line_was_cut():
    found = codes("""
        model.add(Dense(64, activation="relu"))
        model.add(Dense(5, activation="sigmoid"))
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    """, "question.py")
    assert found == [(3, "KC301")]  # and no KC101: the layers before the first add are unseen


def test_a_name_bound_anywhere_is_not_a_cut_sequential():
    found = codes("""
        def extend(model):
            model.add(Dense(64))
            model.add(Dense(5, activation="sigmoid"))
            model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        model.add(Dense(5, activation="sigmoid"))
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        other.add(Dense(5, activation="sigmoid"))
        other.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        for other in others:
            pass
    """, "question.py")
    # ``model`` is a parameter of extend(), ``other`` a loop variable: neither is unbound
    assert found == []
    starred = codes("""
        from helpers import *
        model.add(Dense(5, activation="sigmoid"))
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
        box.add(item)
        box.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    """, "question.py")
    assert starred == []  # a star import may bind anything; ``box.add(item)`` adds no layer


def test_a_snippet_whose_model_line_was_cut_has_the_one_unused_tensor_as_output():
    found = codes("""
        hidden = Dense(64, activation="relu")(features)
        scores = Dense(5, activation="sigmoid", name="scores")(hidden)
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    """, "question.py")
    assert found == [(3, "KC301")]  # and no KC101: the input is not shown


def test_a_cut_model_line_is_not_guessed_among_several_ends_or_in_a_file_with_imports():
    two_ends = codes("""
        hidden = Dense(64, activation="relu")(features)
        scores = Dense(5, activation="sigmoid")(hidden)
        other = Dense(3, activation="sigmoid")(hidden)
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    """, "question.py")
    assert two_ends == []
    imported = codes("""
        from keras.layers import Dense
        hidden = Dense(64, activation="relu")(features)
        scores = Dense(5, activation="sigmoid")(hidden)
        model.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    """, "notebook_cell.py")
    assert imported == []  # the model may come from a cell or module not shown
