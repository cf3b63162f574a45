"""A SQLite file Piccolo wrote: its ``Interval`` columns, declared ``SECONDS``, hold seconds.

Vivace stores an ``Interval`` as integer microseconds on SQLite (exact to the microsecond)
and reads the stored number back as such: a column Piccolo filled would read a million
times too short. The file is not converted behind the user's back; the engine looks for
such columns once, when it opens its first connection, and warns with the way out
(docs/piccolo.md): rebuild each column as ``INTERVAL`` holding microseconds.

Example::

    seconds_columns(sqlite3.connect("piccolo.sqlite"))   # [("band", "gap")]
"""

from __future__ import annotations

import sqlite3

#: Each table's columns declared ``SECONDS`` (Piccolo's SQLite type for ``Interval``).
SECONDS_COLUMNS_SQL = (
    "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p "
    "WHERE m.type = 'table' AND upper(p.type) = 'SECONDS' ORDER BY m.name, p.cid"
)


class PiccoloIntervalWarning(UserWarning):
    """A SQLite file holds ``Interval`` columns Piccolo wrote in seconds (see the module).

    Example: ``warnings.simplefilter("error", PiccoloIntervalWarning)`` refuses such a file.
    """


def seconds_columns(raw: sqlite3.Connection) -> list[tuple[str, str]]:
    """``(table, column)`` of every column declared ``SECONDS``; none when the file cannot
    be read yet (a new file, a lock): the check is a courtesy, never a failure.

    Example: ``seconds_columns(connection)`` -> ``[("band", "gap")]``.
    """
    try:
        return [(str(table), str(column)) for table, column in raw.execute(SECONDS_COLUMNS_SQL)]
    except sqlite3.Error:
        return []


def seconds_warning(path: str, columns: list[tuple[str, str]]) -> str:
    """The warning's text, naming the columns and the conversion.

    Example: ``seconds_warning("app.sqlite", [("band", "gap")])``.
    """
    named = ", ".join(f'"{table}"."{column}"' for table, column in columns)
    return (
        f"{path}: {named} declared SECONDS: an Interval as Piccolo's SQLite engine stores it, "
        "in seconds. Vivace stores and reads Interval as microseconds on SQLite, so these "
        "values would read a million times too short. Convert each column once (docs/"
        'piccolo.md, "Engines"): rename it, add it again as INTERVAL, copy '
        "CAST(ROUND(old * 1000000) AS INTEGER) into it, drop the old one."
    )
