"""``CTE``: a common table expression, made from a select and selected from like a table.

A CTE takes the columns of the select it is made from (their result keys:
``"name"``, ``"manager.name"``, an alias). Reach them as attributes (``top.name``) or
by key (``top["manager.name"]``); they work in expressions like table columns.

Non-recursive::

    top = CTE("top_bands", Band.select(Band.id, Band.name).where(Band.popularity > 100))
    await top.select(top.name).order_by(top.name)
    await Manager.select().where(Manager.id.is_in(top.select(top.manager)))

Recursive (``recursive=True``, then ``union_all`` the recursive part). The recursive
part reads the CTE's own rows through its columns; when it selects from a table, the
CTE is cross-joined to it and the ``where`` links the two::

    chain = CTE(
        "chain",
        Staff.select(Staff.id, Staff.name, Cast(0, Integer(), alias="depth"))
        .where(Staff.boss_id.is_null()),
        recursive=True,
    )
    chain = chain.union_all(
        Staff.select(Staff.id, Staff.name, (chain.depth + 1).as_alias("depth"))
        .where(Staff.boss_id == chain.id)
    )
    await chain.select().order_by(chain.depth, chain.name)
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from vivace.dialects import result_key
from vivace.dialects.joins import joins_for
from vivace.exceptions import QueryError
from vivace.orm.select import Select
from vivace.schema.column import check_identifier
from vivace.sql import Select as SelectStatement
from vivace.sql.cte import (
    CommonTableExpression,
    CrossJoin,
    CTEColumn,
    WithSelect,
    with_joins,
)


class CTESource:
    """What a select over a CTE reads FROM: the CTE's name, as a table would give it.

    It compares and hashes by name, so selects over CTEs of one shape share a shape key
    (the definition of the CTE is in the key of the ``WITH`` clause).
    """

    __slots__ = ("name", "_meta")

    def __init__(self, cte: CTE) -> None:
        self.name = cte._name
        self._meta = _CTEMeta(cte)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CTESource) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("CTESource", self.name))

    def __repr__(self) -> str:
        return f"<CTESource {self.name}>"


class _CTEMeta:
    """The part of a table's ``_meta`` a select needs, for a CTE."""

    schema = None

    def __init__(self, cte: CTE) -> None:
        self._cte = cte
        self.tablename = cte._name

    @property
    def db(self) -> Any:
        return self._cte._db()

    @property
    def columns(self) -> list[CTEColumn]:
        return list(self._cte._columns.values())

    def get_column_by_name(self, name: str) -> CTEColumn:
        return self._cte[name]


