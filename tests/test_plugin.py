"""``pytest --kerascheck`` in real pytest sessions (pytester): lint items, the cache, xdist,
configuration, noqa, ``kerascheck_paths``, the marker, and what importing the plugin costs.

Tests taking ``run_pytest`` run twice, like pytest-mypy's ``xdist_args``: in process without
xdist, and in a subprocess with ``-n 2``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from kerascheck.diagnostics import Diagnostic, to_record

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True, scope="module")
def imported_before_in_process_runs():
    """pytester's in-process runs drop every module first imported inside them, and the later
    test files of this session would pay for it: TensorFlow, imported by the runtime tests
    below, cannot be imported again in one process (its native parts load once), so the
    runtime would look missing; and kerascheck's modules would come back as second copies,
    whose classes are not the ones the modules imported out here hold (``prove`` then knows no
    model's loss). Import both once, out here, where the snapshot keeps them (kerascheck's
    modules but ``__main__``, which runs the CLI, and the proof worker's entry point)."""
    import importlib
    import pkgutil

    import kerascheck
    from kerascheck.proofkit.environment import tensorflow_available

    for module in pkgutil.walk_packages(kerascheck.__path__, "kerascheck."):
        if not module.name.endswith(("__main__", "construct_worker")):
            importlib.import_module(module.name)
    if tensorflow_available():
        import tensorflow  # noqa: F401

BAD_MODEL = """\
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.Input(shape=(2,)),
    tf.keras.layers.Dense(10, activation="linear"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
"""
GOOD_MODEL = BAD_MODEL.replace('"linear"', '"relu"')
BAD_LINE = "tests/bad_model.py:5:5: KC201 *"
PLAIN_TEST = "def test_plain():\n    pass\n"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with a bad and a good model file (not test modules, so pytest never imports
    them or TensorFlow) and one ordinary test: four items with --kerascheck."""
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    tests = pytester.mkdir("tests")
    (tests / "bad_model.py").write_text(BAD_MODEL)
    (tests / "good_model.py").write_text(GOOD_MODEL)
    (tests / "test_plain.py").write_text(PLAIN_TEST)
    return pytester


@pytest.fixture(params=["no-xdist", "xdist"])
def run_pytest(request, pytester: pytest.Pytester):
    """Run pytest on the pytester project without xdist (in process) or with ``-n 2`` (in a
    subprocess: xdist workers are processes)."""

    def run(*args: str) -> pytest.RunResult:
        if request.param == "xdist":
            return pytester.runpytest_subprocess("-n", "2", *args)
        return pytester.runpytest_inprocess("-p", "no:xdist", *args)

    return run


def summary_line(linted: int, cached: int) -> str:
    return f"kerascheck: {linted} file{'' if linted == 1 else 's'} linted, {cached} from cache"


def cache_entries(pytester: pytest.Pytester) -> dict[str, dict]:
    """The plugin's cache entries, by the file they are for."""
    folder = pytester.path / ".pytest_cache" / "v" / "kerascheck" / "v1"
    entries = {}
    for entry_file in folder.iterdir():
        entry = json.loads(entry_file.read_text())
        entries[entry["path"].rsplit("/", 1)[-1]] = {"file": entry_file, **entry}
    return entries


def test_bad_file_fails_with_its_code_and_good_file_passes(project, run_pytest):
    result = run_pytest("--kerascheck")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        "*_ kerascheck tests/bad_model.py _*",
        BAD_LINE,
        "FAILED tests/bad_model.py::kerascheck*",
    ])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_without_the_option_there_are_no_lint_items(project):
    result = project.runpytest_inprocess()
    result.assert_outcomes(passed=1)
    result.stdout.no_fnmatch_line("*::kerascheck*")
    result.stdout.no_fnmatch_line("kerascheck: *")


def test_second_run_reads_the_cache_and_reports_clean_files_as_passed(project, run_pytest):
    first = run_pytest("--kerascheck")
    first.stdout.fnmatch_lines([summary_line(linted=3, cached=0)])
    assert len(cache_entries(project)) == 3  # one per file, whichever worker linted it

    second = run_pytest("--kerascheck", "-rA")
    second.assert_outcomes(passed=3, failed=1)  # not skipped
    second.stdout.fnmatch_lines([BAD_LINE, summary_line(linted=0, cached=3)])
    second.stdout.fnmatch_lines(["PASSED tests/good_model.py::kerascheck"])


