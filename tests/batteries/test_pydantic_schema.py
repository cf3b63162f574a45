"""The JSON schema of ``create_pydantic_model`` as Piccolo 1.38 writes it for the same
tables (its values here were read from Piccolo's own output), once ``piccolo`` is replaced
by ``vivace``: the ``$defs`` names of nested models, a ``Secret`` column's ``maxLength``,
no ``description`` beside the ``help_text`` in ``extra``."""

from __future__ import annotations

from typing import Any

from vivace import Table
from vivace.columns import ForeignKey, Secret, Text, Varchar
from vivace.pydantic import create_pydantic_model


class PsCountry(Table):
    name = Varchar(length=10)


class PsManager(Table):
    name = Varchar()
    country = ForeignKey(PsCountry)


class PsBand(Table):
    name = Varchar(length=50)
    manager = ForeignKey(PsManager)
    assistant = ForeignKey(PsManager, null=True)
    bio = Text(help_text="What the band is about.")


class PsVault(Table):
    token = Secret()
    pin = Secret(length=20, null=True)
    shown = Varchar(length=12, secret=True)


def test_nested_models_are_named_in_defs_as_piccolo_names_them() -> None:
    schema = create_pydantic_model(PsBand, nested=True).model_json_schema()
    # Short names where they are unique; where two clash (both keys reach a country),
    # the module path Piccolo's has (piccolo__utils__pydantic__...), with vivace.
    assert sorted(schema["$defs"]) == [
        "assistant",
        "manager",
        "vivace__utils__pydantic__PsBand__assistant__country",
        "vivace__utils__pydantic__PsBand__manager__country",
    ]
    country = schema["$defs"]["manager"]["properties"]["country"]
    assert country["$ref"] == "#/$defs/vivace__utils__pydantic__PsBand__manager__country"
    assert schema["$defs"]["manager"]["title"] == "PsBand.manager"
    custom = create_pydantic_model(PsBand, nested=True, model_name="Custom")
    assert (
        "vivace__utils__pydantic__Custom__manager__country" in (custom.model_json_schema()["$defs"])
    )


def test_help_text_is_in_extra_only() -> None:
    bio: dict[str, Any] = create_pydantic_model(PsBand).model_json_schema()["properties"]["bio"]
    assert bio["extra"]["help_text"] == "What the band is about."
    assert "description" not in bio


def test_secret_columns_keep_their_length() -> None:
    properties = create_pydantic_model(PsVault).model_json_schema()["properties"]
    assert properties["token"]["anyOf"][0] == {"maxLength": 255, "type": "string"}
    assert properties["pin"]["anyOf"][0] == {"maxLength": 20, "type": "string"}
    assert properties["shown"]["anyOf"][0] == {"maxLength": 12, "type": "string"}
    for name in ("token", "pin", "shown"):
        assert properties[name]["extra"]["secret"] is True
