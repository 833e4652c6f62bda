"""What the language server lints each file with: the ``[tool.kerascheck]`` settings that apply
to it (found as the CLI finds them, by :func:`kerascheck.settings.config.load_config` from the
file's folder), with the editor's own settings on top.

Settings files are read once per folder and kept until they change: a watched-file event or a
save of a ``pyproject.toml`` drops them all, and every use checks that the file they came from
still has the same size and modification time (so an editor that sends no file events is
still right). A settings file that is invalid is reported once and the defaults are used
instead: an editor keeps its diagnostics while the user fixes a typo in ``pyproject.toml``.

Client settings (``initializationOptions`` or ``workspace/configuration`` section
``kerascheck``), with Ruff's meaning on the command line: ``select`` replaces the configured
selection (and its ignores), ``extendSelect`` and ``ignore`` add to it; ``unsafeFixes`` lets
"fix all" apply unsafe fixes too; ``targetVersion`` (``keras3``/``keras2``/``tf1``) is the
configuration's ``target-version``. Keys may be written ``camelCase`` or ``kebab-case``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kerascheck.settings.config import Config, ConfigError, load_config
from kerascheck.settings.target import TARGETS


@dataclass(frozen=True)
class ClientSettings:
    """The editor's settings for kerascheck (None: not given, the file's settings stand)."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    target_version: str | None = None
    unsafe_fixes: bool = False

    @classmethod
    def from_json(cls, data) -> "ClientSettings":
        """Settings from a client's JSON object; anything malformed is a :class:`ConfigError`
        naming the key."""
        if data is None:
            return cls()
        if not isinstance(data, dict):
            raise ConfigError(f"kerascheck settings must be an object, got {data!r}")
        if isinstance(data.get("settings"), dict):  # {"settings": {...}}, as Ruff's clients send
            data = data["settings"]
        values: dict = {}
        for key, value in data.items():
            name = key.replace("-", "_")
            name = "".join(f"_{char.lower()}" if char.isupper() else char for char in name)
            if name in ("select", "extend_select", "ignore"):
                if value is None and name == "select":
                    continue
                if isinstance(value, str):
                    value = [part for part in value.replace(" ", ",").split(",") if part]
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError(f"client setting '{key}' must be a list of rule "
                                      f"selectors, got {value!r}")
                values[name] = tuple(value)
            elif name == "target_version":
                if value is not None and value not in TARGETS:
                    raise ConfigError(f"client setting '{key}' must be one of "
                                      f"{', '.join(TARGETS)}, got {value!r}")
                values[name] = value
            elif name == "unsafe_fixes":
                if not isinstance(value, bool):
                    raise ConfigError(f"client setting '{key}' must be true or false")
                values[name] = value
            # other keys (an editor's own, such as "enable" or "trace") are not ours to refuse
        return cls(**values)

    def apply(self, config: Config) -> Config:
        """``config`` with these settings on top (selectors validated by :class:`Config`)."""
        changes: dict = {}
        if self.select is not None:
            changes.update(select=self.select, extend_select=(), ignore=())
        if self.extend_select:
            changes["extend_select"] = changes.get("extend_select", config.extend_select) + \
                self.extend_select
        if self.ignore:
            changes["ignore"] = changes.get("ignore", config.ignore) + self.ignore
        if self.target_version is not None:
            changes["target_version"] = self.target_version
        return config.with_overrides(**changes) if changes else config


class FolderSettings:
    """The configuration of each folder, read once and kept until its file changes."""

    def __init__(self, report_error):
        self._report_error = report_error  # called with a message once per distinct error
        self._by_folder: dict[str, tuple[Config, tuple | None]] = {}
        self._reported: set[str] = set()
        self.client = ClientSettings()

    def config_for(self, path: str) -> Config:
        """The settings that apply to the file at ``path`` (which need not exist on disk)."""
        folder = os.path.dirname(os.path.abspath(path))
        cached = self._by_folder.get(folder)
        if cached is not None and cached[1] == _stamp(cached[0].source):
            config = cached[0]
        else:
            try:
                config = load_config(folder)
            except ConfigError as error:
                self._once(f"kerascheck: {error}; using the default settings")
                config = Config(root=folder)
            self._by_folder[folder] = (config, _stamp(config.source))
        try:
            return self.client.apply(config)
        except ConfigError as error:
            self._once(f"kerascheck: the editor's settings: {error}; they are not used")
            return config

    def set_client(self, settings: ClientSettings) -> None:
        self.client = settings
        self._reported.clear()

    def forget(self) -> None:
        """Drop every folder's settings (a settings file changed)."""
        self._by_folder.clear()
        self._reported.clear()

    def _once(self, message: str) -> None:
        if message not in self._reported:
            self._reported.add(message)
            self._report_error(message)


def _stamp(source: str) -> tuple | None:
    if not source:
        return None
    try:
        status = os.stat(source)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns
