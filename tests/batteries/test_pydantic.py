"""``create_pydantic_model``: Piccolo's options, column limits in validation and schema,
foreign keys and nested models, and rows from SQLite and PostgreSQL fed to the models."""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from typing import Any

import pydantic
import pytest

from tests.conftest import UseTables
from tests.mariadb import use_array_tables
from vivace import Table
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    Boolean,
    Email,
    ForeignKey,
    Integer,
    Numeric,
    Secret,
    Text,
    Timestamptz,
    Varchar,
)
from vivace.engine import Engine
from vivace.pydantic import create_pydantic_model
from vivace.utils.pydantic import create_pydantic_model as piccolo_path


class Country(Table):
    name = Varchar(length=20, required=True, help_text="The country's name")


class Manager(Table, help_text="People who manage bands"):
    name = Varchar(length=10, required=True)
    country = ForeignKey(Country)


class BandColumns:
    """Band's columns but its Array: a table of these alone is stored on MariaDB too."""

    class Genre(str, enum.Enum):
        rock = "r"
        folk = "f"

    name = Varchar(length=20, required=True, unique=True)
    manager = ForeignKey(Manager)
    genre = Varchar(length=1, choices=Genre, default=Genre.rock)
    price = Numeric(digits=(5, 2))
    contact = Email(length=40, null=True)
    token = Secret()
    notes = Text()
    facts = JSON()
    facts_b = JSONB(null=True)
    formed = Timestamptz()
    code = UUID()
    active = Boolean()


class Band(BandColumns, Table):
    tags = Array(Varchar(length=3))


class StoredBand(BandColumns, Table):
    pass


class Fan(Table):
    band = ForeignKey(Band, target_column=Band.name)
    score = Integer()


def schema(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def nested_model(model: type[pydantic.BaseModel], name: str) -> type[pydantic.BaseModel]:
    """The model a nested foreign key's field holds (its annotation, as in Piccolo)."""
    annotation = model.model_fields[name].annotation
    assert isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)
    return annotation


def test_fields_types_and_limits() -> None:
    model = create_pydantic_model(Band)
    assert model.__name__ == "Band" and piccolo_path is create_pydantic_model
    properties = schema(model)["properties"]
    assert "id" not in properties  # the primary key only with include_default_columns
    assert schema(model)["required"] == ["name"]  # required=True columns only
    assert properties["name"]["maxLength"] == 20
    assert properties["genre"]["anyOf"][0]["enum"] == ["r", "f"]
    assert properties["contact"]["anyOf"][0]["format"] == "email"
    assert properties["tags"]["anyOf"][0]["items"]["maxLength"] == 3
    assert properties["tags"]["extra"]["dimensions"] == 1
    extra = properties["token"]["extra"]
    assert extra["secret"] is True and properties["name"]["extra"]["unique"] is True
    assert properties["notes"]["extra"]["widget"] == "text-area"
    assert properties["formed"]["extra"]["widget"] == "timestamptz"
    assert properties["price"]["extra"]["digits"] == [5, 2]
    manager = properties["manager"]
    assert manager["anyOf"][0]["type"] == "integer"  # the target's value, nullable
    assert manager["extra"]["foreign_key"] == {"to": "manager", "target_column": "id"}
    assert schema(create_pydantic_model(Manager))["extra"]["help_text"] == (
        "People who manage bands"
    )

    good = {"name": "Pythonistas", "price": "12.50", "facts": '{"a": 1}', "tags": ["x"]}
    row = model(**good)
    assert row.price == decimal.Decimal("12.50")  # type: ignore[attr-defined]
    bad_values = [
        {"name": "x" * 21},
        {"genre": "x"},
        {"price": "1234.5"},  # 4 digits before the point: more than (5, 2) allows
        {"price": "1.234"},
        {"contact": "not an address"},
        {"facts": "{not json"},
        {"tags": ["long"]},
    ]
    for bad in bad_values:
        with pytest.raises(pydantic.ValidationError):
            model(**(good | bad))
    with pytest.raises(pydantic.ValidationError):
        model(price="1")  # name is required


