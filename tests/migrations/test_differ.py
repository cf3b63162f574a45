"""Auto detection: the operations between two schemas, and their round trip through a
generated file (replaying the file gives the new schema back)."""

from __future__ import annotations

import asyncio
import enum
from pathlib import Path
from typing import Any

import pytest

from vivace import Table
from vivace.columns import (
    M2M,
    BigInt,
    Check,
    ForeignKey,
    IndexMethod,
    Integer,
    LazyTableReference,
    Numeric,
    OnDelete,
    Unique,
    Varchar,
)
from vivace.conf import AppConfig
from vivace.dialects.postgres import PostgresDialect
from vivace.migrations.differ import answer_with, diff_schemas
from vivace.migrations.history import load_managers, replay
from vivace.migrations.manager import MigrationManager
from vivace.migrations.operations import (
    AddColumn,
    AddConstraint,
    AddTable,
    AlterColumn,
    DropColumn,
    DropConstraint,
    DropTable,
    RenameColumn,
    RenameTable,
)
from vivace.migrations.writer import render_migration
from vivace.schema.spec import SchemaSpec
from vivace.schema.table_spec import schema_spec

NO = answer_with("n")
YES = answer_with("y")


def kinds(operations: list[Any]) -> list[str]:
    return [type(op).__name__ for op in operations]


def unordered(schema: SchemaSpec) -> SchemaSpec:
    """The schema with each table's columns in name order (migrations append columns)."""
    tables = (t.replace(columns=tuple(sorted(t.columns, key=lambda c: c.name))) for t in schema)
    return SchemaSpec(tuple(sorted(tables, key=lambda t: t.class_name)))


def round_trip(tmp_path: Path, old: SchemaSpec, new: SchemaSpec, ask: Any = NO) -> SchemaSpec:
    """Write the diff as a migration file, load it back and replay it on ``old``; returns
    the result in ``unordered`` form."""
    operations = diff_schemas(old, new, ask)
    folder = tmp_path / "migrations"
    folder.mkdir(exist_ok=True)
    index = len(list(folder.glob("*.py")))
    migration_id = f"2026-01-01T00:00:00:{index:06d}"
    (folder / f"m{index}.py").write_text(render_migration(migration_id, "app", "", operations, old))
    managers = asyncio.run(load_managers(AppConfig("app", folder)))
    result = replay(managers[index:], old).schema
    assert diff_schemas(result, new, lambda q: pytest.fail(q)) == []
    return unordered(result)


def test_new_and_dropped_tables_in_foreign_key_order() -> None:
    class Manager(Table):
        name = Varchar()

    class Band(Table):
        manager = ForeignKey(Manager)

    new = schema_spec(Band, Manager)
    operations = diff_schemas(SchemaSpec(), new, NO)
    assert [(type(o).__name__, o.table_class_name) for o in operations] == [
        ("AddTable", "Manager"),
        ("AddTable", "Band"),
    ]
    dropped = diff_schemas(new, SchemaSpec(), NO)
    assert [(type(o).__name__, o.table_class_name) for o in dropped] == [
        ("DropTable", "Band"),
        ("DropTable", "Manager"),
    ]


def test_renamed_table_asked(tmp_path: Path) -> None:
    class Genre(Table):
        title = Varchar(length=30)

    class Studio(Table):
        name = Varchar()

    class Style(Table):
        title = Varchar(length=30)

    old, new = schema_spec(Genre, Studio), schema_spec(Style)
    questions: list[str] = []

    def ask(question: str) -> bool:
        questions.append(question)
        return True

    operations = diff_schemas(old, new, ask)
    assert questions[0].startswith("Did you rename the table Genre to Style")  # most alike first
    assert kinds(operations) == ["RenameTable", "DropTable"]
    assert kinds(diff_schemas(old, new, NO)) == ["AddTable", "DropTable", "DropTable"]
    assert round_trip(tmp_path, old, new, YES) == unordered(new)


def test_class_renamed_same_table_needs_no_question() -> None:
    class Old(Table, tablename="thing"):
        name = Varchar()

    class New(Table, tablename="thing"):
        name = Varchar()

    operations = diff_schemas(schema_spec(Old), schema_spec(New), lambda q: pytest.fail(q))
    assert len(operations) == 1 and isinstance(operations[0], RenameTable)
    assert operations[0].ddl(schema_spec(Old), _ddl()) == []  # same database table


def _ddl() -> Any:
    return PostgresDialect().ddl


def test_columns_added_dropped_renamed(tmp_path: Path) -> None:
    class Before(Table, tablename="band"):
        popularity = Integer()
        label = Varchar()
        manager_id = Integer()

    class After(Table, tablename="band"):
        fame = BigInt(db_column_name="fame_col")
        studio = ForeignKey(Before, null=True)
        extra = Varchar(length=3)

    old, new = schema_spec(Before), schema_spec(After)
    renamed = diff_schemas(old, new, YES)
    rename = next(op for op in renamed if isinstance(op, RenameColumn))
    # The most alike column first; a foreign key never "renames" a plain column.
    assert (rename.old_column_name, rename.new_column_name) == ("popularity", "fame")
    assert rename.new_db_column_name == "fame_col"
    assert not any(
        isinstance(op, RenameColumn) and op.new_column_name == "studio" for op in renamed
    )
    assert {"AlterColumn", "AddColumn", "DropColumn", "RenameTable"} <= set(kinds(renamed))
    plain = diff_schemas(old, new, NO)
    assert kinds(plain).count("DropColumn") == 3 and kinds(plain).count("AddColumn") == 3
    assert round_trip(tmp_path, old, new, YES) == unordered(new)


