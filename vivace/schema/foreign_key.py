"""Foreign keys, lazy table references, and joins on any columns (``join_on``).

Example::

    class Band(Table):
        manager = ForeignKey(references=Manager, on_delete=OnDelete.set_null)

    Band.select(Band.name, Band.manager.name)   # LEFT JOIN manager, key "manager.name"

M2M and reverse one-to-many relations live in ``vivace.schema.relations``.
"""

from __future__ import annotations

import copy
import importlib
from typing import TYPE_CHECKING, Any, Generic, Self, Unpack, overload

from vivace.exceptions import ConfigurationError, InvalidValue
from vivace.schema.column import UNSET, Column, ColumnKwargs, OnDelete, OnUpdate
from vivace.schema.column_typing import (
    KeyT,
    NotNullKey,
    NullableKey,
    RowT,
    StrKeyedT,
    TableT,
    UUIDKeyedT,
)
from vivace.schema.registry import find_table
from vivace.sql.nodes import Condition, ValueComparison
from vivace.types import ValueType
from vivace.types.checks import value_check

if TYPE_CHECKING:
    import uuid

    from vivace.schema.table import TableBase

# Serial keys are plain integers once they are referenced.
_REFERENCE_TYPES = {"serial": ValueType("integer"), "bigserial": ValueType("bigint")}
#: ``object.__new__``, bound once: comparison nodes are made without their ``__init__``.
_new = object.__new__


class LazyTableReference:
    """Names a table defined later or elsewhere.

    Example: ``LazyTableReference("Manager", module_path="music.tables")``.
    """

    def __init__(
        self, table_class_name: str, app_name: str | None = None, module_path: str | None = None
    ) -> None:
        # Piccolo's errors
        if app_name is None and module_path is None:
            raise ValueError("You must specify either app_name or module_path.")
        if app_name is not None and module_path is not None:
            raise ValueError("Specify either app_name or module_path - not both.")
        self.table_class_name, self.app_name, self.module_path = (
            table_class_name,
            app_name,
            module_path,
        )

    def resolve(self) -> Any:
        """The Table class this reference names.

        Example: ``LazyTableReference("Manager", module_path="music.tables").resolve()``
        -> ``Manager``.
        """
        if self.module_path is not None:
            module = importlib.import_module(self.module_path)
            table = getattr(module, self.table_class_name, None)
            if table is None:
                raise ConfigurationError(
                    f"{self.module_path} has no table class {self.table_class_name!r}"
                )
            return table
        return find_table(self.table_class_name, self.app_name)

    def __repr__(self) -> str:
        return f"LazyTableReference({self.table_class_name!r})"

    def __str__(self) -> str:
        """Piccolo's text: ``App music.Manager`` or ``Module music.tables.Manager``."""
        if self.app_name is not None:
            return f"App {self.app_name}.{self.table_class_name}"
        return f"Module {self.module_path}.{self.table_class_name}"


