"""Output set-up and input shape patterns of the round-2 split (benchmarks/BUG_CORPUS.md, "Branch
output"), each as a small case written for this suite, beside the look-alikes that must stay
silent: a shape computed from integer constants (KC103), activations given as function objects
(``keras.backend.sigmoid``, ``tf.nn.softmax``) read like their strings (KC301, KC305), a loss
given per output name for a single output (KC301), and a builder of another module whose
targets the importer encodes (KC301, KC306)."""

from __future__ import annotations

import pytest
from conftest import check_expected_beside_api as check

# --- KC103: a size computed from integer constants ------------------------------------------


def test_a_shape_multiplied_out_of_integer_constants_is_an_integer():
    check("""
import keras
rows, columns = (32, 32)
pixels = rows * columns * 3
inputs = keras.Input(shape=pixels)  # expect: KC103
""")


def test_a_product_kept_in_a_tuple_or_made_of_floats_is_silent():
    check("""
import keras
rows, columns = (32, 32)
pixels = rows * columns * 3
scaled = rows * 0.5
inputs = keras.Input(shape=(pixels,))
other = keras.Input(shape=(rows, columns, 3))
halves = keras.Input(shape=scaled)
""")


def test_a_product_with_an_unknown_factor_is_silent():
    check("""
import keras
pixels = 28 * load_width()
inputs = keras.Input(shape=pixels)
""")
