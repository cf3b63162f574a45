"""Names Vivace checks or makes fit every dialect's ``max_identifier_length``.

The schema layer refuses user names longer than 63 bytes and cuts the names it derives
(indexes, constraints, join aliases) to that length, on every engine alike. A dialect
that keeps fewer bytes must not be added without lowering those limits.
"""

from __future__ import annotations

import pytest

from vivace.dialects.dialect import Dialect
from vivace.dialects.joins import join_alias, short_identifier
from vivace.dialects.mysql import MariaDBDialect, MySQLDialect
from vivace.dialects.postgres import PostgresDialect
from vivace.dialects.sqlite import SQLiteDialect
from vivace.exceptions import UnsafeIdentifierError
from vivace.schema.column import check_identifier, derived_identifier

DIALECTS: list[type[Dialect]] = [PostgresDialect, SQLiteDialect, MySQLDialect, MariaDBDialect]
LIMIT = 63


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.__name__)
def test_every_dialect_keeps_the_names_vivace_allows(dialect: type[Dialect]) -> None:
    assert dialect.max_identifier_length >= LIMIT


def test_derived_names_and_aliases_fit() -> None:
    long = "é" * 40 + "_" + "x" * 40
    assert len(derived_identifier(long).encode()) <= LIMIT
    assert len(short_identifier(long).encode()) <= LIMIT
    assert derived_identifier(long) == derived_identifier(long)  # stable: same name each time
    assert short_identifier("manager") == "manager"


def test_a_user_name_past_the_limit_is_refused_not_cut() -> None:
    assert check_identifier("a" * LIMIT) == "a" * LIMIT
    with pytest.raises(UnsafeIdentifierError, match="longer than 63 bytes"):
        check_identifier("a" * (LIMIT + 1))


def test_join_alias_of_a_long_chain_fits() -> None:
    class Segment:
        def __init__(self, name: str) -> None:
            self._alias_segment = name

    chain = [Segment("a_rather_long_foreign_key_name") for _ in range(4)]
    alias = join_alias(chain)
    assert len(alias.encode()) <= LIMIT
    assert alias == join_alias(chain)
