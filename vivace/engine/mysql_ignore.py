"""``INSERT IGNORE`` run so that it skips only rows that break a unique key.

MariaDB/MySQL have no ``ON CONFLICT DO NOTHING``: the MySQL dialect writes ``INSERT
IGNORE`` and marks the statement (``Compiled.guarded``). But IGNORE turns *every* error
into a warning, not only a duplicate key: a row breaking a foreign key is skipped, a NULL
in a NOT NULL column is stored as 0 or '', a too-long value is cut. PostgreSQL and SQLite
skip only the conflicting rows and raise for the rest.

So a marked statement runs between ``START TRANSACTION`` and ``COMMIT`` (or, inside the
task's transaction, after a ``SAVEPOINT``), on a cursor that keeps the warnings the server
reports (asyncmy reads them with ``SHOW WARNINGS`` only when the statement's OK/EOF packet
counts some). A warning other than a duplicate key (1062) means the statement did
something a plain INSERT would have refused: it is undone (``ROLLBACK`` / ``ROLLBACK TO
SAVEPOINT``) and the error the plain INSERT would have raised is raised
(``ForeignKeyViolation`` for 1452, ``NotNullViolation`` for 1048, ``DataError`` for 1265
or 1264, as ``vivace.engine.mysql_errors`` maps them). A ``Note`` is not an error (a plain
INSERT gives it too: a rounded DECIMAL). When the server kept fewer warnings than it
counted (past ``max_error_count``), the unseen ones may be anything: refused as well.

Cost, only for DO NOTHING: two more round trips (begin/savepoint and commit/release), a
third for ``SHOW WARNINGS`` when the statement warned. An interrupted statement (cancelled,
timed out) leaves the connection to the engine's skeleton: discarded outside a
transaction (the server rolls back), the transaction poisoned inside one.

Example::

    rows = await run_guarded(engine, compiled, values)   # compiled.guarded is True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vivace import exceptions as ex
from vivace.engine.mysql_errors import is_server_error, map_mysql_error

if TYPE_CHECKING:
    from vivace.dialects import Compiled
    from vivace.engine.mysql import MySQLEngine

#: Warnings a skipped duplicate leaves (PRIMARY and UNIQUE keys alike give 1062 on
#: MariaDB 10.11; 1586 and 1022 are the older servers' forms of it).
DUPLICATE_KEY = frozenset({1062, 1586, 1022})

_SAVEPOINT = "vivace_do_nothing"
#: (start, undo, keep) outside a transaction and inside one.
_ALONE = ("START TRANSACTION", "ROLLBACK", "COMMIT")
_NESTED = (f"SAVEPOINT {_SAVEPOINT}", f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}", "")
_RELEASE = f"RELEASE SAVEPOINT {_SAVEPOINT}"

_HINT = "on_conflict(action='DO NOTHING') skips only rows that break a unique key"


class Outcome:
    """What a guarded insert gave: its rows, the last insert id and the rows it added."""

    __slots__ = ("rows", "last_id", "added")

    def __init__(self, rows: list[Any], last_id: int, added: int) -> None:
        self.rows = rows
        self.last_id = last_id
        self.added = added


async def run_guarded(engine: MySQLEngine, compiled: Compiled, values: Sequence[Any]) -> Outcome:
    """Run the INSERT IGNORE ``compiled`` guarded (see the module docstring); raise the
    error a plain INSERT would have raised when it did more than skip duplicates."""
    params = compiled.bind(values)
    if engine.log_queries:
        engine._log(compiled.sql, params)
    nested = engine._transaction.get() is not None
    outcome, refused = await engine._run_statement(_guarded, engine, compiled.sql, params, nested)
    if refused is not None:
        # Raised here, out of the skeleton: the statement was undone and the connection is
        # in step (the skeleton would take an error it did not get from the driver as an
        # interruption, and discard the connection or poison the transaction).
        raise refused
    return outcome


async def _guarded(
    connection: Any, engine: MySQLEngine, sql: str, params: Sequence[Any], nested: bool
) -> tuple[Outcome, ex.VivaceError | None]:
    start, undo, keep = _NESTED if nested else _ALONE
    await engine._driver_command(connection, start)
    try:
        async with connection.cursor(_warnings_cursor()) as cursor:
            added = await engine._execute(cursor, sql, params)
            rows = await cursor.fetchall()
            outcome = Outcome(
                rows if isinstance(rows, list) else list(rows or ()),
                int(cursor.lastrowid or 0),
                int(added or 0),
            )
            refused = _refusal(cursor.counted, cursor.warnings, engine._address())
    except BaseException as error:
        if is_server_error(error):
            # The server refused the statement itself (a CHECK, a deadlock): it left
            # nothing, but the transaction or savepoint opened for it must end.
            await _settle(engine, connection, undo if not nested else "", nested, error)
        raise  # anything else: the skeleton discards the connection / poisons the transaction
    if refused is not None:
        await _settle(engine, connection, undo, nested, refused)
    elif keep:
        await engine._driver_command(connection, keep)
    return outcome, refused


async def _settle(
    engine: MySQLEngine, connection: Any, undo: str, nested: bool, cause: BaseException
) -> None:
    """Undo the statement and end its transaction or savepoint. A failure here leaves the
    connection in an unknown state: raised as an error the skeleton treats as fatal."""
    try:
        if undo:
            await engine._driver_command(connection, undo)
        if nested:
            try:
                await engine._driver_command(connection, _RELEASE)
            except Exception as error:
                # A deadlock rolled the whole transaction back, savepoint included (1305).
                if not is_server_error(error):
                    raise
    except Exception as error:
        raise ex.ConnectionLost(
            f"could not undo an INSERT IGNORE after {cause!r}: {error!r}"
        ) from None


def _refusal(counted: int, warnings: Sequence[Any] | None, address: str) -> ex.VivaceError | None:
    """The error a plain INSERT would have raised, from the statement's warnings (each a
    ``(level, code, message)`` row of ``SHOW WARNINGS``); None when all were duplicates."""
    if not counted:
        return None
    shown = list(warnings or ())
    for level, code, message in shown:
        if code in DUPLICATE_KEY or str(level) == "Note":
            continue
        return _as_error(int(code), f"{message}; {_HINT}", address)
    if counted > len(shown):
        return _as_error(
            0,
            f"INSERT IGNORE left {counted} warnings and the server kept only {len(shown)} "
            f"(max_error_count): the unseen ones may be errors, so it was undone; {_HINT}",
            address,
        )
    return None


def _as_error(code: int, message: str, address: str) -> ex.VivaceError:
    """The Vivace error for warning ``code``, as the driver error of a plain INSERT maps."""
    from asyncmy.errors import DatabaseError

    if code == 0:
        refused = ex.DataError(message)
        refused.code = "0"
        return refused
    return map_mysql_error(DatabaseError(code, message), address)


@functools.cache
def _warnings_cursor() -> type[Any]:
    """asyncmy's cursor keeping the statement's warnings instead of logging them (made on
    first use: asyncmy is imported only once a MySQL engine runs)."""
    from asyncmy.cursors import Cursor

    class WarningsCursor(Cursor):
        counted = 0
        warnings: Sequence[Any] | None = None

        async def _show_warnings(self, conn: Any) -> None:
            # Called by asyncmy only when the server counted warnings.
            result: Any = getattr(self, "_result")  # not in asyncmy's stubs  # noqa: B009
            self.counted = int(result.warning_count)
            self.warnings = await conn.show_warnings()

    return WarningsCursor
