"""sqlite3 errors mapped onto ``vivace.exceptions``; the original stays as ``__cause__``.

Example::

    except sqlite3.Error as error:
        raise map_sqlite_error(error) from error
"""

from __future__ import annotations

import sqlite3

from vivace import exceptions as ex

_SQLITE_NAMES: dict[str, type[ex.DatabaseError]] = {
    "SQLITE_CONSTRAINT_UNIQUE": ex.UniqueViolation,
    "SQLITE_CONSTRAINT_PRIMARYKEY": ex.UniqueViolation,
    "SQLITE_CONSTRAINT_FOREIGNKEY": ex.ForeignKeyViolation,
    "SQLITE_CONSTRAINT_NOTNULL": ex.NotNullViolation,
    "SQLITE_CONSTRAINT_CHECK": ex.CheckViolation,
    "SQLITE_BUSY": ex.LockTimeout,
    "SQLITE_BUSY_SNAPSHOT": ex.SerializationFailure,
    "SQLITE_LOCKED": ex.LockTimeout,
    "SQLITE_TOOBIG": ex.DataError,
    "SQLITE_MISMATCH": ex.DataError,
    "SQLITE_RANGE": ex.ProgrammingError,
    "SQLITE_INTERRUPT": ex.QueryTimeout,
    "SQLITE_ERROR": ex.ProgrammingError,
    "SQLITE_CANTOPEN": ex.CannotConnect,
}


def map_sqlite_error(error: BaseException) -> ex.VivaceError:
    """The Vivace error for a sqlite3 error."""
    if isinstance(error, ex.VivaceError):
        return error
    code = getattr(error, "sqlite_errorname", None)
    cls: type[ex.DatabaseError] | None = None
    if isinstance(code, str):
        # An extended name (SQLITE_BUSY_RECOVERY) falls back to its primary one.
        cls = _SQLITE_NAMES.get(code) or _SQLITE_NAMES.get("_".join(code.split("_")[:2]))
        if code == "SQLITE_CONSTRAINT_TRIGGER" and "FOREIGN KEY" in str(error):
            cls = ex.ForeignKeyViolation  # ON DELETE/UPDATE RESTRICT reports this code
    if cls is None:
        if isinstance(error, sqlite3.IntegrityError):
            cls = ex.IntegrityError
        elif isinstance(error, sqlite3.DataError | OverflowError | UnicodeEncodeError):
            cls = ex.DataError
        elif isinstance(error, sqlite3.ProgrammingError | sqlite3.InterfaceError):
            cls = ex.ProgrammingError
        elif isinstance(error, sqlite3.OperationalError):
            cls = ex.OperationalError
        else:
            cls = ex.DatabaseError
    mapped = cls(str(error))
    mapped.code = code
    return mapped
