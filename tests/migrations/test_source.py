"""``SourceWriter``: table and value source that imports what it uses and evaluates back
to the same spec."""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from typing import Any

import pytest

from vivace import Table
from vivace.columns import (
    JSONB,
    UUID,
    Array,
    Check,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Text,
    Timestamptz,
    Unique,
    Varchar,
)
from vivace.columns.defaults import UUID4, TimestamptzOffset
from vivace.schema.registry import unregister_table
from vivace.schema.source import SourceWriter
from vivace.schema.spec import CallableRef, EnumSpec, FrozenValue, freeze_value
from vivace.schema.table_spec import schema_spec


class Mood(enum.Enum):
    happy = "h"


def test_tables_evaluate_back_to_the_same_spec() -> None:
    class Manager(Table, tablename="source_manager"):
        name = Varchar(length=50)

    class Band(Table, schema="music"):
        name = Varchar(length=50, unique=True, default="x", choices=Mood, db_column_name="n")
        note = Varchar(length=20, null=True, default="-")
        manager = ForeignKey(Manager, on_delete=OnDelete.set_null, null=False)
        tags = Array(base_column=Varchar(length=10))
        price = Numeric(digits=(5, 2), default=decimal.Decimal("1.50"))
        when = Timestamptz(default=TimestamptzOffset(days=1))
        data = JSONB(default={"a": [1]})
        key = UUID(default=UUID4())
        text = Text(null=True)
        pair = Unique([name, manager])
        positive = Check(price >= 0)

    writer = SourceWriter()
    source = "\n\n".join(writer.table(t) for t in schema_spec(Manager, Band))
    namespace: dict[str, Any] = {"Table": Table}
    exec("\n".join(writer.import_lines()) + "\n\n" + source, namespace)
    rebuilt = [namespace["Manager"], namespace["Band"]]
    for table in rebuilt:
        unregister_table(table)
    assert schema_spec(*rebuilt) == schema_spec(Manager, Band)
    assert "note = Varchar(default='-', length=20, null=True)" in source
    # A nullable column's default is its type's own (as in Piccolo): nothing to write.
    assert "text = Text(null=True)" in source


@pytest.mark.parametrize(
    "value, text, imports",
    [
        (decimal.Decimal("1.5"), "decimal.Decimal('1.5')", ["import decimal"]),
        (uuid.UUID(int=1), "uuid.UUID('00000000-0000-0000-0000-000000000001')", ["import uuid"]),
        (datetime.date(2020, 1, 2), "datetime.date(2020, 1, 2)", ["import datetime"]),
        (float("inf"), 'float("inf")', []),
        (OnDelete.cascade, "OnDelete.cascade", ["from vivace.columns import OnDelete"]),
        (EnumSpec("Mood", (("happy", "h"),)), "enum.Enum('Mood', {'happy': 'h'})", ["import enum"]),
        (Mood, "enum.Enum('Mood', {'happy': 'h'})", ["import enum"]),
        (FrozenValue("list", (1, (2,))), "[1, (2,)]", []),
        ({"a": None}, "{'a': None}", []),
        (CallableRef("builtins", "list"), "list", []),
        (CallableRef("uuid", "uuid4"), "uuid.uuid4", ["import uuid"]),
        (datetime.datetime.now, "datetime.datetime.now", ["import datetime"]),
        (freeze_value(datetime.datetime.now), "datetime.datetime.now", ["import datetime"]),
    ],
)
def test_values(value: Any, text: str, imports: list[str]) -> None:
    writer = SourceWriter()
    assert writer.value(value) == text
    assert writer.import_lines() == imports


def test_names_never_clash() -> None:
    writer = SourceWriter()
    assert writer.reserve("Varchar") == "Varchar"
    assert writer.import_name("vivace.columns", "Varchar") == "Varchar_2"
    assert writer.import_lines() == ["from vivace.columns import Varchar as Varchar_2"]
    assert writer.reserve("Varchar") == "Varchar_"
    with pytest.raises(TypeError, match="cannot write"):
        writer.value(object())


def test_table_without_columns_and_integer_defaults() -> None:
    class Empty(Table, tablename="source_empty"):
        pass

    class Counter(Table, tablename="source_counter"):
        count = Integer(default=3)

    writer = SourceWriter()
    assert writer.table(schema_spec(Empty).tables[0]).endswith("    pass")
    assert "count = Integer(default=3)" in writer.table(schema_spec(Counter).tables[0])