def test_a_cached_result_is_reported_without_linting_again(project):
    project.runpytest_inprocess("--kerascheck")
    entry = cache_entries(project)["good_model.py"]
    # Plant a finding in the good file's entry: only a run that trusts the cache reports it.
    planted = dict(entry, diagnostics=[to_record(Diagnostic(
        path=entry["path"], line=1, column=1, code="KC201", name="linear-hidden-activation",
        message="planted in the cache"))])
    planted.pop("file")
    entry["file"].write_text(json.dumps(planted))
    result = project.runpytest_inprocess("--kerascheck")
    result.stdout.fnmatch_lines(["tests/good_model.py:1:1: KC201 planted in the cache"])
    result.assert_outcomes(passed=2, failed=2)


def test_a_damaged_cache_entry_is_a_miss_not_a_crash(project):
    project.runpytest_inprocess("--kerascheck")
    entry = cache_entries(project)["bad_model.py"]
    entry["file"].write_text(json.dumps(dict(fingerprint=entry["fingerprint"],
                                             path=entry["path"], diagnostics=[{"line": "5"}])))
    result = project.runpytest_inprocess("--kerascheck")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([BAD_LINE, summary_line(linted=1, cached=2)])


def test_a_changed_file_is_linted_again(project):
    project.runpytest_inprocess("--kerascheck")
    (project.path / "tests" / "bad_model.py").write_text(GOOD_MODEL)
    result = project.runpytest_inprocess("--kerascheck")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines([summary_line(linted=1, cached=2)])


def test_configuration_is_honored_and_a_new_configuration_is_not_served_from_cache(project):
    project.runpytest_inprocess("--kerascheck").assert_outcomes(passed=3, failed=1)
    project.makepyprojecttoml(textwrap.dedent("""\
        [tool.pytest.ini_options]
        testpaths = ["tests"]

        [tool.kerascheck]
        ignore = ["linear-hidden-activation"]
    """))
    result = project.runpytest_inprocess("--kerascheck")
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines([summary_line(linted=3, cached=0)])


def test_per_file_ignores_match_when_pytest_runs_from_a_subfolder(project):
    project.makepyprojecttoml(textwrap.dedent("""\
        [tool.pytest.ini_options]
        testpaths = ["tests"]

        [tool.kerascheck]
        per-file-ignores = {"tests/bad_*.py" = ["KC201"]}
    """))
    (project.path / "tests" / "other_bad_model.py").write_text(BAD_MODEL)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project.path / "tests")
        result = project.runpytest_inprocess("--kerascheck", "-p", "no:xdist")
    result.assert_outcomes(passed=4, failed=1)
    # Paths read as the CLI would print them from where pytest ran.
    result.stdout.fnmatch_lines(["other_bad_model.py:5:5: KC201 *"])


def test_excluded_files_get_no_lint_item(project):
    project.makepyprojecttoml(textwrap.dedent("""\
        [tool.pytest.ini_options]
        testpaths = ["tests"]

        [tool.kerascheck]
        extend-exclude = ["bad_model.py"]
    """))
    result = project.runpytest_inprocess("--kerascheck", "--collect-only", "-q")
    result.stdout.no_fnmatch_line("tests/bad_model.py::kerascheck")
    result.stdout.fnmatch_lines(["tests/good_model.py::kerascheck"])


