"""The schema side of ``Table``: metadata, columns, and row instances.

The query methods (``select``, ``objects``, ...) are added by ``vivace.orm.Table``;
this layer only knows what a table *is*.

Example::

    class RecordingStudio(TableBase):     # users subclass vivace.Table instead
        name = Varchar()

    RecordingStudio._meta.tablename       # "recording_studio"
"""

from __future__ import annotations

import copy
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self

from vivace.exceptions import ConfigurationError, QueryError
from vivace.schema.column import UNSET, Column, check_identifier, derived_identifier
from vivace.schema.column_types import Array, Serial
from vivace.schema.constraints import Constraint
from vivace.schema.foreign_key import ForeignKey
from vivace.schema.registry import all_tables, register_table
from vivace.schema.relations import M2M, Relation
from vivace.schema.row_init import InitPlan, init_plan, refuse_missing, special_value
from vivace.schema.row_init_code import is_generated, table_init
from vivace.schema.text_columns import Email
from vivace.sql.nodes import Alias
from vivace.types import JSON_TYPES

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(name: str) -> str:
    """``RecordingStudio`` -> ``recording_studio``; ``HTTPServer`` -> ``http_server``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


#: Table names that are reserved words in SQL. Such a table works (every name is quoted),
#: but defining one warns, as Piccolo does: raw SQL naming it must quote it.
PROTECTED_TABLENAMES = frozenset({"user"})
#: The warning given for a table named after a reserved word (``.format(tablename=...)``).
TABLENAME_WARNING = (
    "the table name `{tablename}` is a reserved word in SQL: the table works (Vivace quotes "
    "it), but SQL written by hand must quote it too; a different name is safer"
)
#: The warning given for ``tablename="schema.table"`` (Piccolo's text: code may match it).
DOTTED_TABLENAME_WARNING = (
    "There's a '.' in the tablename - please use the `schema` argument instead."
)


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=3)  # the class statement


#: Gives ``TABLENAME_WARNING`` and ``DOTTED_TABLENAME_WARNING``. ``vivace.table`` puts in
#: its own, which calls through that module's ``warnings`` (Piccolo's tests patch
#: ``vivace.table.warnings``).
RESERVED_TABLENAME_WARNER: list[Callable[[str], None]] = [_warn]

#: Called with the table whose ``tablename`` or ``schema`` was changed after it was defined
#: (``Band._meta.schema = "archive"``): the engine layer registers the forgetting of the
#: statements compiled with the old name (``vivace.engine.cache``), which this layer cannot
#: reach itself.
NAME_CHANGE_HOOKS: list[Callable[[Any], None]] = []


class TableMeta:
    """What a table is. Public: ``db``, ``tablename``, ``schema``, ``columns``, ``primary_key``.

    Changing ``tablename`` or ``schema`` later (as Piccolo's tests do) takes effect at once:
    the statements compiled with the old names are forgotten.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("tablename", "schema") and name in self.__dict__:
            if value is not None or name == "tablename":
                label = "table name" if name == "tablename" else "schema name"
                value = check_identifier(value, label)
            changed = self.__dict__[name] != value
            super().__setattr__(name, value)
            if changed:
                for hook in NAME_CHANGE_HOOKS:
                    hook(self.table)
            return
        super().__setattr__(name, value)

    def __init__(
        self,
        table: Any,
        tablename: str,
        schema: str | None,
        db: Any,
        columns: list[Column[Any]],
        constraints: list[Constraint],
        m2m_relationships: list[Relation],
        tags: list[str],
        help_text: str | None,
    ) -> None:
        self.table = table
        self.tablename = check_identifier(tablename, "table name")
        self.schema = None if schema is None else check_identifier(schema, "schema name")
        self._db = db
        self.columns = columns
        #: The columns as a tuple, shared by every ``objects()`` query of the table.
        self.column_tuple = tuple(columns)
        #: How a new row fills its values (``vivace.schema.row_init``), made on first use.
        self.init_plan: InitPlan | None = None
        self.constraints = constraints
        self.m2m_relationships = [r for r in m2m_relationships if isinstance(r, M2M)]
        #: Every M2M and ReverseForeignKey of the table.
        self.relations = m2m_relationships
        self.tags = tags
        self.help_text = help_text
        primary = [c for c in columns if c._meta.primary_key]
        if len(primary) != 1:
            raise ConfigurationError(f"{table.__name__} must have exactly one primary key column")
        self.primary_key: Column[Any] = primary[0]
        self.column_by_name: dict[str, Column[Any]] = {c._meta.name: c for c in columns}
        self.column_by_db_name: dict[str, Column[Any]] = {
            c._meta.db_column_name: c for c in columns
        }
        self.foreign_key_columns: list[ForeignKey[Any]] = [
            c for c in columns if isinstance(c, ForeignKey)
        ]
        self.secret_columns = [c for c in columns if c._meta.secret]
        # A foreign key's type is its target's, unknown until the target is defined.
        self.json_columns = [
            c for c in columns if not isinstance(c, ForeignKey) and c.value_type.name in JSON_TYPES
        ]
        self.array_columns = [c for c in columns if isinstance(c, Array)]
        self.email_columns = [c for c in columns if isinstance(c, Email)]
        self.auto_update_columns = [c for c in columns if c._meta.auto_update is not UNSET]
        self.default_columns = [c for c in columns if c is self.primary_key]
        self.non_default_columns = [c for c in columns if c is not self.primary_key]

    @property
    def db(self) -> Any:
        """The engine this table runs on."""
        if self._db is None:
            self._db = self.find_db()
        return self._db

    @db.setter
    def db(self, engine: Any) -> None:
        self._db = engine

    def find_db(self) -> Any:
        """Where a table without ``db=`` gets its engine; the ORM layer overrides this."""
        raise ConfigurationError(f"{self.table.__name__} has no engine (give db=...)")

    def refresh_db(self) -> None:
        """Forget the engine so the next use finds it again (after the configuration changed)."""
        self._db = None

    def get_column_by_name(self, name: str) -> Column[Any]:
        """A column by attribute name; a dotted name walks foreign keys: ``"manager.name"``."""
        first, _, rest = name.partition(".")
        column = self.column_by_name.get(first)
        if column is None:  # Piccolo's messages, here and below: users match on them
            raise QueryError(f"No matching column found with name == {name}")
        for part in rest.split(".") if rest else ():
            if not isinstance(column, ForeignKey):
                raise QueryError(f"{column!r} is not a foreign key; cannot follow {part!r}")
            target = column.resolved_references
            if part not in target._meta.column_by_name:
                raise QueryError(f"Unable to find column - {part}")
            column = column._column(part)  # not getattr: a column may share a method's name
        return column

    def get_formatted_tablename(self, quoted: bool = True) -> str:
        """``"schema"."table"`` (or unquoted) for messages and raw SQL."""
        parts = [self.schema, self.tablename] if self.schema else [self.tablename]
        if quoted:
            return ".".join('"' + p.replace('"', '""') + '"' for p in parts)
        return ".".join(parts)

    @property
    def foreign_key_references(self) -> list[ForeignKey[Any]]:
        """Foreign keys that point at this table (among tables defined so far), its own
        ``ForeignKey("self")`` included. A key given by name counts when the name resolves to
        this very class, as Piccolo resolves it (a ``Manager`` of another module does not).

        Example: ``Manager._meta.foreign_key_references`` -> ``[Band.manager]``.
        """
        target = self.table
        return [
            fk
            for table in all_tables()
            for fk in table._meta.foreign_key_columns
            if fk._points_at(target)
        ]


class TableBase:
    """Rows and table metadata. Subclass ``vivace.Table``, which adds the queries."""

    _meta: ClassVar[TableMeta]
    #: Whether the row came from, or was saved to, the database. Rows built from query
    #: results read this class default (True) and so skip one dict entry each;
    #: ``__init__`` records the instance's own value.
    _exists_in_db: bool = True
    #: The metadata class; the ORM layer uses a subclass that can find the engine.
    _meta_class: ClassVar[type[TableMeta]] = TableMeta

    if TYPE_CHECKING:
        #: The primary key added to a table that declares none, for type checkers (at run
        #: time ``__init_subclass__`` adds it): ``band.id`` is an int, ``Band.id`` a Serial.
        id: Serial

    def __init_subclass__(
        cls,
        tablename: str | None = None,
        db: Any = None,
        schema: str | None = None,
        tags: list[str] | None = None,
        help_text: str | None = None,
        abstract: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if abstract:
            return
        if tablename is not None and "." in tablename and schema is None:
            RESERVED_TABLENAME_WARNER[0](DOTTED_TABLENAME_WARNING)
            schema, tablename = tablename.split(".", 1)
        name = tablename or snake_case(cls.__name__)
        if name in PROTECTED_TABLENAMES:
            RESERVED_TABLENAME_WARNER[0](TABLENAME_WARNING.format(tablename=name))
        columns, constraints, m2m = _collect_members(cls)
        if not any(c._meta.primary_key for c in columns):
            pk = Serial(primary_key=True)
            setattr(cls, "id", pk)  # noqa: B010 (the class has no static "id")
            columns.insert(0, pk)
        cls._meta = cls._meta_class(
            table=cls,
            tablename=name,
            schema=schema,
            db=db,
            columns=columns,
            constraints=constraints,
            m2m_relationships=m2m,
            tags=list(tags or []),
            help_text=help_text,
        )
        for column in columns:
            column._bind(cls, _attribute_name(cls, column))
        # Bind again now that every column has its name (dict lookups by name need it).
        cls._meta.column_by_name = {c._meta.name: c for c in columns}
        cls._meta.column_by_db_name = {c._meta.db_column_name: c for c in columns}
        for attribute, value in vars(cls).items():
            if isinstance(value, Constraint):
                value._bind(cls, attribute)
        for attribute, relation in _m2m_attributes(cls):
            relation._bind(cls, attribute)
        register_table(cls)

    def __init__(
        self,
        _data: Mapping[Any, Any] | None = None,
        _ignore_missing: bool = False,
        _exists_in_db: bool = False,
        **kwargs: Any,
    ) -> None:
        table_meta = self._meta
        plan = table_meta.init_plan or _first_plan(table_meta)
        # The common case (see ``vivace.schema.row_init``): same values, same order. Every
        # keyword is a column's attribute name exactly when it adds no key to the template.
        filled = plan.template | kwargs
        if len(filled) == plan.size and not _data and not _ignore_missing:
            for column, computed in plan.special:
                name = column._meta.name
                if name not in kwargs:
                    filled[name] = special_value(column, computed)
            if _exists_in_db:
                filled["_exists_in_db"] = True
            values = self.__dict__
            if values:  # set before (a subclass's __init__): kept, as the general path does
                values.update(filled)
            else:
                self.__dict__ = filled
            return
        given: dict[str, Any] = {}
        if _data:
            for key, value in _data.items():
                given[key._meta.name if isinstance(key, Column) else key] = value
        given.update(kwargs)
        values = self.__dict__
        for column in self._meta.columns:
            meta = column._meta
            name = meta.name
            if name in given:
                values[name] = given.pop(name)
            elif meta.db_column_name in given and (
                meta.db_column_name not in self._meta.column_by_name
            ):  # Piccolo takes the database name too (unless another column has it)
                values[name] = given.pop(meta.db_column_name)
            elif _ignore_missing:
                values[name] = None
            else:
                value = values[name] = column.get_default_value()
                if value is None and not meta.null and not meta.primary_key:
                    refuse_missing(column)
        if given:
            # Piccolo's message: "Unrecognized columns - ['nme']".
            raise QueryError(f"Unrecognized columns - {sorted(map(str, given))}")
        values["_exists_in_db"] = _exists_in_db

    # names --------------------------------------------------------------------------------
    @classmethod
    def _get_index_name(cls, column_names: list[str]) -> str:
        """The name ``create_index`` gives an index on these columns (Piccolo's): the table
        name and the column names joined by ``_`` (hashed down past 63 bytes).

        Example: ``Band._get_index_name(["name", "id"])`` is ``"band_name_id"``.
        """
        return derived_identifier("_".join([cls._meta.tablename, *column_names]), "index name")

    # row helpers ----------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """A new row from a dict of column names: ``Band.from_dict({"name": "x"})``."""
        return cls(**data)

    def to_dict(self, *columns: Any) -> dict[str, Any]:
        """The row as a dict; ``to_dict(Band.name)`` keeps only those columns.

        As in Piccolo, an alias renames a key (``to_dict(Band.name.as_alias("title"))``) and
        a column of a prefetched row keeps that row, nested: ``to_dict(Band.manager.name)``
        gives ``{"manager": {"name": "Guido"}}``.
        """
        cls = type(self)
        chosen: dict[str, str] = {}  # attribute name -> result key
        for item in columns:
            alias = None
            if isinstance(item, Alias):
                alias, item = item.name, item.expr
            meta = item._meta
            if meta.table is cls:
                chosen.setdefault(meta.name, alias or meta.name)
                continue
            for parent in meta.call_chain:  # a related row's column: keep the related row
                if parent._meta.table is cls:
                    chosen.setdefault(parent._meta.name, parent._meta.name)
                    break
        if not columns:
            chosen = {c._meta.name: c._meta.name for c in self._meta.columns}
        result: dict[str, Any] = {}
        for name, key in chosen.items():
            value = self.__dict__.get(name)
            if isinstance(value, TableBase):
                value = value.to_dict(*columns)
            result[key] = value
        return result

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        if key not in self._meta.column_by_name:
            raise KeyError(key)
        setattr(self, key, value)

    def _pk_value(self) -> Any:
        value = self.__dict__.get(self._meta.primary_key._meta.name)
        if isinstance(value, TableBase):
            return value._pk_value()
        return value

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, TableBase)
        mine, theirs = self._pk_value(), other._pk_value()
        if mine is None or theirs is None:
            return other is self  # an unsaved row equals itself only, as in Piccolo
        return bool(mine == theirs)

    def __hash__(self) -> int:
        return hash((type(self), self._pk_value()))

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self._pk_value()}>"

    def __str__(self) -> str:
        return repr(self)


