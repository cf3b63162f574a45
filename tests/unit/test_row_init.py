"""``Band(name=...)`` through the per-table plan (``vivace.schema.row_init``) gives what the
general path gives (forced here with ``_data=``): the same values, in the same order, and
the same errors."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from vivace import Table
from vivace.columns import Array, Integer, Timestamp, Varchar
from vivace.exceptions import QueryError
from vivace.schema.row_init import init_plan


class Colour(enum.Enum):
    red = "r"


class Mixed(Table, tablename="row_init_mixed"):
    label = Varchar()
    amount = Integer(default=lambda: 7)
    numbers = Array(Integer())
    colour = Varchar(choices=Colour, default=Colour.red)
    needed = Varchar(default=None, null=False)
    also_needed = Varchar(default=None, null=False)
    stamp = Timestamp()


def both(**given: Any) -> tuple[Mixed, Mixed]:
    """The row made by the plan, and by the general path."""
    return Mixed(**given), Mixed(_data=given)


def comparable(row: Mixed) -> list[tuple[str, Any]]:
    # The timestamp default is "now": compare its type, not its value.
    return [(k, type(v) if k == "stamp" else v) for k, v in row.__dict__.items()]


def test_the_plan_knows_which_defaults_are_constants() -> None:
    plan = init_plan(Mixed._meta)
    assert list(plan.template) == [c._meta.name for c in Mixed._meta.columns] + ["_exists_in_db"]
    assert plan.template["label"] == "" and plan.template["needed"] is None
    assert [c._meta.name for c, computed in plan.special if computed] == [
        "amount",
        "numbers",
        "colour",
        "stamp",
    ]
    assert [c._meta.name for c, computed in plan.special if not computed] == [
        "needed",
        "also_needed",
    ]


@pytest.mark.parametrize(
    "given",
    [
        {"needed": "x", "also_needed": "y"},
        {"needed": "x", "also_needed": "y", "label": "z", "amount": 1, "numbers": [1]},
        {"also_needed": "y", "needed": None, "id": 5, "colour": "g"},
    ],
)
def test_same_values_in_the_same_order(given: dict[str, Any]) -> None:
    planned, general = both(**given)
    assert comparable(planned) == comparable(general)
    assert planned._exists_in_db is False


def test_computed_defaults_are_computed_for_each_row() -> None:
    first, second = Mixed(needed="x", also_needed="y"), Mixed(needed="x", also_needed="y")
    assert first.numbers == [] and first.numbers is not second.numbers
    assert first.amount == 7 and first.colour == "r"


@pytest.mark.parametrize(
    ("given", "message"),
    [({}, "needed wasn't provided"), ({"needed": "x"}, "also_needed wasn't provided")],
)
def test_the_same_error_for_a_missing_value(given: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryError, match=f"^{message}$"):
        Mixed(**given)
    with pytest.raises(QueryError, match=f"^{message}$"):
        Mixed(_data=given)


def test_other_keywords_take_the_general_path() -> None:
    with pytest.raises(QueryError, match="Unrecognized columns"):
        Mixed(needed="x", also_needed="y", nme="z")
    row = Mixed(_exists_in_db=True, needed="x", also_needed="y")
    assert row._exists_in_db is True
    assert Mixed(_ignore_missing=True).needed is None


class Noted(Table, tablename="row_init_noted"):
    label = Varchar()

    def __init__(self, **kwargs: Any) -> None:
        self.note = "set first"
        super().__init__(**kwargs)


def test_attributes_set_before_by_a_subclass_are_kept_in_front() -> None:
    planned, general = Noted(label="x"), Noted(_data={"label": "x"})
    assert list(planned.__dict__.items()) == list(general.__dict__.items())
    assert list(planned.__dict__) == ["note", "id", "label", "_exists_in_db"]
