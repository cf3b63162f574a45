"""``Band(name=...)`` through the per-table plan (``vivace.schema.row_init``) gives what the
general path gives (forced here with ``_data=``): the same values, in the same order, and
the same errors. Each table's own ``__init__`` (``vivace.schema.row_init_code``), written on
its first row, gives them too."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from vivace import Table
from vivace.columns import Array, Integer, Timestamp, Varchar
from vivace.exceptions import QueryError
from vivace.schema.row_init import InitPlan
from vivace.schema.row_init_code import is_generated
from vivace.schema.table import TableBase


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
    plan = InitPlan(Mixed._meta.columns)  # not kept: Mixed's first row makes its own
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


def test_a_table_gets_its_own_init_on_its_first_row() -> None:
    class Fresh(Table, tablename="row_init_fresh"):
        label = Varchar()
        count = Integer(default=lambda: 3)

    assert Fresh.__init__ is TableBase.__init__
    first = Fresh(label="a")
    assert is_generated(Fresh.__init__) and Fresh.__init__.__qualname__.endswith("Fresh.__init__")
    second = Fresh(label="b", count=None)  # an explicit None is kept, not the default
    assert list(first.__dict__.items()) == [
        ("id", None),
        ("label", "a"),
        ("count", 3),
        ("_exists_in_db", False),
    ]
    assert second.count is None and Fresh().label == ""
    # Positional _data, _ignore_missing, _exists_in_db: as the general path takes them.
    assert Fresh({"label": "c"}).label == "c"
    assert Fresh(None, True).count is None
    assert Fresh(None, False, True, label="d")._exists_in_db is True


def test_values_and_errors_match_the_general_path_through_the_own_init() -> None:
    Mixed(needed="x", also_needed="y")
    assert is_generated(Mixed.__init__)
    for given in ({"needed": "x", "also_needed": "y"}, {"also_needed": "y", "needed": None}):
        planned, general = both(**given)
        assert comparable(planned) == comparable(general)
    with pytest.raises(QueryError, match=r"^needed wasn't provided$"):
        Mixed(also_needed="y")
    with pytest.raises(QueryError, match=r"^Unrecognized columns - \['nme'\]$"):
        Mixed(needed="x", also_needed="y", nme="z")


def test_a_subclass_table_does_not_use_its_parents_init() -> None:
    class Parent(Table, tablename="row_init_parent"):
        label = Varchar(default="parent")

    Parent()
    assert is_generated(Parent.__init__)

    class Child(Parent, tablename="row_init_child"):
        label = Varchar(default="child")
        extra = Integer(default=9)

    # Before its first row the child inherits the parent's __init__: it must not fill
    # the parent's defaults.
    assert Child.__init__ is Parent.__init__
    child = Child()
    assert (child.label, child.extra) == ("child", 9)
    assert is_generated(Child.__init__) and Child.__init__ is not Parent.__init__
    assert Child(label="x").label == "x" and Parent().label == "parent"


def test_a_users_init_stays_in_charge() -> None:
    Noted(label="x")
    assert Noted.__init__.__qualname__ == "Noted.__init__" and not is_generated(Noted.__init__)

    class NotedChild(Noted, tablename="row_init_noted_child"):
        pass

    row = NotedChild(label="y")
    assert row.note == "set first" and not is_generated(NotedChild.__init__)


def test_a_column_name_that_cannot_be_a_parameter_keeps_the_general_path() -> None:
    from vivace.table import create_table_class

    Odd = create_table_class(
        "Odd", class_kwargs={"tablename": "row_init_odd"}, class_members={"class": Varchar()}
    )
    row = Odd(**{"class": "x"})
    assert row.__dict__["class"] == "x" and not is_generated(Odd.__init__)


def test_columns_named_like_builtins_and_the_templates_names() -> None:
    class Named(Table, tablename="row_init_named"):
        type = Varchar()
        len = Integer()
        k = Varchar(default="kk")
        v = Integer(default=2)

    first = Named(type="a", len=3)
    assert is_generated(Named.__init__)
    row = Named(type="b", k="x")
    assert (row.type, row.len, row.k, row.v) == ("b", 0, "x", 2)
    assert (first.type, first.len) == ("a", 3)
    # Unknown keywords still reach the general path's error.
    with pytest.raises(QueryError, match="Unrecognized columns"):
        Named(type="c", nme="z")
    assert Named(_data={"type": "c"}).type == "c"
