"""The interface every contender implements (one module per library).

A contender is a class with a ``name``, a ``role`` and the ``backends`` it runs on. The
harness makes one per backend with a ``Context``, awaits ``setup()``, calls the operation
methods, and awaits ``teardown()``. An operation method is named after the operation's id
in ``benchmarks.workload.OPS`` (``pk_dict``, ``rows_1k_object``, ``bulk_insert``, ...),
takes the call's sequence number ``i`` and returns the library's native result. A
contender that has no such operation (SQLAlchemy Core has no objects) leaves it out.
``concurrent`` needs nothing extra: the harness runs ``pk_dict`` from 200 tasks.

An operation method is ``async def``, or a plain function when no I/O needs the loop (the
standard library's sqlite3; building a query without running it): the harness calls each
kind as it is, so a plain function pays no coroutine overhead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from benchmarks.workload import Tables, tables_for


@dataclass
class Context:
    """What a contender needs to connect: the backend, where it is, its own table names."""

    backend: str  # "postgres", "sqlite" or "mysql"
    pg_config: dict[str, Any]  # asyncpg connect() keywords: host, port, user, database
    sqlite_path: str  # this contender's own SQLite file
    tables: Tables
    pool_size: int = 10
    #: MariaDB: host, port, user, password, database (map ``database`` to ``db`` for asyncmy).
    mysql_config: dict[str, Any] = field(default_factory=dict)

    def pg_url(self, scheme: str) -> str:
        c = self.pg_config
        password = f":{c['password']}" if c.get("password") else ""
        return f"{scheme}://{c['user']}{password}@{c['host']}:{c['port']}/{c['database']}"

    def mysql_url(self, scheme: str) -> str:
        c = self.mysql_config
        password = f":{c['password']}" if c.get("password") else ""
        address = f"{c['user']}{password}@{c['host']}:{c['port']}/{c['database']}"
        return f"{scheme}://{address}?charset=utf8mb4"


class Contender:
    """Base class: subclass it in a module of ``benchmarks/contenders``; that is all."""

    #: Shown in the tables; also what ``--only`` matches.
    name: ClassVar[str] = ""
    #: "floor" (the ratios' denominator), "reference" (another raw driver), "vivace", "peer".
    role: ClassVar[str] = "peer"
    backends: ClassVar[tuple[str, ...]] = ("postgres", "sqlite")
    #: Distribution name whose version is reported.
    package: ClassVar[str] = ""
    #: One line on how it is used (pool, API), printed under the table.
    description: ClassVar[str] = ""
    #: Backends the library cannot run on at all, with why: its column there reads n/a.
    absent: ClassVar[dict[str, str]] = {}

    def __init__(self, context: Context) -> None:
        self.context = context
        self.backend = context.backend
        self.t = context.tables

    @classmethod
    def slug(cls) -> str:
        return cls.name.replace("-", "_").replace(" ", "_")

    @classmethod
    def table_names(cls) -> Tables:
        return tables_for(cls.slug())

    async def setup(self) -> None:
        """Connect (a pool of ``context.pool_size``) and declare the models."""

    async def teardown(self) -> None:
        """Close every connection."""

    def supports(self, op_id: str) -> bool:
        if op_id in ("concurrent", "concurrent_uvloop"):
            return hasattr(self, "pk_dict")
        return callable(getattr(self, op_id, None))
