"""Piccolo import paths user code imports: ``columns.choices`` (``Choice``: choices dict,
pydantic, migrations), ``custom_types``, ``utils.encoding``, ``columns.defaults.numeric``
and ``.real``, ``DatetimeDefault``, ``query.base.FrozenQuery`` and
``query.operators.json``."""

from __future__ import annotations

import asyncio
import datetime
import decimal
import enum
import math
import typing
import uuid
from pathlib import Path
from typing import Any

import pytest

from vivace import Table
from vivace.columns import JSON, Integer, Numeric, Real
from vivace.columns.choices import Choice
from vivace.conf import AppConfig
from vivace.migrations.differ import answer_with, diff_schemas
from vivace.migrations.history import load_managers, replay
from vivace.migrations.writer import render_migration
from vivace.pydantic import create_pydantic_model
from vivace.schema.spec import SchemaSpec
from vivace.schema.table_spec import schema_spec
from vivace.sql.nodes import Condition


class Title(enum.Enum):
    mr = Choice(value=1, display_name="Mr.")
    mrs = Choice(value=2, display_name="Mrs.")


class Plain(enum.Enum):
    mr = 1
    dr_prof = 2


class Mixed(enum.Enum):
    a = 1
    b = 2
    c = Choice(value=3, display_name="c1")


# Choice ----------------------------------------------------------------------------------
def test_choice_is_piccolo_shaped() -> None:
    choice = Choice(value=1, display_name="Mr.")
    assert (choice.value, choice.display_name) == (1, "Mr.")
    assert repr(choice) == "Choice(value=1, display_name='Mr.')"
    assert choice == Choice(1, "Mr.") and hash(choice) == hash(Choice(1, "Mr."))


def test_get_choices_dict() -> None:
    assert Integer(choices=Title)._meta.get_choices_dict() == {
        "mr": {"display_name": "Mr.", "value": 1},
        "mrs": {"display_name": "Mrs.", "value": 2},
    }
    assert Integer(choices=Plain)._meta.get_choices_dict() == {
        "mr": {"display_name": "Mr", "value": 1},
        "dr_prof": {"display_name": "Dr Prof", "value": 2},
    }
    assert Integer()._meta.get_choices_dict() is None


class Person(Table, tablename="choice_pydantic_person"):
    title = Integer(choices=Title, default=Title.mr)
    mixed = Integer(choices=Mixed, null=True)


def test_pydantic_carries_choices() -> None:
    model = create_pydantic_model(Person)
    properties = model.model_json_schema()["properties"]
    assert properties["title"]["extra"]["choices"] == {
        "mr": {"display_name": "Mr.", "value": 1},
        "mrs": {"display_name": "Mrs.", "value": 2},
    }
    assert properties["mixed"]["extra"]["choices"]["c"] == {"display_name": "c1", "value": 3}
    assert model(title=2).title == 2  # type: ignore[attr-defined]
    with pytest.raises(ValueError):
        model(title=5)


def test_migration_round_trip_of_choice_enum(tmp_path: Path) -> None:
    class Band(Table, tablename="choice_band"):
        title = Integer(choices=Mixed, default=Mixed.c)

    new = schema_spec(Band)
    operations = diff_schemas(SchemaSpec(), new, answer_with("n"))
    folder = tmp_path / "migrations"
    folder.mkdir()
    source = render_migration("2026-01-01T00:00:00:000000", "app", "", operations, SchemaSpec())
    assert "from vivace.columns.choices import Choice" in source
    assert "Choice(value=3, display_name='c1')" in source
    (folder / "m0.py").write_text(source)
    managers = asyncio.run(load_managers(AppConfig("app", folder)))
    result = replay(managers, SchemaSpec()).schema
    assert diff_schemas(result, new, lambda q: pytest.fail(q)) == []
    column = result.table("Band").column("title")  # type: ignore[union-attr]
    assert column is not None and column.default == 3
    choices = Integer(choices=column.param("choices").build())._meta
    assert choices.get_choices_dict() == Integer(choices=Mixed)._meta.get_choices_dict()


