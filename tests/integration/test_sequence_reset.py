"""``DDLCompiler.reset_sequences`` on PostgreSQL: after rows inserted with their keys (a
fixture load), the sequences move past them, never backwards; plain inserts with an id
leave the sequence alone, as in Piccolo."""

from __future__ import annotations

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import UUID, BigSerial, Varchar
from vivace.engine import Engine
from vivace.exceptions import UniqueViolation
from vivace.schema.table_spec import table_spec


class SrBand(Table, tablename="sr_band"):
    name = Varchar(length=50)


class SrTicket(Table, tablename='sr "ticket"'):
    id = BigSerial(primary_key=True)
    code = Varchar(length=10)


class SrToken(Table, tablename="sr_token"):
    id = UUID(primary_key=True)


async def reset(db: Engine, table: type[Table]) -> None:
    for sql in db.dialect.ddl.reset_sequences(table_spec(table)):
        await db.fetch_sql(sql)


async def test_sequences_move_past_explicit_keys(
    postgres_db: Engine, use_tables: UseTables
) -> None:
    await use_tables(postgres_db, SrBand, SrTicket, SrToken)
    # Piccolo's behaviour is kept: an insert with an id leaves the sequence where it is
    await SrBand.insert(SrBand(id=1, name="explicit"))
    with pytest.raises(UniqueViolation):
        await SrBand.insert(SrBand(name="collides"))
    await SrBand.insert(SrBand(id=7, name="loaded"))
    await reset(postgres_db, SrBand)
    new = SrBand(name="next")
    await new.save()
    assert new.id == 8
    # never backwards: keys of deleted rows are not handed out again
    await SrBand.delete().where(SrBand.id >= 7)
    await reset(postgres_db, SrBand)
    again = SrBand(name="after delete")
    await again.save()
    assert again.id == 9
    # a BigSerial key in a table whose name needs quoting; an empty table starts at 1
    await reset(postgres_db, SrTicket)
    await SrTicket.insert(SrTicket(code="first"))
    assert await SrTicket.select(SrTicket.id) == [{"id": 1}]
    await SrTicket.insert(SrTicket(id=2**40, code="big"))
    await reset(postgres_db, SrTicket)
    await SrTicket.insert(SrTicket(code="after big"))
    assert await SrTicket.select(SrTicket.id).where(SrTicket.code == "after big") == [
        {"id": 2**40 + 1}
    ]
    # a key without a sequence needs nothing
    assert postgres_db.dialect.ddl.reset_sequences(table_spec(SrToken)) == []


async def test_sqlite_needs_no_reset(sqlite_db: Engine, use_tables: UseTables) -> None:
    await use_tables(sqlite_db, SrBand)
    assert sqlite_db.dialect.ddl.reset_sequences(table_spec(SrBand)) == []
    await SrBand.insert(SrBand(id=7, name="explicit"))
    new = SrBand(name="next")
    await new.save()
    assert new.id == 8  # the rowid follows the largest key by itself