class ForeignKey(Column[Any], Generic[TableT, KeyT]):
    """A reference to another table's row; attribute access walks the join.

    ``references`` may be a Table class, its name, ``"self"`` or a ``LazyTableReference``.
    Example: ``Band.manager.name`` selects the manager's name through a LEFT JOIN.

    For type checkers ``ForeignKey(Manager)`` is a ``ForeignKey[Manager, int | None]``: on
    a row its value is the stored key (``int | None``; ``int`` with ``null=False``) or,
    once prefetched, a ``Manager`` (``band.manager`` reads as ``Manager | int | None``:
    narrow it with ``isinstance``). ``Band.manager._.name`` is the manager's ``name``
    column, typed (a ``Varchar``; a typo is an error); Piccolo's spelling
    ``Band.manager.name`` is the same column, a ``JoinedColumn`` for checkers (any name
    goes: the checkers cannot map a name to its column). The key is typed by the target's
    ``id``: a ``uuid.UUID`` for ``id: UUID = UUID(primary_key=True)``, a ``str`` for a text
    ``id``, else a Serial's ``int`` (a key named otherwise, ``"self"`` and lazy references
    included: say the key's type in an annotation, ``ForeignKey[Manager, str | None]``). A
    bare ``ForeignKey[Manager]`` annotation leaves the key's type open (``Any``).
    """

    # The key's type is the target's ``id``: a UUID, a text key, else a Serial's int.
    @overload
    def __init__(
        self: ForeignKey[UUIDKeyedT, uuid.UUID],
        references: type[UUIDKeyedT],
        default: Any = ...,
        **kwargs: Unpack[NotNullKey],
    ) -> None: ...
    @overload
    def __init__(
        self: ForeignKey[UUIDKeyedT, uuid.UUID | None],
        references: type[UUIDKeyedT],
        default: Any = ...,
        **kwargs: Unpack[NullableKey],
    ) -> None: ...
    @overload
    def __init__(
        self: ForeignKey[StrKeyedT, str],
        references: type[StrKeyedT],
        default: Any = ...,
        **kwargs: Unpack[NotNullKey],
    ) -> None: ...
    @overload
    def __init__(
        self: ForeignKey[StrKeyedT, str | None],
        references: type[StrKeyedT],
        default: Any = ...,
        **kwargs: Unpack[NullableKey],
    ) -> None: ...
    @overload
    def __init__(
        self: ForeignKey[RowT, int],
        references: type[RowT],
        default: Any = ...,
        **kwargs: Unpack[NotNullKey],
    ) -> None: ...
    @overload
    def __init__(
        self: ForeignKey[RowT, int | None],
        references: type[RowT],
        default: Any = ...,
        **kwargs: Unpack[NullableKey],
    ) -> None: ...

    # A lazy reference or a name: the target is known from an annotation only (the class
    # parameter lets the checkers take it from ``headliner: ForeignKey[Band, int] = ...``).
    @overload
    def __init__(
        self: ForeignKey[TableT, int],
        references: LazyTableReference | str,
        default: Any = ...,
        **kwargs: Unpack[NotNullKey],
    ) -> None: ...
    @overload
    def __init__(
        self: ForeignKey[TableT, int | None],
        references: LazyTableReference | str,
        default: Any = ...,
        **kwargs: Unpack[NullableKey],
    ) -> None: ...

    def __init__(
        self,
        references: type[Any] | LazyTableReference | str,
        default: Any = UNSET,
        on_delete: OnDelete = OnDelete.cascade,
        on_update: OnUpdate = OnUpdate.cascade,
        target_column: str | Column[Any] | None = None,
        **kwargs: Unpack[ColumnKwargs],
    ) -> None:
        kwargs.setdefault("null", True)
        if not isinstance(on_delete, OnDelete):
            raise TypeError(f"on_delete must be an OnDelete member, got {on_delete!r}")
        if not isinstance(on_update, OnUpdate):
            raise TypeError(f"on_update must be an OnUpdate member, got {on_update!r}")
        if isinstance(references, str) and references.startswith("."):
            raise ValueError("Relative imports aren't allowed")  # Piccolo's error
        self._references = references
        self._resolved: Any = None
        self.on_delete, self.on_update = on_delete, on_update
        self._target_column = target_column
        super().__init__(default=None if default is UNSET else default, **kwargs)
        self.__dict__["_joins"] = {}
        if isinstance(references, type) and default is not UNSET:
            self._check_key_default(references, default)

    def _check_key_default(self, target: Any, default: Any) -> None:
        """A plain default must be a key of the target table, checked as a value sent to its
        primary key is (``ValueError``, as Piccolo's ``ForeignKey(default="x")`` on an integer
        key). A callable, a row or None is taken as it is."""
        if default is None or callable(default) or hasattr(type(default), "_meta"):
            return
        meta = getattr(target, "_meta", None)
        if meta is None:
            return
        check = value_check(meta.primary_key.value_type, store=True)
        try:
            if check is not None:
                check(default)
        except InvalidValue as error:
            message = f"the default of the ForeignKey does not fit its key: {error}"
            raise ValueError(message) from None

    # resolution -------------------------------------------------------------------------
    @property
    def _foreign_key_meta_references(self) -> Any:
        return self.resolved_references

    @property
    def _foreign_key_meta(self) -> ForeignKeyMeta:
        """Piccolo's view of this key's options, read from the key itself (nothing copied).

        Example: ``Band.manager._foreign_key_meta.resolved_references`` -> ``Manager``.
        """
        return ForeignKeyMeta(self)

    @property
    def resolved_references(self) -> type[TableT]:
        """The referenced Table class (resolved on first use).

        Example: ``Band.manager.resolved_references`` -> ``Manager``.
        """
        if self._resolved is None:
            self._resolved = self._find_target()
        resolved: type[TableT] = self._resolved
        return resolved

    def _find_target(self) -> Any:
        """The table ``references`` names, looked up now (``resolved_references`` keeps it)."""
        ref = self._references
        if isinstance(ref, LazyTableReference):
            return ref.resolve()
        if isinstance(ref, str):
            if ref == "self":
                return self._meta.table
            if "." in ref:
                return _dotted_reference(ref)
            return find_table(ref, None, near=self._meta.table)
        return ref

    def _points_at(self, table: type[TableBase]) -> bool:
        """Whether this key references ``table``; a target not resolved yet is looked up
        without being kept (the table it names may not be defined yet).

        Example: ``Band.manager._points_at(Manager)`` -> ``True``.
        """
        resolved = self._resolved
        if resolved is not None:
            return resolved is table
        ref = self._references
        if ref == "self":
            return self._meta.table is table
        if isinstance(ref, LazyTableReference):
            name = ref.table_class_name
        elif isinstance(ref, str):
            name = ref.rpartition(".")[2]
        else:
            return ref is table
        if name not in (table.__name__, table._meta.tablename):
            return False
        try:
            return self._find_target() is table
        except (ConfigurationError, ImportError):  # not defined (yet), or ambiguous
            return False

    if TYPE_CHECKING:

        @property
        def _target_table(self) -> type[TableBase]:
            """``resolved_references`` typed as a table, for this module's code: ``TableT``
            has no bound (a key's overloads match a table by the type of its ``id``, a
            protocol)."""
            ...
    else:
        _target_table = resolved_references  # the same property: no extra call

    def _check_options(self) -> None:
        """Nothing to check when the key is made: its type is its target's, which may not be
        defined yet; its values are checked when they are sent."""

    @property
    def target_column(self) -> Column[Any]:
        """The referenced column: the target's primary key unless ``target_column`` names one.

        Example: ``Band.manager.target_column`` -> ``Manager.id``;
        ``ForeignKey(Band, target_column="name")`` gives ``Band.name`` (a unique column).
        """
        target = self._target_column
        table = self._target_table
        if target is None:
            return table._meta.primary_key
        if isinstance(target, str):
            return table._meta.get_column_by_name(target)
        return target

    @property
    def value_type(self) -> ValueType:
        """The target column's type (a serial key is referenced as an integer).

        Example: ``Band.manager.value_type`` -> ``ValueType(name='integer', args=())``.
        """
        # Read on every comparison with the key: kept per resolved target (one call, not
        # four); a copy for another table resolves its target again, and so this.
        cached = self.__dict__.get("_value_type_for")
        if cached is not None and cached[0] is self._resolved:
            vtype: ValueType = cached[1]
            return vtype
        target: ValueType = self.target_column.value_type
        vtype = _REFERENCE_TYPES.get(target.name, target)
        self.__dict__["_value_type_for"] = (self._resolved, vtype)
        return vtype

    # joins ----------------------------------------------------------------------------
    @property
    def _step(self) -> tuple[Any, ...]:
        """This key's part of the shape of the columns reached through it."""
        return (self._meta.table, self._meta.name)

    @property
    def _alias_segment(self) -> str:
        """This key's part of the alias of the tables joined through it."""
        return self._meta.name

    @property
    def _key_segment(self) -> str:
        """This key's part of the result keys of columns reached through it (Piccolo uses
        the database column name: ``"manager_fk.name"``)."""
        return self._meta.db_column_name

    def _joined(self, chain: tuple[ForeignKey[Any], ...]) -> Any:
        new = super()._joined(chain)
        self._forget_joins(new)  # the copy joins along another path
        return new

    def _copy_for_table(self) -> Any:
        new = super()._copy_for_table()
        self._forget_joins(new)
        if not isinstance(self._references, type):
            new._resolved = None  # "self" and lazy references resolve again for the new table
        return new

    def _forget_joins(self, new: ForeignKey[Any]) -> None:
        """Drop what a (shallow) copy took over from this key's caches of joined columns."""
        values = new.__dict__
        for name in self.__dict__["_joins"]:
            if values.get(name) is self.__dict__.get(name):
                values.pop(name, None)
        values["_joins"] = {}
        values.pop("_join_node", None)
        values.pop("_reversed", None)

    def _column(self, name: str) -> Any:
        """The target's column ``name`` reached through this key, made once and cached."""
        joins: dict[str, Any] = self.__dict__["_joins"]
        column = joins.get(name)
        if column is None:
            table = self._target_table
            target = table._meta.column_by_name.get(name)
            if target is None:
                raise AttributeError(f"{table.__name__} has no column {name!r}")
            column = target._joined((*self._meta.call_chain, self))
            joins[name] = column
        return column

    if not TYPE_CHECKING:

        def __class_getitem__(cls, params: Any) -> Any:
            # ``ForeignKey[Manager]`` in an annotation read at run time: the key type has a
            # default for type checkers only (TypeVar defaults need Python 3.13).
            if not isinstance(params, tuple):
                params = (params, Any)
            return super().__class_getitem__(params)

        def __getattr__(self, name: str) -> Any:
            # Only reached when normal lookup fails: treat the name as a target column. The
            # column is kept as an instance attribute, so later reads are plain lookups.
            if name.startswith("__") or "_meta" not in self.__dict__:
                raise AttributeError(name)
            column = self._column(name)
            self.__dict__[name] = column
            return column

    # A related row compares as the value of the column this key points at.
    def __eq__(self, other: object) -> Condition:  # type: ignore[override]
        if type(other) is int:  # a key value itself (the common case): no row to read
            # Built here as ``ColumnNode.__eq__`` builds it, without the ``super()`` call
            # (about a third of this comparison's cost).
            node = _new(ValueComparison)
            node.left, node.op, node.value, node._param = self, "=", other, None
            return node
        return super().__eq__(key_value(self, other))

    def __ne__(self, other: object) -> Condition:  # type: ignore[override]
        return super().__ne__(key_value(self, other))

    def is_in(self, values: Any) -> Condition:
        if isinstance(values, list | tuple | set) and values:
            values = [key_value(self, v) for v in values]
        return super().is_in(values)

    def not_in(self, values: Any) -> Condition:
        if isinstance(values, list | tuple | set) and values:
            values = [key_value(self, v) for v in values]
        return super().not_in(values)

    __hash__ = Column.__hash__

    @property
    def _(self) -> type[TableT]:
        """Typed access to the target's columns: ``Band.manager._.name`` is, for type
        checkers, ``Manager.name`` (a ``Varchar``); at run time it is this key, whose
        attributes are the target's columns reached through it."""
        return self  # type: ignore[return-value]

    def all_columns(self, exclude: list[Any] | None = None) -> list[Column[Any]]:
        """Every column of the target, reached through this key: ``Band.manager.all_columns()``."""
        excluded = {c if isinstance(c, str) else c._meta.name for c in exclude or ()}
        table = self._target_table
        return [
            self._column(c._meta.name) for c in table._meta.columns if c._meta.name not in excluded
        ]

    def all_related(self, exclude: list[Any] | None = None) -> list[ForeignKey[Any]]:
        """The target's foreign keys reached through this one, for prefetching a whole path.

        Example: ``Concert.objects(Concert.band_1, *Concert.band_1.all_related())``.
        """
        excluded = {c if isinstance(c, str) else c._meta.name for c in exclude or ()}
        table = self._target_table
        return [
            self._column(fk._meta.name)
            for fk in table._meta.foreign_key_columns
            if fk._meta.name not in excluded
        ]

    def _source_column(self) -> Column[Any]:
        """This key as a column of its own table, without the path that reached it."""
        return self._meta.table._meta.column_by_name[self._meta.name]  # type: ignore[no-any-return]

    def reverse(self) -> JoinOn:
        """Walk this key backwards, from the row pointed at to the row pointing (one-to-one).

        Example: ``Band.select(Band.name, FanClub.band.reverse().address)`` gives each band
        its fan club's address under the key ``"fan_club.address"``; a path reverses too:
        ``Ticket.concert.band_1.reverse()`` leads from a band to its tickets' rows.
        """
        cached: JoinOn | None = self.__dict__.get("_reversed")
        if cached is not None:
            return cached
        step: JoinOn | None = None
        for fk in reversed((*self._meta.call_chain, self)):
            left = fk.target_column
            if step is not None:
                left = step._column(left._meta.name)
            step = JoinOn(left, fk._source_column())
        assert step is not None
        self.__dict__["_reversed"] = step
        return step

    if TYPE_CHECKING:
        # Piccolo's spelling ``Band.manager.name``: any name the key itself lacks is a
        # column of the target, which checkers cannot look up by name (``_`` can).
        def __getattr__(self, name: str) -> JoinedColumn: ...

        @overload
        def __get__(self, obj: None, objtype: Any) -> Self: ...
        @overload
        def __get__(self, obj: object, objtype: Any) -> TableT | KeyT: ...
        def __get__(self, obj: object | None, objtype: Any) -> Self | TableT | KeyT: ...
        def __set__(self, obj: object, value: TableT | KeyT) -> None: ...


