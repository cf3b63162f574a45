"""Relations that give each row a *list* of related rows: ``M2M`` and ``ReverseForeignKey``.

Neither is a database column. Calling one makes a select item (a ``RelatedRows`` node);
passing one to ``objects()`` loads the related instances.

Example::

    class Manager(Table):
        name = Varchar()
        bands = ReverseForeignKey(LazyTableReference("Band", module_path=__name__))

    class Band(Table):
        name = Varchar()
        manager = ForeignKey(Manager)
        genres = M2M(LazyTableReference("GenreToBand", module_path=__name__))

    Manager.select(Manager.name, Manager.bands(Band.name, as_list=True))
    # [{"name": "Guido", "bands": ["Pythonistas", "Rustaceans"]}, ...]
    Band.select(Band.name, Band.genres(Genre.name, as_list=True))
    # [{"name": "Pythonistas", "genres": ["Rock", "Folk"]}, ...]
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, Self, overload

from vivace.exceptions import ConfigurationError, QueryError
from vivace.schema.column import Column
from vivace.schema.column_typing import FarT
from vivace.schema.foreign_key import ForeignKey, JoinOn, LazyTableReference
from vivace.schema.registry import find_table
from vivace.sql.nodes import Condition, OrderItem, PostfixOp
from vivace.sql.related import RelatedRows
from vivace.types import ValueType


class RelatedSpec:
    """What a ``RelatedRows`` node asks for, as seen from the table holding the link.

    The ORM uses it where the database cannot aggregate rows: it selects ``columns``
    (named ``names``) from ``relation.source_table`` where ``relation.source_fk`` is one
    of the outer rows' keys, ordered by ``order``.
    """

    __slots__ = ("relation", "columns", "names", "order", "as_list", "load_json", "objects")

    def __init__(
        self,
        relation: Relation,
        columns: tuple[Column[Any], ...],
        names: tuple[str, ...],
        order: tuple[tuple[Column[Any], bool], ...],
        as_list: bool,
        load_json: bool,
        objects: bool,
    ) -> None:
        self.relation, self.columns, self.names, self.order = relation, columns, names, order
        self.as_list, self.load_json, self.objects = as_list, load_json, objects


class Relation(Generic[FarT]):
    """Base of ``M2M`` and ``ReverseForeignKey``: a named list of related rows per row.

    Subclasses work out, on first use, the *source* table holding the foreign key to this
    table (``source_fk``), the key of this table it points at (``parent_key``), and for
    M2M the foreign key ``via`` from the joining table to the far table.

    For type checkers a relation is generic in the far table, whose rows it lists:
    ``bands: ReverseForeignKey[Band] = ReverseForeignKey(LazyTableReference("Band", ...))``
    makes ``await manager.get_related(Manager.bands)`` a ``list[Band]``, and so is
    ``manager.bands`` on a row fetched with ``Manager.objects(Manager.bands)`` (on other
    rows the attribute is not filled in).
    """

    def __init__(self) -> None:
        self.name = ""
        self.table: Any = None
        self._links: tuple[Any, ForeignKey[Any], ForeignKey[Any] | None, Any] | None = None
        self._step: JoinOn | None = None
        self._objects_nodes: dict[bool, RelatedRows] = {}

    if TYPE_CHECKING:
        # On the class, the relation (a select item); on a row fetched with it
        # (``Manager.objects(Manager.bands)``), the list of related rows.
        @overload
        def __get__(self, obj: None, objtype: Any) -> Self: ...
        @overload
        def __get__(self, obj: object, objtype: Any) -> list[FarT]: ...
        def __get__(self, obj: object | None, objtype: Any) -> Self | list[FarT]: ...

    def _bind(self, table: Any, name: str) -> None:
        self.table, self.name = table, name

    def _copy_for_table(self) -> Relation:
        """An unbound copy for a subclass table, with nothing resolved yet."""
        new = copy.copy(self)
        new.table, new._links, new._step, new._objects_nodes = None, None, None, {}
        return new

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self.table, '__name__', '?')}.{self.name}>"

    # the links, resolved on first use ------------------------------------------------------
    def _resolve(self) -> tuple[Any, ForeignKey[Any], ForeignKey[Any] | None, Any]:
        """(source table, its foreign key to this table, the key on to the far table, far table)."""
        raise NotImplementedError

    def _resolved(self) -> tuple[Any, ForeignKey[Any], ForeignKey[Any] | None, Any]:
        if self._links is None:
            if self.table is None:
                raise ConfigurationError(f"{self!r} is not declared on a Table class")
            self._links = self._resolve()
        return self._links

    @property
    def source_table(self) -> Any:
        """The table holding the foreign key to this table (the joining table for M2M)."""
        return self._resolved()[0]

    @property
    def source_fk(self) -> ForeignKey[Any]:
        """The source table's foreign key pointing at this table."""
        return self._resolved()[1]

    @property
    def via(self) -> ForeignKey[Any] | None:
        """M2M: the joining table's foreign key to the far table; None for a reverse key."""
        return self._resolved()[2]

    @property
    def far_table(self) -> Any:
        """The table whose rows are listed."""
        return self._resolved()[3]

    @property
    def parent_key(self) -> Column[Any]:
        """The column of this table the source foreign key points at (usually the pk)."""
        column: Column[Any] = self.source_fk.target_column
        return column

    @property
    def step(self) -> JoinOn:
        """The join from this table's key to the source table, aliased apart (``"bands[]"``)."""
        if self._step is None:
            self._step = JoinOn(
                self.parent_key, self.source_fk, name=self.name, alias=f"{self.name}[]"
            )
        return self._step

    # columns ----------------------------------------------------------------------------------
    def _far_column(self, column: Any) -> Column[Any]:
        far = self.far_table
        if isinstance(column, str):
            column = far._meta.get_column_by_name(column)
        if isinstance(column, Column):
            chain = column._meta.call_chain
            if (chain[0] if chain else column)._meta.table is far:
                return column
        raise QueryError(f"{self!r} lists rows of {far.__name__}; got the column {column!r}")

    def _from_source(self, column: Column[Any]) -> Column[Any]:
        """A far column reached from the source table (through ``via`` for M2M)."""
        via = self.via
        return column if via is None else _reach(via, column)

    def _rooted(self, column: Column[Any]) -> Column[Any]:
        """A far column reached from this table through the relation's step."""
        step: ForeignKey[Any] = self.step
        via = self.via
        if via is not None:
            step = step._column(via._meta.name)
        return _reach(step, column)

    def _default_order(self) -> tuple[Column[Any], Column[Any]]:
        """(rooted, from source) primary key of the source table: the order rows were added."""
        pk = self.source_table._meta.primary_key
        return self.step._column(pk._meta.name), pk

    def _where(self) -> tuple[Condition | None, Condition | None]:
        """(rooted, from source) filter: M2M skips joining rows that point nowhere."""
        via = self.via
        if via is None:
            return None, None
        return PostfixOp(self.step._column(via._meta.name), "IS NOT NULL"), via.is_not_null()

    # select items --------------------------------------------------------------------------
    def __call__(
        self,
        *columns: Any,
        as_list: bool = False,
        load_json: bool = False,
        order_by: Any = None,
        ascending: bool = True,
    ) -> RelatedRows:
        """The related rows as a select item.

        No columns: every column of the far table, each row a dict. One column with
        ``as_list=True``: a list of values. ``order_by`` (far-table columns) sorts the list;
        by default rows come in the order they were added (the source table's key).
        """
        chosen = tuple(self._far_column(c) for c in _flatten(columns))
        if not chosen:
            chosen = tuple(self.far_table._meta.columns)
        if as_list and len(chosen) != 1:
            raise QueryError(f"{self.name}(..., as_list=True) takes exactly one column")
        names = tuple(c._meta.get_full_name() for c in chosen)
        return self._node(chosen, names, order_by, ascending, as_list, load_json, objects=False)

    def _objects_node(self, load_json: bool) -> RelatedRows:
        """Every far column, keyed by attribute name: what ``objects()`` builds instances from."""
        node = self._objects_nodes.get(load_json)
        if node is None:
            chosen = tuple(self.far_table._meta.columns)
            names = tuple(c._meta.name for c in chosen)
            node = self._node(chosen, names, None, True, False, load_json, objects=True)
            self._objects_nodes[load_json] = node
        return node

    def _node(
        self,
        chosen: tuple[Column[Any], ...],
        names: tuple[str, ...],
        order_by: Any,
        ascending: bool,
        as_list: bool,
        load_json: bool,
        objects: bool,
    ) -> RelatedRows:
        if order_by is None:
            rooted_pk, source_pk = self._default_order()
            rooted_order: tuple[OrderItem, ...] = (OrderItem(rooted_pk, True),)
            source_order: tuple[tuple[Column[Any], bool], ...] = ((source_pk, True),)
        else:
            far = [self._far_column(c) for c in _flatten([order_by])]
            rooted_order = tuple(OrderItem(self._rooted(c), ascending) for c in far)
            source_order = tuple((self._from_source(c), ascending) for c in far)
        rooted_where, _ = self._where()
        vtype = ValueType("rows", (as_list, names, tuple(c.value_type for c in chosen), load_json))
        spec = RelatedSpec(
            self,
            tuple(self._from_source(c) for c in chosen),
            names,
            source_order,
            as_list,
            load_json,
            objects,
        )
        rooted = tuple(self._rooted(c) for c in chosen)
        return RelatedRows(self.step, rooted, rooted_order, rooted_where, self.name, vtype, spec)