class CTE:
    """``WITH name(columns) AS (query)``, usable as the source of selects.

    ``recursive=True`` writes ``WITH RECURSIVE``; add the recursive part with
    ``union_all(...)`` (or ``union(...)`` to drop duplicate rows).
    """

    def __init__(self, name: str, query: Any, recursive: bool = False) -> None:
        self._name = check_identifier(name, "CTE name")
        anchor = _statement(query, "CTE()")
        limited = anchor.order_by or anchor.limit is not None or anchor.offset is not None
        if recursive and limited:
            raise QueryError("the first part of a recursive CTE cannot be ordered or limited")
        self._table = getattr(query, "table", None)
        self._recursive = recursive
        names = [result_key(c) for c in anchor.columns]
        if not names:
            raise QueryError("CTE() needs a select with columns")
        if len(set(names)) != len(names):
            raise QueryError(f"the columns of CTE {name!r} must have distinct keys: {names}")
        self._columns = {
            key: CTEColumn(self._name, key, c.value_type) for key, c in zip(names, anchor.columns)
        }
        self._node = CommonTableExpression(self._name, names, anchor)
        self._source = CTESource(self)

    # columns ---------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> CTEColumn:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> CTEColumn:
        column = self.__dict__["_columns"].get(name)
        if column is None:
            raise QueryError(
                f"CTE {self._name!r} has no column {name!r}; it has {list(self._columns)}"
            )
        return column  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"<CTE {self._name} ({', '.join(self._columns)})>"

    # building ----------------------------------------------------------------------------------
    def union_all(self, query: Any) -> CTE:
        """This CTE's rows followed by ``query``'s (the recursive part of a recursive CTE).

        Example::

            bosses = Staff.select(Staff.id).where(Staff.boss_id.is_null())
            chain = CTE("chain", bosses, recursive=True)
            chain = chain.union_all(Staff.select(Staff.id).where(Staff.boss_id == chain.id))
            await chain.select()
        """
        return self._union(query, union_all=True)

    def union(self, query: Any) -> CTE:
        """Like ``union_all``, without duplicate rows (a recursive CTE stops on repeats).

        Example, a walk of a graph with cycles that still ends::

            start = Link.select(Link.to_id).where(Link.from_id == 1)
            reached = CTE("reached", start, recursive=True)
            reached = reached.union(Link.select(Link.to_id).where(Link.from_id == reached.to_id))
            await reached.select()
        """
        return self._union(query, union_all=False)

    def _union(self, query: Any, union_all: bool) -> CTE:
        if self._node.second is not None:
            raise QueryError(f"CTE {self._name!r} already has its second part")
        if isinstance(query, CTESelect) and query._cte._name == self._name:
            second = query._plain_statement()  # it reads this CTE: no WITH of its own
        else:
            second = _statement(query, "union_all()")
            if isinstance(second, WithSelect):
                raise QueryError(
                    "the second part of a CTE cannot read another CTE; make that CTE from "
                    "the union instead"
                )
            if self._recursive:
                second = _cross_joined(second, self._name)
        if len(second.columns) != len(self._node.columns):
            raise QueryError(
                f"the second part of CTE {self._name!r} selects {len(second.columns)} "
                f"values; the first selects {len(self._node.columns)}"
            )
        if second.order_by or second.limit is not None or second.offset is not None:
            raise QueryError("the second part of a CTE cannot be ordered or limited")
        new = copy.copy(self)
        new._node = CommonTableExpression(
            self._name, self._node.columns, self._node.anchor, second, union_all
        )
        new._source = CTESource(new)
        return new

    def select(self, *columns: Any) -> CTESelect:
        """Rows of this CTE as dicts: ``top.select(top.name)`` (every column by default)."""
        return CTESelect(self, columns)

    def _db(self) -> Any:
        if self._table is None:
            raise QueryError(f"CTE {self._name!r} is not made from a table's select")
        return self._table._meta.db

    def _with(self, select: SelectStatement) -> WithSelect:
        return WithSelect((self._node,), select, recursive=self._recursive)


class CTESelect(Select):
    """``cte.select(*columns)``: a select reading a CTE; every clause of a select works."""

    def __init__(self, cte: CTE, columns: Sequence[Any] = ()) -> None:
        super().__init__(cte._source, columns)
        self._cte = cte

    def _plain_statement(self) -> SelectStatement:
        """The select without the WITH clause (the recursive part of its own CTE)."""
        return super()._statement()

    def _statement(self) -> WithSelect:
        if self._cte._recursive and self._cte._node.second is None:
            raise QueryError(
                f"the recursive CTE {self._cte._name!r} needs its recursive part: "
                "cte.union_all(query)"
            )
        return self._cte._with(super()._statement())


def _statement(query: Any, what: str) -> SelectStatement:
    as_subquery = getattr(query, "_as_subquery", None)
    statement = as_subquery() if as_subquery is not None else query
    if not isinstance(statement, SelectStatement):
        raise QueryError(f"{what} takes a select query, got {query!r}")
    return statement


def _cross_joined(select: SelectStatement, name: str) -> SelectStatement:
    """The recursive part over a table, with the CTE added to its FROM (before the
    LEFT JOINs its columns need, so their ON conditions see the table)."""
    joins = select.joins or joins_for([*select.columns, select.where, *select.group_by])
    return with_joins(select, (CrossJoin(name), *joins))
