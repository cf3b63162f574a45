"""``schema generate`` (round trip on SQLite, PostgreSQL and MariaDB) and ``schema graph``."""

from __future__ import annotations

import asyncio
import datetime
import decimal
import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import run_cli
from tests.conftest import IN_CI, PG_HOST, PG_PORT, PG_USER, _mysql_admin, mysql_config
from vivace import Table, create_db_tables, drop_db_tables
from vivace.cli.generate import tables_source
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Check,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    OnDelete,
    Real,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Unique,
    Varchar,
)
from vivace.engine import MySQLEngine, PostgresEngine, SQLiteEngine
from vivace.schema.registry import unregister_table
from vivace.schema.spec import ColumnSpec, IndexSpec, SchemaSpec, TableSpec


class SrcArtist(Table, tablename="gen_artist"):
    name = Varchar(length=80, unique=True)
    bio = Text(null=True)
    mentor = ForeignKey("self", on_delete=OnDelete.set_null)
    rating = SmallInt(default=3)


class SrcRecord(Table, tablename="gen_record"):
    title = Varchar(length=120, index=True)
    artist = ForeignKey(SrcArtist, on_delete=OnDelete.cascade, null=False)
    sold = BigInt(default=0)
    tracks = Integer(default=10)
    live = Boolean(default=False)
    price = Numeric(digits=(7, 2), default=decimal.Decimal("9.99"))
    weight = Real(null=True)
    length = DoublePrecision(null=True)
    released = Date(default=datetime.date(2020, 1, 1))
    recorded = Timestamp(null=True, default=None)
    uploaded = Timestamptz(null=True, default=None)
    starts = Time(null=True, default=None)
    duration = Interval(null=True, default=None)
    code = UUID(null=True, default=None)
    notes = JSON(null=True)
    cover = Bytea(null=True)
    title_per_artist = Unique([title, artist])
    tracks_positive = Check("tracks > 0")


class SrcPgExtras(Table, tablename="gen_pg_extras"):
    tags = Array(base_column=Varchar(length=20))
    data = JSONB(null=True)
    record = ForeignKey(SrcRecord)


class SrcMyExtras(Table, tablename="gen_my_extras"):
    data = JSONB(null=True)
    ratio = Real(default=0.25)
    record = ForeignKey(SrcRecord, on_delete=OnDelete.restrict)


@pytest.fixture
def cli_my_database() -> Iterator[str]:
    """A MariaDB database of this test's own, as the session's (utf8mb4, binary no-pad)."""
    name = f"vivace_cli_gen_{os.getpid()}"
    try:
        asyncio.run(_mysql_admin(f"DROP DATABASE IF EXISTS `{name}`"))
        asyncio.run(
            _mysql_admin(
                f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
            )
        )
    except Exception as error:
        if IN_CI:
            pytest.fail(f"MariaDB is required in CI: {error}")
        pytest.skip(f"MariaDB is not reachable: {error}")
    yield name
    asyncio.run(_mysql_admin(f"DROP DATABASE IF EXISTS `{name}`"))


def engines_and_tables(engine_name: str, database: str | None, folder: Path) -> tuple[Any, list]:
    if engine_name == "sqlite":
        return SQLiteEngine(path=str(folder / "gen.sqlite")), [SrcArtist, SrcRecord]
    if engine_name == "mysql":
        engine = MySQLEngine(config=mysql_config(database or ""))
        return engine, [SrcArtist, SrcRecord, SrcMyExtras]
    config = {"host": PG_HOST, "port": PG_PORT, "user": PG_USER, "database": database}
    return PostgresEngine(config=config), [SrcArtist, SrcRecord, SrcPgExtras]


async def rebuild(engine: Any, drop: list[type[Table]], create: list[type[Table]]) -> None:
    try:
        for table in {*drop, *create}:
            table._meta.db = engine
        await drop_db_tables(*drop)
        await create_db_tables(*create)
    finally:
        await engine.close_connection_pool()