# custom_types ----------------------------------------------------------------------------
def test_custom_types() -> None:
    from vivace import custom_types
    from vivace.custom_types import (
        BasicTypes,
        Combinable,
        CustomIterable,
        DatetimeDefault,
        Iterable,
        QueryResponseType,
        TableInstance,
    )
    from vivace.table import Table as VivaceTable

    assert Combinable is Condition
    assert isinstance(Person.title == 1, Combinable)
    assert isinstance((Person.title == 1) | (Person.title == 2), Combinable)
    assert typing.get_args(CustomIterable) == (Any,) and Iterable is not None
    assert isinstance(TableInstance, typing.TypeVar) and isinstance(
        QueryResponseType, typing.TypeVar
    )
    assert typing.get_type_hints(custom_types, include_extras=True) is not None
    assert TableInstance.__bound__ == typing.ForwardRef("Table")
    assert VivaceTable is Table
    assert {bytes, datetime.date, decimal.Decimal, uuid.UUID, str} <= set(
        typing.get_args(BasicTypes)
    )
    assert DatetimeDefault.now.python() <= datetime.datetime.now()


# utils.encoding --------------------------------------------------------------------------
def test_encoding() -> None:
    from vivace.utils.encoding import JSONDict, dump_json, load_json

    assert dump_json({"a": [1, 2]}) == '{"a": [1, 2]}'
    assert dump_json({"a": 1}, pretty=True) == '{\n  "a": 1\n}'
    assert dump_json({"d": datetime.date(2020, 1, 2)}) == '{"d": "2020-01-02"}'
    loaded = load_json('{"a": {"b": 1}}')
    assert isinstance(loaded, JSONDict) and loaded == {"a": {"b": 1}}
    assert load_json(b"[1, 2]") == [1, 2] and not isinstance(load_json("[]"), JSONDict)


# columns.defaults.numeric / real ---------------------------------------------------------
def test_infinity_defaults() -> None:
    from vivace.columns.defaults import InfinityFloat as Exported
    from vivace.columns.defaults.numeric import InfinityDecimal, NegativeInfinityDecimal
    from vivace.columns.defaults.real import InfinityFloat, NegativeInfinityFloat
    from vivace.columns.defaults.timestamp import DatetimeDefault

    assert Exported is InfinityFloat
    assert Real(default=InfinityFloat()).get_default_value() == math.inf
    assert Real(default=NegativeInfinityFloat()).get_default_value() == -math.inf
    assert InfinityFloat().postgres == "'Infinity'"
    assert InfinityDecimal().python() == decimal.Decimal("Infinity")
    assert NegativeInfinityDecimal().python() == decimal.Decimal("-Infinity")
    with pytest.raises(ValueError):
        Numeric(default=InfinityDecimal())  # Vivace's Numeric stores finite values only
    assert DatetimeDefault.now.python().tzinfo is None


# query.base / query.operators.json -------------------------------------------------------
class Doc(Table, tablename="choice_paths_doc"):
    facts = JSON()


def test_frozen_query_and_json_operators(tmp_path: Path) -> None:
    from vivace.engine import SQLiteEngine
    from vivace.query.base import FrozenQuery

    Doc._meta.db = SQLiteEngine(path=str(tmp_path / "doc.sqlite"))
    from vivace.query.operators.json import (
        GetChildElement,
        GetElementFromPath,
        JSONQueryString,
    )

    assert isinstance(Doc.select().freeze(), FrozenQuery)
    assert isinstance(Doc.facts.arrow("a"), GetChildElement)
    assert JSONQueryString is GetChildElement
    step = GetChildElement(Doc.facts, "a")
    path = GetElementFromPath(Doc.facts, ["a", 0, "b"])
    assert isinstance(path, JSONQueryString) and path.path and not step.path
    assert str(Doc.select(path)) == str(Doc.select(Doc.facts.from_path(["a", 0, "b"])))
    assert str(Doc.select(step)) == str(Doc.select(Doc.facts.arrow("a")))