class ForeignKeyMeta:
    """What Piccolo keeps of a foreign key's options in ``_foreign_key_meta``, here a view of
    the key: every attribute is read from the key when asked, so it never disagrees with it.

    Example::

        meta = Band.manager._foreign_key_meta
        meta.resolved_references            # Manager
        meta.on_delete                      # OnDelete.cascade
        meta.resolved_target_column         # Manager.id
        [c._meta.name for c in meta.proxy_columns]  # ["id", "name"]
    """

    __slots__ = ("_key",)

    def __init__(self, key: ForeignKey[Any, Any]) -> None:
        self._key = key

    @property
    def references(self) -> Any:
        """The target as given: a Table class or a ``LazyTableReference``; a name given as
        text (``"self"``, ``"Manager"``) is the class it names, as Piccolo resolves it.

        Example: ``Band.manager._foreign_key_meta.references`` -> ``Manager``.
        """
        given = self._key._references
        return self._key.resolved_references if isinstance(given, str) else given

    @property
    def resolved_references(self) -> Any:
        """The referenced Table class: ``Band.manager._foreign_key_meta.resolved_references``
        -> ``Manager`` (a ``LazyTableReference`` resolved)."""
        return self._key.resolved_references

    @property
    def on_delete(self) -> OnDelete:
        """The key's ``ON DELETE`` action: ``OnDelete.cascade`` unless given."""
        return self._key.on_delete

    @property
    def on_update(self) -> OnUpdate:
        """The key's ``ON UPDATE`` action: ``OnUpdate.cascade`` unless given."""
        return self._key.on_update

    @property
    def target_column(self) -> str | Column[Any] | None:
        """The ``target_column`` as given: None (the target's primary key), a name or a
        column. Example: ``ForeignKey(Band, target_column="name")`` -> ``"name"``."""
        return self._key._target_column

    @property
    def resolved_target_column(self) -> Column[Any]:
        """The referenced column itself: ``Band.manager._foreign_key_meta
        .resolved_target_column`` -> ``Manager.id``."""
        column: Column[Any] = self._key.target_column
        return column

    @property
    def proxy_columns(self) -> list[Column[Any]]:
        """Every column of the target reached through the key (``Band.manager.name``...),
        made once per key: ``len(Band.manager._foreign_key_meta.proxy_columns)`` -> ``2``
        for a ``Manager`` with ``id`` and ``name``."""
        return self._key.all_columns()

    def __repr__(self) -> str:
        return f"ForeignKeyMeta({self._key!r})"