class Genre(enum.Enum):
    rock = "r"


@pytest.mark.parametrize(
    "before, after, changed",
    [
        (Varchar(length=5), Varchar(length=9), {"length"}),
        (Varchar(), Varchar(null=True), {"null"}),  # the default stays '' (Piccolo)
        (Varchar(), Varchar(null=True, default=None), {"null", "default"}),
        (Varchar(default="a"), Varchar(default="b"), {"default"}),
        (Varchar(), Varchar(unique=True), {"unique"}),
        (Varchar(), Varchar(index=True, index_method=IndexMethod.hash), {"index", "index_method"}),
        (Varchar(), Varchar(db_column_name="other"), {"db_column_name"}),
        (Varchar(), Varchar(secret=True), {"secret"}),
        (Varchar(), Varchar(choices=Genre), {"choices"}),
        (Numeric(digits=(5, 2)), Numeric(digits=(7, 3)), {"digits"}),
        (Integer(), BigInt(), set()),
    ],
)
def test_every_column_option(tmp_path: Path, before: Any, after: Any, changed: set[str]) -> None:
    old_table = type("Opt", (Table,), {"value": before})
    new_table = type("Opt", (Table,), {"value": after})
    old, new = schema_spec(old_table), schema_spec(new_table)
    [operation] = diff_schemas(old, new, NO)
    assert isinstance(operation, AlterColumn)
    old_column, new_column = old.table("Opt").column("value"), operation.new
    differing = {k for k, v in new_column.params if old_column.param(k) != v}
    assert differing == changed
    assert round_trip(tmp_path, old, new) == unordered(new)


def test_foreign_key_target_and_actions(tmp_path: Path) -> None:
    class Label(Table):
        name = Varchar(unique=True)

    class Other(Table):
        name = Varchar()

    old_band = type("Band", (Table,), {"label": ForeignKey(Label)})
    new_band = type(
        "Band",
        (Table,),
        {"label": ForeignKey(Other, on_delete=OnDelete.set_null)},
    )
    by_name = type("Band", (Table,), {"label": ForeignKey(Label, target_column="name")})
    old = schema_spec(Label, Other, old_band)
    for target in (new_band, by_name):
        new = schema_spec(Label, Other, target)
        assert kinds(diff_schemas(old, new, NO)) == ["AlterColumn"]
        assert round_trip(tmp_path, old, new) == unordered(new)


def test_composite_constraints_and_schema_moves(tmp_path: Path) -> None:
    name, rank = Varchar(), Integer()
    before = type("Band", (Table,), {"name": name, "rank": rank, "pair": Unique([name, rank])})
    name, rank = Varchar(), Integer()
    members = {"name": name, "rank": rank, "positive": Check(rank >= 0)}
    after = type("Band", (Table,), members, schema="music")
    old, new = schema_spec(before), schema_spec(after)
    operations = diff_schemas(old, new, NO)
    assert kinds(operations) == ["ChangeTableSchema", "DropConstraint", "AddConstraint"]
    assert round_trip(tmp_path, old, new) == unordered(new)


def test_m2m_joining_table_self_and_circular_keys(tmp_path: Path) -> None:
    class Person(Table):
        boss = ForeignKey("self", null=True)
        team = ForeignKey(LazyTableReference("Team", module_path=__name__), null=True)

    class Team(Table):
        lead = ForeignKey(Person, null=True)
        members = M2M(LazyTableReference("TeamMember", module_path=__name__))

    class TeamMember(Table):
        team = ForeignKey(Team)
        person = ForeignKey(Person)

    globals().update(Team=Team, TeamMember=TeamMember)
    new = schema_spec(Person, Team, TeamMember)
    operations = diff_schemas(SchemaSpec(), new, NO)
    assert kinds(operations) == ["AddTable", "AddTable", "AddTable"]
    manager = MigrationManager(migration_id="1", app_name="app")
    for op in operations:
        assert isinstance(op, AddTable)
        manager.add_tables.append(op)
    ordered = manager.operations(SchemaSpec())
    # The cycle Person <-> Team: one key is added once both tables exist.
    assert kinds(ordered) == ["AddTable", "AddTable", "AddTable", "AddColumn"]
    assert round_trip(tmp_path, SchemaSpec(), new) == unordered(new)


def test_no_operations_for_the_same_schema() -> None:
    class Band(Table):
        name = Varchar()

    assert diff_schemas(schema_spec(Band), schema_spec(Band), lambda q: pytest.fail(q)) == []


def test_answers() -> None:
    asked: list[str] = []

    def prompt(question: str) -> str:
        asked.append(question)
        return "Y "

    assert answer_with(None, prompt)("rename?") is True and asked == ["rename? (y/N) "]
    assert answer_with("n")("x") is False and answer_with("yes")("x") is True


def test_operation_inverses() -> None:
    class Band(Table):
        name = Varchar(unique=True)
        rank = Integer()
        pair = Unique([name, rank])

    state = schema_spec(Band)
    table = state.table("Band")
    ops = [
        DropColumn("Band", "band", None, "rank"),
        AddColumn("Band", "band", None, table.column("name").renamed("extra")),
        RenameColumn("Band", "band", None, "name", "title"),
        DropConstraint("Band", "band", None, table.constraints[0].name),
        AddConstraint("Band", "band", None, table.constraints[0]),
        DropTable("Band", "band", None),
    ]
    for op in ops:
        after = op.apply(state)
        restored = after
        for inverse in op.inverse(state):
            restored = inverse.apply(restored)
        assert {c.name for c in restored.tables[0].columns} == {c.name for c in table.columns}
