"""The user app at Piccolo's path: registering ``vivace.apps.user.piccolo_app`` and
running its migrations makes the ``piccolo_user`` table BaseUser works on, and undoing
them removes it; on SQLite and PostgreSQL (each in a database of its own)."""

from __future__ import annotations

import os
import pathlib
from collections.abc import AsyncIterator

import pytest

from tests.conftest import _admin, pg_config
from vivace.apps.user import piccolo_app, vivace_app
from vivace.auth import BaseUser
from vivace.conf import AppRegistry
from vivace.engine import Engine, PostgresEngine, SQLiteEngine
from vivace.migrations.commands.backwards import backwards
from vivace.migrations.commands.base import MigrationContext
from vivace.migrations.commands.forwards import forwards

SCRATCH_DATABASE = f"vivace_user_app_{os.getpid()}"


@pytest.fixture(params=["sqlite", "postgres"])
def engine_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        request.getfixturevalue("postgres_db")  # the server is there (or the test skips)
    return str(request.param)


@pytest.fixture
async def scratch(engine_kind: str, tmp_path: pathlib.Path) -> AsyncIterator[Engine]:
    engine: Engine
    if engine_kind == "postgres":
        await _admin(f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}"')
        await _admin(f'CREATE DATABASE "{SCRATCH_DATABASE}"')
        engine = PostgresEngine(config=pg_config(SCRATCH_DATABASE))
    else:
        engine = SQLiteEngine(path=str(tmp_path / "users.sqlite"))
    yield engine
    await engine.close_connection_pool()
    if engine_kind == "postgres":
        await _admin(f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}" WITH (FORCE)')


async def test_migrations_make_and_remove_the_user_table(
    scratch: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert vivace_app.APP_CONFIG is piccolo_app.APP_CONFIG
    assert piccolo_app.APP_CONFIG.table_classes == [BaseUser]
    said: list[str] = []
    context = MigrationContext(
        scratch, AppRegistry(apps=["vivace.apps.user.piccolo_app"]), output=said.append
    )
    monkeypatch.setattr(BaseUser._meta, "_db", scratch)
    monkeypatch.setattr(BaseUser, "_pbkdf2_iteration_count", 1000)

    assert not await BaseUser.table_exists()
    ran = await forwards("user", context=context)
    assert len(ran) == 1 and await BaseUser.table_exists()
    user = await BaseUser.create_user("bob", "bob's password", email="bob@example.com")
    assert await BaseUser.login("bob", "bob's password") == user.id
    assert await forwards("user", context=context) == []  # nothing left to run

    assert await backwards("user", auto_agree=True, context=context) == ran
    assert not await BaseUser.table_exists()
