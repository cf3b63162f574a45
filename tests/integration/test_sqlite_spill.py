"""SQLite: a statement that outgrows the inline budget goes straight to the worker next time."""

from __future__ import annotations

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Integer
from vivace.engine import SQLiteEngine
from vivace.engine.sqlite import _OUTGREW_BUDGET


class SpillRow(Table, tablename="spill_row"):
    number = Integer()


async def test_a_big_select_is_remembered_as_too_big_for_the_loop(
    sqlite_db: SQLiteEngine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, SpillRow)
    await SpillRow.insert(*[SpillRow(number=i) for i in range(5000)])
    big = SpillRow.select(SpillRow.number).order_by(SpillRow.number)
    small = SpillRow.select(SpillRow.number).where(SpillRow.id == 1)

    first = await big.output(as_list=True)
    assert await small.output(as_list=True) == [0]

    big_compiled, _ = sqlite_db.compile(big._statement())
    small_compiled, _ = sqlite_db.compile(small._statement())
    assert big_compiled.cache.get(_OUTGREW_BUDGET) is True
    assert _OUTGREW_BUDGET not in small_compiled.cache
    # The remembered statement still returns everything, now from the worker at once.
    assert await big.output(as_list=True) == first == list(range(5000))
