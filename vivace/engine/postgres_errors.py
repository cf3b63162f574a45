"""asyncpg errors mapped onto ``vivace.exceptions``; the original stays as ``__cause__``.

Example::

    except asyncpg.PostgresError as error:
        raise map_postgres_error(error, "127.0.0.1:5432") from error
"""

from __future__ import annotations

import socket

from vivace import exceptions as ex

_PG_CODES: dict[str, type[ex.DatabaseError]] = {
    "23505": ex.UniqueViolation,
    "23503": ex.ForeignKeyViolation,
    "23502": ex.NotNullViolation,
    "23514": ex.CheckViolation,
    "40001": ex.SerializationFailure,
    "40P01": ex.DeadlockDetected,
    "55P03": ex.LockTimeout,
    "57014": ex.QueryTimeout,
    "57P01": ex.ConnectionLost,
    "57P02": ex.ConnectionLost,
    "57P03": ex.ConnectionLost,
}

_PG_CLASSES: dict[str, type[ex.DatabaseError]] = {
    "08": ex.ConnectionLost,
    "28": ex.CannotConnect,  # the login was refused
    "3D": ex.CannotConnect,  # no such database
    "22": ex.DataError,
    "23": ex.IntegrityError,
    "42": ex.ProgrammingError,
    "53": ex.OperationalError,
    "25": ex.OperationalError,
}


def map_postgres_error(error: BaseException, address: str) -> ex.VivaceError:
    """The Vivace error for an asyncpg (or socket) error."""
    if isinstance(error, ex.VivaceError):
        return error
    code = getattr(error, "sqlstate", None)
    if isinstance(code, str):
        cls = _PG_CODES.get(code) or _PG_CLASSES.get(code[:2], ex.DatabaseError)
        # A lost or refused connection says which server it was (to be) connected to.
        named = issubclass(cls, ex.ConnectionLost | ex.CannotConnect)
        where = f"PostgreSQL at {address}: " if named else ""
        mapped = cls(f"{where}{error} (SQLSTATE {code})")
        mapped.code = code
        return mapped
    name = type(error).__name__
    if isinstance(error, TimeoutError):
        # Before the OSError test: TimeoutError is an OSError. The client gave up waiting
        # for the answer (command_timeout); the connection is discarded by the caller.
        return ex.QueryTimeout(f"PostgreSQL at {address}: no answer in time ({name})")
    refused = _refused(error)
    if refused is not None:
        return refused(f"PostgreSQL at {address}: cannot connect: {name}: {error}")
    if isinstance(error, OSError | ConnectionError) or name in {
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "InterfaceError",
        "InternalClientError",
        "ClientCannotConnectError",
    }:
        return ex.ConnectionLost(f"PostgreSQL at {address}: {name}: {error}")
    if isinstance(error, ValueError | TypeError | OverflowError):
        # asyncpg refused to encode a value: say which, and that nothing was sent.
        return ex.DataError(f"cannot send this value to PostgreSQL: {error}")
    return ex.DatabaseError(f"{name}: {error}")


def _refused(error: BaseException) -> type[ex.CannotConnect] | None:
    """``ConnectionRefused`` when nothing listened, ``CannotConnect`` when the host name
    cannot be resolved; None for any other error."""
    if isinstance(error, socket.gaierror):
        return ex.CannotConnect
    if isinstance(error, ConnectionRefusedError) or _all_refused(error):
        return ex.ConnectionRefused
    return None


def _all_refused(error: BaseException) -> bool:
    """asyncio reports every address of a host refusing at once as one plain OSError."""
    return type(error) is OSError and "Connect call failed" in str(error)