def _first_plan(meta: TableMeta) -> InitPlan:
    """The table's ``InitPlan``, made on its first row; the table also gets its own
    ``__init__`` for the common case (``vivace.schema.row_init_code``) unless a class of
    its own declares one (a user's ``__init__`` stays in charge)."""
    plan = init_plan(meta)
    table = meta.table
    for klass in table.__mro__:
        if "__init__" in vars(klass):
            inherited = vars(klass)["__init__"]
            break
    if inherited is TableBase.__init__ or is_generated(inherited):
        init = table_init(table, plan, TableBase.__init__)
        if init is not None:
            table.__init__ = init
    return plan


def _collect_members(cls: type) -> tuple[list[Column[Any]], list[Constraint], list[Relation]]:
    """Columns, constraints and relations (M2M...) of ``cls``, parents' and mixins' included.

    Inherited columns are copied so no two tables share a column object.
    """
    seen: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Column | Constraint | Relation):
                seen[name] = value
            elif name in seen:
                del seen[name]
    columns: list[Column[Any]] = []
    constraints: list[Constraint] = []
    m2m: list[Relation] = []
    for name, value in seen.items():
        if isinstance(value, Column):
            if value._meta.table is None and not value._meta.name:
                # A mixin's column is never bound itself, but constraints declared in the
                # mixin name it: give it its attribute name (issue 11).
                value._meta.name = name
                value._meta.db_column_name = value._meta.db_column_name or name
            if name not in vars(cls) or value._meta.table is not None:
                value = value._copy_for_table()
                setattr(cls, name, value)
            columns.append(value)
        elif isinstance(value, Constraint):
            if name not in vars(cls) or value.table is not None:
                value = copy.copy(value)  # each table names its own copy
                setattr(cls, name, value)
            constraints.append(value)
        else:
            if name not in vars(cls) or value.table is not None:
                value = value._copy_for_table()  # a subclass lists its own rows
                setattr(cls, name, value)
            m2m.append(value)
    return columns, constraints, m2m


def _attribute_name(cls: type, column: Column[Any]) -> str:
    for name, value in vars(cls).items():
        if value is column:
            return name
    raise ConfigurationError(f"cannot find the attribute name of {column!r} on {cls.__name__}")


def _m2m_attributes(cls: type) -> Iterable[tuple[str, Relation]]:
    for name, value in vars(cls).items():
        if isinstance(value, Relation):
            yield name, value
