"""Column and constraint changes compiled from specs, on every engine. SQLite without
limits: every change SQLite cannot make in place goes through its table rebuild; rows,
indexes and foreign keys (both ways) survive, and the database's schema afterwards is the
new spec's (introspected). PostgreSQL makes the same changes in place, MariaDB by
``MODIFY COLUMN`` and named constraints."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import random
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import (
    Boolean,
    Check,
    ForeignKey,
    Integer,
    Numeric,
    Timestamp,
    Timestamptz,
    Unique,
    Varchar,
)
from vivace.engine import Engine
from vivace.exceptions import CheckViolation, IntegrityError, NotNullViolation
from vivace.orm.spec_tables import table_class_from_spec
from vivace.schema import IndexMethod, OnDelete
from vivace.schema.spec import TYPE_PARAMS, ColumnSpec, ConstraintSpec, ReferenceSpec, TableSpec
from vivace.schema.table_spec import column_spec, table_spec


class RbOwner(Table, tablename="rb_owner"):
    name = Varchar(length=20)


class RbItem(Table, tablename="rb_item"):
    name = Varchar(length=20, index=True)
    size = Integer(null=True)
    code = Varchar(length=5, unique=True, null=True)
    owner = ForeignKey(RbOwner, on_delete=OnDelete.cascade)
    parent = ForeignKey("self", on_delete=OnDelete.cascade)
    name_size = Unique([name, size])
    size_positive = Check(size >= 0)


class RbTag(Table, tablename="rb_tag"):
    item = ForeignKey(RbItem, on_delete=OnDelete.cascade)
    label = Varchar(length=10)


Change = Callable[[Engine, TableSpec], tuple[list[str], TableSpec]]


def alter(name: str, **params: object) -> Change:
    def change(db: Engine, table: TableSpec) -> tuple[list[str], TableSpec]:
        old = table.column(name)
        new = old.replace_params(**params)
        statements = db.dialect.ddl.alter_column(table, old, new)
        return statements, table.with_column(new)

    return change


def retype(name: str, column_class: str, **params: object) -> Change:
    def change(db: Engine, table: TableSpec) -> tuple[list[str], TableSpec]:
        old = table.column(name)
        kept = tuple((k, v) for k, v in old.params if k not in TYPE_PARAMS)
        new = ColumnSpec(name, column_class, kept).replace_params(**params)
        return db.dialect.ddl.alter_column(table, old, new), table.with_column(new)

    return change


def add_check(db: Engine, table: TableSpec) -> tuple[list[str], TableSpec]:
    check = ConstraintSpec("rb_item_short_name", "check", check='length("name") < 15')
    new = table.replace(constraints=(*table.constraints, check))
    return db.dialect.ddl.add_constraint(table, check), new


def drop_check(db: Engine, table: TableSpec) -> tuple[list[str], TableSpec]:
    kept = tuple(c for c in table.constraints if c.name != "rb_item_size_positive")
    return db.dialect.ddl.drop_constraint(table, "rb_item_size_positive"), table.replace(
        constraints=kept
    )


def drop_indexed_column(db: Engine, table: TableSpec) -> tuple[list[str], TableSpec]:
    # "code" is UNIQUE: SQLite's DROP COLUMN refuses it
    return db.dialect.ddl.drop_column(table, table.column("code")), table.without_column("code")


def add_timestamp(db: Engine, table: TableSpec) -> tuple[list[str], TableSpec]:
    # NOT NULL with a default only Python computes: existing rows get it, computed now
    column = column_spec(Timestamp()).renamed("seen")
    return db.dialect.ddl.add_column(table, column), table.with_column(column)


def rename_indexed(db: Engine, table: TableSpec) -> tuple[list[str], TableSpec]:
    old = table.column("name")
    new = old.replace_params(db_column_name="title")
    # SQLite renames the column in the table's constraints too
    unique = ConstraintSpec("rb_item_name_size", "unique", ("title", "size"))
    kept = tuple(c for c in table.constraints if c.name != unique.name)
    after = table.with_column(new).replace(constraints=(*kept, unique))
    return db.dialect.ddl.alter_column(table, old, new), after


def retarget(db: Engine, table: TableSpec) -> tuple[list[str], TableSpec]:
    # the owner key now points at the table itself (row 1 exists for both rows)
    old = table.column("owner")
    key = ReferenceSpec("RbItem", "rb_item", None, ColumnSpec("id", "Serial"))
    new = old.replace_params(references=key, on_delete=OnDelete.restrict)
    return db.dialect.ddl.alter_column(table, old, new), table.with_column(new)


CHANGES = {
    "type": retype("size", "BigInt", default=0),
    "type_to_text": retype("code", "Text"),
    "not_null": alter("size", null=False),
    "default": alter("size", default=7),
    "unique_on": alter("name", unique=True),
    "unique_off": alter("code", unique=False),
    "index_off": alter("name", index=False),
    "on_delete": alter("owner", on_delete=OnDelete.set_null),
    "retarget": retarget,
    "add_check": add_check,
    "drop_check": drop_check,
    "drop_column_with_dependants": drop_indexed_column,
    "add_not_null_python_default": add_timestamp,
    "rename_indexed_column": rename_indexed,
}


async def _fill(db: Engine) -> None:
    owner = RbOwner(name="o")
    await owner.save()
    first = RbItem(name="a", size=1, code="x", owner=owner.id, parent=None)
    await first.save()
    second = RbItem(name="b", size=2, code="y", owner=owner.id, parent=first.id)
    await second.save()
    await RbTag.insert(RbTag(item=first.id, label="t1"), RbTag(item=second.id, label="t2"))


@pytest.mark.parametrize("kind", list(CHANGES))
async def test_every_change_keeps_rows_indexes_and_keys(
    db: Engine, use_tables: UseTables, kind: str
) -> None:
    await use_tables(db, RbOwner, RbItem, RbTag)
    await _fill(db)
    before = table_spec(RbItem)
    statements, after = CHANGES[kind](db, before)
    assert statements
    await db.execute_ddl(statements)
    # the database now holds exactly the new spec
    found = (await db.introspect(tablenames=["rb_item"])).table("RbItem")
    assert found == same_checks(db.dialect.ddl.stored_form(after), found)
    rows = await db.fetch_sql('SELECT * FROM "rb_item" ORDER BY "id"')
    assert [r["id"] for r in rows] == [1, 2]
    assert [r["parent"] for r in rows] == [None, 1]
    # the table pointing at it still does, and its ON DELETE still acts
    if db.dialect.name == "sqlite":
        assert await db.fetch_sql("SELECT * FROM pragma_foreign_key_check") == []
    assert len(await RbTag.select()) == 2
    await db.fetch_sql('DELETE FROM "rb_item" WHERE "id" = 2')
    assert [r["label"] for r in await RbTag.select(RbTag.label)] == ["t1"]
    # foreign keys are enforced (again, on SQLite, once the rebuild is over)
    with pytest.raises(IntegrityError):
        await db.fetch_sql('INSERT INTO "rb_tag" ("item", "label") VALUES (99, \'z\')')
    if kind == "add_not_null_python_default":
        seen = rows[0]["seen"]
        if isinstance(seen, str):
            seen = datetime.datetime.fromisoformat(seen)
        assert abs(seen - datetime.datetime.now()) < datetime.timedelta(hours=1)


def same_checks(expected: TableSpec, found: TableSpec) -> TableSpec:
    """``expected`` with the CHECK texts of ``found`` (PostgreSQL renders them its way)."""
    texts = {c.name: c.check for c in found.constraints if c.kind == "check"}
    assert {c.name for c in expected.constraints if c.kind == "check"} == set(texts)
    constraints = tuple(
        dataclasses.replace(c, check=texts[c.name]) if c.kind == "check" else c
        for c in expected.constraints
    )
    return expected.replace(constraints=constraints)


async def test_a_change_the_rows_refuse_changes_nothing(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, RbOwner, RbItem, RbTag)
    await _fill(sqlite_db)
    await sqlite_db.fetch_sql('UPDATE "rb_item" SET "size" = NULL WHERE "id" = 2')
    before = table_spec(RbItem)
    statements, _ = alter("size", null=False)(sqlite_db, before)
    with pytest.raises(NotNullViolation):
        await sqlite_db.execute_ddl(statements)
    found = (await sqlite_db.introspect(tablenames=["rb_item"])).table("RbItem")
    assert found == sqlite_db.dialect.ddl.stored_form(before)
    assert len(await RbItem.select()) == 2 and len(await RbTag.select()) == 2
    statements, _ = add_check(sqlite_db, before)
    await sqlite_db.fetch_sql('UPDATE "rb_item" SET "name" = \'a much longer name\' WHERE id = 1')
    with pytest.raises(CheckViolation):
        await sqlite_db.execute_ddl(statements)


async def test_a_rebuild_refuses_to_run_with_foreign_keys_on(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, RbOwner, RbItem, RbTag)
    await _fill(sqlite_db)
    statements, _ = alter("size", default=3)(sqlite_db, table_spec(RbItem))
    with pytest.raises(CheckViolation, match="foreign_keys = OFF"):
        async with sqlite_db.transaction():  # a plain transaction keeps them on
            await sqlite_db.execute_ddl(statements)
    assert len(await RbTag.select()) == 2  # no cascade ran
    async with sqlite_db.schema_transaction():
        await sqlite_db.execute_ddl(statements)
    found = (await sqlite_db.introspect(tablenames=["rb_item"])).table("RbItem")
    assert found.column("size").default == 3


async def test_a_rebuild_refuses_a_table_with_triggers(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, RbOwner, RbItem, RbTag)
    await sqlite_db.execute_ddl(
        ['CREATE TRIGGER "rb_touch" AFTER UPDATE ON "rb_item" BEGIN SELECT 1; END']
    )
    statements, _ = alter("size", default=3)(sqlite_db, table_spec(RbItem))
    with pytest.raises(CheckViolation, match="triggers"):
        await sqlite_db.execute_ddl(statements)
    triggers = await sqlite_db.fetch_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    assert triggers == [{"name": "rb_touch"}]


class RbValues(Table, tablename="rb_values"):
    price = Numeric(digits=(5, 2))
    stamp = Timestamp()
    moment = Timestamptz()
    count = Integer()
    flag = Boolean()


@pytest.mark.parametrize(
    ("name", "column_class", "default", "expected"),
    [
        ("price", "Integer", 0, 2),
        ("stamp", "Timestamptz", None, datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)),
        ("stamp", "Date", None, datetime.date(2020, 1, 2)),
        ("moment", "Timestamp", None, datetime.datetime(2020, 1, 2, 3, 4, 5)),
        ("count", "Boolean", False, True),
        ("flag", "Varchar", "", "true"),
    ],
)
async def test_type_changes_convert_values_as_postgresql_does(
    db: Engine,
    use_tables: UseTables,
    name: str,
    column_class: str,
    default: object,
    expected: object,
) -> None:
    await use_tables(db, RbValues)
    await RbValues.insert(
        RbValues(
            price=decimal.Decimal("1.5"),
            stamp=datetime.datetime(2020, 1, 2, 3, 4, 5),
            moment=datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            count=5,
            flag=True,
        )
    )
    statements, after = retype(name, column_class, default=default)(db, table_spec(RbValues))
    async with db.schema_transaction():
        if db.dialect.name == "postgres":  # a naive time is read as UTC, as on SQLite
            await db.fetch_sql("SET LOCAL TIME ZONE 'UTC'")
        await db.execute_ddl(statements)
    values = table_class_from_spec(after, db=db)
    rows = await values.select(getattr(values, name))
    if (name, db.engine_type) == ("flag", "mysql"):
        expected = "1"  # MySQL's booleans are TINYINT(1): as text, 1
    assert rows == [{name: expected}]


async def test_a_broken_reference_is_caught(sqlite_db: Engine, use_tables: UseTables) -> None:
    await use_tables(sqlite_db, RbOwner, RbItem, RbTag)
    await _fill(sqlite_db)
    before = table_spec(RbItem)
    # the new "id" values no longer match what rb_tag points at
    old = before.column("size")
    statements = sqlite_db.dialect.ddl.alter_column(before, old, old, using='"size"')
    statements = [s.replace('SELECT "id"', 'SELECT "id" + 10') for s in statements]
    with pytest.raises(CheckViolation, match="foreign_key_check"):
        await sqlite_db.execute_ddl(statements)
    assert [r["id"] for r in await RbItem.select(RbItem.id)] == [1, 2]


async def test_renamed_tables_and_columns_keep_their_names_in_order(
    db: Engine, use_tables: UseTables
) -> None:
    """Indexes and constraints named after a table or column follow its new name, so the
    renamed table introspects as the renamed spec."""
    await use_tables(db, RbOwner, RbItem, RbTag)
    await _fill(db)
    ddl = db.dialect.ddl
    table = table_spec(RbItem)
    for name in ("name", "code", "owner"):  # indexed, unique, foreign key
        column = table.column_by_db_name(name)
        assert column is not None
        await db.execute_ddl(ddl.rename_column(table, name, f"{name}_2"))
        table = table.with_column(column.replace_params(db_column_name=f"{name}_2"))
    unique = ConstraintSpec("rb_item_name_size", "unique", ("name_2", "size"))
    table = table.replace(constraints=(*table.constraints[1:], unique))
    await db.execute_ddl(ddl.rename_table(table, "rb_item_2"))
    parent = table.column("parent")
    assert parent.references is not None
    reference = dataclasses.replace(parent.references, tablename="rb_item_2", class_name="RbItem2")
    moved = table.replace(tablename="rb_item_2").with_column(
        parent.replace_params(references=reference)
    )
    try:
        found = (await db.introspect(tablenames=["rb_item_2"])).table("RbItem2")
        expected = same_checks(ddl.stored_form(moved).replace(class_name="RbItem2"), found)
        assert found == expected
        assert len(await db.fetch_sql('SELECT * FROM "rb_item_2"')) == 2
    finally:
        await db.execute_ddl(ddl.rename_table(moved, "rb_item"))


# random sequences of changes ---------------------------------------------------------------------
class RbParent(Table, tablename="rb_parent"):
    label = Varchar(length=10)


class RbThing(Table, tablename="rb_thing"):
    a = Varchar(length=20)
    b = Integer()
    c = Numeric(digits=(6, 2), null=True)
    d = ForeignKey(RbParent)


def _random_change(rng: random.Random, table: TableSpec, postgres: bool) -> ColumnSpec:
    """A new spec for one column of ``table``: some param changed, values kept valid."""
    name = rng.choice(["a", "b", "c", "d"])
    old = table.column(name)
    kind = rng.choice(["null", "unique", "index", "rename", "type", "default"])
    if kind == "null":
        return old.replace_params(null=not old.null)
    if kind == "unique":
        return old.replace_params(unique=not old.unique)
    if kind == "index":
        methods = [IndexMethod.btree, IndexMethod.hash] if postgres else [IndexMethod.btree]
        return old.replace_params(index=not old.index, index_method=rng.choice(methods))
    if kind == "rename":
        return old.replace_params(db_column_name=f"{name}_{rng.randrange(100)}")
    if name == "d":
        on_delete = rng.choice([OnDelete.cascade, OnDelete.set_null, OnDelete.restrict])
        return old.replace_params(on_delete=on_delete)
    if kind == "default":
        values = {"a": ["", "z", None], "b": [0, 7, None], "c": [None, decimal.Decimal("2.5")]}
        return old.replace_params(default=rng.choice(values[name]))
    kept = tuple((k, v) for k, v in old.params if k not in TYPE_PARAMS)
    if name == "a":
        if rng.random() < 0.5:
            return ColumnSpec(name, "Text", kept)
        return ColumnSpec(name, "Varchar", kept).replace_params(length=rng.randrange(5, 40))
    if name == "b":
        return ColumnSpec(name, rng.choice(["Integer", "BigInt", "SmallInt"]), kept)
    return ColumnSpec(name, "Numeric", kept).replace_params(digits=(rng.randrange(5, 12), 2))


@pytest.mark.parametrize("seed", range(6))
async def test_random_sequences_of_changes(db: Engine, use_tables: UseTables, seed: int) -> None:
    await use_tables(db, RbParent, RbThing)
    await RbParent.insert(RbParent(label="p"), RbParent(label="q"))
    await RbThing.insert(RbThing(a="abc", b=1, c=1, d=1), RbThing(a="xyz", b=2, c=3, d=2))
    rng = random.Random(seed)
    table = table_spec(RbThing)
    ddl = db.dialect.ddl
    for step in range(5):
        statements, after = _random_step(rng, ddl, table, db.dialect.name == "postgres", step)
        await db.execute_ddl(statements)
        table = after
        found = (await db.introspect(tablenames=["rb_thing"])).table("RbThing")
        assert found == same_checks(ddl.stored_form(table), found), statements
    assert len(await db.fetch_sql('SELECT * FROM "rb_thing"')) == 2


def _random_step(
    rng: random.Random, ddl: Any, table: TableSpec, postgres: bool, step: int
) -> tuple[list[str], TableSpec]:
    """One random schema change of ``table``: alter, add or drop a column, add or drop a
    constraint. Values stay valid for the two rows the table holds."""
    kind = rng.choice(["alter", "alter", "add", "drop", "constraint"])
    extra = [c for c in table.columns if c.name.startswith("x")]
    if kind == "add":
        column = rng.choice(
            [
                ColumnSpec.of(f"x{step}", "Varchar", length=8, unique=True, null=True),
                ColumnSpec.of(f"x{step}", "Integer", default=rng.randrange(5)),
                column_spec(Timestamp()).renamed(f"x{step}"),
                ColumnSpec.of(f"x{step}", "Integer", null=True, index=True),
            ]
        )
        return ddl.add_column(table, column), table.with_column(column)
    if kind == "drop" and extra:
        column = rng.choice(extra)
        return ddl.drop_column(table, column), table.without_column(column.name)
    if kind == "constraint":
        named = [c for c in table.constraints]
        if named and rng.random() < 0.5:
            gone = rng.choice(named)
            kept = tuple(c for c in named if c is not gone)
            return ddl.drop_constraint(table, gone.name), table.replace(constraints=kept)
        b = table.column("b").db_column_name
        added = rng.choice(
            [
                ConstraintSpec(f"rb_thing_c{step}", "check", check=f'"{b}" > -100'),
                ConstraintSpec(
                    f"rb_thing_u{step}", "unique", (b, table.column("d").db_column_name)
                ),
            ]
        )
        return ddl.add_constraint(table, added), table.replace(
            constraints=(*table.constraints, added)
        )
    new = _random_change(rng, table, postgres)
    if any(new.db_column_name in c.columns for c in table.constraints) or table.constraints:
        new = new.replace_params(db_column_name=table.column(new.name).param("db_column_name"))
    old = table.column(new.name)
    return ddl.alter_column(table, old, new), table.with_column(new)
