"""``kerascheck server``: the Language Server, over stdio, on pygls.

A front door like the CLI: every lint is :func:`kerascheck.engine.lint_source` on the editor's
text with the settings :mod:`kerascheck.server.folders` resolves (the ``[tool.kerascheck]`` of
the file's folder, the editor's settings on top), so suppression, rule selection, notebooks and
KC000 behave exactly as on the command line.

- Diagnostics are pulled (``textDocument/diagnostic``) by clients that can, and pushed on open,
  change and save to the others; notebooks (notebook document sync) are linted as one program,
  their diagnostics published per cell.
- Code actions: each fix (its text edits, labelled safe or unsafe), "add ``# noqa: KCnnn``",
  and ``source.fixAll.kerascheck`` (the safe fixes, and the unsafe ones when the editor's
  ``unsafeFixes`` is on); hover on a diagnostic shows its rule and links the rule's page.
- Never dies on bad input: a text that does not parse is KC000; an exception in a handler is
  logged to the client (``window/logMessage``) and the server keeps serving.

The last lint of each open document is kept, keyed on its text and settings, so a code action
or a hover after a change costs no second analysis.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import traceback
import warnings
from dataclasses import dataclass
from typing import Protocol

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from kerascheck import __version__
from kerascheck.diagnostics import Diagnostic, text_edits
from kerascheck.engine import lint_source
from kerascheck.server import editing
from kerascheck.server.folders import ClientSettings, FolderSettings
from kerascheck.server.project import WorkspaceIndex
from kerascheck.settings.config import ConfigError

# Passes of "fix all" over one text before giving up on fixes that keep producing new fixes
# (as ``kerascheck --fix`` does; the fixer itself sits a floor too high for this front door).
MAX_FIX_PASSES = 10
SETTINGS_FILES = ("pyproject.toml",)


class ProjectIndex(Protocol):
    """Project-wide facts kept warm across edits (what a file's imports say). The server tells
    it of every text it lints and every document that closes, and lints each file with its
    :meth:`project`; the default is :class:`kerascheck.server.project.WorkspaceIndex`."""

    def project(self, path: str): ...

    def update(self, path: str, source: str) -> None: ...

    def forget(self, path: str) -> None: ...

    def fingerprint(self, path: str, source: str) -> str: ...


class NoProjectIndex:
    """Each file judged alone."""

    def project(self, path: str):
        return None

    def update(self, path: str, source: str) -> None:
        pass

    def forget(self, path: str) -> None:
        pass

    def fingerprint(self, path: str, source: str) -> str:
        return ""


@dataclass
class Linted:
    """One document's last lint: the text as linted, its diagnostics and their identity."""

    uri: str
    version: int | None
    text: editing.Text
    diagnostics: list[Diagnostic]
    result_id: str
    path: str = ""
    notebook: bool = False


class KerascheckServer(LanguageServer):
    def __init__(self, index: ProjectIndex | None = None):
        super().__init__(
            "kerascheck", __version__,
            notebook_document_sync=types.NotebookDocumentSyncOptions(
                notebook_selector=[types.NotebookDocumentFilterWithCells(
                    notebook="*", cells=[types.NotebookCellLanguage(language="python")])],
                save=True))
        self.index: ProjectIndex = index or WorkspaceIndex()
        self.folders = FolderSettings(self.show_error)
        self.linted: dict[str, Linted] = {}

    # -- talking to the client -------------------------------------------------------------
    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def show_error(self, message: str) -> None:
        self.log(message, types.MessageType.Error)
        self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error,
                                                         message=message))

    def report_server_error(self, error, source) -> None:
        self.log(f"kerascheck server: {type(error).__name__}: {error}", types.MessageType.Error)

    @property
    def pulls(self) -> bool:
        """Whether the client pulls diagnostics (then they are not pushed as well)."""
        capabilities = self.client_capabilities.text_document
        return capabilities is not None and capabilities.diagnostic is not None

    # -- linting ---------------------------------------------------------------------------
    def lint_text(self, uri: str, version: int | None, source: str, *,
                  notebook: bool = False) -> tuple[Linted, list[Diagnostic]]:
        """Lint one text (a Python document, or a notebook's JSON); cached on text and settings."""
        path = to_fs_path(uri) or uri
        config = self.folders.config_for(path if os.path.isabs(path) else
                                         os.path.join(self.workspace.root_path or os.getcwd(),
                                                      "untitled.py"))
        self.index.update(path, source)
        imported = self.index.fingerprint(path, source)  # what its project imports say
        key = hashlib.sha256(f"{config.fingerprint()}\0{notebook}\0{imported}\0{source}"
                             .encode("utf-8", "surrogatepass")).hexdigest()[:16]
        cached = self.linted.get(uri)
        if cached is not None and cached.result_id == key:
            return cached, cached.diagnostics
        if config.force_exclude and config.is_excluded(path):
            diagnostics = []  # excluded, as `kerascheck --force-exclude` would skip it
        else:
            result = lint_source(source, path, config, kind="notebook" if notebook else "python",
                                 project=self.index.project(path))
            diagnostics = sorted(result.diagnostics, key=lambda d: (d.cell or 0, d.line,
                                                                    d.column, d.code))
            for error in result.errors:
                self.log(f"kerascheck: {error}", types.MessageType.Error)
        linted = Linted(uri, version, editing.Text(source, self.workspace.position_codec),
                        diagnostics, key, path, notebook)
        self.linted[uri] = linted
        return linted, diagnostics

    def lint_document(self, uri: str) -> Linted | None:
        """The lint of an open document: a Python file, or a cell (its notebook is linted)."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        if notebook is not None:
            return self.lint_notebook(notebook.uri).get(uri)
        document = self.workspace.get_text_document(uri)
        if not (document.language_id == "python" or uri.endswith((".py", ".pyi"))):
            return None
        return self.lint_text(uri, document.version, document.source)[0]

    def lint_notebook(self, notebook_uri: str) -> dict[str, Linted]:
        """A notebook's code cells linted together; each cell's diagnostics, by cell URI."""
        import json

        notebook = self.workspace.get_notebook_document(notebook_uri=notebook_uri)
        if notebook is None:
            return {}
        cells, sources = [], []
        for cell in notebook.cells:
            source = self.workspace.get_text_document(cell.document).source \
                if cell.document in self.workspace.text_documents else ""
            sources.append(source)
            cells.append({"cell_type": "code" if cell.kind == types.NotebookCellKind.Code
                          else "markdown", "source": source, "metadata": {}, "outputs": [],
                          "execution_count": None})
        text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
        whole, diagnostics = self.lint_text(notebook_uri, notebook.version, text, notebook=True)
        by_cell = {}
        for index, (cell, source) in enumerate(zip(notebook.cells, sources), start=1):
            if cell.kind != types.NotebookCellKind.Code:
                continue
            found = [d for d in diagnostics if d.cell == index]
            by_cell[cell.document] = Linted(
                cell.document, None, editing.Text(source, self.workspace.position_codec),
                found, f"{whole.result_id}:{index}", whole.path, notebook=True)
        self.linted.update(by_cell)
        return by_cell

    def publish(self, linted: Linted | None) -> None:
        if linted is None or self.pulls:
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=linted.uri, version=linted.version,
            diagnostics=[editing.lsp_diagnostic(linted.text, d, linted.uri) for d in linted.diagnostics]))

    def relint_importers(self, changed_uri: str) -> None:
        """A document changed: the other open documents whose imports say something else now
        (their key holds what they import) are linted again and their diagnostics sent."""
        stale = False
        for uri in list(self.workspace.text_documents):
            previous = self.linted.get(uri)
            if uri == changed_uri or previous is None or previous.notebook:
                continue
            linted = self.lint_document(uri)
            if linted is not None and linted.result_id != previous.result_id:
                stale = True
                self.publish(linted)
        workspace = self.client_capabilities.workspace
        if stale and self.pulls and workspace is not None and workspace.diagnostics is not None \
                and workspace.diagnostics.refresh_support:
            self.workspace_diagnostic_refresh(None)

    def relint_all(self) -> None:
        """Settings changed: lint every open document again and tell the client."""
        self.linted.clear()
        for uri in list(self.workspace.notebook_documents):
            for linted in self.lint_notebook(uri).values():
                self.publish(linted)
        for uri in list(self.workspace.text_documents):
            if self.workspace.get_notebook_document(cell_uri=uri) is None:
                self.publish(self.lint_document(uri))
        workspace = self.client_capabilities.workspace
        if self.pulls and workspace is not None and workspace.diagnostics is not None \
                and workspace.diagnostics.refresh_support:
            self.workspace_diagnostic_refresh(None)

    # -- fixing ----------------------------------------------------------------------------
    def fixed_source(self, linted: Linted) -> str:
        """The text with every allowed fix applied, pass after pass, as ``--fix`` would leave it
        (a cell: one pass, its fixes do not depend on each other's text)."""
        unsafe = self.folders.client.unsafe_fixes
        source, diagnostics = linted.text.source, linted.diagnostics
        compiles = _compiles(source)
        for _ in range(1 if linted.notebook else MAX_FIX_PASSES):
            allowed = [d for d in diagnostics if d.fix is not None and text_edits(d.fix)
                       and (d.fix.applicability == "safe" or unsafe)]
            new_source, applied = editing.apply_edits(source, allowed)
            if not applied or new_source == source or compiles and not _compiles(new_source):
                break
            source = new_source
            if not linted.notebook:
                diagnostics = lint_source(source, linted.path,
                                          self.folders.config_for(linted.path), kind="python",
                                          project=self.index.project(linted.path)).diagnostics
        return source


def _compiles(source: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<kerascheck>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def guarded(fallback=None):
    """A handler that never takes the server down: an exception is logged to the client with
    its traceback, and the request gets ``fallback``."""

    def decorate(handler):
        @functools.wraps(handler)
        def run(server: KerascheckServer, params):
            try:
                return handler(server, params)
            except Exception as error:  # the server keeps serving whatever a handler hits
                server.log(f"kerascheck server: {handler.__name__} failed: "
                           f"{type(error).__name__}: {error}\n{traceback.format_exc()}",
                           types.MessageType.Error)
                return fallback() if callable(fallback) else fallback
        return run
    return decorate


# -- the handlers --------------------------------------------------------------------------------

@guarded()
def did_open(server: KerascheckServer, params: types.DidOpenTextDocumentParams) -> None:
    server.publish(server.lint_document(params.text_document.uri))


@guarded()
def did_change_or_save(server: KerascheckServer, params) -> None:
    uri = params.text_document.uri
    if uri.endswith(SETTINGS_FILES):
        server.folders.forget()
        server.relint_all()
    elif server.workspace.get_notebook_document(cell_uri=uri) is None:
        server.publish(server.lint_document(uri))
        server.relint_importers(uri)


@guarded()
def did_close(server: KerascheckServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    linted = server.linted.pop(uri, None)
    if linted is not None:
        server.index.forget(linted.path)
        if not server.pulls:
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@guarded()
def notebook_changed(server: KerascheckServer, params) -> None:
    for linted in server.lint_notebook(params.notebook_document.uri).values():
        server.publish(linted)


@guarded()
def notebook_closed(server: KerascheckServer, params) -> None:
    server.linted.pop(params.notebook_document.uri, None)
    for cell in params.cell_text_documents:
        server.linted.pop(cell.uri, None)
        if not server.pulls:
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=cell.uri, diagnostics=[]))


@guarded(lambda: types.RelatedFullDocumentDiagnosticReport(items=[]))
def pull_diagnostics(server: KerascheckServer, params: types.DocumentDiagnosticParams):
    linted = server.lint_document(params.text_document.uri)
    if linted is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    if params.previous_result_id == linted.result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=linted.result_id)
    return types.RelatedFullDocumentDiagnosticReport(
        result_id=linted.result_id,
        items=[editing.lsp_diagnostic(linted.text, d, linted.uri) for d in linted.diagnostics])


