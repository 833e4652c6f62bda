"""Hostile input, the runner, the cache and startup: kerascheck never crashes, hangs or lies.

Each hostile file is checked through the engine and through the CLI in a subprocess, next to
an ordinary file with a finding that must still be reported. Deep files also go through the
worker processes of the pool (more files than the pool threshold).
"""

from __future__ import annotations

import faulthandler
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from kerascheck.engine import lint_file, lint_source
from kerascheck.settings.config import Config
from kerascheck.source import parsing
from kerascheck.source.parsing import MAX_SOURCE_BYTES, looks_deep
from kerascheck.source.positions import node_positions
from kerascheck.workspace.cache import Cache, cache_key
from kerascheck.workspace.runner import POOL_THRESHOLD, lint_paths

BUGGY = textwrap.dedent("""\
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(8),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    """)
BUGGY_LINE = 5  # the hidden Dense(8)

DEEP_PARENS = "import tensorflow\nx = " + "(" * 3000 + "1" + ")" * 3000 + "\n"
LONG_AND_CHAIN = "import tensorflow\nx = " + " and ".join(["a"] * 20000) + "\n"
LONG_PLUS_CHAIN = "import tensorflow\nx = (" + "\n+ ".join(["1"] * 10000) + ")\n"
DEEP_LAMBDAS = "import tensorflow\nf = " + "lambda: " * 10000 + "1\n"


def codes(result) -> list[tuple[int, str]]:
    return [(d.line, d.code) for d in result.diagnostics]


def run_cli(*args, cwd=None, prefix=(), timeout=120) -> tuple[int, list[dict], str]:
    """Run ``kerascheck --output-format json`` in a subprocess: (exit code, findings, stderr)."""
    command = [*prefix, sys.executable, "-m", "kerascheck", "--output-format", "json", *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=timeout)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout or "[]"), done.stderr


def by_file(findings: list[dict]) -> dict[str, list[tuple[int, str]]]:
    grouped: dict[str, list[tuple[int, str]]] = {}
    for finding in findings:
        grouped.setdefault(os.path.basename(finding["path"]), []).append(
            (finding["line"], finding["code"]))
    return grouped


# -- hostile content, through the engine -------------------------------------------------------

def test_binary_content_that_mentions_tensorflow_is_kc000():
    noise = bytes(random.Random(0).randrange(256) for _ in range(4096))
    result = lint_source(b"import tensorflow\n" + noise, "blob.py")
    assert codes(result) and {code for _, code in codes(result)} == {"KC000"}
    assert not result.errors


def test_binary_content_without_keras_is_not_our_concern():
    noise = bytes(random.Random(1).randrange(256) for _ in range(4096)).replace(b"keras", b"")
    result = lint_source(noise.replace(b"tensorflow", b""), "blob.py")
    assert result.diagnostics == [] or not result.relevant


def test_invalid_utf8_is_pythons_syntax_error():
    result = lint_source(b"import tensorflow\ns = '\xff\xfe'\n", "bad.py")
    (diagnostic,) = result.diagnostics
    assert (diagnostic.code, diagnostic.line) == ("KC000", 2)
    assert "utf-8" in diagnostic.message and diagnostic.message.startswith("SyntaxError")


def test_unknown_coding_cookie_is_pythons_syntax_error():
    # LibCST raises the builtin SyntaxError here, not ParserSyntaxError.
    result = lint_source(b"# -*- coding: no-such-codec -*-\nimport tensorflow\n", "cookie.py")
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "KC000" and "unknown encoding" in diagnostic.message


def test_latin1_coding_cookie_is_read_and_checked():
    source = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + BUGGY).encode("latin-1")
    assert codes(lint_source(source, "latin.py")) == [(BUGGY_LINE + 2, "KC201")]


def test_byte_order_mark_keeps_lines_right():
    assert codes(lint_source(b"\xef\xbb\xbf" + BUGGY.encode(), "bom.py")) == [
        (BUGGY_LINE, "KC201")]


def test_crlf_line_endings_keep_lines_and_columns_right():
    result = lint_source(BUGGY.replace("\n", "\r\n").encode(), "crlf.py")
    (diagnostic,) = result.diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.code) == (BUGGY_LINE, 5, "KC201")


