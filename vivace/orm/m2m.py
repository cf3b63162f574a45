"""M2M on one row: ``get_m2m``, ``add_m2m`` (idempotent) and ``remove_m2m``.

Example::

    rock = Genre(name="Rock")
    await band.add_m2m(rock, m2m=Band.genres)      # saves rock, links it
    await band.add_m2m(rock, m2m=Band.genres)      # already linked: no second joining row
    await band.get_m2m(Band.genres)                # [<Genre: 1>]
    await band.remove_m2m(rock, m2m=Band.genres)
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any

from vivace.engine import Engine
from vivace.exceptions import QueryError
from vivace.orm.query import Query, resolve_column
from vivace.orm.related import related_objects
from vivace.orm.write import Delete, Insert, storable
from vivace.schema import M2M, Column, TableBase, Unique
from vivace.sql import Node


def _check(row: Any, m2m: Any) -> M2M:
    if not isinstance(m2m, M2M):
        raise QueryError(f"m2m= takes an M2M relation such as Band.genres, got {m2m!r}")
    if m2m.table is not type(row):
        raise QueryError(f"{m2m!r} is not a relation of {type(row).__name__}")
    return m2m


def get_m2m(row: Any, m2m: Any) -> Any:
    """The far rows linked to ``row``, in the order they were linked."""
    return related_objects(row, _check(row, m2m))


def _row_key(row: Any, m2m: M2M) -> Any:
    key = row.__dict__.get(m2m.parent_key._meta.name)
    if key is None:
        raise QueryError(f"{row!r} has no key value yet: save it before linking rows to it")
    return key


def _far_key(m2m: M2M, far: Any) -> Any:
    via = m2m.secondary_foreign_key
    if isinstance(far, TableBase):
        return storable(far, via)
    return far  # a key value given as is


class AddM2M(Query[list[dict[str, Any]]]):
    """``await band.add_m2m(*genres, m2m=Band.genres, extra_column_values={...})``.

    Unsaved far rows are saved first. A pair that is linked already is left as it is, so
    adding twice makes no second joining row. Returns the new joining rows' keys.
    """

    def __init__(
        self,
        row: Any,
        rows: Sequence[Any],
        m2m: Any,
        extra_column_values: Mapping[Any, Any] | None,
    ) -> None:
        self.m2m = _check(row, m2m)
        super().__init__(self.m2m.joining_table)
        self.row, self.rows = row, tuple(rows)
        if not self.rows:
            raise QueryError("add_m2m() needs at least one row")
        far = self.m2m.far_table
        for item in self.rows:
            if isinstance(item, TableBase) and not isinstance(item, far):
                raise QueryError(f"add_m2m() links {far.__name__} rows, got {item!r}")
        self.extra = {
            (k if isinstance(k, Column) else resolve_column(self.table, k))._meta.name: v
            for k, v in (extra_column_values or {}).items()
        }

    def _insert(self, key: Any, far_keys: Sequence[Any]) -> Insert:
        m2m = self.m2m
        primary, via = m2m.primary_foreign_key._meta.name, m2m.secondary_foreign_key._meta.name
        joining = self.table
        links = [joining(**{**self.extra, primary: key, via: far}) for far in far_keys]
        insert = Insert(joining, links)
        if _pair_is_unique(m2m):
            # Another task may link the same pair meanwhile: the constraint keeps it single.
            insert = insert.on_conflict(action="DO NOTHING")
        return insert

    def _statement(self) -> Node:
        far_keys = [_far_key(self.m2m, r) for r in self.rows]
        return self._insert(_row_key(self.row, self.m2m), far_keys)._statement()

    async def _run(self, engine: Engine) -> list[dict[str, Any]]:
        m2m, joining = self.m2m, self.table
        key = _row_key(self.row, m2m)
        primary, via = m2m.primary_foreign_key, m2m.secondary_foreign_key
        async with engine.transaction():
            for item in self.rows:
                if isinstance(item, TableBase) and not item._exists_in_db:
                    await item.save()._run(engine)  # type: ignore[attr-defined]
            wanted = tuple(dict.fromkeys(_far_key(m2m, r) for r in self.rows))
            linked = (
                await joining.select(via)
                .where(primary == key, via.is_in(wanted))
                .output(as_list=True)
                ._run(engine)
            )
            missing = [far for far in wanted if far not in set(linked)]
            added: list[dict[str, Any]] = []
            if missing:
                added = await self._insert(key, missing)._run(engine)
        return added

    def __await__(self) -> Generator[Any, None, list[dict[str, Any]]]:
        return self.run().__await__()


class RemoveM2M(Query[list[dict[str, Any]]]):
    """``await band.remove_m2m(*genres, m2m=Band.genres)``: unlinks; the rows themselves stay."""

    def __init__(self, row: Any, rows: Sequence[Any], m2m: Any) -> None:
        self.m2m = _check(row, m2m)
        super().__init__(self.m2m.joining_table)
        self.row, self.rows = row, tuple(rows)

    def _delete(self) -> Delete:
        m2m = self.m2m
        key = _row_key(self.row, m2m)
        far_keys = tuple(_far_key(m2m, r) for r in self.rows)
        primary, via = m2m.primary_foreign_key, m2m.secondary_foreign_key
        return Delete(self.table).where(primary == key, via.is_in(far_keys))

    def _statement(self) -> Node:
        return self._delete()._statement()

    async def _run(self, engine: Engine) -> list[dict[str, Any]]:
        if not self.rows:
            return []
        return await self._delete()._run(engine)

    def __await__(self) -> Generator[Any, None, list[dict[str, Any]]]:
        return self.run().__await__()


def _pair_is_unique(m2m: M2M) -> bool:
    pair = {m2m.primary_foreign_key._meta.name, m2m.secondary_foreign_key._meta.name}
    return any(
        isinstance(c, Unique) and {col._meta.name for col in c.columns} == pair
        for c in m2m.joining_table._meta.constraints
    )