@pytest.mark.parametrize("engine_name", ["sqlite", "postgres", "mysql"])
def test_generate_round_trip(
    engine_name: str,
    in_project: Path,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = None
    if engine_name != "sqlite":
        kind = "pg" if engine_name == "postgres" else "my"
        database = request.getfixturevalue(f"cli_{kind}_database")
    engine, tables = engines_and_tables(engine_name, database, in_project)
    asyncio.run(rebuild(engine, tables, tables))
    if engine_name == "sqlite":
        conf_engine = f"SQLiteEngine(path={str(in_project / 'gen.sqlite')!r})"
    else:
        conf_engine = f"{type(engine).__name__}(config={engine.config!r})"
    imports = "from vivace.engine import MySQLEngine, PostgresEngine, SQLiteEngine"
    (in_project / "vivace_conf.py").write_text(f"{imports}\nDB = {conf_engine}\n")
    module = f"generated_{engine_name}"  # the table registry keeps classes by module
    assert run_cli("schema", "generate", f"--output={module}.py") == 0
    first = (in_project / f"{module}.py").read_text()
    assert "mentor = ForeignKey('GenArtist'" in first  # a self reference, by name
    assert "artist = ForeignKey(GenArtist" in first  # an earlier class, by class
    assert "Unique([title, artist]" in first and "Check(" in first
    # The generated module imports, and creating its tables anew gives the same source.
    generated = importlib.import_module(module)
    new_tables = [getattr(generated, t._meta.tablename.title().replace("_", "")) for t in tables]
    asyncio.run(rebuild(engine, tables, new_tables))
    capsys.readouterr()
    assert run_cli("schema", "gen") == 0
    assert capsys.readouterr().out == first
    asyncio.run(rebuild(engine, new_tables, []))
    for table in new_tables:
        unregister_table(table)


def test_generate_comments_what_it_cannot_map() -> None:
    column = ColumnSpec.of("shape", "Text", unmapped="type 'geometry' has no Vivace column")
    spec = TableSpec(
        "Place",
        "place",
        None,
        (ColumnSpec.of("id", "Serial", primary_key=True), column),
        indexes=(IndexSpec("place_shape_id", ("shape", "id"), "gist"),),
    )
    source = tables_source(SchemaSpec((spec,)))
    assert "    # shape: type 'geometry' has no Vivace column\n    shape = Text(" in source
    assert "# index place_shape_id on (shape, id) using gist" in source
    assert tables_source(SchemaSpec(())).rstrip().endswith("# The database has no tables.")


def test_graph_dot_and_drawing(
    in_project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("project", "new") == 0
    assert run_cli("app", "new", "music", "--register") == 0
    source = Path(__file__).parents[2] / "vivace" / "playground" / "tables.py"
    text = source.read_text().replace("module_path=__name__", 'module_path="music.tables"')
    (in_project / "music" / "tables.py").write_text(text)
    capsys.readouterr()
    assert run_cli("schema", "graph", "--direction=TB") == 0
    dot = capsys.readouterr().out
    assert dot.startswith("digraph vivace {\n  rankdir=TB;")
    assert '"music.Band":"manager" -> "music.Manager":"id";' in dot
    assert '"music.Concert":"band_2" -> "music.Band":"id";' in dot
    assert run_cli("schema", "viz", "--apps=music", "--output=music.dot") == 0
    assert (in_project / "music.dot").read_text() == dot.replace("rankdir=TB", "rankdir=LR")
    assert run_cli("schema", "graph", "--apps=nope") == 1
    assert run_cli("schema", "graph", "--direction=XX") == 2
    if shutil.which("dot"):  # Graphviz installed: the picture is drawn
        assert run_cli("schema", "graph", "--output=music.svg") == 0
        assert (in_project / "music.svg").read_text().lstrip().startswith("<?xml")
    monkeypatch.setenv("PATH", str(in_project))
    assert run_cli("schema", "graph", "--output=music.png") == 1
    assert "Graphviz is not installed" in capsys.readouterr().err


class SrcInvoice(Table, tablename="gen_invoice", schema="gen_billing"):
    number = Varchar(length=20, unique=True)
    previous = ForeignKey("self")


def test_generate_another_postgres_schema(
    in_project: Path, cli_pg_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = {"host": PG_HOST, "port": PG_PORT, "user": PG_USER, "database": cli_pg_database}
    engine = PostgresEngine(config=config)

    async def create() -> None:
        try:
            await engine.execute_ddl(['CREATE SCHEMA IF NOT EXISTS "gen_billing"'])
        finally:
            await engine.close_connection_pool()

    asyncio.run(create())
    asyncio.run(rebuild(engine, [SrcInvoice], [SrcInvoice]))
    (in_project / "vivace_conf.py").write_text(
        f"from vivace.engine import PostgresEngine\nDB = PostgresEngine(config={config!r})\n"
    )
    capsys.readouterr()
    assert run_cli("schema", "generate", "--schema_name=gen_billing") == 0
    source = capsys.readouterr().out
    assert "class GenInvoice(Table, tablename='gen_invoice', schema='gen_billing'):" in source
    assert "previous = ForeignKey('GenInvoice'" in source
    asyncio.run(rebuild(engine, [SrcInvoice], []))
