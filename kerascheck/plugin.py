"""pytest plugin: ``pytest --kerascheck`` (filled in by the plugin work; importing stays cheap)."""


def pytest_addoption(parser):
    group = parser.getgroup("kerascheck")
    group.addoption("--kerascheck", action="store_true", default=False,
                    help="lint collected Python files with kerascheck")
