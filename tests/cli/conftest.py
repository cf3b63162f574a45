"""Fixtures of the command-line tests: a private PostgreSQL database, a project folder."""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, PG_HOST, PG_PORT, PG_USER, _admin
from vivace.cli import main

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


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty working directory; the modules imported from it are forgotten afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VIVACE_CONF", raising=False)
    saved_path, before = list(sys.path), set(sys.modules)
    sys.path.insert(0, str(tmp_path))  # as the working directory is for `vivace`
    importlib.invalidate_caches()
    yield tmp_path
    sys.path[:] = saved_path
    for name in set(sys.modules) - before:
        origin = getattr(sys.modules[name], "__file__", None) or ""
        if origin.startswith(str(tmp_path)) or name.startswith("vivace_conf"):
            del sys.modules[name]


def run_cli(*argv: str) -> int:
    """``main(argv)`` after new files were written (the import system caches directories)."""
    importlib.invalidate_caches()
    return main(list(argv))


def use_postgres_conf(project: Path, database: str) -> None:
    """Make the project's generated ``vivace_conf.py`` use the tests' PostgreSQL
    ``database`` instead of its SQLite file."""
    config = {"host": PG_HOST, "port": PG_PORT, "user": PG_USER, "database": database}
    conf = project / "vivace_conf.py"
    lines = conf.read_text().splitlines()
    db_line = f"DB = PostgresEngine(config={config!r})"
    lines = [db_line if line.startswith("DB =") else line for line in lines]
    conf.write_text("\n".join(lines).replace("SQLiteEngine", "PostgresEngine") + "\n")


def run_and_close(coroutine: Any) -> Any:
    """Run on a fresh loop, closing the project's engine's pool afterwards (it is
    loop-bound)."""

    async def closing() -> Any:
        try:
            return await coroutine
        finally:
            await importlib.import_module("vivace_conf").DB.close_connection_pool()

    return asyncio.run(closing())
