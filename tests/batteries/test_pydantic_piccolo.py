"""``create_pydantic_model`` gives what Piccolo's gives for the same table and options:
optional fields, foreign key metadata, ``db_column_name`` aliases, schema extras, columns
of joined tables in ``include_columns``/``exclude_columns``, nested model classes."""

from __future__ import annotations

import enum
import warnings
from typing import Any

import pydantic
import pytest

from vivace import Table
from vivace.columns import (
    JSON,
    UUID,
    Array,
    Email,
    ForeignKey,
    Integer,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.pydantic import create_pydantic_model


class PydCountry(Table):
    name = Varchar(length=10)


class PydManager(Table):
    name = Varchar(length=10)
    phone = Integer()
    country = ForeignKey(PydCountry)


class PydBand(Table):
    name = Varchar(length=20, db_column_name="band_name")
    manager = ForeignKey(PydManager)
    deputy = ForeignKey(PydManager)
    popularity = Integer()


class PydConcert(Table):
    first = ForeignKey(PydBand)
    second = ForeignKey(PydBand)


def model_of(model: type[pydantic.BaseModel], field: str) -> type[pydantic.BaseModel]:
    annotation = model.model_fields[field].annotation
    assert isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)
    return annotation


def test_fields_are_optional_unless_required() -> None:
    class PydKinds(Table):
        mail = Email()
        at = Time()
        code = UUID()
        words = Array(Varchar(length=5))
        grid = Array(Array(Integer()), required=True)
        stamp = Timestamp()
        stamp_tz = Timestamptz()
        doc = JSON(required=True)

    model = create_pydantic_model(PydKinds)
    properties = model.model_json_schema()["properties"]
    assert properties["mail"]["anyOf"][0]["format"] == "email"
    assert properties["mail"]["anyOf"][1] == {"type": "null"}
    assert properties["at"]["anyOf"][0]["format"] == "time"
    assert properties["code"]["anyOf"][0]["format"] == "uuid"
    assert properties["words"]["anyOf"][0]["items"]["type"] == "string"
    assert properties["words"]["extra"]["dimensions"] == 1
    assert properties["grid"]["extra"]["dimensions"] == 2
    assert model.model_fields["grid"].annotation == list[list[int]]  # required: no None
    assert model.model_json_schema()["required"] == ["grid", "doc"]
    # Only a Timestamptz gets the admin's timestamp widget.
    assert "widget" not in properties["stamp"]["extra"]
    assert properties["stamp_tz"]["extra"]["widget"] == "timestamptz"

    row = model(mail=None, at=None, code=None, words=None, grid=[[1]], doc="{}")
    assert row.model_dump()["mail"] is None
    for bad in ({"grid": None}, {"doc": None}, {"doc": "{nope"}, {"mail": "nope"}):
        with pytest.raises(pydantic.ValidationError):
            model(**({"grid": [], "doc": "{}"} | bad))
    nested_strings = create_pydantic_model(PydKinds, include_columns=(PydKinds.words,))
    words: Any = list[pydantic.constr(max_length=5)]  # type: ignore[misc]
    assert nested_strings.model_fields["words"].annotation == words | None


def test_choices_stay_checked() -> None:
    class Size(str, enum.Enum):
        small = "s"
        large = "l"

    class PydShirt(Table):
        size = Varchar(length=1, choices=Size)

    model = create_pydantic_model(PydShirt)
    assert model(size=None).model_dump() == {"size": None}
    with pytest.raises(pydantic.ValidationError):
        model(size="x")


def test_foreign_key_metadata_and_readable() -> None:
    model = create_pydantic_model(PydBand, include_readable=True)
    properties = model.model_json_schema()["properties"]
    extra = properties["manager"]["extra"]
    assert extra["foreign_key"] == {"to": "pyd_manager", "target_column": "id"}
    assert "to" not in extra and "target_column" not in extra
    assert properties["manager_readable"] == {
        "default": None,
        "title": "Manager Readable",
        "type": "string",
    }


