"""A migration generated for tables using every column type, default and option imports
everything it uses: a fresh interpreter (the real ``vivace`` command) runs it forwards and
backwards, and ``new --auto`` then finds no changes."""

from __future__ import annotations

import re
from typing import Any

from tests.migrations.conftest import Project, run
from tests.migrations.test_journey import vivace_command

EVERY_COLUMN = """
import datetime
import decimal
import enum
import uuid


class Genre(str, enum.Enum):
    rock = "r"
    jazz = "j"


def default_title() -> str:
    return "untitled"


class Manager(Table, tablename="manager_x"):
    code = Varchar(length=10, primary_key=True)
    boss = ForeignKey("self", null=True, on_delete=OnDelete.set_null)
    name = Varchar(length=50, unique=True, default=default_title, help_text="shown")


class Everything(Table):
    varchar = Varchar(length=20, null=True, default=None, index=True)
    char = Char(length=3, default="abc")
    text = Text(default="x'y\\"z", db_column_name="text_col")
    email = Email(default="a@b.c")
    secret = Secret(length=64, secret=True, required=True)
    integer = Integer(default=7, choices=None)
    bigint = BigInt(default=2**40)
    smallint = SmallInt(default=-3)
    boolean = Boolean(default=True)
    numeric = Numeric(digits=(7, 2), default=decimal.Decimal("12.50"))
    decimal_col = Decimal(digits=(5, 1), default=decimal.Decimal("-1.5"))
    real = Real(default=1.25)
    float_col = Float(default=0.5)
    double = DoublePrecision(default=1e100)
    ts = Timestamp(default=defaults.TimestampNow())
    ts_offset = Timestamp(default=defaults.TimestampOffset(days=1, hours=2))
    ts_custom = Timestamp(default=defaults.TimestampCustom(year=2020, month=2, day=3))
    ts_value = Timestamp(default=datetime.datetime(2021, 5, 6, 7, 8, 9))
    ts_callable = Timestamp(default=datetime.datetime.now)
    tstz = Timestamptz(default=defaults.TimestamptzNow())
    tstz_offset = Timestamptz(default=defaults.TimestamptzOffset(minutes=5))
    tstz_value = Timestamptz(default=datetime.datetime(2021, 5, 6, tzinfo=datetime.timezone.utc))
    date = Date(default=defaults.DateNow())
    date_offset = Date(default=defaults.DateOffset(days=3))
    date_custom = Date(default=defaults.DateCustom(year=2001, month=1, day=1))
    date_value = Date(default=datetime.date(1999, 12, 31))
    time = Time(default=defaults.TimeNow())
    time_offset = Time(default=defaults.TimeOffset(hours=1))
    time_custom = Time(default=defaults.TimeCustom(hour=9))
    time_value = Time(default=datetime.time(10, 11, 12))
    interval = Interval(default=defaults.IntervalCustom(days=2, minutes=3))
    interval_value = Interval(default=datetime.timedelta(hours=5))
    uuid4 = UUID(default=defaults.UUID4())
    uuid7 = UUID(default=defaults.UUID7(), unique=True)
    uuid_value = UUID(default=uuid.UUID("12345678-1234-5678-1234-567812345678"))
    json = JSON(default={"a": [1, 2, {"b": None}]})
    jsonb = JSONB(default=list, null=True)
    bytea = Bytea(default=b"\\x00\\xff")
    blob = Blob(null=True)
    tags = Array(base_column=Varchar(length=10), default=list)
    grid = Array(base_column=Array(base_column=Integer()), null=True)
    prices = Array(base_column=Numeric(digits=(4, 1)))
    genre = Varchar(length=1, choices=Genre, default=Genre.rock)
    manager = ForeignKey(Manager, on_delete=OnDelete.restrict, on_update=OnUpdate.no_action)
    by_name = ForeignKey(Manager, target_column="name", null=True)
    hashed = Varchar(index=True, index_method=IndexMethod.INDEX_METHOD)
    unique_pair = Unique([varchar, char])
    positive = Check(integer >= 0)
"""


def test_generated_file_runs_in_a_fresh_interpreter(project: Project) -> None:
    method = "hash" if project.fresh.kind == "postgres" else "btree"
    source = EVERY_COLUMN.replace("INDEX_METHOD", method)
    if project.fresh.kind == "mysql":  # MariaDB has no arrays: every other column
        source = "\n".join(line for line in source.splitlines() if "Array(" not in line)
    project.write_tables(source)
    app = project.package
    assert project.run("migrations", "new", app, "--auto") == 0
    [path] = project.migration_files()
    source = path.read_text()
    for name in ("TimestampOffset", "IntervalCustom", "UUID7", "OnDelete", "IndexMethod"):
        assert re.search(rf"^from vivace\.columns(\.defaults)? import .*\b{name}\b", source, re.M)
    assert "import decimal" in source and "import datetime" in source and "import uuid" in source
    assert f"import {app}.tables" in source and f"{app}.tables.default_title" in source

    result = vivace_command(project, "migrations", "forwards", app)
    assert result.returncode == 0, result.stderr
    assert project.run("migrations", "new", app, "--auto") == 0
    assert len(project.migration_files()) == 1  # nothing left to migrate
    tables = project.tables()
    manager_table, everything = tables["Manager"], tables["Everything"]

    async def write_rows() -> Any:
        engine = project.engine()
        try:
            manager_table._meta.db = everything._meta.db = engine
            await manager_table.insert(manager_table(code="g", name="Guido"))
            await everything.insert(everything(secret="s", manager="g"))
            return await everything.select(everything.integer, everything.genre, everything.text)
        finally:
            await engine.close_connection_pool()

    [row] = run(write_rows())
    assert (row["integer"], row["genre"], row["text_col"]) == (7, "r", "x'y\"z")

    result = vivace_command(project, "migrations", "backwards", app, "--auto_agree")
    assert result.returncode == 0, result.stderr
    assert [t.tablename for t in project.introspect()] == []
