"""How fast ``kerascheck server`` answers after an edit: a real LSP client (pygls's) starts the
server over stdio, opens a ~300-line tutorial-style Keras script (``benchmarks/corpus.py``,
with one finding), then changes one line and waits for the new diagnostics, many times.

Two ways an editor gets them: pulled (``textDocument/diagnostic`` right after the change, as
VS Code and Neovim 0.10+ do) and pushed (``textDocument/publishDiagnostics`` after the change,
for clients that do not pull). Times are wall-clock milliseconds from sending the change to
holding the diagnostics, so they include the JSON-RPC round trip; the median is reported (target:
at most 50 ms). On a machine shared with other work, wall time waits for a CPU too, so the
server's own CPU time per change is reported beside it (Linux: from ``/proc``, as a mean).

    python benchmarks/lsp_relint.py              # 30 changes each way
    python benchmarks/lsp_relint.py --runs 100
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

SCRIPT_INDEX = 54  # corpus.script(54, buggy=True): 294 lines, one KC201


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(runs: int, pull: bool) -> tuple[list[float], float, int, int]:
    source = corpus.script(SCRIPT_INDEX, buggy=True)
    lines = source.splitlines(keepends=True)
    client = LanguageClient("kerascheck-benchmark", "1")
    pushed: asyncio.Queue = asyncio.Queue()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        pushed.put_nowait(params)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train.py"
        path.write_text(source, encoding="utf-8")
        uri = path.as_uri()
        await client.start_io(sys.executable, "-m", "kerascheck", "server")
        capabilities = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
            diagnostic=types.DiagnosticClientCapabilities())) if pull else \
            types.ClientCapabilities()
        await client.initialize_async(types.InitializeParams(
            capabilities=capabilities, root_uri=Path(folder).as_uri()))
        client.initialized(types.InitializedParams())
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                                 text=source)))
        if not pull:
            await pushed.get()
        timings = []
        findings = 0
        cpu_before = cpu_seconds(client._server.pid)
        for run in range(runs):
            # the edit a user makes: one line gains a comment (a new text every time)
            line = 40 + run % 200
            end = len(lines[line].rstrip("\n"))
            started = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=run + 2),
                content_changes=[types.TextDocumentContentChangePartial(
                    range=types.Range(start=types.Position(line=line, character=end),
                                      end=types.Position(line=line, character=end)),
                    text=f"  # edit {run}")]))
            if pull:
                report = await client.text_document_diagnostic_async(
                    types.DocumentDiagnosticParams(
                        text_document=types.TextDocumentIdentifier(uri=uri)))
                findings = len(report.items)
            else:
                findings = len((await pushed.get()).diagnostics)
            timings.append((time.perf_counter() - started) * 1000)
            lines[line] = lines[line][:end] + f"  # edit {run}" + lines[line][end:]
        cpu_per_change = (cpu_seconds(client._server.pid) - cpu_before) / runs * 1000
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return timings, cpu_per_change, findings, len(source.splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    for pull in (True, False):
        timings, cpu, findings, line_count = asyncio.run(measure(options.runs, pull))
        print(f"{'pull' if pull else 'push'}: {line_count}-line file, {findings} finding(s), "
              f"{len(timings)} changes: median {statistics.median(timings):.1f} ms wall "
              f"(min {min(timings):.1f}, max {max(timings):.1f}); server CPU "
              f"{cpu:.1f} ms per change; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