def test_notebooks_are_linted_by_cell(project):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# A model"]},
             {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": BAD_MODEL.splitlines(keepends=True)}]
    notebook = {"cells": cells, "metadata": {"language_info": {"name": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    (project.path / "tests" / "explore.ipynb").write_text(json.dumps(notebook))
    result = project.runpytest_inprocess("--kerascheck")
    result.assert_outcomes(passed=3, failed=2)
    result.stdout.fnmatch_lines(["tests/explore.ipynb:cell 2:5:5: KC201 *"])


def test_invalid_configuration_is_a_usage_error(project):
    project.makepyprojecttoml('[tool.kerascheck]\nselect = ["KC999"]\n')
    result = project.runpytest_inprocess("--kerascheck")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*kerascheck: *KC999*"])


@pytest.mark.parametrize(("comment", "outcome"), [
    ("  # noqa: KC201", {"passed": 4}),
    ("  # noqa", {"passed": 4}),
    ("  # noqa: KC301", {"passed": 3, "failed": 1}),
])
def test_noqa_is_honored(project, comment, outcome):
    lines = BAD_MODEL.splitlines()
    lines[4] += comment
    (project.path / "tests" / "bad_model.py").write_text("\n".join(lines) + "\n")
    project.runpytest_inprocess("--kerascheck").assert_outcomes(**outcome)


def test_works_without_the_cache_provider(project, run_pytest):
    result = run_pytest("--kerascheck", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([BAD_LINE, summary_line(linted=3, cached=0)])
    assert not (project.path / ".pytest_cache").exists()


def test_kerascheck_paths_lints_source_without_collecting_it_as_tests(project, run_pytest):
    project.makepyprojecttoml(textwrap.dedent("""\
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        kerascheck_paths = ["src"]
    """))
    src = project.mkdir("src")
    (src / "train.py").write_text(BAD_MODEL)
    # Named like a test, but src is not a test path: linted, never collected or imported.
    (src / "test_lookalike.py").write_text("raise SystemExit('imported')\n"
                                           "def test_never_collected():\n    assert False\n")
    result = run_pytest("--kerascheck", "-rA")
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(["src/train.py:5:5: KC201 *",
                                 "PASSED src/test_lookalike.py::kerascheck"])
    result.stdout.no_fnmatch_line("*test_never_collected*")


def test_kerascheck_paths_follow_testpaths_semantics_with_explicit_paths(project):
    project.makepyprojecttoml('[tool.pytest.ini_options]\nkerascheck_paths = ["src"]\n')
    (project.mkdir("src") / "train.py").write_text(BAD_MODEL)
    result = project.runpytest_inprocess("--kerascheck", "tests")
    result.assert_outcomes(passed=3, failed=1)  # tests/ only: src/train.py is not linted
    result.stdout.no_fnmatch_line("src/*")


def test_the_marker_selects_the_lint_items(project):
    only_lint = project.runpytest_inprocess("--kerascheck", "-m", "kerascheck",
                                            "--strict-markers")
    only_lint.assert_outcomes(passed=2, failed=1, deselected=1)
    no_lint = project.runpytest_inprocess("--kerascheck", "-m", "not kerascheck")
    no_lint.assert_outcomes(passed=1, deselected=3)


def test_fixture_is_offered_to_users(project):
    result = project.runpytest_inprocess("--fixtures")
    result.stdout.fnmatch_lines(["kerascheck -- *", "*Check live Keras models in a test*"])


def test_a_plain_pytest_run_imports_neither_the_engine_nor_tensorflow(project):
    (project.path / "tests" / "test_modules.py").write_text(textwrap.dedent("""\
        import sys

        def test_nothing_heavy_was_imported():
            heavy = [name for name in sys.modules
                     if name.split(".")[0] in ("libcst", "tensorflow", "keras", "numpy")
                     or name.startswith("kerascheck.") and name != "kerascheck.plugin"]
            assert heavy == []
    """))
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=2)


def test_importing_the_plugin_imports_neither_the_engine_nor_tensorflow():
    probe = ("import sys, kerascheck.plugin; print(sorted(name for name in sys.modules if "
             "name.split('.')[0] in ('libcst', 'tensorflow', 'keras', 'numpy') or "
             "name.startswith('kerascheck.') and name != 'kerascheck.plugin'))")
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                               check=True)
    assert completed.stdout.strip() == "[]"


def test_a_failing_lint_item_shows_the_line_the_caret_and_the_fix(project):
    result = project.runpytest_inprocess("-p", "no:xdist", "--kerascheck",
                                         "tests/bad_model.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        BAD_LINE,
        "  |",
        '5 |     tf.keras.layers.Dense(10, activation="linear"),',
        "  |     ^^^^^*",
        '  = help: Set `activation="relu"` (--fix --unsafe-fixes)',
    ])
    assert "Found 1 problem" not in result.stdout.str()  # pytest has its own summary