@guarded(list)
def code_actions(server: KerascheckServer, params: types.CodeActionParams):
    uri = params.text_document.uri
    linted = server.lint_document(uri)
    if linted is None:
        return []
    only = params.context.only

    def wanted(kind: str) -> bool:
        return not only or any(kind == k or kind.startswith(f"{k}.") for k in only)

    version = linted.version
    actions = []
    if wanted(types.CodeActionKind.QuickFix):
        here = [d for d in linted.diagnostics if editing.overlaps(d, linted.text, params.range)]
        actions += editing.quick_fixes(uri, version, linted.text, here)
    if wanted(editing.FIX_ALL) and any(
            d.fix is not None and text_edits(d.fix) for d in linted.diagnostics):
        fixed = server.fixed_source(linted)
        if fixed != linted.text.source:
            which = "safe and unsafe" if server.folders.client.unsafe_fixes else "safe"
            actions.append(types.CodeAction(
                title=f"kerascheck: fix all ({which} fixes)", kind=editing.FIX_ALL,
                edit=editing.workspace_edit(uri, version,
                                            [editing.replacement(linted.text, fixed)])))
    return actions


@guarded()
def hover(server: KerascheckServer, params: types.HoverParams):
    linted = server.lint_document(params.text_document.uri)
    return None if linted is None else \
        editing.hover(linted.text, linted.diagnostics, params.position)


