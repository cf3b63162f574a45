"""One error hierarchy for every engine.

User code catches these and never a driver's own exception type; the driver's
exception stays reachable as ``__cause__``.

Example::

    from vivace.exceptions import UniqueViolation

    try:
        await Band.insert(Band(name="Pythonistas"))
    except UniqueViolation as error:
        print("taken:", error)
"""

from __future__ import annotations

import zoneinfo


class VivaceError(Exception):
    """Base class of every error Vivace raises on purpose.

    Example: ``except VivaceError as error: log.warning("vivace: %s", error)``.
    """

    # The plain message, also for the errors that are a KeyError too (Piccolo's types):
    # KeyError's own text quotes it.
    __str__ = Exception.__str__


class ConfigurationError(VivaceError):
    """The configuration (engine, ``vivace_conf.py``, table options) is unusable."""


class UnknownNodeError(ConfigurationError, KeyError):
    """``run(node="name")`` names no extra node of the engine; also a ``KeyError``, which
    Piccolo raises there.

    Example: ``except KeyError:`` around ``await Band.select().run(node="replica")``.
    """


class QueryError(VivaceError, ValueError):
    """The query is malformed; raised before anything is sent to the database.

    Example: ``await Band.delete()`` without ``where`` or ``force=True``.
    """


class UnknownTimeZoneError(QueryError, zoneinfo.ZoneInfoNotFoundError):
    """A time zone name the tz database does not have (``AtTimeZone(Band.at, "Mars/Base")``);
    also a ``zoneinfo.ZoneInfoNotFoundError``, which Piccolo raises there.

    Example: ``except UnknownTimeZoneError as error: print(error)``.
    """


class DeletionError(QueryError):
    """A delete of every row without ``force=True`` (Piccolo's name and message)."""


class UpdateError(QueryError):
    """An update of every row without ``force=True`` (Piccolo's name and message)."""


class DistinctOnError(QueryError):
    """``distinct(on=...)`` malformed: ``on`` is no list, or the first ``order_by`` column
    does not match the first ``on`` column."""


class NotSupportedError(QueryError, NotImplementedError):
    """The database cannot do this (``lock_rows()``, ``distinct(on=...)`` on SQLite); also a
    ``NotImplementedError``, which Piccolo raises there."""


class UnsafeIdentifierError(QueryError):
    """A table, column, alias or savepoint name that cannot be used safely in SQL.

    Example::

        try:
            await Band.select(Band.name.as_alias("x" * 64))  # over PostgreSQL's 63 bytes
        except UnsafeIdentifierError as error:
            print(error)
    """


class DatabaseError(VivaceError):
    """The database refused a statement. ``__cause__`` is the driver's exception.

    Example::

        try:
            await Band.raw("SELECT nothing FROM band")
        except DatabaseError as error:
            print(error.code, type(error.__cause__))  # "42703", asyncpg's own error
    """

    #: SQLSTATE (PostgreSQL) or the SQLite extended error name, when known.
    code: str | None = None


class IntegrityError(DatabaseError):
    """A constraint was violated.

    Example: ``except IntegrityError: await Band.update({Band.popularity: 0}, force=True)``
    catches a unique, foreign key, NOT NULL or CHECK violation alike.
    """


class UniqueViolation(IntegrityError):
    """A unique or primary key constraint was violated.

    Example::

        try:
            await Band.insert(Band(name="Pythonistas"))  # name is unique, already taken
        except UniqueViolation:
            band = await Band.objects().get(Band.name == "Pythonistas")
    """


class ForeignKeyViolation(IntegrityError):
    """A foreign key constraint was violated.

    Example::

        try:
            await Band.insert(Band(name="Orphans", manager=99))  # no manager 99
        except ForeignKeyViolation as error:
            print(error)
    """


class NotNullViolation(IntegrityError):
    """A NOT NULL column was given no value.

    Example::

        try:
            await Manager.raw("INSERT INTO manager (name) VALUES (NULL)")
        except NotNullViolation as error:
            print(error)
    """


class CheckViolation(IntegrityError):
    """A CHECK constraint was violated.

    Example (``Venue`` declares ``capacity_positive = Check(capacity >= 0)``)::

        try:
            await Venue.insert(Venue(name="Nowhere", capacity=-1))
        except CheckViolation as error:
            print(error)
    """


class DataError(DatabaseError):
    """A value the database cannot store in that column (too long, out of range, bad text).

    Example::

        try:
            await Band.raw("SELECT CAST('many' AS integer)")
        except DataError as error:  # PostgreSQL: invalid input syntax for type integer
            print(error)
    """


