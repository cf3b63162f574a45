"""Piccolo's logging hooks on every engine: statements go through ``Engine.print_query``
and results through ``Engine.print_response`` (patchable, as Piccolo's tests do), numbered
by ``get_query_id``; an engine class without a pool warns through
``vivace.engine.base.colored_warning``; ``PostgresEngine._parse_raw_version_string``."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from unittest.mock import call, patch

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import Varchar
from vivace.engine import Engine, PostgresEngine


class LoggedNote(Table, tablename="logged_note"):
    text = Varchar(length=20)


@pytest.fixture
def logging_on(db: Engine) -> Iterator[Engine]:
    yield db
    db.log_queries = False
    db.log_responses = False


async def test_queries_and_responses_go_through_the_print_methods(
    logging_on: Engine, use_tables: UseTables
) -> None:
    db = logging_on
    await use_tables(db, LoggedNote)
    await LoggedNote.insert(LoggedNote(text="hello"))
    with (
        patch.object(Engine, "print_query") as print_query,
        patch.object(Engine, "print_response") as print_response,
    ):
        await LoggedNote.select(LoggedNote.text)
        assert print_query.call_count == 0 and print_response.call_count == 0  # logging off

        db.log_queries = True
        await LoggedNote.select(LoggedNote.text)
        print_query.assert_called_once()
        query_id, sql = print_query.call_args.args
        assert isinstance(query_id, int) and "logged_note" in sql and sql.startswith("SELECT")
        assert print_response.call_count == 0

        db.log_responses = True
        await LoggedNote.select(LoggedNote.text)
        assert print_query.call_count == 2
        (next_id, _) = print_query.call_args.args
        assert next_id == query_id + 1  # numbered by get_query_id
        # The response carries its statement's id.
        assert print_response.call_args_list == [call(next_id, [{"text": "hello"}])]

        db.log_queries = False
        await LoggedNote.select(LoggedNote.text)
        assert print_query.call_count == 2
        assert print_response.call_count == 2
        assert print_response.call_args.args[0] > next_id  # a fresh id, not a stale one


async def test_default_print_methods_log_on_vivace_engine(
    logging_on: Engine, use_tables: UseTables, caplog: pytest.LogCaptureFixture
) -> None:
    db = logging_on
    await use_tables(db, LoggedNote)
    await LoggedNote.insert(LoggedNote(text="hello"))
    db.log_queries = db.log_responses = True
    with caplog.at_level(logging.INFO, logger="vivace.engine"):
        await LoggedNote.select(LoggedNote.text).where(LoggedNote.text == "hello")
    messages = [r.getMessage() for r in caplog.records if r.name == "vivace.engine"]
    assert len(messages) == 2
    query, response = messages
    query_id = db.query_id
    assert query.startswith(f"Query {query_id}: SELECT") and query.endswith("['hello']")
    assert response == f"Query {query_id} response: [{{'text': 'hello'}}]"


def test_get_query_id_counts(db: Engine) -> None:
    first = db.get_query_id()
    assert db.get_query_id() == first + 1 == db.query_id


class PoollessEngine(Engine):
    """A third-party engine class that has no pool of its own."""

    engine_type = "custom"


async def test_an_engine_without_a_pool_warns_as_piccolo() -> None:
    engine = PoollessEngine()
    with patch("vivace.engine.base.colored_warning") as colored_warning:
        await engine.start_connection_pool()
        await engine.close_connection_pool()
    message = "Connection pooling is not supported for custom."
    assert colored_warning.call_args_list == [call(message, stacklevel=3)] * 2
    with pytest.warns(Warning, match="Connection pooling is not supported for custom"):
        await engine.start_connection_pool()


async def test_engines_with_pools_do_not_warn(db: Engine) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        await db.start_connection_pool()
    assert await db.get_version() > 1


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("9.4", 9.4),
        ("9.4.1", 9.4),
        ("12.4 (Ubuntu 12.4-0ubuntu0.20.04.1)", 12.4),
        ("15.10 (Debian 15.10-1.pgdg120+1)", 15.1),
        ("17beta2", 17.0),
        ("16", 16.0),
    ],
)
def test_postgres_version_strings(reported: str, expected: float) -> None:
    assert PostgresEngine._parse_raw_version_string(reported) == expected


def test_unreadable_version_string_is_refused() -> None:
    with pytest.raises(ValueError, match="not a PostgreSQL version"):
        PostgresEngine._parse_raw_version_string("unknown")


async def test_postgres_version_from_the_server(postgres_db: PostgresEngine) -> None:
    rows = await postgres_db.fetch_sql("SHOW server_version")
    expected = PostgresEngine._parse_raw_version_string(rows[0]["server_version"])
    assert await postgres_db.get_version() == expected >= 9
