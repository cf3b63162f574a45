"""``Column.column_type``: the SQL type a column declares, as Piccolo's ``column_type``.

On a table, the type its engine's ``create_table()`` writes for it (each database's own
spelling, as in Piccolo); outside any table, the standard SQL spelling (PostgreSQL's),
which Piccolo gives for the types that do not depend on the engine: ``Varchar()`` is
``"VARCHAR(255)"``, ``Integer()`` ``"INTEGER"``, ``Array(Integer())`` ``"INTEGER[]"``."""

from __future__ import annotations

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb, quoted
from vivace import Table
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    BigSerial,
    Blob,
    Boolean,
    Bytea,
    Char,
    Date,
    Decimal,
    DoublePrecision,
    Email,
    Float,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    Real,
    Secret,
    Serial,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.dialects.postgres import PostgresDialect
from vivace.engine import Engine
from vivace.exceptions import QueryError
from vivace.schema import Column
from vivace.types import ValueType, sql_type_name


class CtLabel(Table, tablename="ct_label"):
    id = BigSerial(primary_key=True)
    name = Varchar(length=20)


class CtRow(Table, tablename="ct_row"):
    title = Varchar(length=20)
    note = Text()
    amount = Integer()
    big = BigInt()
    small = SmallInt()
    price = Numeric(digits=(5, 2))
    ratio = DoublePrecision()
    facts = JSON()
    when = Timestamp()
    blob = Bytea()
    label = ForeignKey(CtLabel)


class CtTarget(Table, tablename="ct_target"):
    name = Varchar(length=20)


class CtKey(Table, tablename="ct_key"):
    target = ForeignKey(CtTarget)


class CtArrays(Table, tablename="ct_arrays"):
    seats = Array(Integer())


#: What each engine declares for CtRow's columns (and CtKey's key, to a Serial key).
DECLARED = {
    "postgres": {
        "id": "SERIAL",
        "title": "VARCHAR(20)",
        "note": "TEXT",
        "amount": "INTEGER",
        "big": "BIGINT",
        "small": "SMALLINT",
        "price": "NUMERIC(5, 2)",
        "ratio": "DOUBLE PRECISION",
        "facts": "JSON",
        "when": "TIMESTAMP",
        "blob": "BYTEA",
        "label": "BIGINT",
    },
    "sqlite": {
        "id": "INTEGER",
        "title": "VARCHAR(20)",
        "note": "TEXT",
        "amount": "INTEGER",
        "big": "BIGINT",
        "small": "SMALLINT",
        "price": "NUMERIC_TEXT(5, 2)",  # exact text, never a float
        "ratio": "DOUBLE PRECISION",
        "facts": "JSON_TEXT",
        "when": "TIMESTAMP",
        "blob": "BLOB",
        "label": "BIGINT",
    },
    "mysql": {
        "id": "INT",
        "title": "VARCHAR(20)",
        "note": "LONGTEXT",
        "amount": "INT",
        "big": "BIGINT",
        "small": "SMALLINT",
        "price": "DECIMAL(5, 2)",
        "ratio": "DOUBLE",
        "facts": "JSON",
        "when": "DATETIME(6)",
        "blob": "LONGBLOB",
        "label": "BIGINT",
    },
}


async def test_a_table_column_declares_its_engines_type(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, CtLabel, CtRow, CtTarget, CtKey)
    expected = DECLARED[db.engine_type]
    assert {c._meta.name: c.column_type for c in CtRow._meta.columns} == expected
    assert CtKey.target.column_type == expected["amount"]  # a Serial key: the plain integer
    assert CtRow.label.name.column_type == "VARCHAR(20)"  # through a join: the target's
    # Exactly what create_table() wrote for each column.
    ddl = " ".join(CtRow.create_table().ddl)
    for column in CtRow._meta.columns:
        assert f"{quoted(db, column._meta.db_column_name)} {column.column_type}" in ddl


async def test_an_array_column_declares_its_engines_type(db: Engine, use_tables: UseTables) -> None:
    if on_mariadb(db):  # the same clear error as its table's creation
        previous, CtArrays._meta.db = CtArrays._meta._db, db
        try:
            with pytest.raises(QueryError, match="Array columns are not supported on MySQL"):
                CtArrays.seats.column_type  # noqa: B018
        finally:
            CtArrays._meta.db = previous
        return
    await use_tables(db, CtArrays)
    assert (
        CtArrays.seats.column_type
        == {"postgres": "INTEGER[]", "sqlite": "ARRAY_TEXT"}[db.engine_type]
    )


@pytest.mark.parametrize(
    ("column", "declared"),
    [
        (Varchar(), "VARCHAR(255)"),
        (Varchar(length=None), "VARCHAR"),
        (Secret(), "VARCHAR(255)"),
        (Email(length=40), "VARCHAR(40)"),
        (Char(length=2), "CHAR(2)"),
        (Text(), "TEXT"),
        (Integer(), "INTEGER"),
        (BigInt(), "BIGINT"),
        (SmallInt(), "SMALLINT"),
        (Serial(), "SERIAL"),
        (BigSerial(), "BIGSERIAL"),
        (Boolean(), "BOOLEAN"),
        (Real(), "REAL"),
        (Float(), "DOUBLE PRECISION"),  # Piccolo declares FLOAT, which PostgreSQL makes this
        (DoublePrecision(), "DOUBLE PRECISION"),
        (Numeric(), "NUMERIC"),
        (Decimal(digits=(10, 2)), "NUMERIC(10, 2)"),
        (Timestamp(), "TIMESTAMP"),
        (Timestamptz(), "TIMESTAMPTZ"),
        (Date(), "DATE"),
        (Time(), "TIME"),
        (Interval(), "INTERVAL"),
        (UUID(), "UUID"),
        (JSON(), "JSON"),
        (JSONB(), "JSONB"),
        (Bytea(), "BYTEA"),
        (Blob(), "BYTEA"),
        (Array(Integer()), "INTEGER[]"),
        (Array(Serial()), "INTEGER[]"),
        (Array(Array(Varchar(length=3))), "VARCHAR(3)[][]"),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Column) else str(value),
)
def test_a_column_outside_a_table_declares_the_standard_type(
    column: Column[object], declared: str
) -> None:
    assert column.column_type == declared


def test_the_standard_spelling_is_postgresqls() -> None:
    """PostgreSQL's dialect declares the standard spelling (``vivace.types.sql_type_name``,
    which it calls): the names upper-cased, DOUBLE PRECISION, arguments in brackets, and an
    array of serials as plain integers."""
    dialect = PostgresDialect()
    names = [
        "text", "integer", "bigint", "smallint", "serial", "bigserial", "boolean", "real",
        "timestamp", "timestamptz", "date", "time", "interval", "uuid", "json", "jsonb",
        "bytea",
    ]  # fmt: skip
    expected = {ValueType(name): name.upper() for name in names}
    expected |= {
        ValueType("double"): "DOUBLE PRECISION",
        ValueType("varchar", (255,)): "VARCHAR(255)",
        ValueType("varchar", (None,)): "VARCHAR",
        ValueType("char", (1,)): "CHAR(1)",
        ValueType("numeric", ()): "NUMERIC",
        ValueType("numeric", (12, 3)): "NUMERIC(12, 3)",
        ValueType("array", (ValueType("array", (ValueType("uuid"),)),)): "UUID[][]",
        ValueType("array", (ValueType("serial"),)): "INTEGER[]",
    }
    for vtype, spelled in expected.items():
        assert dialect.column_type(vtype) == spelled, vtype
        assert sql_type_name(vtype) == spelled, vtype