def test_null_byte_is_kc000_not_a_crash():
    (diagnostic,) = lint_source(b"import tensorflow\x00\n", "nul.py").diagnostics
    assert diagnostic.code == "KC000" and "null" in diagnostic.message


def test_empty_file_has_nothing_to_say(tmp_path):
    empty = tmp_path / "empty.py"
    empty.write_bytes(b"")
    assert lint_file(empty).diagnostics == []
    assert lint_source("", "empty.py").diagnostics == []


class _Counted:
    """Counts the calls of one of kerascheck's parsing steps (the steps still run)."""

    def __init__(self, monkeypatch, name: str):
        self.calls = 0
        real = getattr(parsing, name)

        def counted(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(parsing, name, counted)


def parser_calls(monkeypatch) -> tuple[_Counted, _Counted]:
    """(LibCST parses, CPython parses) that the next lints make."""
    libcst_parses = _Counted(monkeypatch, "_parse_without_gc")
    return libcst_parses, _Counted(monkeypatch, "python_parse_error")


# (How long these take is benchmarks/slow_files.py's to measure: no test is timed. What makes
# them quick is asserted instead: the work that is never done.)


def test_ten_megabyte_file_is_refused_without_parsing(monkeypatch):
    line = "x = tf.keras.layers.Dense(10, activation='relu')\n"
    big = "import tensorflow as tf\n" + line * (10_000_000 // len(line))
    assert len(big) > MAX_SOURCE_BYTES
    libcst_parses, python_parses = parser_calls(monkeypatch)
    (diagnostic,) = lint_source(big, "big.py").diagnostics
    assert diagnostic.code == "KC000" and "too large" in diagnostic.message
    assert (libcst_parses.calls, python_parses.calls) == (0, 0)


def test_ten_megabyte_file_without_keras_is_never_parsed(monkeypatch):
    big = b"x = 1\n" * (10_000_000 // 6)
    libcst_parses, python_parses = parser_calls(monkeypatch)
    result = lint_source(big, "big.py")
    assert result.diagnostics == [] and not result.relevant
    assert (libcst_parses.calls, python_parses.calls) == (0, 0)


@pytest.mark.parametrize("source, expected", [
    (DEEP_PARENS, "too many nested parentheses"),
    (LONG_PLUS_CHAIN, "nested too deeply for Python itself"),
    (DEEP_LAMBDAS, "nested too deeply for Python itself"),
])
def test_nesting_python_refuses_never_reaches_libcst(source, expected, monkeypatch):
    # Each of these kills the process (SIGSEGV) or takes minutes in LibCST's native parser:
    # CPython's parser alone answers (once).
    libcst_parses, python_parses = parser_calls(monkeypatch)
    (diagnostic,) = lint_source(source, "deep.py").diagnostics
    assert diagnostic.code == "KC000" and expected in diagnostic.message
    assert (libcst_parses.calls, python_parses.calls) == (0, 1)


def test_long_chain_python_accepts_is_parsed_without_crashing():
    # 20,000 operands of ``and``: CPython accepts it; LibCST overflows an 8 MB stack on it.
    assert looks_deep(LONG_AND_CHAIN.encode())
    result = lint_source(LONG_AND_CHAIN, "chain.py")
    assert result.diagnostics == [] and not result.errors


class _CountedPattern:
    """The screen's bracket pattern, counting the scans it makes and the matches they yield."""

    def __init__(self, pattern):
        self.pattern, self.scans, self.matches = pattern, 0, 0

    def finditer(self, data):
        self.scans += 1
        for match in self.pattern.finditer(data):
            self.matches += 1
            yield match


@pytest.mark.parametrize("lines", [100, 200])
def test_screening_is_one_pass_over_the_bytes(lines, monkeypatch):
    # Lines just under the long-line limit: a regex such as [^\n]{20000} rescanned every long
    # line from each of its positions (1 s per 10 lines). The screen is one split at newlines
    # and one scan for single bracket bytes: its work is the number of brackets, counted here.
    counted = _CountedPattern(parsing._BRACKET)
    monkeypatch.setattr(parsing, "_BRACKET", counted)
    raw = (b"x" * 19_990 + b"f(a[1])\n") * lines
    assert not looks_deep(raw)
    assert (counted.scans, counted.matches) == (1, 4 * lines)


def test_ordinary_files_are_not_screened_as_deep():
    assert not looks_deep(BUGGY.encode())
    assert not looks_deep(b"x = [" + b", ".join(b"%d" % i for i in range(500)) + b"]\n")


# -- positions ----------------------------------------------------------------------------------

@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_targeted_positions_equal_position_provider(newline):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from corpus import script
    finally:
        sys.path.pop(0)
    for index in range(3):
        module = cst.parse_module(script(index, buggy=index % 2 == 0).replace("\n", newline))
        every = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        sample = random.Random(index).sample(list(every), 200)
        ranges, code = node_positions(module, sample)
        assert code == module.code
        assert {node: ranges[node] for node in sample} == {node: every[node] for node in sample}


# -- the CLI, with the other files still checked ------------------------------------------------

def hostile_tree(root: Path) -> None:
    """A folder of hostile files next to ``ok.py``, which has one KC201."""
    root.mkdir(exist_ok=True)
    (root / "ok.py").write_text(BUGGY)
    (root / "binary.py").write_bytes(b"import tensorflow\n\x00\xff\xfe" + bytes(range(256)))
    (root / "badutf8.py").write_bytes(b"import tensorflow\ns = '\xff'\n")
    (root / "cookie.py").write_bytes(("# -*- coding: latin-1 -*-\ns = 'caf\xe9'\n" + BUGGY)
                                     .encode("latin-1"))
    (root / "bom.py").write_bytes(b"\xef\xbb\xbf" + BUGGY.encode())
    (root / "crlf.py").write_bytes(BUGGY.replace("\n", "\r\n").encode())
    (root / "empty.py").write_bytes(b"")
    (root / "deep.py").write_text(DEEP_PARENS)
    (root / "chain.py").write_text(LONG_AND_CHAIN)
    line = "x = tf.keras.layers.Dense(10)\n"
    (root / "huge.py").write_text("import tensorflow as tf\n" + line * (10_500_000 // len(line)))
    (root / "loop").symlink_to(root, target_is_directory=True)  # a directory symlink loop
    (root / "link_a.py").symlink_to(root / "link_b.py")  # a file symlink loop
    (root / "link_b.py").symlink_to(root / "link_a.py")
    os.mkfifo(root / "fifo.py")  # opening it would block forever


EXPECTED_HOSTILE = {
    "ok.py": [(BUGGY_LINE, "KC201")],
    "binary.py": [(1, "KC000")],
    "badutf8.py": [(2, "KC000")],
    "cookie.py": [(BUGGY_LINE + 2, "KC201")],
    "bom.py": [(BUGGY_LINE, "KC201")],
    "crlf.py": [(BUGGY_LINE, "KC201")],
    "deep.py": [(2, "KC000")],
    "huge.py": [(1, "KC000")],
    "link_a.py": [(1, "KC000")],
    "link_b.py": [(1, "KC000")],
    "fifo.py": [(1, "KC000")],
}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cli_survives_a_hostile_tree(tmp_path, jobs):
    hostile_tree(tmp_path / "tree")
    code, findings, stderr = run_cli("--no-cache", "--jobs", jobs, str(tmp_path / "tree"))
    assert code == 1
    assert by_file(findings) == EXPECTED_HOSTILE
    messages = {os.path.basename(f["path"]): f["message"] for f in findings}
    assert "symbolic links" in messages["link_a.py"]
    assert "not a regular file" in messages["fifo.py"]
    assert "too large" in messages["huge.py"]


def test_deep_files_in_pool_workers(tmp_path):
    """More files than the pool threshold, so deep files are parsed in worker processes."""
    tree = tmp_path / "many"
    tree.mkdir()
    for index in range(POOL_THRESHOLD + 8):
        (tree / f"f{index:03d}.py").write_text(BUGGY)
    (tree / "f005_deep.py").write_text(DEEP_PARENS)
    (tree / "f010_lambdas.py").write_text(DEEP_LAMBDAS)
    (tree / "f015_chain.py").write_text(LONG_AND_CHAIN)
    code, findings, _ = run_cli("--no-cache", "--jobs", "2", str(tree))
    found = by_file(findings)
    assert found.pop("f005_deep.py") == [(2, "KC000")]
    assert found.pop("f010_lambdas.py") == [(1, "KC000")]
    assert "f015_chain.py" not in found
    assert found == {f"f{index:03d}.py": [(BUGGY_LINE, "KC201")]
                     for index in range(POOL_THRESHOLD + 8)}


def _can_drop_read_override() -> str | None:
    """None if a subprocess can be made unable to read a mode-000 file; else why not."""
    if os.geteuid() != 0:
        return None
    if shutil.which("setpriv") is None:
        return "running as root (reads ignore mode 000) and setpriv is not installed to drop " \
               "CAP_DAC_OVERRIDE"
    probe = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search",
                            "true"], capture_output=True)
    if probe.returncode != 0:
        return "running as root and setpriv cannot drop CAP_DAC_OVERRIDE here: " + \
               probe.stderr.decode(errors="replace").strip()
    return None


def test_unreadable_file_is_kc000_and_the_rest_is_checked(tmp_path):
    reason = _can_drop_read_override()
    if reason:
        pytest.skip(reason)
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] \
        if os.geteuid() == 0 else []
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "ok.py").write_text(BUGGY)
    secret = tree / "secret.py"
    secret.write_text(BUGGY)
    locked = tree / "locked"  # an unreadable folder: walking past it must not end the run
    locked.mkdir()
    (locked / "inside.py").write_text(BUGGY)
    secret.chmod(0)
    locked.chmod(0)
    try:
        code, findings, stderr = run_cli("--no-cache", str(tree), prefix=prefix)
    finally:
        secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
        locked.chmod(stat.S_IRWXU)
    assert by_file(findings) == {"ok.py": [(BUGGY_LINE, "KC201")], "secret.py": [(1, "KC000")]}
    assert f"cannot read folder {locked}" in stderr  # said, not silently skipped
    assert "Permission denied" in [f for f in findings if "secret" in f["path"]][0]["message"]


# -- the runner -----------------------------------------------------------------------------------

def test_parallel_results_come_in_input_order(tmp_path):
    paths = []
    for index in range(3 * POOL_THRESHOLD):
        path = tmp_path / f"m{index:03d}.py"
        path.write_text(BUGGY if index % 3 else "import tensorflow as tf\nx = 1\n")
        paths.append(str(path))
    shuffled = random.Random(3).sample(paths, len(paths))
    serial = list(lint_paths(shuffled, Config(), jobs=1))
    parallel = list(lint_paths(shuffled, Config(), jobs=2, chunk_size=3))
    assert [r.path for r in parallel] == shuffled
    assert [r.diagnostics for r in parallel] == [r.diagnostics for r in serial]
    assert sum(1 for r in parallel if r.diagnostics) == 2 * POOL_THRESHOLD


class CrashingConfig(Config):
    """Kills the process that lints a file named ``crash.py`` (a stand-in for a native crash
    of the parser; the runner must not lose the run)."""

    def is_enabled(self, code, path=None):
        if path is not None and path.endswith("crash.py"):
            faulthandler.disable()  # inherited from pytest: it would print the dying stack
            os.kill(os.getpid(), signal.SIGSEGV)
        return super().is_enabled(code, path)


def test_a_crashing_worker_costs_one_file_not_the_run(tmp_path):
    paths = []
    for index in range(POOL_THRESHOLD + 8):
        name = "crash.py" if index == 7 else f"n{index:03d}.py"
        (tmp_path / name).write_text(BUGGY)
        paths.append(str(tmp_path / name))
    results = list(lint_paths(paths, CrashingConfig(), jobs=2, chunk_size=4))
    assert [r.path for r in results] == paths
    crashed = results[7]
    assert [d.code for d in crashed.diagnostics] == ["KC000"]
    assert "crashed" in crashed.diagnostics[0].message
    assert all(codes(r) == [(BUGGY_LINE, "KC201")] for i, r in enumerate(results) if i != 7)


# -- the cache --------------------------------------------------------------------------------------

def test_cache_key_covers_content_path_and_config():
    base = cache_key(b"import keras\n", Config(), "a.py")
    assert base == cache_key(b"import keras\n", Config(), "a.py")
    assert base != cache_key(b"import keras\n\n", Config(), "a.py")
    assert base != cache_key(b"import keras\n", Config(), "b.py")
    assert base != cache_key(b"import keras\n", Config(ignore=("KC201",)), "a.py")


def test_the_code_fingerprint_changes_when_a_rule_or_the_analysis_is_edited():
    """An edited rule (or analysis module) must not be answered from results the old code
    cached: the fingerprint in every key covers the whole package, not only the cache's own
    subpackage."""
    import kerascheck
    from kerascheck.workspace.cache import code_fingerprint

    package = Path(kerascheck.__file__).resolve().parent
    for module in (package / "rules" / "kc201_linear_hidden_activation.py",
                   package / "analysis" / "dataflow.py", package / "engine.py"):
        before = code_fingerprint.__wrapped__()
        status = module.stat()
        try:
            os.utime(module, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
            assert code_fingerprint.__wrapped__() != before, module
        finally:
            os.utime(module, ns=(status.st_atime_ns, status.st_mtime_ns))
        assert code_fingerprint.__wrapped__() == before


def test_cache_round_trip_keeps_diagnostics_and_detaches_fixes(tmp_path):
    diagnostics = lint_source(BUGGY, "buggy.py").diagnostics
    assert diagnostics and diagnostics[0].fix is not None
    cache = Cache(tmp_path / "cache")
    key = cache_key(BUGGY.encode(), Config(), "buggy.py")
    assert cache.get(key) is None
    assert cache.put(key, diagnostics)
    restored = cache.get(key)
    assert restored == diagnostics
    assert [d.message for d in restored] == [d.message for d in diagnostics]
    assert restored[0].fix.message == diagnostics[0].fix.message
    assert restored[0].fix.detached
    assert (tmp_path / "cache" / ".gitignore").read_text().strip().endswith("*")


def test_corrupt_entry_is_a_miss_and_unwritable_cache_is_skipped(tmp_path):
    cache = Cache(tmp_path / "cache")
    key = cache_key(b"x", None, "x.py")
    cache.put(key, [])
    entry = next((tmp_path / "cache").rglob("*.json"))
    entry.write_text("{not json")
    assert cache.get(key) is None
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert Cache(blocker / "cache").put(key, []) is False  # a file where the folder should be


def test_cli_warm_run_reads_the_cache_and_no_cache_does_not(tmp_path):
    tree = tmp_path / "project"
    tree.mkdir()
    (tree / "pyproject.toml").write_text("[tool.kerascheck]\n")
    (tree / "model.py").write_text(BUGGY)
    _, cold, _ = run_cli("model.py", cwd=tree)
    entries = list((tree / ".kerascheck_cache").rglob("*.json"))
    assert len(entries) == 1 and cold[0]["code"] == "KC201"
    # Tamper with the stored message: only a run that reads the cache can show it.
    data = json.loads(entries[0].read_text())
    data["diagnostics"][0]["message"] = "from the cache"
    entries[0].write_text(json.dumps(data))
    _, warm, _ = run_cli("model.py", cwd=tree)
    assert [f["message"] for f in warm] == ["from the cache"]
    _, fresh, _ = run_cli("--no-cache", "model.py", cwd=tree)
    assert [f["message"] for f in fresh] == [cold[0]["message"]]
    (tree / "model.py").write_text(BUGGY + "\n")  # changed content: a miss, linted again
    _, changed, _ = run_cli("model.py", cwd=tree)
    assert [f["message"] for f in changed] == [cold[0]["message"]]



@pytest.mark.parametrize("tamper", [
    lambda data: {"diagnostics": [1]},
    lambda data: {"diagnostics": [dict(d, line=str(d["line"])) for d in data["diagnostics"]]},
    lambda data: {"diagnostics": [dict(d, column="5") for d in data["diagnostics"]]},
    lambda data: {"diagnostics": {"not": "a list"}},
], ids=["an-int", "string-line", "string-column", "a-dict"])
def test_cli_cache_entry_of_the_wrong_shape_is_a_miss(tamper, tmp_path):
    # Issue 14, item 5: the CLI served such entries as they were (or raised).
    tree = tmp_path / "project"
    tree.mkdir()
    (tree / "pyproject.toml").write_text("[tool.kerascheck]\n")
    (tree / "model.py").write_text(BUGGY)
    _, cold, _ = run_cli("model.py", cwd=tree)
    [entry] = list((tree / ".kerascheck_cache").rglob("*.json"))
    entry.write_text(json.dumps(tamper(json.loads(entry.read_text()))))
    code, warm, stderr = run_cli("model.py", cwd=tree)
    assert "Traceback" not in stderr
    assert warm == cold and isinstance(warm[0]["line"], int)
    stored = json.loads(entry.read_text())["diagnostics"]  # linted again and stored again
    assert isinstance(stored[0], dict) and isinstance(stored[0]["line"], int)


@pytest.mark.parametrize("marker", [".gitignore", "CACHEDIR.TAG"])
@pytest.mark.parametrize("damage", ["empty", "missing"])
def test_an_empty_or_missing_cache_marker_is_repaired(marker, damage, tmp_path):
    # Issue 14, item 6: a marker left empty by a full disk was never written again.
    cache = Cache(tmp_path / "cache")
    assert cache.put(cache_key(b"x", None, "x.py"), [])
    path = tmp_path / "cache" / marker
    good = path.read_bytes()
    assert good.strip()
    if damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
    assert Cache(tmp_path / "cache").put(cache_key(b"y", None, "y.py"), [])
    assert path.read_bytes() == good


# -- startup --------------------------------------------------------------------------------------

def test_cli_imports_nothing_heavy(tmp_path):
    (tmp_path / "model.py").write_text(BUGGY)
    probe = textwrap.dedent(f"""
        import sys
        from kerascheck.cli import main
        main(["--no-cache", {str(tmp_path / "model.py")!r}])
        main(["rules"])
        heavy = sorted(name for name in ("tensorflow", "keras", "numpy", "tf_keras")
                       if name in sys.modules)
        print("HEAVY", heavy)
        """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120)
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr


# -- the standard library ---------------------------------------------------------------------------

HOSTILE_STDLIB = ("bad", "tokenizedata", "lib2to3/tests/data", "test_grammar", "ann_module")


@pytest.mark.slow
def test_standard_library_sample():
    """benchmarks/stdlib_lint.py on the standard library's known-hostile files (deliberate
    syntax errors, bad coding cookies, files LibCST cannot read) and a random sample: no crash,
    no hang, KC000 exactly where Python cannot parse, no other finding."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import stdlib_lint
    finally:
        sys.path.pop(0)
    assert stdlib_lint.HANG_SECONDS <= 120
    every = stdlib_lint.stdlib_files()
    hostile = [p for p in every if any(part in p.replace(os.sep, "/") for part in HOSTILE_STDLIB)]
    sample = sorted(set(hostile) | set(random.Random(0).sample(every, 40)))
    outcomes = stdlib_lint.run(sample, jobs=2)
    failures = [o for o in outcomes if o["status"] in stdlib_lint.FAILURES]
    assert not failures, failures
    statuses = {o["status"] for o in outcomes}
    assert "clean" in statuses
    if any(not stdlib_lint.python_verdict(Path(p).read_bytes() + stdlib_lint.MARKER)[0]
           for p in hostile):
        assert "kc000-expected" in statuses


def test_files_without_keras_are_settled_without_cache_entries(tmp_path):
    (tmp_path / "plain.py").write_text("import os\nprint(os.getcwd())\n")
    (tmp_path / "model.py").write_text(BUGGY)
    cache = Cache(tmp_path / "cache")
    paths = [str(tmp_path / "plain.py"), str(tmp_path / "model.py")]
    for _ in range(2):  # cold, then warm
        results = list(lint_paths(paths, Config(), jobs=1, cache=cache))
        assert [r.relevant for r in results] == [False, True]
        assert [codes(r) for r in results] == [[], [(BUGGY_LINE, "KC201")]]
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1


def test_a_cold_cache_is_not_looked_up_and_each_file_gets_one_key(tmp_path, monkeypatch):
    # An empty cache can answer nothing: the run makes each file's key once, to store its
    # result, not a second time to look it up first; the warm run makes it once to look up.
    from kerascheck.workspace import runner

    made = []

    def counted(content, config=None, path=""):
        made.append(path)
        return cache_key(content, config, path)

    monkeypatch.setattr(runner, "cache_key", counted)
    for index in range(3):
        (tmp_path / f"m{index}.py").write_text(BUGGY)
    (tmp_path / "plain.py").write_text("print('no Keras here')\n")
    paths = sorted(str(path) for path in tmp_path.glob("*.py"))
    cache = Cache(tmp_path / "cache")
    alone = [codes(r) for r in lint_paths(paths, Config(), jobs=1)]
    cold = list(lint_paths(paths, Config(), jobs=1, cache=cache))
    assert [codes(r) for r in cold] == alone and [r.relevant for r in cold] == [
        True, True, True, False]
    assert sorted(made) == paths[:3]
    made.clear()
    warm = list(lint_paths(paths, Config(), jobs=1, cache=cache))
    assert [codes(r) for r in warm] == alone and sorted(made) == paths[:3]


def test_a_cold_run_makes_few_cache_folders(tmp_path):
    # Making a folder costs about as much as writing an entry: 40 entries go into at most 16
    # folders (by the key's first digit), not one folder per first two digits.
    for index in range(40):
        (tmp_path / f"m{index:02d}.py").write_text(BUGGY)
    paths = sorted(str(path) for path in tmp_path.glob("*.py"))
    list(lint_paths(paths, Config(), jobs=1, cache=Cache(tmp_path / "cache")))
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert len(entries) == 40
    assert len({entry.parent for entry in entries}) <= 16


def test_a_pool_that_cannot_start_falls_back_to_in_process(tmp_path):
    """A script read from stdin, with a thread running, gets spawned workers that cannot import
    its ``__main__``: every worker dies at start. That is not every file crashing."""
    for index in range(POOL_THRESHOLD + 4):
        (tmp_path / f"p{index:03d}.py").write_text(BUGGY)
    script = textwrap.dedent(f"""
        import threading
        from kerascheck.settings.config import Config
        from kerascheck.workspace.runner import lint_paths
        from kerascheck.workspace.paths import discover
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        results = list(lint_paths(discover([{str(tmp_path)!r}]), Config(), jobs=2))
        stop.set()
        print("CODES", sorted({{d.code for r in results for d in r.diagnostics}}), len(results))
        """)
    done = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True,
                          timeout=300)
    assert f"CODES ['KC201'] {POOL_THRESHOLD + 4}" in done.stdout, done.stdout + done.stderr[-2000:]


def test_the_collector_waits_for_the_end_of_a_lint_and_then_collects_its_cycles():
    # The tree lives until the rules are done; collections during the lint walked it again and
    # again. Now there is one collection, of the youngest objects, after the lint: it finds
    # the cycles the analysis left, and the findings are the same.
    import gc

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from corpus import script

    source = script(3, buggy=True)
    expected = codes(lint_source(source, "model.py"))
    seen: list[tuple[str, int]] = []

    def watch(phase, info):
        seen.append((phase, info["generation"]))

    gc.collect()
    gc.callbacks.append(watch)
    try:
        result = lint_source(source, "model.py")
        leftover = gc.collect()
    finally:
        gc.callbacks.remove(watch)
    assert codes(result) == expected and expected
    assert seen[:2] == [("start", 0), ("stop", 0)] and len(seen) == 4, seen
    assert leftover < 50  # (the analysis leaves thousands of objects in cycles)


def test_the_block_walk_makes_no_abstract_class_checks():
    # isinstance against LibCST's node classes (abstract base classes) runs
    # ABCMeta.__instancecheck__ in Python for every node; the walk compares MROs instead.
    from kerascheck.analysis.syntax import statements_of

    module = cst.parse_module("def f():\n    if a:\n        def g():\n            pass\n"
                              "class C:\n    def h(self):\n        for x in y:\n"
                              "            if x:\n                pass\n")
    checks = []

    def watch(frame, event, _argument):
        if event == "call" and frame.f_code.co_name == "__instancecheck__":
            checks.append(frame.f_code.co_filename)

    sys.setprofile(watch)
    try:
        functions = statements_of(module, cst.FunctionDef)
        branches = statements_of(module.body, cst.If)
    finally:
        sys.setprofile(None)
    assert sorted(node.name.value for node in functions) == ["f", "g", "h"]
    assert len(branches) == 2 and all(isinstance(node, cst.If) for node in branches)
    assert checks == []


def test_nodes_built_after_a_parse_are_validated_again():
    # The parse skips LibCST's node validation (its own nodes follow the grammar); nodes that
    # rules and fixes build afterwards are validated as always.
    assert lint_source(BUGGY, "model.py").diagnostics
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")
    assert not parsing._unvalidated_parses[0]
