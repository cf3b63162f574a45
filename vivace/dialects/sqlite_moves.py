"""SQLite: a date or time moved by an interval, exactly to the microsecond.

SQLite stores these as ISO text (``'2024-05-01 14:00:00.250000'``, ``+00:00`` after a
``Timestamptz``, ``'2024-05-01'``, ``'14:00:00.250000'``) and intervals as integer
microseconds. Its date functions keep only milliseconds and ``julianday`` is a float, so
the microseconds are added as integers and only whole seconds (or days) go through
``strftime``/``date``; the result is the text an insert writes. NULL stays NULL.

Example::

    sqlite_moved("date", '"day"', "+", "?")
    # '(SELECT date(v, ...) FROM (SELECT v, 0 + d AS t FROM (SELECT "day" AS v, ? AS d)) ...)'
"""

from __future__ import annotations

_SECOND = 1_000_000
_DAY = 86_400 * _SECOND


def _floor_mod(value: str, unit: int) -> str:
    """``value`` modulo ``unit`` in [0, unit), as Python's ``%`` (SQLite's keeps the sign)."""
    return f"((({value}) % {unit} + {unit}) % {unit})"


def _floor_div(value: str, unit: int) -> str:
    """``value // unit`` rounded down, as Python's (SQLite's ``/`` rounds toward zero)."""
    return f"((({value}) - {_floor_mod(value, unit)}) / {unit})"


def _timestamp(op: str, suffix: str) -> tuple[str, str]:
    # v is 'YYYY-MM-DD HH:MM:SS.ffffff': its microseconds (21-26) plus the span are t;
    # the whole seconds t carries go through strftime (exact for whole seconds).
    seconds = f"{_floor_div('t', _SECOND)} || ' seconds'"
    value = (
        f"strftime('%Y-%m-%d %H:%M:%S', substr(v, 1, 19), {seconds}) || "
        f"printf('.%06d', {_floor_mod('t', _SECOND)}){suffix}"
    )
    return value, f"v, CAST(substr(v, 21, 6) AS INTEGER) {op} d AS t"


def _date(op: str) -> tuple[str, str]:
    # Python's date + timedelta: the whole days of the span, rounded down.
    return f"date(v, {_floor_div('t', _DAY)} || ' days')", f"v, 0 {op} d AS t"


def _time(op: str) -> tuple[str, str]:
    # v is 'HH:MM:SS.ffffff': t is its microseconds since midnight, moved around the clock.
    since_midnight = (
        "CAST(substr(v, 1, 2) AS INTEGER) * 3600000000 + "
        "CAST(substr(v, 4, 2) AS INTEGER) * 60000000 + "
        "CAST(substr(v, 7, 2) AS INTEGER) * 1000000 + CAST(substr(v, 10, 6) AS INTEGER)"
    )
    value = (
        "printf('%02d:%02d:%02d.%06d', "
        "t / 3600000000, t / 60000000 % 60, t / 1000000 % 60, t % 1000000)"
    )
    return value, f"{_floor_mod(f'{since_midnight} {op} d', _DAY)} AS t"


def sqlite_moved(kind: str, subject: str, op: str, span: str) -> str:
    """``subject op span`` for a ``kind`` value (``timestamp``, ``timestamptz``, ``date``,
    ``time``) and a span in microseconds, as the text SQLite stores for ``kind``.

    The subqueries name each operand once (its parameters are bound once, in order) and
    give NULL when either is NULL.

    Example: ``sqlite_moved("time", '"at"', "-", "?")`` gives the ``'HH:MM:SS.ffffff'`` text
    of ``"at"`` moved back by ``?`` microseconds, around the clock."""
    if kind == "date":
        value, step = _date(op)
    elif kind == "time":
        value, step = _time(op)
    else:
        value, step = _timestamp(op, " || '+00:00'" if kind == "timestamptz" else "")
    return (
        f"(SELECT {value} FROM (SELECT {step} FROM (SELECT {subject} AS v, {span} AS d)) "
        "WHERE t IS NOT NULL)"
    )
