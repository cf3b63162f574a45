"""Piccolo's column helpers: ``Column.copy()``, ``Column._equals()``, a foreign key's plain
default checked against the target's key, and the ``*Custom`` defaults' value attributes."""

from __future__ import annotations

import datetime

import pytest

from vivace import Table
from vivace.columns import ForeignKey, Varchar
from vivace.columns.defaults import (
    DateCustom,
    IntervalCustom,
    TimeCustom,
    TimestampCustom,
    TimestamptzCustom,
)


class HelperManager(Table):
    name = Varchar()


class HelperBand(Table):
    name = Varchar()
    manager = ForeignKey(HelperManager)


def test_copy_has_its_own_meta() -> None:
    column = HelperBand.name
    copied = column.copy()
    assert copied is not column and copied._meta is not column._meta
    copied._meta.help_text = "changed"
    assert column._meta.help_text is None
    assert type(copied) is Varchar and copied._meta.name == "name"


def test_equals_compares_columns_not_conditions() -> None:
    assert HelperManager.name._equals(HelperManager.name)
    assert not HelperManager.name._equals(HelperBand.name)  # same name, another table
    for value in (1, "abc", None):
        assert not HelperManager.name._equals(value)
    joined = HelperBand.manager.name
    assert joined._equals(HelperManager.name)
    assert not joined._equals(HelperManager.name, including_joins=True)
    assert joined._equals(HelperBand.manager.name, including_joins=True)


def test_foreign_key_default_is_checked_against_the_key() -> None:
    ForeignKey(references=HelperManager, default=None, null=True)
    ForeignKey(references=HelperManager, default=1)
    with pytest.raises(ValueError, match="does not fit its key"):
        ForeignKey(references=HelperManager, default="hello world")
    ForeignKey(references="HelperManager", default="unchecked: resolved later")


def test_custom_defaults_give_their_value() -> None:
    moment = datetime.datetime(2025, 1, 30, 12, 10, 15, 100)
    assert TimestampCustom.from_datetime(moment).datetime == moment
    aware = moment.astimezone(datetime.UTC)
    assert TimestamptzCustom.from_datetime(aware).datetime == aware
    assert DateCustom(year=2021, month=12, day=25).date == datetime.date(2021, 12, 25)
    assert TimeCustom(hour=9, minute=30).time == datetime.time(9, 30)
    assert IntervalCustom(hours=1).timedelta == datetime.timedelta(hours=1)
