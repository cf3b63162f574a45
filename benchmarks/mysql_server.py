"""The MariaDB side of a run: where it is, its scratch database, its version.

The scratch database is ``vivace_bench_<pid>`` (utf8mb4), dropped at the end. For the run,
``innodb_flush_log_at_trx_commit`` is set to 2 (the log is written at each commit and
flushed to the disk once a second), the server-wide counterpart of the PostgreSQL
database's ``synchronous_commit = off``: the disk is shared and its fsync latency swings
10x, so writes measure CPU and round trips. The previous value is put back afterwards.

Example::

    name, why = create_database()
    try:
        ...  # phases with mysql_config(name)
    finally:
        drop_database(name)
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Any

#: ``innodb_flush_log_at_trx_commit`` before the run (None: not changed by this run).
_FLUSH_BEFORE: list[int] = []


def mysql_config(database: str) -> dict[str, Any]:
    """asyncmy-style connect keywords (``database``, not ``db``: every contender maps it)."""
    return {
        "host": os.environ.get("VIVACE_MYSQL_HOST", "127.0.0.1"),
        "port": int(os.environ.get("VIVACE_MYSQL_PORT", "3306")),
        "user": os.environ.get("VIVACE_MYSQL_USER", "root"),
        "password": os.environ.get("VIVACE_MYSQL_PASSWORD", ""),
        "database": database,
    }


async def execute(config: dict[str, Any], *statements: str, timeout: float = 10) -> list[Any]:
    """Run ``statements`` on one autocommit asyncmy connection to ``config`` (its
    ``database`` may be empty: none chosen), connecting within ``timeout`` seconds; each
    statement's rows.

    Example: ``await execute(mysql_config(""), "SELECT VERSION()")`` -> ``[((...,),)]``.
    """
    import asyncmy

    connection = await asyncmy.connect(
        host=config["host"],
        port=config["port"],
        user=config["user"],
        password=config["password"],
        db=config.get("database") or None,
        connect_timeout=timeout,
        autocommit=True,
    )
    rows: list[Any] = []
    try:
        async with connection.cursor() as cursor:
            for sql in statements:
                await cursor.execute(sql)
                rows.append(await cursor.fetchall())
    finally:
        connection.close()
    return rows


async def _admin(*statements: str) -> list[Any]:
    # Notes such as "Can't drop database ...; database doesn't exist" are expected here.
    logging.getLogger("asyncmy").setLevel(logging.ERROR)
    return await execute(mysql_config(""), *statements, timeout=5)


def create_database() -> tuple[str | None, str]:
    """(the scratch database's name, "") or (None, why MariaDB is not usable)."""
    name = f"vivace_bench_{os.getpid()}"
    try:
        (before,), *_ = asyncio.run(
            _admin(
                "SELECT @@innodb_flush_log_at_trx_commit",
                f"DROP DATABASE IF EXISTS {name}",
                f"CREATE DATABASE {name} CHARACTER SET utf8mb4",
            )
        )
    except Exception as error:
        return None, f"{type(error).__name__}: {error}"
    flush = int(before[0])
    if flush == 1:
        try:
            asyncio.run(_admin("SET GLOBAL innodb_flush_log_at_trx_commit = 2"))
            _FLUSH_BEFORE.append(flush)
        except Exception as error:  # no privilege: run with the server's setting
            print(f"(innodb_flush_log_at_trx_commit stays 1: {error})", file=sys.stderr)
    return name, ""


def drop_database(name: str) -> None:
    statements = [f"DROP DATABASE IF EXISTS {name}"]
    if _FLUSH_BEFORE:
        statements.append(f"SET GLOBAL innodb_flush_log_at_trx_commit = {_FLUSH_BEFORE.pop()}")
    try:
        asyncio.run(_admin(*statements))
    except Exception as error:
        print(f"(could not drop database {name}: {error})", file=sys.stderr)


def server_version() -> str | None:
    try:
        ((row,),) = asyncio.run(_admin("SELECT VERSION()"))
        return str(row[0])
    except Exception:
        return None