if TYPE_CHECKING:

    class JoinedColumn(ForeignKey[Any, Any]):
        """What type checkers make of ``Band.manager.name``: a column reached through a key.

        The checkers cannot tell which column a name is, so this type keeps typed what
        every column and key offers (``==`` and the other conditions, ``like``, ``is_in``,
        ``as_alias``, arithmetic, the next step of a chain: ``Concert.band_1.manager.name``)
        and lets through, as ``Any``, what only some column types have: a method called
        (``Band.manager.tags.any("x")``) or an index (``Band.manager.facts["a"]``). For the
        column's own type, and typos caught, write ``Band.manager._.name``. This class is
        seen by type checkers only: at run time the value is the target's column itself.

        Example: ``Band.select(Band.name).where(Band.manager.name == "Guido")``.
        """

        # A name the checkers cannot look up may be a method of the column's own type.
        def __call__(self, *args: Any, **kwargs: Any) -> Any: ...
        def __getitem__(self, key: Any) -> Any: ...


class JoinOn(ForeignKey[Any, Any]):
    """A join on any two columns, used like a foreign key: ``Band.id.join_on(FanClub.band)``.

    It renders as its left column; the columns reached through it come from the right
    column's table, joined where ``left = right``. Their result keys start with the right
    table's name: ``Band.id.join_on(FanClub.band).address`` is ``"fan_club.address"``.
    Made by ``Column.join_on`` and ``ForeignKey.reverse``.
    """

    def __init__(
        self,
        left: Column[Any],
        right: Column[Any],
        name: str | None = None,
        alias: str | None = None,
    ) -> None:
        right_table = right._meta.table
        if right_table is None or right._meta.call_chain:
            raise ConfigurationError(f"join_on() takes a column of a table, got {right!r}")
        if left._meta.table is None:
            raise ConfigurationError(f"join_on() is called on a column of a table, not {left!r}")
        super().__init__(right_table, target_column=right)
        meta = copy.copy(left._meta)
        meta.name = name or right_table._meta.tablename
        meta.null, meta.primary_key, meta.unique = True, False, False
        self._meta = meta
        self._left = left
        right_name = right._meta.db_column_name
        self._segment = alias or (
            f"{left._meta.db_column_name}={right_table._meta.tablename}.{right_name}"
        )
        self._on = (right_table, right_name, self._segment)
        self._refresh_shape()

    def _refresh_shape(self) -> None:
        super()._refresh_shape()
        on = self.__dict__.get("_on")
        if on is not None:
            self._shape = (*self._shape, "ON", *on)  # type: ignore[misc]

    @property
    def _step(self) -> tuple[Any, ...]:
        return ("ON", self._meta.table, self._meta.db_column_name, *self._on)

    @property
    def _alias_segment(self) -> str:
        return self._segment

    @property
    def _key_segment(self) -> str:
        return self._meta.name  # the joined table's name: "fan_club.address"

    def _source_column(self) -> Column[Any]:
        left = self._left
        return left._meta.table._meta.column_by_name[left._meta.name]  # type: ignore[no-any-return]


def _dotted_reference(reference: str) -> Any:
    """The table a dotted ``references="..."`` names: as in Piccolo, a module path and the
    class name (``"music.tables.Manager"``); failing that, an app and a table name
    (``"music.Manager"``: the ``Manager`` of the app ``music``)."""
    path, _, name = reference.rpartition(".")
    try:
        module = importlib.import_module(path)
    except ImportError:
        module = None
    table = getattr(module, name, None)
    if isinstance(table, type) and hasattr(table, "_meta"):
        return table
    return find_table(name, reference.partition(".")[0])


def key_value(fk: ForeignKey[Any], value: Any) -> Any:
    """A table row stands for the value of the column ``fk`` points at (its primary key)."""
    if isinstance(value, type) or not callable(getattr(value, "_pk_value", None)):
        return value
    target = fk._target_column
    if target is None:
        return value._pk_value()
    name = target if isinstance(target, str) else target._meta.name
    return value.__dict__.get(name)
