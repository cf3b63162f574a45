"""Piccolo's ``piccolo.apps.user.commands.list``: a page of users, never their passwords.

Example::

    from vivace.apps.user.commands.list import list_users

    await list_users(limit=10, order_by="-last_login")
"""

from __future__ import annotations

from typing import Any

from vivace.auth import BaseUser
from vivace.schema import Column

__all__ = ["LIST_COLUMNS", "get_users", "list_users", "table_lines"]

#: The columns listed, in order (``vivace user list`` shows the same).
LIST_COLUMNS = ("username", "email", "active", "admin", "superuser", "last_login")


async def get_users(
    order_by: Column[Any], ascending: bool, limit: int, page: int
) -> list[dict[str, Any]]:
    """One page of users as dicts of ``LIST_COLUMNS``, ``limit`` a page, sorted by
    ``order_by``.

    Example: ``await get_users(BaseUser.username, ascending=True, limit=20, page=1)``.
    """
    columns = [BaseUser._meta.column_by_name[name] for name in LIST_COLUMNS]
    rows: list[dict[str, Any]] = (
        await BaseUser.select(*columns)
        .order_by(order_by, ascending=ascending)
        .limit(limit)
        .offset(limit * (page - 1))
    )
    return rows


def table_lines(rows: list[dict[str, Any]]) -> list[str]:
    """The rows as aligned text lines under a header of ``LIST_COLUMNS``.

    Example: ``table_lines([])`` -> ``["username  email  active  admin  superuser  last_login"]``.
    """
    table = [list(LIST_COLUMNS)]
    table += [
        ["" if row[name] is None else str(row[name]) for name in LIST_COLUMNS] for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(LIST_COLUMNS))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in table
    ]


async def list_users(limit: int = 20, page: int = 1, order_by: str = "username") -> None:
    """Print one page of users (``order_by`` a column name, ``-`` first for descending);
    ``ValueError`` for a page or limit below 1 or an unknown column, as in Piccolo.

    Example: ``await list_users(page=2, order_by="-last_login")``.
    """
    if page < 1:
        raise ValueError("The page number must > 0.")
    if limit < 1:
        raise ValueError("The limit number must be > 0.")
    ascending = not order_by.startswith("-")
    column = BaseUser._meta.column_by_name.get(order_by.lstrip("-"))
    if column is None or column._meta.secret:
        allowed = [c._meta.name for c in BaseUser._meta.columns if not c._meta.secret]
        raise ValueError(
            "The order_by argument must be one of the following: " + ", ".join(allowed)
        )
    users = await get_users(order_by=column, ascending=ascending, limit=limit, page=page)
    if not users:
        print("No data")
        return
    for line in table_lines(users):
        print(line)
