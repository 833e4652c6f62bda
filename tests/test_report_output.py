"""Reports never crash on what a file system allows: file names that are not UTF-8 (bytes on
POSIX) or hold control characters, a report file that cannot be written, a reader that goes
away (``| head -1``). Each runs the real command in a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest

BAD = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    """)

posix_only = pytest.mark.skipif(os.name != "posix", reason="file names are bytes on POSIX only")


def run(*args: str, cwd: Path, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """kerascheck in its own process; its output as bytes (what a pipe or a file receives)."""
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "kerascheck", "--no-cache", *args],
                          stdout=stdout, stderr=subprocess.PIPE, cwd=cwd, timeout=120,
                          env=environment)


@pytest.fixture
def odd_name(tmp_path: Path) -> Path:
    """A folder holding one bad script whose name is the byte 0xff (not UTF-8) + ``.py``."""
    with open(os.path.join(os.fsencode(tmp_path), b"\xff.py"), "w") as handle:
        handle.write(BAD)
    return tmp_path


@posix_only
@pytest.mark.parametrize("output_format", ["text", "concise", "github", "pylint"])
def test_a_file_name_that_is_not_utf8_is_shown_with_its_byte_escaped(odd_name, output_format):
    result = run("--output-format", output_format, ".", cwd=odd_name)
    assert result.returncode == 1, result.stderr.decode()
    out = result.stdout.decode("utf-8")  # valid UTF-8: the report was written in full
    assert "\\xff.py" in out and "KC201" in out


@posix_only
@pytest.mark.parametrize("output_format", ["json", "json-lines"])
def test_json_keeps_the_name_lossless(odd_name, output_format):
    """JSON escapes the surrogate (``\\udcff``): a Python reader gets back the name that
    ``os.fsencode`` turns into the file's real bytes."""
    result = run("--output-format", output_format, ".", cwd=odd_name)
    assert result.returncode == 1, result.stderr.decode()
    records = json.loads(result.stdout) if output_format == "json" else \
        [json.loads(line) for line in result.stdout.splitlines()]
    assert [os.fsencode(record["path"]) for record in records] == [b"\xff.py"]


@posix_only
def test_sarif_percent_encodes_the_bytes_of_the_name(odd_name):
    result = run("--output-format", "sarif", ".", cwd=odd_name)
    assert result.returncode == 1, result.stderr.decode()
    document = json.loads(result.stdout)
    [finding] = document["runs"][0]["results"]
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "%FF.py"


@posix_only
def test_junit_escapes_the_name(odd_name):
    result = run("--output-format", "junit", ".", cwd=odd_name)
    assert result.returncode == 1, result.stderr.decode()
    root = ElementTree.fromstring(result.stdout)
    assert [suite.get("name") for suite in root.iter("testsuite")] == ["\\xff.py"]


@posix_only
def test_junit_is_well_formed_with_a_control_character_in_a_file_name(tmp_path):
    (tmp_path / "bell\x07.py").write_text(BAD)
    result = run("--output-format", "junit", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr.decode()
    root = ElementTree.fromstring(result.stdout)  # raises on ill-formed XML
    [case] = root.iter("testcase")
    assert case.get("file") == "bell\\x07.py"


@pytest.mark.parametrize("target", ["folder", "under_a_file/report.json", "/dev/full"])
def test_a_report_that_cannot_be_written_says_so_and_exits_2(tmp_path, target):
    if target == "/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    (tmp_path / "model.py").write_text(BAD)
    (tmp_path / "folder").mkdir()
    (tmp_path / "under_a_file").write_text("")
    result = run("--output-format", "json", "--output-file", target, "model.py", cwd=tmp_path)
    error = result.stderr.decode()
    assert result.returncode == 2
    assert f"cannot write the report to {target}" in error and "Traceback" not in error


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path):
    """``kerascheck --show-settings | head -1``: the reader closed the pipe (here before the
    first write, so every write meets a broken pipe)."""
    (tmp_path / "model.py").write_text(BAD)
    for args in (["--show-settings"], ["model.py"], ["--output-format", "json", "model.py"]):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            result = run(*args, cwd=tmp_path, stdout=write_end)
        finally:
            os.close(write_end)
        assert result.stderr == b"", result.stderr.decode()


# -- formats other tools read ------------------------------------------------------------------

@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "model.py").write_text(BAD)
    (tmp_path / "twin.py").write_text(BAD)
    return tmp_path


def test_json_lines_is_one_object_a_line_like_json(project):
    lines = run("--output-format", "json-lines", ".", cwd=project).stdout.splitlines()
    whole = json.loads(run("--output-format", "json", ".", cwd=project).stdout)
    assert [json.loads(line) for line in lines] == whole and len(whole) == 2


def test_pylint_lines(project):
    result = run("--output-format", "pylint", "model.py", cwd=project)
    out = result.stdout.decode()
    assert result.returncode == 1, result.stderr.decode()
    assert out.startswith("model.py:4: [KC201] Hidden Dense layer has no activation")
    assert len(out.splitlines()) == 1


def test_gitlab_code_quality_report(project):
    issues = json.loads(run("--output-format", "gitlab", ".", cwd=project).stdout)
    assert [(issue["check_name"], issue["location"]) for issue in issues] == [
        ("KC201", {"path": "model.py", "lines": {"begin": 4, "end": 4}}),
        ("KC201", {"path": "twin.py", "lines": {"begin": 4, "end": 4}})]
    assert all(issue["severity"] == "minor" and issue["description"].startswith("KC201 ")
               for issue in issues)
    assert len({issue["fingerprint"] for issue in issues}) == 2
    # the fingerprint follows the finding, not its line: code added above keeps it
    (project / "model.py").write_text("# a comment\n" + BAD)
    again = json.loads(run("--output-format", "gitlab", ".", cwd=project).stdout)
    assert again[0]["location"]["lines"]["begin"] == 5
    assert [issue["fingerprint"] for issue in again] == [issue["fingerprint"] for issue in issues]


@pytest.mark.parametrize("output_format", ["json", "json-lines"])
def test_each_json_finding_links_its_rule_page(tmp_path, output_format):
    (tmp_path / "model.py").write_text(BAD)
    result = run("--output-format", output_format, "model.py", cwd=tmp_path)
    text = result.stdout.decode("utf-8")
    records = json.loads(text) if output_format == "json" else \
        [json.loads(line) for line in text.splitlines()]
    assert [record["code"] for record in records] == ["KC201"]
    assert records[0]["url"].endswith("/docs/rules/KC201.md")
