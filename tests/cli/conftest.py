"""Fixtures of the command-line tests: a private PostgreSQL database, a project folder."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest

from tests.conftest import IN_CI, PG_HOST, PG_PORT, PG_USER, _admin

CLI_DATABASE = f"vivace_cli_{os.getpid()}"


@pytest.fixture(scope="session")
def cli_pg_database() -> Iterator[str]:
    """A PostgreSQL database of its own (the playground drops tables named band, manager...)."""
    try:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{CLI_DATABASE}"'))
        asyncio.run(_admin(f'CREATE DATABASE "{CLI_DATABASE}"'))
    except Exception as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_HOST}:{PG_PORT} is required in CI: {error}")
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    yield CLI_DATABASE
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{CLI_DATABASE}" WITH (FORCE)'))


@pytest.fixture
def pg_flags(cli_pg_database: str) -> list[str]:
    """The connection flags of the private database."""
    return [
        f"--host={PG_HOST}",
        f"--port={PG_PORT}",
        f"--user={PG_USER}",
        f"--database={cli_pg_database}",
    ]