class M2M(Relation[FarT]):
    """A many-to-many relation through a joining table with two foreign keys.

    Example::

        class Band(Table):
            genres = M2M(LazyTableReference("GenreToBand", module_path=__name__))

        class GenreToBand(Table):
            band = ForeignKey(Band)
            genre = ForeignKey(Genre)

        Band.select(Band.name, Band.genres(Genre.name, as_list=True))

    ``foreign_key_columns`` (keys or their names) picks the two keys when the joining table
    has more: ``M2M(LazyTableReference(...), foreign_key_columns=["band", "genre"])``.
    """

    def __init__(
        self,
        joining_table: type[Any] | LazyTableReference,
        foreign_key_columns: Sequence[ForeignKey[Any] | str] | None = None,
    ) -> None:
        super().__init__()
        self._joining_table = joining_table
        self.foreign_key_columns = foreign_key_columns

    @property
    def joining_table(self) -> Any:
        """The joining Table class: ``Band.genres.joining_table`` -> ``GenreToBand``."""
        if isinstance(self._joining_table, LazyTableReference):
            return self._joining_table.resolve()
        return self._joining_table

    @property
    def primary_foreign_key(self) -> ForeignKey[Any]:
        """The joining table's key to this table (``GenreToBand.band``)."""
        primary: ForeignKey[Any] = self.source_fk
        return primary

    @property
    def secondary_foreign_key(self) -> ForeignKey[Any]:
        """The joining table's key to the other table (``GenreToBand.genre``)."""
        via: ForeignKey[Any] | None = self.via
        assert via is not None
        return via

    def _resolve(self) -> tuple[Any, ForeignKey[Any], ForeignKey[Any] | None, Any]:
        joining = self.joining_table
        keys = joining._meta.foreign_key_columns
        if self.foreign_key_columns:
            names = [k if isinstance(k, str) else k._meta.name for k in self.foreign_key_columns]
            keys = [joining._meta.column_by_name[name] for name in names]
        primary = next((fk for fk in keys if fk.resolved_references is self.table), None)
        if primary is None:
            raise ConfigurationError(
                f"{joining.__name__} has no foreign key to {self.table.__name__} for {self!r}"
            )
        others = [fk for fk in keys if fk is not primary]
        if not others:
            raise ConfigurationError(f"{joining.__name__} needs a second foreign key for {self!r}")
        secondary = others[0]
        return joining, primary, secondary, secondary.resolved_references


