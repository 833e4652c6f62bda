"""kerascheck in the editor: a Language Server over stdio (``kerascheck server``, on pygls).

:mod:`kerascheck.server.language_server` is the server (a front door: it calls the one engine,
:func:`kerascheck.engine.lint_source`, with the settings of :mod:`kerascheck.settings.config`);
:mod:`kerascheck.server.folders` holds the settings per folder and the editor's own,
:mod:`kerascheck.server.editing` turns diagnostics and fixes into LSP terms. Needs the ``lsp``
extra (``pip install 'kerascheck[lsp]'``); never imports TensorFlow.
"""
