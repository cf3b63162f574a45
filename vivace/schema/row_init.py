"""How a new row gets its values, worked out once per table: ``Band(name="x")`` then costs
one dict merge instead of a Python loop over every column.

Most columns' defaults are constants (``""``, ``0``, ``None``): the new row's dict is a
template dict merged with the given values, in one C call. Only columns whose default
is computed each time (a callable, a ``Default``, a mutable list or dict, an Enum) or that
must be given (NOT NULL without a default) are looked at one by one, when left out.
``TableBase.__init__`` takes this path when every keyword is an attribute name and no
``_data`` mapping or ``_ignore_missing`` is given; the values, their order in
``__dict__`` and the errors are those of its general path.

Example::

    plan = init_plan(Band._meta)
    plan.template    # {"id": None, "name": "", "popularity": 0, ..., "_exists_in_db": False}
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from vivace.exceptions import QueryError
from vivace.schema.column import Column

#: Immutable value types: a default of one of these may fill every new row as the same
#: object (``orm.write`` also stores them as they are, with lists and dicts).
IMMUTABLE_VALUE_TYPES = frozenset(
    {
        type(None),
        bool,
        int,
        float,
        str,
        bytes,
        decimal.Decimal,
        datetime.datetime,
        datetime.date,
        datetime.time,
        datetime.timedelta,
        uuid.UUID,
    }
)


class InitPlan:
    """``template``: every column's constant default (None where it is computed), in column
    order, then ``_exists_in_db``; ``size``: its length; ``special``: (column, computed)
    for each column whose default is computed, or that is refused when left out, in
    column order."""

    __slots__ = ("template", "special", "size")

    def __init__(self, columns: list[Column[Any]]) -> None:
        self.template: dict[str, Any] = {}
        self.special: list[tuple[Column[Any], bool]] = []
        for column in columns:
            meta = column._meta
            default = meta.default
            constant = type(default) in IMMUTABLE_VALUE_TYPES
            self.template[meta.name] = default if constant else None
            if not constant:
                self.special.append((column, True))
            elif default is None and not meta.null and not meta.primary_key:
                self.special.append((column, False))
        # A new row's last key, as on the general path; set to True there when asked.
        self.template["_exists_in_db"] = False
        self.size = len(self.template)


def init_plan(meta: Any) -> InitPlan:
    """The plan of a table's ``_meta``, made on first use and kept as ``meta.init_plan``
    (a table's columns never change once its class is made)."""
    plan: InitPlan = InitPlan(meta.columns)
    meta.init_plan = plan
    return plan


def refuse_missing(column: Column[Any]) -> None:
    """A NOT NULL column left out whose default is None: Piccolo's "wasn't provided"
    (``QueryError``). Serial columns are filled by the database: no error.

    Example: ``refuse_missing(Band.name)`` raises ``QueryError("name wasn't provided")``
    for a ``Varchar(default=None, null=False)``.
    """
    if column.value_type.name not in ("serial", "bigserial"):
        raise QueryError(f"{column._meta.name} wasn't provided")


def special_value(column: Column[Any], computed: bool) -> Any:
    """The value of one of a plan's ``special`` columns left out of a new row: its
    computed default, or None after ``refuse_missing`` (which raises unless the database
    fills the column).

    Example: ``special_value(Band.tags, True)`` -> ``[]`` for ``Array(Varchar())``.
    """
    if computed:
        value = column.get_default_value()
        meta = column._meta
        if value is not None or meta.null or meta.primary_key:
            return value
    refuse_missing(column)
    return None