@guarded()
def initialize(server: KerascheckServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        use_client_settings(server, options.get("kerascheck", options))


def use_client_settings(server: KerascheckServer, data) -> None:
    try:
        settings = ClientSettings.from_json(data)
    except ConfigError as error:
        server.show_error(f"kerascheck: {error}; the editor's settings are not used")
        return
    server.folders.set_client(settings)


async def did_change_configuration(server: KerascheckServer,
                                   params: types.DidChangeConfigurationParams) -> None:
    try:
        settings = params.settings
        if isinstance(settings, dict) and "kerascheck" in settings:
            use_client_settings(server, settings["kerascheck"])
        elif server.client_capabilities.workspace is not None \
                and server.client_capabilities.workspace.configuration:
            [pulled] = await server.workspace_configuration_async(types.ConfigurationParams(
                items=[types.ConfigurationItem(section="kerascheck")]))
            use_client_settings(server, pulled)
        server.folders.forget()
        server.relint_all()
    except Exception as error:
        server.log(f"kerascheck server: settings not applied: {type(error).__name__}: "
                   f"{error}", types.MessageType.Error)


@guarded()
def watched_files_changed(server: KerascheckServer,
                          params: types.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.endswith(SETTINGS_FILES) for change in params.changes):
        server.folders.forget()
        server.relint_all()


def create_server(index: ProjectIndex | None = None) -> KerascheckServer:
    """The server with its features registered (``index``: see :class:`ProjectIndex`)."""
    server = KerascheckServer(index)
    features = [
        (types.INITIALIZE, initialize, None),
        (types.TEXT_DOCUMENT_DID_OPEN, did_open, None),
        (types.TEXT_DOCUMENT_DID_CHANGE, did_change_or_save, None),
        (types.TEXT_DOCUMENT_DID_SAVE, did_change_or_save, None),
        (types.TEXT_DOCUMENT_DID_CLOSE, did_close, None),
        (types.NOTEBOOK_DOCUMENT_DID_OPEN, notebook_changed, None),
        (types.NOTEBOOK_DOCUMENT_DID_CHANGE, notebook_changed, None),
        (types.NOTEBOOK_DOCUMENT_DID_SAVE, notebook_changed, None),
        (types.NOTEBOOK_DOCUMENT_DID_CLOSE, notebook_closed, None),
        (types.TEXT_DOCUMENT_DIAGNOSTIC, pull_diagnostics, types.DiagnosticOptions(
            identifier="kerascheck", inter_file_dependencies=True,
            workspace_diagnostics=False)),
        (types.TEXT_DOCUMENT_CODE_ACTION, code_actions, types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, editing.FIX_ALL])),
        (types.TEXT_DOCUMENT_HOVER, hover, None),
        (types.WORKSPACE_DID_CHANGE_CONFIGURATION, did_change_configuration, None),
        (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, watched_files_changed, None),
    ]
    for method, handler, options in features:
        server.feature(method, options)(handler)
    return server


def serve() -> int:
    """Run the server on stdin and stdout until the client says ``exit`` (or goes away)."""
    server = create_server()
    server.start_io()
    return 0