class ReverseForeignKey(Relation[FarT]):
    """The rows of another table whose foreign key points at this row (one-to-many).

    Example::

        class Manager(Table):
            name = Varchar()
            bands = ReverseForeignKey(LazyTableReference("Band", module_path=__name__))

        Manager.select(Manager.name, Manager.bands(Band.name, as_list=True))
        Manager.objects(Manager.bands)                 # manager.bands: a list of Band
        await manager.get_related(Manager.bands)       # the same list for one manager

    ``references`` is the table holding the key (a class, its name, ``"self"`` or a
    ``LazyTableReference``); ``foreign_key`` names the key when it has several to this table.
    """

    def __init__(
        self,
        references: type[FarT] | LazyTableReference | str,
        foreign_key: str | ForeignKey[Any] | None = None,
    ) -> None:
        super().__init__()
        self._references = references
        self._foreign_key = foreign_key

    def _resolve(self) -> tuple[Any, ForeignKey[Any], ForeignKey[Any] | None, Any]:
        ref = self._references
        if isinstance(ref, LazyTableReference):
            child = ref.resolve()
        elif ref == "self":
            child = self.table
        elif isinstance(ref, str):
            child = find_table(ref, None, near=self.table)
        else:
            child = ref
        wanted = self._foreign_key
        if wanted is not None:
            name = wanted if isinstance(wanted, str) else wanted._meta.name
            fk = child._meta.column_by_name.get(name)
            if not isinstance(fk, ForeignKey) or fk.resolved_references is not self.table:
                raise ConfigurationError(
                    f"{child.__name__}.{name} is not a foreign key to {self.table.__name__}"
                )
            return child, fk, None, child
        keys = [
            fk for fk in child._meta.foreign_key_columns if fk.resolved_references is self.table
        ]
        if len(keys) != 1:
            raise ConfigurationError(
                f"{child.__name__} has {len(keys)} foreign keys to {self.table.__name__}: "
                f"name one with ReverseForeignKey(..., foreign_key='...')"
            )
        return child, keys[0], None, child


def _reach(start: ForeignKey[Any], column: Column[Any]) -> Column[Any]:
    """``column`` (and the keys on its way) reached through ``start``; cached by the keys."""
    current: Any = start
    for fk in column._meta.call_chain:
        current = current._column(fk._meta.name)
    return current._column(column._meta.name)  # type: ignore[no-any-return]


def _flatten(items: Sequence[Any]) -> list[Any]:
    result: list[Any] = []
    for item in items:
        if isinstance(item, list | tuple):
            result.extend(item)
        else:
            result.append(item)
    return result
