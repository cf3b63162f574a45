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


class VivaceError(Exception):
    """Base class of every error Vivace raises on purpose."""


class ConfigurationError(VivaceError):
    """The configuration (engine, ``vivace_conf.py``, table options) is unusable."""


class QueryError(VivaceError, ValueError):
    """The query is malformed; raised before anything is sent to the database.

    Example: ``await Band.delete()`` without ``where`` or ``force=True``.
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
    """A table, column, alias or savepoint name that cannot be used safely in SQL."""


class DatabaseError(VivaceError):
    """The database refused a statement. ``__cause__`` is the driver's exception."""

    #: SQLSTATE (PostgreSQL) or the SQLite extended error name, when known.
    code: str | None = None


class IntegrityError(DatabaseError):
    """A constraint was violated."""


class UniqueViolation(IntegrityError):
    """A unique or primary key constraint was violated."""


class ForeignKeyViolation(IntegrityError):
    """A foreign key constraint was violated."""


class NotNullViolation(IntegrityError):
    """A NOT NULL column was given no value."""


class CheckViolation(IntegrityError):
    """A CHECK constraint was violated."""


class DataError(DatabaseError):
    """A value the database cannot store in that column (too long, out of range, bad text)."""


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
    """The statement is wrong for this database: a missing table or column, a syntax error."""


class OperationalError(DatabaseError):
    """The database or the connection failed to run the statement."""


class ConnectionLost(OperationalError):
    """The connection to the server was lost (it broke, or the server ended it)."""


class CannotConnect(OperationalError):
    """No connection could be made: the host cannot be resolved, the login or database
    was refused. The message names ``host:port``."""


class ConnectionRefused(CannotConnect):
    """The server refused the connection (nothing listens at ``host:port``)."""


class PoolTimeout(OperationalError):
    """No connection became free within the acquire timeout."""


class QueryTimeout(OperationalError):
    """The statement was cancelled because it ran past its timeout."""


class SerializationFailure(OperationalError):
    """The transaction could not be serialized with concurrent ones; retry it."""


class DeadlockDetected(OperationalError):
    """The database broke a deadlock by aborting this transaction."""


class LockTimeout(OperationalError):
    """A lock could not be taken in time (SQLite: the database is locked)."""


class TransactionError(VivaceError):
    """A transaction was misused: nested where not allowed, committed twice, ..."""


class MigrationError(VivaceError):
    """A migration could not be created or applied."""


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
    "UnsafeIdentifierError",
    "VivaceError",
]
