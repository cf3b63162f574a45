"""Fixtures of the migration tests: a fresh database per test, and a temporary project.

- ``fresh``: parametrised ``sqlite``/``postgres``/``mysql``; a ``Fresh`` with a new empty
  database (a file, or a PostgreSQL or MariaDB database named after the pid and a counter,
  dropped after).
- ``project``: a ``Project`` in ``tmp_path`` (a package with tables and an app, and a
  configuration module pointing at the fresh database), driven in-process.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import _admin, _mysql_admin, mysql_config, pg_config
from vivace.cli import main
from vivace.engine import Engine, MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.schema.spec import SchemaSpec

_counter = itertools.count()


@dataclass
class Fresh:
    """A new database: its engine, and the Python source of an engine for a conf file."""

    kind: str
    engine: Engine
    engine_source: str


@pytest.fixture(params=["sqlite", "postgres", "mysql"])
async def fresh(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_engine: Any, mysql_engine: Any
) -> AsyncIterator[Fresh]:
    if request.param == "sqlite":
        path = str(tmp_path / "fresh.sqlite")
        engine: Engine = SQLiteEngine(path=path)
        yield Fresh("sqlite", engine, f"SQLiteEngine(path={path!r})")
        await engine.close_connection_pool()
        return
    if request.param == "mysql":
        if mysql_engine is None:
            pytest.skip("MariaDB is not reachable")
        name = f"vivace_mig_{os.getpid()}_{next(_counter)}"
        await create_mysql_database(name)
        my_config = mysql_config(name)
        engine = MySQLEngine(config=my_config)
        try:
            yield Fresh("mysql", engine, f"MySQLEngine(config={my_config!r})")
        finally:
            await engine.close_connection_pool()
            await _mysql_admin(f"DROP DATABASE IF EXISTS `{name}`")
        return
    if postgres_engine is None:
        pytest.skip("PostgreSQL is not reachable")
    name = f"vivace_mig_{os.getpid()}_{next(_counter)}"
    await _admin(f'CREATE DATABASE "{name}"')
    config = pg_config(name)
    engine = PostgresEngine(config=config)
    try:
        yield Fresh("postgres", engine, f"PostgresEngine(config={config!r})")
    finally:
        await engine.close_connection_pool()
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def create_mysql_database(name: str) -> None:
    """A MariaDB database as the test session's (utf8mb4, binary no-pad collation)."""
    await _mysql_admin(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin")


async def drop_database(kind: str, name: str) -> None:
    """Drop a database a test made besides the fresh one."""
    if kind == "mysql":
        await _mysql_admin(f"DROP DATABASE IF EXISTS `{name}`")
    else:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Project:
    """A temporary project: ``write_tables(source)``, then ``run("migrations", ...)``."""

    def __init__(self, root: Path, fresh: Fresh, package: str) -> None:
        self.root, self.fresh, self.package = root, fresh, package
        self.conf = f"{package}_conf"
        #: PostgreSQL databases a test made besides the fresh one (dropped after it).
        self.extra_databases: list[str] = []
        (root / package / "migrations").mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
        (root / package / "migrations" / "__init__.py").write_text("")
        (root / package / "vivace_app.py").write_text(
            textwrap.dedent(
                f"""
                import os
                from vivace.conf import AppConfig, table_finder
                APP_CONFIG = AppConfig(
                    app_name="{package}",
                    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
                    table_classes=table_finder(["{package}.tables"], exclude_imported=True),
                )
                """
            )
        )
        (root / f"{self.conf}.py").write_text(
            "from vivace.conf import AppRegistry\n"
            "from vivace.engine import MySQLEngine, PostgresEngine, SQLiteEngine\n"
            f"DB = {fresh.engine_source}\n"
            f'APP_REGISTRY = AppRegistry(apps=["{package}.vivace_app"])\n'
        )

    @property
    def migrations(self) -> Path:
        return self.root / self.package / "migrations"

    def migration_files(self) -> list[Path]:
        return sorted(p for p in self.migrations.glob("*.py") if p.name != "__init__.py")

    def write_tables(self, source: str) -> None:
        header = (
            "from vivace import Table\n"
            "from vivace.columns import *\n"
            "from vivace.columns import defaults\n"
        )
        (self.root / self.package / "tables.py").write_text(header + textwrap.dedent(source))
        self.forget_modules()

    def forget_modules(self) -> None:
        """Import the project afresh next time (its files changed)."""
        for name in list(sys.modules):
            if name == self.conf or name == self.package or name.startswith(self.package + "."):
                del sys.modules[name]

    def run(self, *argv: str) -> int:
        """``vivace *argv`` in-process; returns the exit code."""
        self.forget_modules()
        return main(list(argv))

    def engine(self) -> Engine:
        """A new engine on the project's database (use it inside one ``asyncio.run``)."""
        namespace: dict[str, Any] = {
            "SQLiteEngine": SQLiteEngine,
            "PostgresEngine": PostgresEngine,
            "MySQLEngine": MySQLEngine,
        }
        engine: Engine = eval(self.fresh.engine_source, namespace)
        return engine

    def fetch(self, sql: str) -> list[dict[str, Any]]:
        """Rows of ``sql`` on the project's database."""

        async def go() -> list[dict[str, Any]]:
            engine = self.engine()
            try:
                return await engine.fetch_sql(sql)
            finally:
                await engine.close_connection_pool()

        return run(go())

    def introspect(self) -> Any:
        """The live schema of the project's database (the ``migration`` table left out)."""

        async def go() -> Any:
            engine = self.engine()
            try:
                schema = await engine.introspect()
            finally:
                await engine.close_connection_pool()
            return SchemaSpec(tuple(t for t in schema if t.tablename != "migration"))

        return run(go())

    def tables(self) -> dict[str, Any]:
        """The current table classes of the app, by class name."""
        self.forget_modules()
        module = __import__(f"{self.package}.tables", fromlist=["*"])
        return {
            name: value
            for name, value in vars(module).items()
            if isinstance(value, type) and getattr(value, "_meta", None) is not None
        }


@pytest.fixture
def project(fresh: Fresh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Project]:
    package = f"migproj{os.getpid()}_{next(_counter)}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    made = Project(tmp_path, fresh, package)
    monkeypatch.setenv("VIVACE_CONF", made.conf)
    yield made
    made.forget_modules()
    for name in made.extra_databases:
        run(drop_database(fresh.kind, name))


def run(coroutine: Any) -> Any:
    """Run a coroutine from a synchronous test (the CLI runs its own event loops)."""
    return asyncio.run(coroutine)


def schema_differences(first: SchemaSpec, second: SchemaSpec) -> list[str]:
    """What differs between two schemas, table by table (empty when equal)."""
    out: list[str] = []
    a = {t.qualified_name: t for t in first}
    b = {t.qualified_name: t for t in second}
    for key in sorted(set(a) | set(b), key=str):
        if key not in a or key not in b:
            out.append(f"{key}: only in {'second' if key not in a else 'first'}")
            continue
        ta, tb = a[key], b[key]
        if ta == tb:
            continue
        ca = {c.name: c for c in ta.columns}
        cb = {c.name: c for c in tb.columns}
        for name in sorted(set(ca) | set(cb)):
            if ca.get(name) != cb.get(name):
                x, y = ca.get(name), cb.get(name)
                if x is None or y is None:
                    out.append(f"{key}.{name}: only in one")
                else:
                    diff = [(k, v, y.param(k)) for k, v in x.params if y.param(k) != v]
                    classes = f"{x.column_class}/{y.column_class}"
                    out.append(f"{key}.{name}: {classes} {diff} {x.unmapped} {y.unmapped}")
        if [c.name for c in ta.columns] != [c.name for c in tb.columns]:
            order = ([c.name for c in ta.columns], [c.name for c in tb.columns])
            out.append(f"{key}: column order {order[0]} != {order[1]}")
        if ta.constraints != tb.constraints:
            out.append(f"{key}: constraints {ta.constraints} != {tb.constraints}")
        if ta.indexes != tb.indexes:
            out.append(f"{key}: indexes {ta.indexes} != {tb.indexes}")
        if ta.class_name != tb.class_name:
            out.append(f"{key}: class {ta.class_name} != {tb.class_name}")
    return out
