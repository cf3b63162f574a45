"""``vivace.dialects.column_changes``: the spec of a table after one ``alter()`` step, and a
chain compiled for SQLite where later steps see what earlier ones did."""

from __future__ import annotations

import pytest

from vivace import Table
from vivace.columns import Check, Integer, Unique, Varchar
from vivace.dialects.column_changes import (
    check_default_fits,
    described_column,
    with_renamed_column,
    with_type_of,
    without_db_column,
)
from vivace.dialects.sqlite import SQLiteDialect
from vivace.engine import SQLiteEngine
from vivace.exceptions import QueryError
from vivace.schema.spec import ColumnSpec, IndexSpec
from vivace.schema.table_spec import table_spec

ENGINE = SQLiteEngine(path=":memory:")


class CcGig(Table, db=ENGINE, tablename="cc_gig"):
    city = Varchar(length=20)
    venue = Varchar(length=20, db_column_name="place")
    seats = Integer(default=10)
    city_venue = Unique([city, venue])
    seats_positive = Check(seats > 0)


def test_renaming_a_column_renames_it_in_constraints_and_indexes() -> None:
    spec = table_spec(CcGig).replace(indexes=(IndexSpec("i", ("place", "seats")),))
    renamed = with_renamed_column(spec, "place", "hall")
    assert renamed.get_column("hall") is not None and renamed.get_column("venue") is None
    assert renamed.column("hall").db_column_name == "hall"
    unique = next(c for c in renamed.constraints if c.kind == "unique")
    assert unique.columns == ("city", "hall")
    assert renamed.indexes[0].columns == ("hall", "seats")
    seats = with_renamed_column(renamed, "seats", "capacity")
    check = next(c for c in seats.constraints if c.kind == "check")
    assert '"capacity"' in (check.check or "") and '"seats"' not in (check.check or "")
    # what the spec does not describe, or a rename to the same name, changes nothing
    assert with_renamed_column(spec, "nothing", "x") is spec
    assert with_renamed_column(spec, "city", "city") is spec


def test_dropping_a_column_drops_what_is_over_it() -> None:
    spec = table_spec(CcGig).replace(indexes=(IndexSpec("i", ("place", "seats")),))
    without = without_db_column(spec, "seats")
    assert [c.db_column_name for c in without.columns] == ["id", "city", "place"]
    assert [c.kind for c in without.constraints] == ["unique"]  # the CHECK used seats
    assert without.indexes == ()


def test_a_type_change_keeps_the_other_options() -> None:
    seats = table_spec(CcGig).column("seats")
    bigger = with_type_of(seats, ColumnSpec.of("", "BigInt", null=True, default=0))
    assert (bigger.name, bigger.column_class) == ("seats", "BigInt")
    assert bigger.null is False and bigger.default == 10
    text = with_type_of(seats, ColumnSpec.of("", "Varchar", length=5))
    assert text.param("length") == 5
    check_default_fits(text)  # text takes any default: 10 becomes '10'
    check_default_fits(bigger)
    with pytest.raises(QueryError, match="default of column 'seats' is no value"):
        check_default_fits(seats.replace_params(default="ten"))


def test_an_unknown_column_is_named() -> None:
    with pytest.raises(QueryError, match="set_null\\(\\): table 'cc_gig' has no column 'x'"):
        described_column(table_spec(CcGig), "x", "set_null()")
    with pytest.raises(QueryError, match="has no column 'x'"):
        CcGig.alter().set_null("x").statements()
    with pytest.raises(QueryError, match="expected a column or a column name"):
        CcGig.alter().set_null(3)


def test_a_sqlite_chain_sees_what_earlier_steps_did() -> None:
    query = CcGig.alter().rename_column(CcGig.venue, "hall").set_null("hall", True)
    statements = query.compile(SQLiteDialect(), table_spec(CcGig))
    assert statements[0] == 'ALTER TABLE "cc_gig" RENAME COLUMN "place" TO "hall"'
    create = next(s for s in statements if s.startswith('CREATE TABLE "_vivace_new_cc_gig"'))
    assert '"hall" VARCHAR(20) DEFAULT' in create
    assert 'UNIQUE ("city", "hall")' in create
    copy = next(s for s in statements if s.startswith('INSERT INTO "_vivace_new_cc_gig"'))
    assert copy.endswith('SELECT "id", "city", "hall", "seats" FROM "cc_gig"')
