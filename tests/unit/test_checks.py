"""The value checks of ``vivace.types.checks`` and how ``Compiled.bind`` runs them (no database).

The rules themselves are tested against both engines in ``tests/integration/test_values.py``
and ``tests/differential/``; these are the edges those do not reach.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

import pytest

from vivace.dialects.compiled import Compiled
from vivace.exceptions import InvalidValue
from vivace.types import ValueType
from vivace.types.checks import describe, each_checked, fused, quick_check, value_check

INTEGER = ValueType("integer")


def check(name: str, *args: Any, store: bool = True) -> Any:
    found = value_check(ValueType(name, args), store)
    assert found is not None
    return found


class Count(int):
    """An int subclass, such as a library's own integer type."""


class Ratio(float):
    pass


class Name(str):
    pass


def test_subclasses_of_the_accepted_types_come_back_as_the_plain_type() -> None:
    assert type(check("integer")(Count(3))) is int
    assert type(check("double")(Ratio(0.5))) is float
    assert type(check("varchar", 5)(Name("ab"))) is str
    assert check("uuid")(uuid.UUID(int=1)) == uuid.UUID(int=1)


@pytest.mark.parametrize(
    ("name", "args", "value", "words"),
    [
        ("double", (), 10**400, "holds exactly"),
        ("real", (), 10**400, "single-precision range"),
        ("real", (), True, "a float or an int"),
        ("text", (), "lone \ud800 surrogate", "valid Unicode"),
        ("json", (), "nul \x00", "without NUL"),
        ("json", (), {1, 2}, "without NaN or infinity"),
        ("numeric", (), decimal.Decimal("1E+200000"), "within NUMERIC's limits"),
        ("numeric", (), decimal.Decimal("1E-20000"), "within NUMERIC's limits"),
        (
            "timestamptz",
            (),
            datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
            "years 1 to 9999",
        ),
        ("timestamp", (), "2024-01-01", "a naive datetime"),
        ("bytea", (), "abc", "bytes"),
        ("uuid", (), 5, "a uuid.UUID"),
    ],
)
def test_edges_are_refused(name: str, args: tuple[Any, ...], value: Any, words: str) -> None:
    with pytest.raises(InvalidValue, match=words):
        check(name, *args)(value)


def test_sizes_are_only_checked_for_stored_values() -> None:
    assert check("varchar", 2, store=False)("longer") == "longer"
    assert check("numeric", 3, 1, store=False)(decimal.Decimal("1234.56")) == decimal.Decimal(
        "1234.56"
    )
    assert check("char", 3, store=False)("a") == "a  "  # compared as PostgreSQL pads it
    with pytest.raises(InvalidValue, match="at most 2"):
        check("varchar", 2)("longer")
    assert check("numeric", 3, 1)(0) == decimal.Decimal(0)  # no digit before the point needed


def test_unknown_types_and_arrays_of_them_pass_as_they_are() -> None:
    assert value_check(None, True) is None
    assert value_check(ValueType("rows"), True) is None
    unknown_array = check("array", ValueType("rows"))
    assert unknown_array(("a", 1)) == ["a", 1]


def test_describe_shortens_long_values() -> None:
    text = describe("x" * 500)
    assert text.startswith("str 'xxx") and "..." in text and text.endswith("(length 500)")


def test_helpers_with_nothing_to_combine() -> None:
    convert = str
    assert fused(None, convert) is convert
    assert fused(convert, None) is convert
    assert fused(None, None) is None
    assert each_checked(None, convert) is convert
    checked = each_checked(check("integer"), None)
    assert checked is not None and checked([1, None]) == [1, None]


def test_quick_checks_say_yes_only_when_every_value_passes_unchanged() -> None:
    ints = quick_check(INTEGER, True)
    assert ints is not None
    assert ints([1, None, 2**31 - 1]) and ints([None, None]) and ints([])
    assert not ints([1, 2**31]) and not ints([1, True]) and not ints([1.0])
    text = quick_check(ValueType("varchar", (3,)), True)
    assert text is not None
    assert text(["abc", None, "日本"]) and text([None])
    assert not text(["abcd"]) and not text(["a\x00"]) and not text(["\ud800"]) and not text([1])
    doubles = quick_check(ValueType("double"), True)
    assert doubles is not None
    assert doubles([0.5, None]) and doubles([])
    assert not doubles([float("nan")]) and not doubles([1])
    booleans = quick_check(ValueType("boolean"), True)
    assert booleans is not None and booleans([True, None]) and not booleans([1])
    assert quick_check(ValueType("numeric", (5, 2)), True) is None  # one by one
    assert quick_check(None, True) is None


def _insert_like(values: Any) -> Compiled:
    """A two-column, multi-row insert's Compiled: an unchecked column, then an integer."""
    integer = check("integer")
    ints = quick_check(INTEGER, True)
    return Compiled(
        "INSERT ...",
        [None, integer] * (len(values) // 2),
        labels=[None, "t.n"] * (len(values) // 2),
        columns=[(None, None, None), (ints, None, integer)],
    )


def test_a_multi_row_insert_binds_tuples_and_unchecked_columns() -> None:
    values = ("a", 1, "b", 2)
    compiled = _insert_like(values)
    assert compiled.bind(values) is values  # nothing to convert: handed over as it is
    with pytest.raises(InvalidValue, match=r"^t\.n expects an int"):
        compiled.bind(("a", 1, "b", "2"))


def test_a_refusal_that_does_not_repeat_keeps_its_own_message() -> None:
    calls = 0

    def refuses_once(value: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise InvalidValue("expects patience")
        return value

    compiled = Compiled("SELECT $1", [refuses_once])
    with pytest.raises(InvalidValue, match=r"^expects patience$"):
        compiled.bind([1])
    unlabelled = Compiled("SELECT $1", [check("integer")])
    with pytest.raises(InvalidValue, match=r"^a value expects an int"):
        unlabelled.bind(["x"])