def test_options() -> None:
    with pytest.raises(ValueError, match="at the same time"):
        create_pydantic_model(Band, include_columns=(Band.name,), exclude_columns=(Band.price,))
    with pytest.raises(ValueError, match="not a column of Band"):
        create_pydantic_model(Band, include_columns=(Manager.name,))
    with pytest.raises(ValueError, match="not a column of Band"):
        create_pydantic_model(Band, exclude_columns=("price",))  # type: ignore[arg-type]

    only = create_pydantic_model(Band, include_columns=(Band.name, Band.price))
    assert set(schema(only)["properties"]) == {"name", "price"}
    without = create_pydantic_model(Band, exclude_columns=(Band.token,))
    assert "token" not in schema(without)["properties"]

    loose = create_pydantic_model(Band, all_optional=True, model_name="BandFilter")
    assert loose.__name__ == "BandFilter" and "required" not in schema(loose)
    assert loose().model_dump()["name"] is None  # type: ignore[call-arg]

    readable = create_pydantic_model(Band, include_readable=True, include_default_columns=True)
    assert {"id", "manager_readable"} <= set(schema(readable)["properties"])

    parsed = create_pydantic_model(Band, deserialize_json=True, include_columns=(Band.facts,))
    assert parsed(facts='{"a": [1, 2]}').facts == {"a": [1, 2]}  # type: ignore[attr-defined]

    configured = create_pydantic_model(
        Band,
        include_columns=(Band.name,),
        pydantic_config=pydantic.ConfigDict(extra="forbid"),
        json_schema_extra={"visible_columns": ["name"]},
    )
    assert schema(configured)["visible_columns"] == ["name"]
    with pytest.raises(pydantic.ValidationError):
        configured(name="x", unknown=1)


def test_nested_models_and_depth() -> None:
    deep = create_pydantic_model(Fan, nested=True)
    fan = deep(score=1, band={"name": "B", "manager": {"name": "M", "country": {"name": "UK"}}})
    assert fan.band.manager.country.name == "UK"  # type: ignore[attr-defined]
    # The key points at Band.name, so without nesting it holds a name.
    flat = schema(create_pydantic_model(Fan))["properties"]["band"]
    assert (
        flat["anyOf"][0]["type"] == "string"
        and flat["extra"]["foreign_key"]["target_column"] == "name"
    )

    one_level = create_pydantic_model(Fan, nested=True, max_recursion_depth=1)
    band = nested_model(one_level, "band")
    assert band.model_fields["manager"].annotation == int | None  # below the depth

    chosen = create_pydantic_model(Band, nested=(Band.manager,))
    manager = nested_model(chosen, "manager")
    assert manager.model_fields["country"].annotation == int | None  # only named keys
    # A path nests every key along it.
    deep_path = create_pydantic_model(Fan, nested=(Fan.band.manager.country,))
    fan = deep_path(band={"name": "B", "manager": {"name": "M", "country": {"name": "UK"}}})
    assert fan.band.manager.country.name == "UK"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="foreign keys of Band"):
        create_pydantic_model(Band, nested=(Fan.band,))
    with pytest.raises(ValueError, match="foreign keys of Band"):
        create_pydantic_model(Band, nested=(Band.name,))  # type: ignore[arg-type]


@pytest.mark.parametrize("with_array", [False, True], ids=["no_array", "array"])
async def test_rows_from_the_database(db: Engine, use_tables: UseTables, with_array: bool) -> None:
    table: type[Band] | type[StoredBand] = Band if with_array else StoredBand
    if with_array:  # MariaDB has no arrays: refused, then skipped
        await use_array_tables(db, use_tables, Country, Manager, Band)
    else:
        await use_tables(db, Country, Manager, StoredBand)
    tags = {"tags": ["a", "b"]} if with_array else {}
    country = await Country.objects().create(name="UK")
    manager = await Manager.objects().create(name="Guido", country=country.id)
    await table.objects().create(
        name="Pythonistas",
        manager=manager.id,
        genre=table.Genre.folk,
        price=decimal.Decimal("9.99"),
        contact="band@example.com",
        token="s3cret",
        facts='{"members": 4}',
        **tags,
        formed=datetime.datetime(2020, 1, 2, 3, 4, tzinfo=datetime.UTC),
        code=uuid.uuid4(),
        active=True,
    )
    flat = create_pydantic_model(table, include_default_columns=True)
    selected = await table.select().first()
    assert selected is not None
    assert flat(**selected).model_dump() == selected

    nested = create_pydantic_model(table, nested=True, include_default_columns=True)
    band = await table.objects(table.manager.all_related(), table.manager).first()
    assert band is not None
    model = nested(**band.to_dict())
    assert model.manager.name == "Guido"  # type: ignore[attr-defined]
    assert model.manager.country.name == "UK"  # type: ignore[attr-defined]
    as_nested = (
        await table.select(
            table.all_columns(), table.manager.all_columns(), table.manager.country.all_columns()
        )
        .first()
        .output(nested=True)
    )
    assert nested(**as_nested).model_dump() == model.model_dump()
