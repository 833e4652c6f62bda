"""[tool.kerascheck] settings, file selection (.gitignore, excludes, --force-exclude), the
command line's precedence, --show-settings and standard input."""

from __future__ import annotations

import io
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kerascheck.cli import main
from kerascheck.settings.config import Config, ConfigError, config_from_table, load_config
from kerascheck.settings.globs import matches_glob

BAD = textwrap.dedent("""\
    import tensorflow as tf
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(10),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    """)  # KC201 at 4:5
GOOD = BAD.replace("Dense(10)", 'Dense(10, activation="relu")')


def run(args, cwd: Path, monkeypatch, capsys, stdin: bytes | None = None):
    """Run the CLI in-process in ``cwd``: (exit code, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse errors
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pyproject(root: Path, body: str) -> Path:
    return write(root / "pyproject.toml", "[tool.kerascheck]\n" + textwrap.dedent(body))


# -- Config itself ------------------------------------------------------------------------

def test_default_config_runs_every_rule_and_is_hashable_and_picklable():
    from kerascheck.rules import all_rules

    config = Config()
    assert config.enabled_codes() == [rule.code for rule in all_rules()]
    assert hash(config) == hash(Config())
    assert pickle.loads(pickle.dumps(config)) == config
    assert config.fingerprint() == Config().fingerprint()
    assert Config(ignore=("KC201",)).fingerprint() != config.fingerprint()


def test_fingerprint_does_not_depend_on_where_the_settings_were_read():
    assert Config(source="a/pyproject.toml").fingerprint() == \
        Config(source="b/pyproject.toml").fingerprint()


@pytest.mark.parametrize(("select", "extend", "ignore", "expected"), [
    (("KC",), (), ("KC2",), False),               # the prefix ignore is more specific
    (("KC",), ("KC201",), ("KC2",), True),        # the code is more specific than the prefix
    (("KC201",), (), ("KC201",), False),          # equal specificity: ignore wins (Ruff)
    (("KC3",), (), (), False),                    # not selected
    (("linear-hidden-activation",), (), (), True),  # a rule name selects
    (("ALL",), (), ("linear-hidden-activation",), False),
])
def test_rule_selection_most_specific_selector_wins(select, extend, ignore, expected):
    config = Config(select=select, extend_select=extend, ignore=ignore)
    assert config.is_enabled("KC201", "model.py") is expected


def test_unknown_selector_is_an_error_everywhere():
    with pytest.raises(ConfigError, match="KC999"):
        Config(select=("KC999",))
    with pytest.raises(ConfigError, match="no-such-rule"):
        config_from_table({"per-file-ignores": {"tests/*": ["no-such-rule"]}})


@pytest.mark.parametrize(("table", "message"), [
    ({"selct": ["KC2"]}, "unknown key 'selct'.*did you mean 'select'"),
    ({"select": "KC2"}, "'select' must be a list of strings"),
    ({"respect-gitignore": "yes"}, "'respect-gitignore' must be true or false"),
    ({"per-file-ignores": ["tests/*"]}, "'per-file-ignores' must be a table"),
    ({"exclude": [1]}, "'exclude' must be a list of strings"),
])
def test_invalid_tables_are_clear_errors(table, message):
    with pytest.raises(ConfigError, match=message):
        config_from_table(table, source="pyproject.toml")


@pytest.mark.parametrize(("path", "pattern", "matches"), [
    ("tests/test_model.py", "tests/*", True),
    ("tests/unit/test_model.py", "tests/*", True),       # '*' crosses folders, as in Ruff
    ("src/tests/test_model.py", "tests/*", False),       # a path glob is anchored at the root
    ("src/tests/test_model.py", "**/tests/*", True),
    ("tests/test_model.py", "**/tests/*", True),          # '**/' may match no folder
    ("src/build/gen.py", "build", True),                  # a name matches any folder
    ("src/builder.py", "build", False),
    ("src/model_pb2.py", "*_pb2.py", True),
    ("notebooks/a.ipynb", "*.ipynb", True),
    ("src/a.py", "src/{a,b}.py", True),
    ("src/c.py", "src/{a,b}.py", False),
    ("src/a1.py", "src/a[0-9].py", True),
    ("src/legacy/old/x.py", "src/legacy", True),         # a folder glob covers its files
])
def test_matches_glob(path, pattern, matches, tmp_path):
    assert matches_glob(str(tmp_path / path), pattern, tmp_path) is matches
    assert matches_glob(path, pattern) is matches


# -- reading pyproject.toml ---------------------------------------------------------------

def test_nearest_pyproject_with_the_table_wins_and_others_are_passed_over(tmp_path):
    pyproject(tmp_path, 'ignore = ["KC201"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")  # no table
    nested = tmp_path / "pkg" / "src"
    nested.mkdir(parents=True)
    config = load_config(nested)
    assert config.ignore == ("KC201",)
    assert Path(config.root) == tmp_path.resolve()
    assert config.source == str(tmp_path.resolve() / "pyproject.toml")


def test_without_any_configuration_the_defaults_apply(tmp_path):
    config = load_config(tmp_path)
    assert config == Config(root=str(tmp_path.resolve()))


def test_config_file_option_reads_a_plain_toml_table_or_a_pyproject(tmp_path):
    plain = write(tmp_path / "kerascheck.toml", 'select = ["KC2"]\n')
    assert load_config(tmp_path, plain).select == ("KC2",)
    other = pyproject(tmp_path / "other", 'select = ["KC3"]\n')
    assert load_config(tmp_path, other).select == ("KC3",)
    renamed = write(tmp_path / "ci-kerascheck.toml", '[tool.kerascheck]\nignore = ["KC5"]\n')
    assert load_config(tmp_path, renamed).ignore == ("KC5",)
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path, tmp_path / "missing.toml")


def test_invalid_toml_is_an_error(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.kerascheck\nselect = [")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path)


# -- the command line ---------------------------------------------------------------------

def test_cli_unknown_key_or_code_exits_2_with_the_reason(tmp_path, monkeypatch, capsys):
    write(tmp_path / "model.py", BAD)
    pyproject(tmp_path, 'select = ["KC2"]\nextend-ignore = ["KC201"]\n')
    code, out, err = run(["model.py"], tmp_path, monkeypatch, capsys)
    assert code == 2 and out == ""
    assert "unknown key 'extend-ignore'" in err and "pyproject.toml" in err
    pyproject(tmp_path, 'ignore = ["KC999"]\n')
    code, _, err = run(["model.py"], tmp_path, monkeypatch, capsys)
    assert code == 2 and "KC999" in err
    code, _, err = run(["--select", "KC999", "model.py"], tmp_path, monkeypatch, capsys)
    assert code == 2 and "KC999" in err


def test_cli_honours_ignore_and_per_file_ignores(tmp_path, monkeypatch, capsys):
    write(tmp_path / "src" / "model.py", BAD)
    write(tmp_path / "tests" / "test_model.py", BAD)
    pyproject(tmp_path, '[tool.kerascheck.per-file-ignores]\n"tests/*" = ["KC201"]\n')
    code, out, _ = run(["--output-format", "concise", "."], tmp_path, monkeypatch, capsys)
    assert code == 1
    assert "src/model.py:4:5: KC201" in out and "test_model.py" not in out
    # from a subfolder the globs are still relative to the project root
    code, out, _ = run(["--output-format", "concise", "test_model.py"],
                       tmp_path / "tests", monkeypatch, capsys)
    assert code == 0 and "All checks passed." in out
    pyproject(tmp_path, 'ignore = ["KC2"]\n')
    code, out, _ = run(["."], tmp_path, monkeypatch, capsys)
    assert code == 0 and out.strip() == "All checks passed."


def test_negated_per_file_ignore_applies_everywhere_else(tmp_path, monkeypatch, capsys):
    write(tmp_path / "src" / "model.py", BAD)
    write(tmp_path / "scratch" / "try.py", BAD)
    pyproject(tmp_path, '[tool.kerascheck.per-file-ignores]\n"!src/**" = ["KC201"]\n')
    code, out, _ = run(["--output-format", "concise", "."], tmp_path, monkeypatch, capsys)
    assert code == 1 and "src/model.py" in out and "try.py" not in out


def test_cli_select_replaces_the_configured_selection_and_ignore_adds(
        tmp_path, monkeypatch, capsys):
    write(tmp_path / "model.py", BAD)
    pyproject(tmp_path, 'select = ["KC3"]\nignore = ["KC201"]\n')
    assert run(["model.py"], tmp_path, monkeypatch, capsys)[0] == 0
    # Ruff: an explicit --select on the command line decides alone
    assert run(["--select", "KC201", "model.py"], tmp_path, monkeypatch, capsys)[0] == 1
    assert run(["--extend-select", "KC2", "model.py"], tmp_path, monkeypatch, capsys)[0] == 0
    pyproject(tmp_path, "")
    assert run(["--ignore", "KC201", "model.py"], tmp_path, monkeypatch, capsys)[0] == 0


def test_exclude_and_extend_exclude_skip_folders_but_not_named_files(
        tmp_path, monkeypatch, capsys):
    write(tmp_path / "src" / "model.py", BAD)
    write(tmp_path / "generated" / "model.py", BAD)
    write(tmp_path / "build" / "model.py", BAD)  # a default exclude
    write(tmp_path / "legacy" / "old.py", BAD)
    pyproject(tmp_path, 'extend-exclude = ["generated", "legacy/*.py"]\n')
    code, out, _ = run(["--show-files", "."], tmp_path, monkeypatch, capsys)
    assert out.split() == ["src/model.py"]
    # files named explicitly are checked anyway, unless --force-exclude
    code, out, _ = run(["--show-files", "generated/model.py"], tmp_path, monkeypatch, capsys)
    assert out.split() == ["generated/model.py"]
    code, out, _ = run(["--force-exclude", "generated/model.py", "legacy/old.py",
                        "src/model.py", "--output-format", "concise"],
                       tmp_path, monkeypatch, capsys)
    assert code == 1 and "src/model.py:4:5" in out and "generated" not in out \
        and "legacy" not in out
    # a folder named explicitly is walked even though an exclude matches it (as in Ruff)
    code, out, _ = run(["--show-files", "build"], tmp_path, monkeypatch, capsys)
    assert out.split() == ["build/model.py"]
    code, out, _ = run(["--show-files", "--force-exclude", "build"], tmp_path, monkeypatch,
                       capsys)
    assert out.split() == []
    # exclude replaces the defaults
    pyproject(tmp_path, 'exclude = ["legacy"]\n')
    code, out, _ = run(["--show-files", "."], tmp_path, monkeypatch, capsys)
    assert sorted(out.split()) == ["build/model.py", "generated/model.py", "src/model.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_gitignore_is_respected_unless_disabled(tmp_path, monkeypatch, capsys):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "data/\nscratch_*.py\n")
    write(tmp_path / "model.py", BAD)
    write(tmp_path / "scratch_1.py", BAD)
    write(tmp_path / "data" / "dump.py", BAD)
    write(tmp_path / "sub" / ".gitignore", "local.py\n")
    write(tmp_path / "sub" / "local.py", BAD)
    write(tmp_path / "sub" / "kept.py", BAD)
    code, out, _ = run(["--show-files", "."], tmp_path, monkeypatch, capsys)
    assert sorted(out.split()) == ["model.py", "sub/kept.py"]
    code, out, _ = run(["--show-files", "--no-respect-gitignore", "."], tmp_path,
                       monkeypatch, capsys)
    assert sorted(out.split()) == ["data/dump.py", "model.py", "scratch_1.py", "sub/kept.py",
                                   "sub/local.py"]
    # named explicitly: checked, unless --force-exclude (what pre-commit passes)
    assert run(["scratch_1.py"], tmp_path, monkeypatch, capsys)[0] == 1
    assert run(["--force-exclude", "scratch_1.py"], tmp_path, monkeypatch, capsys)[0] == 0
    assert run(["--force-exclude", "data/dump.py"], tmp_path, monkeypatch, capsys)[0] == 0
    code, out, _ = run(["--show-files", "data"], tmp_path, monkeypatch, capsys)
    assert out.split() == ["data/dump.py"]
    pyproject(tmp_path, "respect-gitignore = false\n")
    code, out, _ = run(["--show-files", "."], tmp_path, monkeypatch, capsys)
    assert "data/dump.py" in out.split()


def test_show_settings_prints_the_source_and_the_resolved_values(
        tmp_path, monkeypatch, capsys):
    pyproject(tmp_path, 'ignore = ["KC201"]\n[tool.kerascheck.per-file-ignores]\n'
                        '"tests/*" = ["KC5"]\n')
    code, out, _ = run(["--show-settings", "--extend-exclude", "scratch"], tmp_path,
                       monkeypatch, capsys)
    assert code == 0
    assert f"Settings file: {tmp_path.resolve() / 'pyproject.toml'}" in out
    assert 'ignore = ["KC201"]' in out
    assert 'per-file-ignores = {"tests/*": ["KC5"]}' in out
    assert 'extend-exclude = ["scratch"]' in out
    enabled = out.split("# enabled rules: ")[1]
    assert "KC201" not in enabled and "KC000" in enabled


# -- standard input -----------------------------------------------------------------------

def test_stdin_is_linted_under_its_stdin_filename(tmp_path, monkeypatch, capsys):
    code, out, _ = run(["-", "--stdin-filename", "src/model.py", "--output-format",
                        "concise"], tmp_path, monkeypatch, capsys, stdin=BAD.encode())
    assert code == 1
    assert out.splitlines()[0].startswith("src/model.py:4:5: KC201 ")
    code, out, _ = run(["-"], tmp_path, monkeypatch, capsys, stdin=GOOD.encode())
    assert code == 0 and out.strip() == "All checks passed."


def test_stdin_text_output_shows_the_stdin_line(tmp_path, monkeypatch, capsys):
    code, out, _ = run(["--stdin-filename", "snippet.py"], tmp_path, monkeypatch, capsys,
                       stdin=BAD.encode())
    assert code == 1
    assert "4 |     tf.keras.layers.Dense(10),\n" in out


def test_stdin_filename_takes_per_file_ignores_and_force_exclude(tmp_path, monkeypatch,
                                                                 capsys):
    pyproject(tmp_path, 'extend-exclude = ["vendored"]\n'
                        '[tool.kerascheck.per-file-ignores]\n"tests/*" = ["KC201"]\n')
    code, out, _ = run(["-", "--stdin-filename", "tests/test_model.py"], tmp_path,
                       monkeypatch, capsys, stdin=BAD.encode())
    assert code == 0
    code, out, _ = run(["-", "--stdin-filename", "vendored/model.py", "--force-exclude"],
                       tmp_path, monkeypatch, capsys, stdin=BAD.encode())
    assert code == 0
    code, out, _ = run(["-", "--stdin-filename", "vendored/model.py"],
                       tmp_path, monkeypatch, capsys, stdin=BAD.encode())
    assert code == 1


def test_stdin_cannot_be_mixed_with_paths_or_written(tmp_path, monkeypatch, capsys):
    write(tmp_path / "model.py", BAD)
    code, _, err = run(["-", "model.py"], tmp_path, monkeypatch, capsys, stdin=b"")
    assert code == 2 and "standard input" in err
    code, _, err = run(["-", "--add-noqa"], tmp_path, monkeypatch, capsys, stdin=BAD.encode())
    assert code == 2 and "standard input" in err


# -- configuration errors exit 2 with one message (issue 14, item 4) ------------------------

@pytest.mark.parametrize("pattern", ["[z-a]", "src/[z-a].py", "{a,b}" * 12])
def test_an_invalid_glob_is_a_config_error(pattern, tmp_path, monkeypatch, capsys):
    with pytest.raises(ConfigError, match="invalid glob"):
        config_from_table({"extend-exclude": [pattern]}, source="pyproject.toml")
    with pytest.raises(ConfigError, match="invalid glob"):
        config_from_table({"per-file-ignores": {"!" + pattern: ["KC201"]}})
    pyproject(tmp_path, f"extend-exclude = [{pattern!r}]\n".replace("'", '"'))
    write(tmp_path / "model.py", BAD)
    code, out, err = run(["model.py"], tmp_path, monkeypatch, capsys)
    assert code == 2 and "invalid glob" in err and "Traceback" not in err
    code, out, err = run(["--extend-exclude", pattern, "model.py"], tmp_path, monkeypatch,
                         capsys)
    assert code == 2 and "invalid glob" in err


@pytest.mark.parametrize("stars", [11, 17, 40])
def test_star_globs_match_without_backtracking(stars):
    # A backtracking regex took 46 s for 11 stars against a 40-character name. Globs compile
    # to RE2 (pathspec's re2 backend), whose matching is linear in the name whatever the
    # pattern (benchmarks/slow_files.py measures it; no test is timed).
    from kerascheck.settings.globs import compile_glob

    pattern = "*a" * stars + "b"
    assert compile_glob(pattern)._backend_name == "re2"
    assert not matches_glob("a" * 40, pattern)
    assert not matches_glob("src/" + "a" * 40, "src/" + pattern)
    assert matches_glob("a" * 40 + "b", pattern)


PLAIN_NAMES = ["build", "_build", "node_modules", "site-packages", "my.pkg", "v2", "-x", "données",
               "build/"]


def test_plain_names_are_compared_not_compiled_with_the_same_answers():
    # The default excludes are plain names: a run with them alone imports no pathspec, RE2 or
    # bracex (17 ms of every start), and each answers what its compiled pattern answers.
    script = textwrap.dedent(f"""
        import sys
        from kerascheck.settings.config import Config
        from kerascheck.settings.globs import check_glob, matches_any_glob
        config = Config(exclude={tuple(PLAIN_NAMES)!r})
        paths = ["build", "a/build/x.py", "a/_build", "a/builds/x.py", "my.pkg/m.py",
                 "a/my_pkg/m.py", "v2/v2.py", "x/-x", "données/a.py", "rebuild/x.py", "x.py"]
        answers = [(path, pattern, ancestors, matches_any_glob(path, (pattern,), "", ancestors))
                   for path in paths for pattern in {PLAIN_NAMES!r} for ancestors in (True, False)]
        print("IMPORTED", sorted(m for m in ("pathspec", "bracex", "re2") if m in sys.modules))
        from kerascheck.settings import globs
        for path, pattern, ancestors, answer in answers:
            parts = [part for part in path.split("/") if part]
            spec = globs.compile_glob(pattern.strip("/"))
            compiled = (any(spec.match_file(part) for part in parts) if ancestors
                        else spec.match_file(parts[-1]))
            assert answer == compiled, (path, pattern, ancestors, answer)
        print("SAME", len(answers))
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert "IMPORTED []" in done.stdout, done.stdout + done.stderr
    assert f"SAME {11 * len(PLAIN_NAMES) * 2}" in done.stdout, done.stdout + done.stderr
    assert matches_glob("a/build/x.py", "build") and not matches_glob("a/rebuild/x.py", "build")
    assert matches_glob("a/build/x.py", "b*d") and not matches_glob("a/rebuild/x.py", "b*d")


@pytest.mark.parametrize(("content", "message"), [
    (b"[tool.kerascheck]\nselect = ['KC2']\n# \xff\xfe\n", "not UTF-8"),
    (b"[tool.kerascheck]\nselect = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    (b"[tool.kerascheck]\nselect = {" * 3000, "invalid TOML"),
])
def test_unreadable_pyproject_is_exit_2_with_a_message(content, message, tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(content)
    write(tmp_path / "model.py", BAD)
    result = subprocess.run([sys.executable, "-m", "kerascheck", "model.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
