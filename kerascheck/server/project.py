"""The server's project index: the project-wide analysis (:mod:`kerascheck.analysis.project`)
with the editor's unsaved texts standing in for the files on disk.

A document the editor has open is what ``train.py``'s imports see of ``model.py``, saved or
not; closing it lets the file on disk speak again. The fingerprint of a document's imported
project modules is part of the key the server keeps its lints under, so an edit of
``model.py`` lints the open ``train.py`` again (and only the documents whose imports changed).
"""

from __future__ import annotations

from kerascheck.source.project import Project, project_for


class WorkspaceIndex:
    """:class:`~kerascheck.server.language_server.ProjectIndex` over the files on disk and the
    open documents."""

    def project(self, path: str) -> Project | None:
        return project_for(path)

    def update(self, path: str, source: str) -> None:
        project = project_for(path)
        if project is not None and path.endswith(".py"):  # a notebook is never imported
            project.set_overlay(path, source)

    def forget(self, path: str) -> None:
        project = project_for(path)
        if project is not None:
            project.drop_overlay(path)

    def fingerprint(self, path: str, source: str) -> str:
        project = project_for(path)
        if project is None:
            return ""
        return project.fingerprint(path, source.encode("utf-8", "surrogatepass"))
