"""Piccolo's engine API on every engine: ``current_transaction`` as a context variable,
``get_version_sync``, the misspelt pool methods, ``log_responses``."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Varchar
from vivace.engine import Engine


class ParityNote(Table, tablename="parity_note"):
    text = Varchar(length=20)


async def test_current_transaction_is_called_or_read(db: Engine) -> None:
    assert db.current_transaction() is None
    assert db.current_transaction.get() is None
    async with db.transaction() as transaction:
        assert db.current_transaction() is transaction
        assert db.current_transaction.get() is transaction
    assert db.current_transaction.get() is None


def test_version_from_synchronous_code(db: Engine) -> None:
    version = db.get_version_sync()
    assert isinstance(version, float) and version > 1


async def test_misspelt_pool_methods_warn_and_work(db: Engine) -> None:
    with pytest.warns(DeprecationWarning, match="typo"):
        await db.start_connnection_pool()
    with pytest.warns(DeprecationWarning, match="typo"):
        await db.close_connnection_pool()
    assert await db.get_version() > 1  # the engine opens connections again on use


async def test_log_responses(
    db: Engine, use_tables: UseTables, caplog: pytest.LogCaptureFixture
) -> None:
    await use_tables(db, ParityNote)
    await ParityNote.insert(ParityNote(text="hello"))
    db.log_responses = True
    try:
        with caplog.at_level(logging.INFO, logger="vivace.engine"):
            await ParityNote.select(ParityNote.text)
    finally:
        db.log_responses = False
    assert "response: [{'text': 'hello'}]" in caplog.text
