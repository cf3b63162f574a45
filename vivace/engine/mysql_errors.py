"""asyncmy (MariaDB/MySQL) errors mapped onto ``vivace.exceptions``; the original stays as
``__cause__``, its error number as ``code``.

Server errors (numbers below 2000) leave the connection usable; client errors (2000 and
up: lost connection, protocol out of step) and anything that is not a server answer
(a cancellation mid-read, a socket error) mean the connection must be thrown away.

Example::

    except asyncmy.errors.MySQLError as error:
        raise map_mysql_error(error, "127.0.0.1:3306") from error
"""

from __future__ import annotations

import socket

from vivace import exceptions as ex

_CODES: dict[int, type[ex.DatabaseError]] = {
    1062: ex.UniqueViolation,  # duplicate entry
    1586: ex.UniqueViolation,  # duplicate entry (in a table with a unique key on the name)
    1216: ex.ForeignKeyViolation,  # no parent row (older servers)
    1217: ex.ForeignKeyViolation,  # parent row has children (older servers)
    1451: ex.ForeignKeyViolation,  # cannot delete or update a parent row
    1452: ex.ForeignKeyViolation,  # cannot add or update a child row
    1048: ex.NotNullViolation,  # column cannot be null
    1364: ex.NotNullViolation,  # field has no default value
    3819: ex.CheckViolation,  # MySQL 8
    4025: ex.CheckViolation,  # MariaDB
    1213: ex.DeadlockDetected,
    1205: ex.LockTimeout,  # lock wait timeout exceeded
    3572: ex.LockTimeout,  # NOWAIT: the row is locked
    1020: ex.SerializationFailure,  # record has changed since last read (snapshot isolation)
    1969: ex.QueryTimeout,  # MariaDB max_statement_time
    3024: ex.QueryTimeout,  # MySQL max_execution_time
    1317: ex.QueryTimeout,  # query execution was interrupted (KILL QUERY)
    1927: ex.ConnectionLost,  # connection was killed
    1053: ex.ConnectionLost,  # server shutdown in progress
    2006: ex.ConnectionLost,  # server has gone away
    2013: ex.ConnectionLost,  # lost connection during query
    2014: ex.ConnectionLost,  # commands out of sync
    2055: ex.ConnectionLost,  # lost connection at a system error
    4031: ex.ConnectionLost,  # disconnected by the server for inactivity
    2003: ex.ConnectionRefused,  # cannot connect (refused, or nothing listening)
    2005: ex.CannotConnect,  # unknown server host
    1045: ex.CannotConnect,  # access denied
    1049: ex.CannotConnect,  # unknown database
    1264: ex.DataError,  # out of range value
    1265: ex.DataError,  # data truncated
    1292: ex.DataError,  # incorrect date/time value
    1366: ex.DataError,  # incorrect value for a column
    1406: ex.DataError,  # data too long
    1690: ex.DataError,  # value out of range
    3140: ex.DataError,  # invalid JSON (MySQL)
    4038: ex.DataError,  # syntax error in JSON text (MariaDB)
    1054: ex.ProgrammingError,  # unknown column
    1064: ex.ProgrammingError,  # syntax error
    1146: ex.ProgrammingError,  # no such table
    1050: ex.ProgrammingError,  # table already exists
    1051: ex.ProgrammingError,  # unknown table
    1061: ex.ProgrammingError,  # duplicate key name
    1091: ex.ProgrammingError,  # cannot drop: does not exist
    1305: ex.ProgrammingError,  # unknown function or savepoint
}


def is_server_error(error: BaseException) -> bool:
    """Whether the server answered with ``error`` (the connection stays in step)."""
    if isinstance(error, ex.VivaceError) and error.__cause__ is not None:
        error = error.__cause__  # a server error told more clearly (``oversized_integer``)
    code = _code(error)
    return code is not None and code < 2000


def map_mysql_error(error: BaseException, address: str) -> ex.VivaceError:
    """The Vivace error for an asyncmy (or socket) error."""
    if isinstance(error, ex.VivaceError):
        return error
    code = _code(error)
    name = type(error).__name__
    if code is not None:
        cls = _CODES.get(code)
        if code == 2003 and _unresolved(error):
            cls = ex.CannotConnect
        if cls is None:
            cls = ex.ProgrammingError if name == "ProgrammingError" else ex.DatabaseError
            if code >= 2000 or (name == "OperationalError" and code == 0):
                cls = ex.ConnectionLost
        message = error.args[1] if len(error.args) > 1 else str(error)
        if issubclass(cls, ex.OperationalError) and not issubclass(cls, ex.QueryTimeout):
            message = f"MySQL at {address}: {message}"
        mapped = cls(f"{message} (MySQL error {code})")
        mapped.code = str(code)
        return mapped
    if _refused_value(error):
        return ex.DataError(f"cannot send this value to MySQL: {error}")
    if isinstance(error, TimeoutError):
        return ex.QueryTimeout(f"MySQL at {address}: no answer in time ({name})")
    if isinstance(error, ConnectionRefusedError):
        return ex.ConnectionRefused(f"MySQL at {address} refused the connection: {error}")
    if isinstance(error, OSError | ConnectionError):
        return ex.ConnectionLost(f"MySQL at {address}: {name}: {error}")
    if isinstance(error, ValueError | TypeError | OverflowError):
        return ex.DataError(f"cannot send this value to MySQL: {error}")
    return ex.DatabaseError(f"{name}: {error}")


#: The integers a MariaDB/MySQL column can hold: BIGINT down to BIGINT UNSIGNED up.
_INTEGERS = range(-(2**63), 2**64)


def oversized_integer(error: BaseException, params: object) -> ex.DataError | None:
    """The clear error for a syntax error caused by an integer no column can hold.

    The driver writes integers into the SQL text, so 2**70 reaches the server as a number
    it cannot parse (error 1064); PostgreSQL and SQLite refuse it as a value (DataError).
    Looked for only once the server has refused the statement: nothing on the way there.
    """
    if _code(error) != 1064 or not isinstance(params, list | tuple):
        return None
    for value in params:
        if isinstance(value, int) and not isinstance(value, bool) and value not in _INTEGERS:
            refused = ex.DataError(
                f"cannot send this value to MySQL: {value} is out of the range of its integers"
            )
            refused.code = "1064"
            return refused
    return None


def _code(error: BaseException) -> int | None:
    """The MySQL error number of a driver error, if it has one."""
    args = getattr(error, "args", ())
    if (
        args
        and isinstance(args[0], int)
        and type(error).__module__.startswith(("asyncmy", "pymysql"))
    ):
        return args[0]
    return None


def _refused_value(error: BaseException) -> bool:
    """Whether the driver refused to encode a value (``inf can not be used with MySQL``):
    nothing was sent, and the value is at fault, not the SQL."""
    return (
        type(error).__name__ == "ProgrammingError"
        and type(error).__module__.startswith(("asyncmy", "pymysql"))
        and "can not be used with MySQL" in str(error)
    )


def _unresolved(error: BaseException) -> bool:
    """Whether connecting failed because the host name has no address."""
    cause = error.__cause__ or error.__context__
    return isinstance(cause, socket.gaierror) or "Name or service not known" in str(error)
