"""``vivace.conf``: apps, table_finder, the configuration loader and the default engine."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

import vivace.conf.apps as piccolo_path
from vivace.conf import (
    AppConfig,
    AppRegistry,
    Command,
    Finder,
    load_app_config,
    load_configuration,
    table_finder,
)
from vivace.engine import finder
from vivace.engine.finder import DefaultEngineWarning, default_engine
from vivace.exceptions import ConfigurationError

TABLES = """
from vivace import Table
from vivace.columns import Varchar, ForeignKey
from {pkg}.other import Imported

class Manager(Table, tags=["people"]):
    name = Varchar()

class Band(Table, tags=["music", "public"]):
    name = Varchar()
    manager = ForeignKey("Manager")

class Secretive(Table, tags=["internal"]):
    name = Varchar()
"""

OTHER = """
from vivace import Table
from vivace.columns import Varchar

class Imported(Table):
    name = Varchar()
"""

APP = """
from vivace.conf import AppConfig, Command, table_finder

def hello(name: str = "world") -> None:
    print("hello", name)

APP_CONFIG = AppConfig(
    app_name="{app}",
    migrations_folder_path="{folder}",
    table_classes=table_finder(["{pkg}.tables"], exclude_imported=True),
    migration_dependencies={deps},
    commands=[hello, Command(hello, command_name="hi", aliases=["h"])],
)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary project (packages confpkg_a, confpkg_b) on sys.path, cleaned afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("VIVACE_CONF", raising=False)
    for pkg, deps in (("confpkg_a", '["confpkg_b.vivace_app"]'), ("confpkg_b", "[]")):
        folder = tmp_path / pkg
        folder.mkdir()
        (folder / "__init__.py").write_text("")
        (folder / "tables.py").write_text(TABLES.format(pkg=pkg))
        (folder / "other.py").write_text(OTHER)
        app = APP.format(app=pkg[-1], folder=folder / "migrations", pkg=pkg, deps=deps)
        (folder / "vivace_app.py").write_text(app)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith(("confpkg_", "vivace_conf")):
            del sys.modules[name]


def test_table_finder_tags_and_imports(project: Path) -> None:
    names = [t.__name__ for t in table_finder(["confpkg_a.tables"])]
    assert names == ["Band", "Imported", "Manager", "Secretive"]
    local = table_finder(["confpkg_a.tables"], exclude_imported=True)
    assert [t.__name__ for t in local] == ["Band", "Manager", "Secretive"]
    tagged = table_finder("confpkg_a.tables", include_tags=["music", "people"])  # type: ignore[arg-type]
    assert [t.__name__ for t in tagged] == ["Band", "Manager"]
    excluded = table_finder(["confpkg_a.tables"], exclude_tags=["internal"], exclude_imported=True)
    assert [t.__name__ for t in excluded] == ["Band", "Manager"]
    with pytest.raises(ConfigurationError, match="nowhere_pkg"):
        table_finder(["nowhere_pkg.tables"])


def test_registry_is_lazy_and_finds_tables(project: Path) -> None:
    registry = AppRegistry(apps=["confpkg_a.vivace_app", "confpkg_b.vivace_app"])
    assert "confpkg_a.vivace_app" not in sys.modules  # nothing imported yet
    assert registry.app_config_names == ["a", "b"]
    band = registry.get_table_with_name("a", "Band")
    assert band.__module__ == "confpkg_a.tables"
    assert [t.__name__ for t in registry.get_table_classes("b")] == ["Band", "Manager", "Secretive"]
    assert [c.app_name for c in registry.sorted_app_configs()] == ["b", "a"]
    assert [c.app_name for c in registry.dependencies_of("a")] == ["b"]
    assert registry.get_app_config("zzz") is None
    with pytest.raises(ConfigurationError, match="apps: a, b"):
        registry.require_app_config("zzz")
    with pytest.raises(ConfigurationError, match="no table class named 'Nope'"):
        registry.get_table_with_name("a", "Nope")
    config = registry.require_app_config("a")
    assert config.resolved_migrations_folder_path == str(project / "confpkg_a" / "migrations")
    commands = config.get_commands()
    assert [(c.name, c.aliases) for c in commands] == [("hello", []), ("hi", ["h"])]


def test_registry_errors(project: Path) -> None:
    with pytest.raises(ConfigurationError, match="two apps"):
        _ = AppRegistry(apps=["confpkg_a.vivace_app", "confpkg_a.vivace_app"]).app_configs
    with pytest.raises(ConfigurationError, match="cannot import"):
        load_app_config("confpkg_missing.vivace_app")
    with pytest.raises(ConfigurationError, match="no APP_CONFIG"):
        load_app_config("confpkg_a.tables")
    (project / "confpkg_b" / "loop_app.py").write_text(
        "from vivace.conf import AppConfig\n"
        "APP_CONFIG = AppConfig('loop', 'x', migration_dependencies=['confpkg_b.loop_app'])\n"
    )
    with pytest.raises(ConfigurationError, match="circular"):
        AppRegistry(apps=["confpkg_b.loop_app"]).sorted_app_configs()


def test_app_config_register_table_and_command() -> None:
    config = AppConfig(app_name="x", migrations_folder_path=Path("m"))

    class Fake:
        pass

    assert config.register_table(Fake) is Fake
    assert config.get_table_with_name("Fake") is Fake
    assert Command(print).name == "print"
    assert AppRegistry(app_configs=[config]).require_app_config("x") is config
    with pytest.raises(ConfigurationError, match="two apps are called 'x'"):
        _ = AppRegistry(app_configs=[config, config]).app_configs
    assert piccolo_path.AppConfig is AppConfig and piccolo_path.table_finder is table_finder


def test_load_configuration_and_finder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "vivace_conf_conftest.py").write_text(
        textwrap.dedent(
            f"""
            from vivace.conf import AppRegistry
            from vivace.engine import SQLiteEngine
            DB = SQLiteEngine(path={str(project / "x.sqlite")!r})
            APP_REGISTRY = AppRegistry(apps=["confpkg_a.vivace_app", "confpkg_b.vivace_app"])
            """
        )
    )
    monkeypatch.setenv("VIVACE_CONF", "vivace_conf_conftest")
    configuration = load_configuration()
    assert configuration.db.path == str(project / "x.sqlite")
    found = Finder()
    assert found.get_engine() is configuration.db
    assert found.get_app_config("a").app_name == "a"
    assert found.get_sorted_app_names() == ["b", "a"]
    assert found.get_table_with_name("b", "Band").__module__ == "confpkg_b.tables"
    assert len(found.get_table_classes("a")) == 3
    (project / "vivace_conf_bad.py").write_text("APP_REGISTRY = 1\nDB = None\n")
    with pytest.raises(ConfigurationError, match="not an AppRegistry"):
        load_configuration("vivace_conf_bad")


def test_no_configuration(project: Path) -> None:
    configuration = load_configuration()
    assert configuration.db is None and configuration.app_registry.app_configs == {}
    with pytest.raises(ConfigurationError, match="no configuration"):
        Finder().get_engine()


def test_piccolo_conf_is_refused(project: Path) -> None:
    (project / "piccolo_conf.py").write_text("DB = None\n")
    with pytest.raises(ConfigurationError, match=r"rename it to vivace_conf\.py"):
        load_configuration()


def test_default_engine_warns_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(finder, "_default_engines", [])
    with pytest.warns(DefaultEngineWarning, match=r"writes .*vivace\.sqlite"):
        engine = default_engine()
    assert default_engine() is engine  # no second warning (filterwarnings=error would raise)
