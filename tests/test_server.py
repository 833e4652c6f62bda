"""``kerascheck server`` end to end: a real LSP client (pytest-lsp) drives the server over stdio
in a subprocess: diagnostics pushed and pulled, code actions and their edits, fix all, noqa,
hover, notebooks, settings from the workspace and from the editor, bad input, clean shutdown."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from conftest import published
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
async def test_a_line_being_typed_keeps_the_rest_of_the_files_diagnostics(session):
    # mid-edit the file does not parse: KC000 at the line being typed, and the finding above it
    # stays shown (read on past the error), without a fix computed on other text
    await session.start()
    [diagnostic] = await session.open("model.py", KC301)
    typing = KC301 + "model.fit(x_train, y_train,\n"
    found = await session.change("model.py", typing, version=2)
    assert [(d.code, d.range.start.line) for d in found] == [("KC301", 4), ("KC000", 7)]
    actions = await session.actions("model.py", found[0])
    assert not any("softmax" in action.title for action in actions)


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


@pytest.mark.asyncio
async def test_a_safe_fix_noqa_and_fix_all(session):
    await session.start()
    source = KC602 + "model = tf.keras.Sequential([tf.keras.Input(shape=784)])\n"
    found = await session.open("train.py", source)
    assert sorted(d.code for d in found) == ["KC103", "KC602"]
    kc602 = next(d for d in found if d.code == "KC602")
    actions = await session.actions("train.py", kc602, only=[types.CodeActionKind.QuickFix])
    titles = [a.title for a in actions]
    assert titles == ["Rename `lr=` to `learning_rate=` (KC602, safe fix)",
                      "Add `# noqa: KC602` (suppress KC602 here)"]
    assert actions[0].is_preferred
    noqa = apply(source, edits_of(actions[1]))
    assert "Adam(lr=0.001)  # noqa: KC602\n" in noqa
    assert [d.code for d in await session.change("train.py", noqa, version=2)] == ["KC103"]
    [fix_all] = await session.actions("train.py", only=["source.fixAll"])
    assert fix_all.kind == "source.fixAll.kerascheck"
    fixed = apply(noqa, edits_of(fix_all))
    assert "Input(shape=(784,))" in fixed and "Adam(lr=0.001)  # noqa: KC602" in fixed
    assert await session.change("train.py", fixed, version=3) == []


@pytest.mark.asyncio
async def test_hover_on_a_diagnostic_names_the_rule_and_links_its_page(session):
    await session.start()
    await session.open("model.py", KC301)
    hover = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=(session.root / "model.py").as_uri()),
        position=types.Position(line=4, character=20)))
    assert "**KC301** `sigmoid-multiclass`" in hover.contents.value
    assert "docs/rules/KC301.md" in hover.contents.value
    nothing = await session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=(session.root / "model.py").as_uri()),
        position=types.Position(line=0, character=0)))
    assert nothing is None


@pytest.mark.asyncio
async def test_a_notebooks_cells_are_linted_together_and_fixed_in_their_cell(session):
    await session.start()
    notebook_uri = (session.root / "analysis.ipynb").as_uri()
    cells = ["import tensorflow as tf\n%matplotlib inline\n", "# a note",
             KC301.split("\n", 2)[2]]
    kinds = [types.NotebookCellKind.Code, types.NotebookCellKind.Markup,
             types.NotebookCellKind.Code]
    uris = [f"{notebook_uri}#cell{index}" for index in range(len(cells))]
    session.client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(
            uri=notebook_uri, notebook_type="jupyter-notebook", version=1,
            cells=[types.NotebookCell(kind=kind, document=uri) for kind, uri in zip(kinds, uris)]),
        cell_text_documents=[
            types.TextDocumentItem(uri=uri, language_id="python" if kind == 2 else "markdown",
                                   version=1, text=text)
            for uri, kind, text in zip(uris, kinds, cells)]))
    await published(session.client, lambda: uris[2] in session.client.diagnostics)
    [diagnostic] = session.client.diagnostics[uris[2]]
    assert diagnostic.code == "KC301" and diagnostic.range.start.line == 2
    actions = await session.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uris[2]), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    fix = next(a for a in actions if "softmax" in a.title)
    assert fix.edit.document_changes[0].text_document.uri == uris[2]
    assert apply(cells[2], edits_of(fix)) == cells[2].replace("'sigmoid'", "'softmax'")


@pytest.mark.asyncio
async def test_the_workspace_settings_are_read_and_reloaded_when_they_change(session):
    settings = session.root / "pyproject.toml"
    settings.write_text("[tool.kerascheck]\nignore = ['KC301']\n", encoding="utf-8")
    await session.start()
    assert await session.open("model.py", KC301) == []
    settings.write_text("[tool.kerascheck]\nselect = ['KC3']\n", encoding="utf-8")
    session.client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=settings.as_uri(), type=types.FileChangeType.Changed)]))
    await session.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [d.code for d in session.client.diagnostics[(session.root / "model.py").as_uri()]] \
        == ["KC301"]


@pytest.mark.asyncio
async def test_the_editors_settings_select_and_ignore_and_change_live(session):
    await session.start(options={"settings": {"select": ["KC6"], "targetVersion": "keras3"}})
    assert await session.open("model.py", KC301) == []
    assert [d.code for d in await session.open("opt.py", KC602)] == ["KC602"]
    session.client.set_configuration({"ignore": ["KC602"]}, section="kerascheck")
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None))
    # both open files are linted again and pushed
    model, opt = (session.root / "model.py").as_uri(), (session.root / "opt.py").as_uri()
    diagnostics = session.client.diagnostics
    await published(session.client, lambda: [d.code for d in diagnostics[model]] == ["KC301"]
                    and list(diagnostics[opt]) == [])


@pytest.mark.asyncio
async def test_bad_input_never_stops_the_server(session):
    settings = session.root / "pyproject.toml"
    settings.write_text("[tool.kerascheck]\nignroe = ['KC301']\n", encoding="utf-8")
    await session.start(options={"select": "KC999"})
    [syntax] = await session.open("broken.py", "import keras\nmodel = keras.Sequential([\n")
    assert syntax.code == "KC000" and syntax.severity == types.DiagnosticSeverity.Error
    shown = [message.message for message in session.client.messages]
    assert any("unknown key 'ignroe'" in message and "did you mean 'ignore'" in message
               for message in shown)
    assert any("the editor's settings" in message and "KC999" in message for message in shown)
    # a request about a file that is neither open nor on disk: logged, answered, still serving
    missing = (session.root / "gone.py").as_uri()
    assert list(await session.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=missing),
        range=types.Range(start=types.Position(line=0, character=0),
                          end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=[])))) == []
    assert any("code_actions failed" in log.message for log in session.client.log_messages)
    assert [d.code for d in await session.change("broken.py", KC301, version=2)] == ["KC301"]


@pytest.mark.parametrize("before, after", [
    ("a\nb\nc\n", "a\nB\nc\n"),
    ("a\nb\nc", "a\nb\nC"),          # the last line, without a newline
    ("a\nb\n", "a\nb\nc\n"),          # a line added at the end
    ("x = 1\n", "x = 1  # noqa: KC201\n"),
    ("", "import keras\n"),
])
def test_one_replacement_edit_turns_a_text_into_another(before, after):
    """The edit "fix all" and "add noqa" send: only the changed lines, and applied by a client
    it gives exactly the new text."""
    from pygls.workspace.position_codec import PositionCodec

    from kerascheck.server.editing import Text, replacement

    edit = replacement(Text(before, PositionCodec()), after)
    assert apply(before, [edit]) == after
    assert edit.new_text.count("\n") <= after.count("\n") - before.count("\n") + 1


@pytest.mark.asyncio
async def test_the_editors_target_version_is_the_settings_target_version(session):
    """``targetVersion: keras2`` silences Keras-3-only findings (KC602 ``lr=``), as
    ``target-version = "keras2"`` does in pyproject.toml."""
    await session.start(options={"settings": {"targetVersion": "keras2"}})
    assert [d.code for d in await session.open("opt.py", KC602)] == []
