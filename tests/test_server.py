"""``kerascheck server`` end to end: a real LSP client (pytest-lsp) drives the server over stdio
in a subprocess: diagnostics pushed and pulled, code actions and their edits, fix all, noqa,
hover, notebooks, settings from the workspace and from the editor, bad input, clean shutdown."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "kerascheck", "server"])

KC301 = """\
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.Input(shape=(4,)),
    tf.keras.layers.Dense(3, activation='sigmoid'),
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
"""
KC602 = """\
import tensorflow as tf

optimizer = tf.keras.optimizers.Adam(lr=0.001)
"""
PUSH = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(configuration=True))
PULL = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        diagnostic=types.DiagnosticClientCapabilities()),
    workspace=types.WorkspaceClientCapabilities(configuration=True))


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """A client applying edits (ASCII texts here, so UTF-16 units are characters)."""
    lines = text.splitlines(keepends=True)

    def offset(position: types.Position) -> int:
        return sum(len(line) for line in lines[:position.line]) + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


class Session:
    """A client and the workspace folder it opened."""

    def __init__(self, client: LanguageClient, root: Path):
        self.client = client
        self.root = root

    async def start(self, capabilities=PUSH, options=None) -> None:
        await self.client.initialize_session(types.InitializeParams(
            capabilities=capabilities, root_uri=self.root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name="project")],
            initialization_options=options))

    async def open(self, name: str, text: str) -> list[types.Diagnostic]:
        """Open a file (pushed diagnostics are awaited)."""
        uri = (self.root / name).as_uri()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                                 text=text)))
        await self.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(self.client.diagnostics[uri])

    async def change(self, name: str, text: str, version: int) -> list[types.Diagnostic]:
        uri = (self.root / name).as_uri()
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        await self.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(self.client.diagnostics[uri])

    async def actions(self, name: str, diagnostic: types.Diagnostic | None = None, only=None):
        uri = (self.root / name).as_uri()
        whole = types.Range(start=types.Position(line=0, character=0),
                            end=types.Position(line=10_000, character=0))
        return await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range if diagnostic else whole,
            context=types.CodeActionContext(diagnostics=[diagnostic] if diagnostic else [],
                                            only=only)))


def edits_of(action: types.CodeAction) -> list[types.TextEdit]:
    [change] = action.edit.document_changes
    return list(change.edits)


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    yield
    if lsp_client._server.returncode is None:  # not shut down by the test itself
        await lsp_client.shutdown_session()


@pytest.fixture
def session(client: LanguageClient, tmp_path) -> Session:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    return Session(client, tmp_path)


@pytest.mark.asyncio
async def test_kc301_found_fixed_by_its_code_action_and_a_clean_exit(session):
    await session.start()
    [diagnostic] = await session.open("model.py", KC301)
    assert (diagnostic.code, diagnostic.source) == ("KC301", "kerascheck")
    assert diagnostic.range.start == types.Position(line=4, character=4)
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.code_description.href.endswith("docs/rules/KC301.md")
    actions = await session.actions("model.py", diagnostic)
    fix = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix and "softmax" in a.title)
    assert "unsafe" in fix.title and not fix.is_preferred
    assert [(e.range.start.line, e.range.start.character, e.new_text) for e in edits_of(fix)] \
        == [(4, 40, "'softmax'")]
    fixed = apply(KC301, edits_of(fix))
    assert fixed == KC301.replace("'sigmoid'", "'softmax'")
    assert await session.change("model.py", fixed, version=2) == []
    await session.client.shutdown_session()
    assert session.client._server.returncode == 0


@pytest.mark.asyncio
async def test_pull_diagnostics_and_an_unchanged_report(session):
    await session.start(PULL)
    uri = (session.root / "model.py").as_uri()
    session.client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                             text=KC301)))
    report = await session.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [d.code for d in report.items] == ["KC301"]
    again = await session.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        previous_result_id=report.result_id))
    assert again.kind == "unchanged" and again.result_id == report.result_id
    assert uri not in session.client.diagnostics  # a pulling client is not pushed to as well
