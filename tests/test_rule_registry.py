"""The rules' table (kerascheck/rules/registry.py) is generated from the rule modules and stays
equal to them; with it, a warm run (every result in the cache) imports no LibCST, no analysis
and no rule module (issue 16: a warm run's fixed cost was mostly those imports)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from kerascheck.rules import all_rules, rule_name, rule_table
from kerascheck.rules.registry_writer import registry_text

REGENERATE = "python -m kerascheck.rules.registry_writer"


def test_the_registry_is_the_rule_modules():
    from pathlib import Path

    import kerascheck.rules.registry as registry

    written = Path(registry.__file__).read_text(encoding="utf-8")
    assert written == registry_text(), (
        f"kerascheck/rules/registry.py differs from the rule modules (a rule added, renamed or "
        f"moved): run `{REGENERATE}` and commit the result")


def test_the_table_has_every_rule_in_code_order():
    assert rule_table() == tuple((rule.code, rule.name) for rule in all_rules())
    assert rule_name("KC201") == "linear-hidden-activation"
    assert rule_name("linear-hidden-activation") == "linear-hidden-activation"
    assert rule_name("KC999") == "KC999"


WARM = textwrap.dedent("""
    import sys
    from kerascheck.cli import main
    code = main(sys.argv[1:])
    heavy = sorted(name for name in sys.modules if name in ("libcst", "difflib") or
                   name.startswith(("libcst.", "kerascheck.rules.kc", "kerascheck.analysis.interp",
                                    "kerascheck.facts", "kerascheck.engine")))
    print("HEAVY", heavy)
    sys.exit(code)
""")

PROJECT = {
    "model.py": "from tensorflow import keras\n\n\ndef build():\n"
                "    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8),\n"
                "                             keras.layers.Dense(1, activation='sigmoid')])\n",
    "train.py": "from model import build\n\nmodel = build()\n"
                "model.compile(optimizer='adam', loss='binary_crossentropy')\n",
    "notes.py": "print('no Keras here')\n",
}


def run(project, *args):
    return subprocess.run([sys.executable, "-c", WARM, "--output-format", "concise", *args,
                           "."], cwd=project, capture_output=True, text=True, timeout=120)


def test_a_warm_run_imports_no_libcst(tmp_path):
    for name, text in PROJECT.items():
        (tmp_path / name).write_text(text)
    cold = run(tmp_path)
    assert cold.returncode == 1 and "KC201" in cold.stdout, cold.stdout + cold.stderr
    assert "'libcst'" in cold.stdout  # (the check sees the imports when there are some)
    for args in [(), ("--jobs", "2"), ("--select", "KC2,output-units-mismatch")]:
        run(tmp_path, *args)  # (other settings, other keys: the first run fills the cache)
        warm = run(tmp_path, *args)
        assert warm.returncode == 1, warm.stdout + warm.stderr
        assert warm.stdout.split("HEAVY")[0] == cold.stdout.split("HEAVY")[0], warm.stdout
        assert "HEAVY []" in warm.stdout, warm.stdout + warm.stderr
    edited = tmp_path / "notes.py"
    edited.write_text(edited.read_text() + "# an edit to a file that is not Keras\n")
    assert "HEAVY []" in run(tmp_path).stdout