class InvalidValue(DataError, ValueError):
    """A value that does not fit its column, refused before anything is sent.

    Raised the same way on every engine; the message names ``table.column``, the
    value's type and what the column accepts. Example::

        try:
            await Band.insert(Band(popularity="many"))
        except InvalidValue as error:
            print(error)  # band.popularity expects an int from -2147483648 to ..., got str 'many'
    """


class ProgrammingError(DatabaseError):
    """The statement is wrong for this database: a missing table or column, a syntax error.

    Example::

        try:
            await Band.raw("SELECT nothing FROM band")
        except ProgrammingError as error:
            print(error)  # column "nothing" does not exist
    """


class OperationalError(DatabaseError):
    """The database or the connection failed to run the statement.

    Example: ``except OperationalError: return Response(status_code=503)`` covers lost
    connections, timeouts and rolled-back transactions alike.
    """


class ConnectionLost(OperationalError):
    """The connection to the server was lost (it broke, or the server ended it).

    Example::

        try:
            await Band.update({Band.popularity: 0}, force=True)
        except ConnectionLost:
            ...  # it may or may not have run: check before doing it again
    """


class CannotConnect(OperationalError):
    """No connection could be made: the host cannot be resolved, the login or database
    was refused. The message names ``host:port``.

    Example::

        nowhere = PostgresEngine(config={"host": "127.0.0.1", "port": 1, "database": "app"})
        try:
            await nowhere.fetch_sql("SELECT 1")
        except CannotConnect as error:
            print(error)  # PostgreSQL at 127.0.0.1:1 ...
    """


class ConnectionRefused(CannotConnect):
    """The server refused the connection (nothing listens at ``host:port``).

    Example: ``except ConnectionRefused: print("is the server running?")``.
    """


class PoolTimeout(OperationalError):
    """No connection became free within the acquire timeout.

    Example::

        try:
            await Band.select()
        except PoolTimeout:
            return Response("busy, try again", status_code=503)
    """


class QueryTimeout(OperationalError):
    """The statement was cancelled because it ran past its timeout.

    Example (an engine made with ``command_timeout=1.0``)::

        try:
            await DB.fetch_sql("SELECT pg_sleep(5)")
        except QueryTimeout as error:
            print(error)
    """


class SerializationFailure(OperationalError):
    """The transaction could not be serialized with concurrent ones; retry it.

    Example: ``await DB.run_in_transaction(transfer, isolation_level="serializable")``
    runs ``transfer`` again on this error; by hand, ``except SerializationFailure: ...``.
    """


class DeadlockDetected(OperationalError):
    """The database broke a deadlock by aborting this transaction.

    Example::

        try:
            async with DB.transaction():
                await Band.update({Band.popularity: 1}).where(Band.id == 1)
        except DeadlockDetected:
            ...  # rolled back: run it again (run_in_transaction does this)
    """


class LockTimeout(OperationalError):
    """A lock could not be taken in time (SQLite: the database is locked).

    Example::

        try:
            await Band.update({Band.popularity: 1}).where(Band.id == 1)
        except LockTimeout:
            ...  # another writer held the lock: retry later
    """


class TransactionError(VivaceError):
    """A transaction was misused: nested where not allowed, committed twice, ...

    Example::

        async with DB.transaction():
            try:
                async with DB.transaction(allow_nested=False):
                    pass
            except TransactionError as error:
                print(error)
    """


class MigrationError(VivaceError):
    """A migration could not be created or applied.

    Example::

        try:
            await forwards("all", "2026-12-01T03:23:44:434772", context=context)
        except MigrationError as error:
            print(error)  # give an app name, not 'all', to run up to a migration ID
    """


__all__ = [
    "CannotConnect",
    "CheckViolation",
    "ConfigurationError",
    "ConnectionLost",
    "ConnectionRefused",
    "DataError",
    "DatabaseError",
    "DeadlockDetected",
    "ForeignKeyViolation",
    "IntegrityError",
    "InvalidValue",
    "LockTimeout",
    "MigrationError",
    "NotNullViolation",
    "OperationalError",
    "PoolTimeout",
    "ProgrammingError",
    "QueryError",
    "QueryTimeout",
    "SerializationFailure",
    "TransactionError",
    "UniqueViolation",
    "UnknownNodeError",
    "UnknownTimeZoneError",
    "UnsafeIdentifierError",
    "VivaceError",
]
