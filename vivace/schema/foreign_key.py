"""Foreign keys, lazy table references and M2M markers.

Example::

    class Band(Table):
        manager = ForeignKey(references=Manager, on_delete=OnDelete.set_null)

    Band.select(Band.name, Band.manager.name)   # LEFT JOIN manager, key "manager.name"
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Generic, TypeVar, Unpack

from vivace.exceptions import ConfigurationError
from vivace.schema.column import UNSET, Column, ColumnKwargs, OnDelete, OnUpdate
from vivace.schema.registry import find_table
from vivace.types import ValueType

TableT = TypeVar("TableT")

# Serial keys are plain integers once they are referenced.
_REFERENCE_TYPES = {"serial": ValueType("integer"), "bigserial": ValueType("bigint")}


class LazyTableReference:
    """Names a table defined later or elsewhere.

    Example: ``LazyTableReference("Manager", module_path="music.tables")``.
    """

    def __init__(
        self, table_class_name: str, app_name: str | None = None, module_path: str | None = None
    ) -> None:
        if app_name is None and module_path is None:
            raise ValueError("LazyTableReference needs app_name or module_path")
        self.table_class_name, self.app_name, self.module_path = (
            table_class_name,
            app_name,
            module_path,
        )

    def resolve(self) -> Any:
        """The Table class this reference names."""
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


class ForeignKey(Column[Any], Generic[TableT]):
    """A reference to another table's row; attribute access walks the join.

    ``references`` may be a Table class, its name, ``"self"`` or a ``LazyTableReference``.
    Example: ``Band.manager.name`` selects the manager's name through a LEFT JOIN.
    """

    def __init__(
        self,
        references: type[TableT] | LazyTableReference | str,
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
        self._references = references
        self._resolved: Any = None
        self.on_delete, self.on_update = on_delete, on_update
        self._target_column = target_column
        super().__init__(default=None if default is UNSET else default, **kwargs)
        self.__dict__["_joins"] = {}

    # resolution -------------------------------------------------------------------------
    @property
    def _foreign_key_meta_references(self) -> Any:
        return self.resolved_references

    @property
    def resolved_references(self) -> Any:
        """The referenced Table class (resolved on first use)."""
        if self._resolved is None:
            ref = self._references
            if isinstance(ref, LazyTableReference):
                self._resolved = ref.resolve()
            elif isinstance(ref, str):
                if ref == "self":
                    self._resolved = self._meta.table
                elif "." in ref:
                    app, name = ref.split(".", 1)
                    self._resolved = find_table(name, app)
                else:
                    self._resolved = find_table(ref, None, near=self._meta.table)
            else:
                self._resolved = ref
        return self._resolved

    @property
    def target_column(self) -> Column[Any]:
        """The referenced column: the target's primary key unless ``target_column`` names one."""
        target = self._target_column
        table = self.resolved_references
        if target is None:
            return table._meta.primary_key  # type: ignore[no-any-return]
        if isinstance(target, str):
            return table._meta.get_column_by_name(target)  # type: ignore[no-any-return]
        return target

    @property
    def value_type(self) -> ValueType:
        target: ValueType = self.target_column.value_type
        return _REFERENCE_TYPES.get(target.name, target)

    # joins ----------------------------------------------------------------------------
    def _joined(self, chain: tuple[ForeignKey[Any], ...]) -> Any:
        new = super()._joined(chain)
        new.__dict__["_joins"] = {}
        new.__dict__.pop("_join_node", None)  # the copy joins along another path
        return new

    def _copy_for_table(self) -> Any:
        new = super()._copy_for_table()
        new.__dict__["_joins"] = {}
        new.__dict__.pop("_join_node", None)
        return new

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: treat the name as a target column.
        if name.startswith("__") or "_meta" not in self.__dict__:
            raise AttributeError(name)
        joins: dict[str, Any] = self.__dict__["_joins"]
        column = joins.get(name)
        if column is None:
            table = self.resolved_references
            target = table._meta.column_by_name.get(name)
            if target is None:
                raise AttributeError(f"{table.__name__} has no column {name!r}")
            column = target._joined((*self._meta.call_chain, self))
            joins[name] = column
        return column

    # A related row compares as its primary key: ``Band.manager == guido``.
    def __eq__(self, other: object) -> Any:
        return super().__eq__(_as_key(other))

    def __ne__(self, other: object) -> Any:
        return super().__ne__(_as_key(other))

    def is_in(self, values: Any) -> Any:
        if isinstance(values, list | tuple | set):
            values = [_as_key(v) for v in values]
        return super().is_in(values)

    def not_in(self, values: Any) -> Any:
        if isinstance(values, list | tuple | set):
            values = [_as_key(v) for v in values]
        return super().not_in(values)

    __hash__ = Column.__hash__

    @property
    def _(self) -> TableT:
        """Typed access to the target's columns: ``Band.manager._.name``."""
        return self  # type: ignore[return-value]

    def all_columns(self, exclude: list[Any] | None = None) -> list[Column[Any]]:
        """Every column of the target, reached through this key: ``Band.manager.all_columns()``."""
        excluded = {c if isinstance(c, str) else c._meta.name for c in exclude or ()}
        table = self.resolved_references
        return [
            getattr(self, c._meta.name) for c in table._meta.columns if c._meta.name not in excluded
        ]

    if TYPE_CHECKING:

        def __get__(self, obj: Any, objtype: Any) -> Any: ...


def _as_key(value: Any) -> Any:
    """A table row stands for its primary key value."""
    pk_value = getattr(value, "_pk_value", None)
    return pk_value() if callable(pk_value) and not isinstance(value, type) else value


class M2M:
    """Names a joining table for a many-to-many relation; not a database column.

    Example: ``genres = M2M(LazyTableReference("GenreToBand", module_path=__name__))``.
    """

    def __init__(
        self,
        joining_table: type[Any] | LazyTableReference,
        foreign_key_columns: list[ForeignKey[Any]] | None = None,
    ) -> None:
        self._joining_table = joining_table
        self.foreign_key_columns = foreign_key_columns
        self.name = ""
        self.table: Any = None

    @property
    def joining_table(self) -> Any:
        """The joining Table class."""
        if isinstance(self._joining_table, LazyTableReference):
            return self._joining_table.resolve()
        return self._joining_table

    def _bind(self, table: Any, name: str) -> None:
        self.table, self.name = table, name

    def __repr__(self) -> str:
        return f"<M2M {getattr(self.table, '__name__', '?')}.{self.name}>"