def test_db_column_name_is_an_alias() -> None:
    model = create_pydantic_model(PydBand)
    assert "band_name" in model.model_json_schema()["properties"]
    row = model(band_name="Pythonistas")
    assert row.name == "Pythonistas"  # type: ignore[attr-defined]
    assert row.model_dump()["name"] == "Pythonistas"
    assert row.model_dump(by_alias=True)["band_name"] == "Pythonistas"
    # The Python name is read too, so a dump feeds the model again.
    assert model(**row.model_dump()).name == "Pythonistas"  # type: ignore[attr-defined]


def test_json_schema_extra_is_merged() -> None:
    model = create_pydantic_model(
        PydBand, json_schema_extra={"extra": {"visible_columns": ("name",)}, "other": 1}
    )
    schema = model.model_json_schema()
    assert schema["extra"] == {"visible_columns": ("name",), "help_text": None}
    assert schema["other"] == 1


def test_columns_must_be_columns_of_the_table() -> None:
    for bad in (("name",), (PydCountry.name,)):
        with pytest.raises(ValueError, match="invalid"):
            create_pydantic_model(PydBand, exclude_columns=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="invalid"):
            create_pydantic_model(PydBand, include_columns=bad)  # type: ignore[arg-type]


def test_columns_of_joined_tables_in_include_and_exclude() -> None:
    without = create_pydantic_model(
        PydBand,
        exclude_columns=(PydBand.popularity, PydBand.manager.phone),
        nested=(PydBand.manager,),
    )
    row = without(name="Pythonistas", manager={"name": "Guido"})
    assert row.model_dump() == {
        "name": "Pythonistas",
        "manager": {"name": "Guido", "country": None},
        "deputy": None,
    }
    only = create_pydantic_model(
        PydBand, include_columns=(PydBand.name, PydBand.manager.name), nested=(PydBand.manager,)
    )
    row = only(name="Pythonistas", manager={"name": "Guido"})
    assert row.model_dump() == {"name": "Pythonistas", "manager": {"name": "Guido"}}
    flat = create_pydantic_model(PydBand, include_columns=(PydBand.manager.name,))
    assert list(flat.model_fields) == ["manager"]  # the key leading to the column


def test_nested_fields_hold_the_nested_model() -> None:
    model = create_pydantic_model(PydBand, nested=True, include_default_columns=True)
    manager = model_of(model, "manager")
    assert manager.__qualname__ == "PydBand.manager"
    assert list(manager.model_fields) == ["id", "name", "phone", "country"]
    country = model_of(manager, "country")
    assert country.__qualname__ == "PydBand.manager.country"
    assert list(country.model_fields) == ["id", "name"]
    schema = model.model_json_schema()["properties"]["manager"]
    assert "$ref" in schema and "anyOf" not in schema
    # A null key still validates and dumps, without warnings.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert model(manager=None).model_dump()["manager"] is None

    chosen = create_pydantic_model(PydConcert, nested=(PydConcert.first.manager,), model_name="Gig")
    assert chosen.model_fields["second"].annotation == int | None
    band = model_of(chosen, "first")
    assert band.__qualname__ == "Gig.first"
    assert model_of(band, "manager").__qualname__ == "Gig.first.manager"
    assert band.model_fields["deputy"].annotation == int | None
    manager = model_of(band, "manager")
    assert manager.model_fields["country"].annotation == int | None

    shallow = create_pydantic_model(PydConcert, nested=True, max_recursion_depth=2)
    manager = model_of(model_of(shallow, "first"), "manager")
    assert manager.model_fields["country"].annotation == int | None


def test_pydantic_config_is_not_passed_to_nested_models() -> None:
    config: Any = pydantic.ConfigDict(extra="forbid")
    model = create_pydantic_model(PydBand, nested=True, pydantic_config=config)
    model(manager={"name": "Guido", "unknown": 1})
    with pytest.raises(pydantic.ValidationError):
        model(unknown=1)
