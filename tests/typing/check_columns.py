"""Typing checks, run by pyright and mypy in CI (never executed)."""

from __future__ import annotations

from typing import assert_type

from vivace import Table
from vivace.columns import Integer, Varchar


class Band(Table):
    name = Varchar()
    popularity = Integer()


def check(band: Band) -> None:
    assert_type(band.name, str)
    assert_type(band.popularity, int)
    assert_type(Band.name, Varchar)
