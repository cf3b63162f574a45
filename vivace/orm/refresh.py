"""``row.refresh()``: reload a row's values, prefetched related rows included, at any depth.

Example::

    band = await Band.objects(Band.manager).get(Band.name == "Pythonistas")
    await band.refresh()                 # band's columns and band.manager's, in one query
    await band.refresh([Band.popularity])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from vivace.engine import Engine
from vivace.orm.query import Query, resolve_column
from vivace.schema import Column, ForeignKey, TableBase

#: Piccolo's messages, which users match on.
CHILD_COLUMN_ERROR = (
    "We can't currently selectively refresh certain columns on child objects "
    "(e.g. Concert.band_1.name). Please just specify top level columns (e.g. "
    "Concert.band_1), and the entire child object will be refreshed."
)
NOT_IN_DB_ERROR = "The instance doesn't exist in the database."
NO_PK_ERROR = "The instance's primary key value isn't defined."
NO_COLUMNS_ERROR = "No columns to fetch."
GONE_ERROR = "The object doesn't exist in the database any more."

#: Where one selected value goes: (the instance, its attribute name).
Target = tuple[TableBase, str]
RowT = TypeVar("RowT", bound=TableBase)


class Refresh(Query[RowT]):
    """``await band.refresh(columns=None, load_json=False)``; returns the row, updated."""

    def __init__(
        self, row: RowT, columns: Sequence[Any] | None = None, load_json: bool = False
    ) -> None:
        super().__init__(type(row))
        self.row = row
        chosen = [resolve_column(self.table, c) for c in columns or ()]
        if any(c._meta.call_chain for c in chosen):
            raise ValueError(CHILD_COLUMN_ERROR)
        self.columns, self.load_json = chosen, load_json

    @property
    def _columns(self) -> list[Column[Any]]:
        """The row's columns to reload: those given, else all but the primary key."""
        pk = self.table._meta.primary_key
        return self.columns or [c for c in self.table._meta.columns if c is not pk]

    def _plan(self) -> tuple[list[Column[Any]], list[Target], list[tuple[TableBase, str, Any]]]:
        """The columns to select, where each value goes, and the prefetched rows refreshed
        (each with its parent and attribute, so a row now gone becomes None)."""
        top = self._columns
        columns: list[Column[Any]] = []
        targets: list[Target] = []
        children: list[tuple[TableBase, str, Any]] = []

        def visit(instance: TableBase, wanted: Sequence[Column[Any]]) -> None:
            for column in wanted:
                name = column._meta.name
                child = instance.__dict__.get(name)
                if isinstance(column, ForeignKey) and isinstance(child, TableBase):
                    # The whole child row again, its key included: the key may now point
                    # at another row.
                    children.append((instance, name, child))
                    visit(child, column.all_columns())
                else:
                    columns.append(column)
                    targets.append((instance, name))

        visit(self.row, top)
        return columns, targets, children

    def _select(self, columns: Sequence[Column[Any]]) -> Any:
        pk = self.table._meta.primary_key
        query = self.table.select(*columns).where(pk == self.row._pk_value())
        return query.output(load_json=self.load_json).first()

    def _check(self) -> None:
        if not self.row._exists_in_db:
            raise ValueError(NOT_IN_DB_ERROR)
        if self.row._pk_value() is None:
            raise ValueError(NO_PK_ERROR)

    def _statement(self) -> Any:
        return self._select(self._plan()[0])._statement()

    async def _run(self, engine: Engine) -> RowT:
        self._check()
        columns, targets, children = self._plan()
        if not columns:
            raise ValueError(NO_COLUMNS_ERROR)
        found = await self._select(columns)._run(engine)
        if found is None:
            raise ValueError(GONE_ERROR)
        for (instance, name), value in zip(targets, found.values()):
            instance.__dict__[name] = value
        # A prefetched row whose key is now NULL is gone: its parent holds None.
        for parent, name, child in reversed(children):
            if child._pk_value() is None:
                parent.__dict__[name] = None
        return self.row
