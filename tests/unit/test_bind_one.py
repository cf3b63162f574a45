"""``Compiled.bind`` when a single placeholder's value needs converting (a select or
update by primary key, a ``LIMIT`` beside it): the short path binds exactly what the
general one does."""

from __future__ import annotations

import enum
from typing import Any

import pytest

from vivace.dialects import Compiled
from vivace.exceptions import InvalidValue
from vivace.types import ValueType
from vivace.types.checks import value_check


def check(name: str) -> Any:
    found = value_check(ValueType(name, ()), True)
    assert found is not None
    return found


class Size(enum.IntEnum):
    BIG = 7


def _by_pk() -> Compiled:
    # WHERE id = $1 LIMIT $2: the id is checked, the limit is the compiler's own int.
    return Compiled("SELECT ... LIMIT $2", [check("integer"), None], labels=["band.id", None])


def test_the_one_checked_value_is_converted_and_the_others_pass_as_they_are() -> None:
    values = [Size.BIG, 1]
    params = _by_pk().bind(values)
    assert list(params) == [7, 1]
    assert type(params[0]) is int  # the converter ran: an int subclass goes as a plain int
    assert values == [Size.BIG, 1] and type(values[0]) is Size  # the caller's list is kept


def test_a_null_value_is_not_converted() -> None:
    assert list(_by_pk().bind([None, 1])) == [None, 1]


def test_a_refused_value_names_its_column() -> None:
    with pytest.raises(InvalidValue, match=r"^band\.id expects an int"):
        _by_pk().bind(["1", 1])
    with pytest.raises(InvalidValue, match=r"^band\.id expects an int"):
        _by_pk().bind([True, 1])


def test_the_only_placeholder() -> None:
    compiled = Compiled("SELECT $1", [check("integer")], labels=["band.id"])
    assert list(compiled.bind((Size.BIG,))) == [7]
    with pytest.raises(InvalidValue, match=r"^band\.id expects an int"):
        compiled.bind([2**70])


def test_two_checked_values_take_the_general_path_with_the_same_result() -> None:
    compiled = Compiled("UPDATE ...", [check("integer"), check("integer")])
    assert list(compiled.bind([Size.BIG, 3])) == [7, 3]
    with pytest.raises(InvalidValue, match=r"^a value expects an int"):
        compiled.bind([1, "x"])
