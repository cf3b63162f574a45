"""Property: random sequences of model changes, each migrated by an auto migration, leave
a database whose introspected schema equals one created fresh from the final models
(bounded: a fixed seed and few examples, on every engine)."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import _admin, mysql_config, pg_config
from tests.migrations.conftest import create_mysql_database, drop_database
from vivace import create_db_tables
from vivace.conf import AppConfig, AppRegistry
from vivace.engine import Engine, MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.migrations.commands import MigrationContext, forwards, new
from vivace.orm.spec_tables import table_classes_from_schema
from vivace.schema.column import OnDelete, OnUpdate
from vivace.schema.spec import ColumnSpec, ReferenceSpec, SchemaSpec, TableSpec
from vivace.schema.table_spec import schema_spec

# (class, params) a column may take; changes stay within a family so no cast is needed.
KINDS: list[tuple[str, dict[str, Any]]] = [
    ("Varchar", {"length": 20}),
    ("Varchar", {"length": 40}),
    ("Text", {}),
    ("Integer", {}),
    ("BigInt", {}),
    ("Boolean", {}),
    ("Numeric", {"digits": (6, 2)}),
]
FAMILIES = [{0, 1, 2}, {3, 4}, {5}, {6}]


@st.composite
def column(draw: Any, name: str, family: set[int] | None = None) -> ColumnSpec:
    index = draw(st.sampled_from(sorted(family))) if family else draw(st.integers(0, 6))
    kind, params = KINDS[index]
    null = draw(st.booleans())
    unique = draw(st.booleans()) and kind != "Boolean"
    return ColumnSpec.of(name, kind, null=null, unique=unique, index=draw(st.booleans()), **params)


@st.composite
def versions(draw: Any) -> list[SchemaSpec]:
    """Three versions of a two-to-three table schema with a foreign key or two."""
    tables: dict[str, list[ColumnSpec]] = {}
    result = []
    for step in range(3):
        names = ["Alpha", "Beta"] + (["Gamma"] if draw(st.booleans()) else [])
        new_tables: dict[str, list[ColumnSpec]] = {}
        for name in names:
            old = tables.get(name, [])
            kept = [c for c in old if draw(st.integers(0, 3)) > 0]  # drop about a quarter
            changed = []
            for spec in kept:
                family = next(f for f in FAMILIES if _kind_index(spec) in f)
                changed.append(draw(column(spec.name, family)) if draw(st.booleans()) else spec)
            for n in range(draw(st.integers(0, 2))):
                changed.append(draw(column(f"c{step}_{n}")))
            new_tables[name] = changed
        tables = new_tables
        result.append(_schema(tables, fk=draw(st.booleans())))
    return result


def _kind_index(spec: ColumnSpec) -> int:
    for i, (kind, params) in enumerate(KINDS):
        if kind == spec.column_class and all(spec.param(k) == v for k, v in params.items()):
            return i
    raise AssertionError(spec)


def _schema(tables: dict[str, list[ColumnSpec]], fk: bool) -> SchemaSpec:
    """The schema as Table classes give it (normalised), Beta pointing at Alpha if ``fk``."""
    key = ColumnSpec.of("id", "Serial", primary_key=True)
    specs = [TableSpec(n, n.lower(), None, (key, *cols)) for n, cols in tables.items()]
    if fk:
        target = ReferenceSpec("Alpha", "alpha", None, ColumnSpec("id", "Serial"))
        link = ColumnSpec.of(
            "link",
            "ForeignKey",
            null=True,
            references=target,
            on_delete=OnDelete.cascade,
            on_update=OnUpdate.cascade,
            target_column=None,
        )
        specs = [t.with_column(link) if t.class_name == "Beta" else t for t in specs]
    return schema_spec(*table_classes_from_schema(SchemaSpec(tuple(specs))))


def unordered(schema: SchemaSpec) -> SchemaSpec:
    tables = (
        t.replace(columns=tuple(sorted(t.columns, key=lambda c: c.name)), class_name="")
        for t in schema
        if t.tablename != "migration"
    )
    return SchemaSpec(tuple(sorted(tables, key=lambda t: t.tablename)))


async def _engines(kind: str, folder: str) -> tuple[Engine, Engine, list[str]]:
    if kind == "sqlite":
        a = SQLiteEngine(path=os.path.join(folder, "a.sqlite"))
        return a, SQLiteEngine(path=os.path.join(folder, "b.sqlite")), []
    names = [f"vivace_prop_{os.getpid()}_{os.path.basename(folder)}_{x}" for x in "ab"]
    if kind == "mysql":
        for name in names:
            await create_mysql_database(name)
        return (
            MySQLEngine(config=mysql_config(names[0])),
            MySQLEngine(config=mysql_config(names[1])),
            names,
        )
    for name in names:
        await _admin(f'CREATE DATABASE "{name}"')
    return (
        PostgresEngine(config=pg_config(names[0])),
        PostgresEngine(config=pg_config(names[1])),
        names,
    )


async def _check(kind: str, history: list[SchemaSpec]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        migrated, created, names = await _engines(kind, folder)
        try:
            context = MigrationContext(migrated, AppRegistry(), output=lambda line: None)
            for version in history:
                tables = table_classes_from_schema(version)
                app = AppConfig("prop", Path(folder) / "migrations", table_classes=tables)
                context.registry = AppRegistry(app_configs=[app])
                await new("prop", auto=True, auto_input="n", context=context)
                await forwards("prop", context=context)
            final = table_classes_from_schema(history[-1], db=created)
            await create_db_tables(*final)
            assert unordered(await migrated.introspect()) == unordered(await created.introspect())
        finally:
            await migrated.close_connection_pool()
            await created.close_connection_pool()
            for name in names:
                await drop_database(kind, name)


def without_text_indexes(history: list[SchemaSpec]) -> list[SchemaSpec]:
    """The versions with no index on ``Text`` (MySQL indexes no unbounded text)."""
    return [
        SchemaSpec(
            tuple(
                t.replace(
                    columns=tuple(
                        c.replace_params(index=False) if c.column_class == "Text" else c
                        for c in t.columns
                    )
                )
                for t in version
            )
        )
        for version in history
    ]


@pytest.mark.parametrize("kind", ["sqlite", "postgres", "mysql"])
def test_auto_migrations_reach_the_fresh_schema(
    kind: str, postgres_available: bool, mysql_available: bool
) -> None:
    if kind == "postgres" and not postgres_available:
        pytest.skip("PostgreSQL is not reachable")
    if kind == "mysql" and not mysql_available:
        pytest.skip("MariaDB is not reachable")

    @settings(
        max_examples=4,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(versions())
    def prop(history: list[SchemaSpec]) -> None:
        asyncio.run(_check(kind, without_text_indexes(history) if kind == "mysql" else history))

    prop()


@pytest.fixture
def postgres_available(postgres_engine: Any) -> bool:
    return postgres_engine is not None


@pytest.fixture
def mysql_available(mysql_engine: Any) -> bool:
    return mysql_engine is not None
