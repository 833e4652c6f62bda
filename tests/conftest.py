"""Shared test helpers."""

from __future__ import annotations

import asyncio
import os
import re
import textwrap

from hypothesis import HealthCheck, settings

from kerascheck.engine import lint_source
from kerascheck.settings.config import Config

# Fuzzing is random on a developer's machine (it hunts) and derandomized under CI=true (a
# submission must not fail by chance). hypothesmith's node strategy rejects many drafts, so the
# filter health check is told that this is expected.
settings.register_profile(
    "ci", derandomize=True, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow,
                           HealthCheck.data_too_large])
settings.register_profile(
    "dev", suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow,
                                  HealthCheck.data_too_large])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>KC\d{3}(?:\s*,\s*KC\d{3})*)")


def lint(code: str, select: tuple[str, ...] = ("KC",), path: str = "example.py"):
    """Diagnostics for a snippet (dedented)."""
    result = lint_source(textwrap.dedent(code), path, Config(select=select))
    assert not result.errors, result.errors
    return result.diagnostics


def expected_lines(code: str) -> list[tuple[int, str]]:
    """(line, code) pairs marked with ``# expect: KC201`` in an example."""
    pairs = []
    for number, line in enumerate(textwrap.dedent(code).splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            pairs += [(number, c.strip()) for c in match.group("codes").split(",")]
    return pairs


def found_beside_api(code: str) -> list[tuple[int, str]]:
    """(line, code) of a snippet's findings, leaving out the Keras 2 paths and arguments
    (KC601/KC602), which are beside the point of the structural recall tests."""
    return sorted((d.line, d.code) for d in lint(code, select=("KC",))
                  if d.code not in ("KC601", "KC602"))


def check_expected_beside_api(code: str) -> None:
    """The snippet's findings (beside KC601/KC602) are exactly its ``# expect:`` marks."""
    assert found_beside_api(code) == sorted(expected_lines(code))


async def published(client, condition, seconds: float = 60.0) -> None:
    """Wait until ``condition()`` holds for what the language server has published to
    ``client`` (pytest-lsp's ``client.diagnostics``). ``wait_for_notification`` hands a
    notification only to a waiter registered before it is read, and two notifications read
    from one chunk of the pipe leave a second waiter waiting for ever, so a test that expects
    several publications polls the published state instead (failing after ``seconds``)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"the server did not publish what the test awaits in {seconds} s")
        await asyncio.sleep(0.02)
