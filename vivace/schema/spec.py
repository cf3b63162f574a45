"""Schema specs: frozen, hashable, comparable descriptions of tables, columns, constraints
and indexes. Pure data: no SQL, no engine, no registry.

Three producers make them (``table_spec`` from a Table class, migration files replayed,
a live database introspected) and several consumers read them (each dialect's DDL
compiler, the migration differ, ``schema generate``, table reflection).

Example::

    spec = ColumnSpec.of("name", "Varchar", length=50, null=True)
    spec.param("length")                  # 50
    spec.replace_params(length=100)       # a new spec; the old one is unchanged
    TableSpec("Band", "band", None, (spec,)).column("name") is spec

Normalised forms (so that two specs of the same schema compare equal):

- ``params`` is a tuple of ``(name, value)`` pairs sorted by name, holding *every* option
  of the column class with its effective value (``Varchar()`` and ``Varchar(length=255)``
  give the same spec); ``db_column_name`` is None when it equals the attribute name.
- Values are frozen by ``freeze_value``: a list or dict becomes a ``FrozenValue``, a
  callable a ``CallableRef`` (module and qualified name), an Enum class given as
  ``choices`` an ``EnumSpec`` (a ``Choice`` member value kept as it is), an Enum member
  given as a default the value it stores (``.value``, a ``Choice``'s unwrapped).
  ``Default`` objects (``TimestampNow()``), numbers, text, bytes, dates, UUIDs and the
  ``OnDelete``/``OnUpdate``/``IndexMethod`` members are kept as they are.
- ``base_column`` (Array) is the base column's *type-only* spec (class and length/digits).
- A foreign key's ``references`` is a ``ReferenceSpec``: the target's class name,
  tablename, schema and the type-only spec of the referenced column, so a table's DDL
  compiles without the rest of the schema.
- ``TableSpec.constraints`` and ``TableSpec.indexes`` are sorted by name. Indexes made by
  a column's ``index=True`` are the column's ``index``/``index_method`` params, not
  ``IndexSpec`` entries; ``IndexSpec`` is for indexes on several columns or named freely.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from vivace.schema.column import IndexMethod, OnDelete, OnUpdate
from vivace.schema.defaults import Default
from vivace.types.choices import member_value

#: Params every column class has, with the value a column gets when not given.
COMMON_PARAMS: Mapping[str, Any] = {
    "null": False,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "default": None,
    "choices": None,
    "db_column_name": None,
    "secret": False,
    "help_text": None,
    "required": False,
}

#: Params that live in Python only: no database can store (or introspection recover) them.
PYTHON_ONLY_PARAMS: Mapping[str, Any] = {
    "choices": None,
    "secret": False,
    "help_text": None,
    "required": False,
}

#: Params that decide a column's database type (kept by ``ColumnSpec.type_only``).
TYPE_PARAMS = ("length", "digits", "base_column")

#: Column classes that are another class under a second name (``for_database`` maps them).
CLASS_ALIASES: Mapping[str, str] = {
    "Email": "Varchar",
    "Secret": "Varchar",
    "Decimal": "Numeric",
    # Piccolo declares Float as FLOAT, which PostgreSQL makes DOUBLE PRECISION (8 bytes).
    "Float": "DoublePrecision",
    "Blob": "Bytea",
    "PrimaryKey": "Serial",
}


# frozen values -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CallableRef:
    """A callable named by where it lives: ``CallableRef("builtins", "list")``.

    ``resolve()`` imports it again (for tables rebuilt from specs).
    """

    module: str
    qualname: str

    def resolve(self) -> Any:
        """The callable itself: ``CallableRef("uuid", "uuid4").resolve() is uuid.uuid4``."""
        target: Any = importlib.import_module(self.module)
        for part in self.qualname.split("."):
            target = getattr(target, part)
        return target


@dataclass(frozen=True, slots=True)
class EnumSpec:
    """An Enum class as data: ``EnumSpec("Genre", (("rock", "r"), ("jazz", "j")))``.

    ``build()`` makes an equivalent Enum class (a new one each call).
    """

    name: str
    members: tuple[tuple[str, Any], ...]

    def build(self) -> type[enum.Enum]:
        """An Enum class with these members: ``EnumSpec("G", (("a", 1),)).build().a.value``."""
        return enum.Enum(self.name, [(k, thaw_value(v)) for k, v in self.members])  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class FrozenValue:
    """A list or dict default made hashable: ``freeze_value([1, 2])`` is
    ``FrozenValue("list", (1, 2))``; ``thaw()`` gives a fresh mutable copy."""

    kind: str
    items: tuple[Any, ...]

    def thaw(self) -> Any:
        """The mutable value again: ``FrozenValue("dict", (("a", 1),)).thaw() == {"a": 1}``."""
        if self.kind == "dict":
            return {k: thaw_value(v) for k, v in self.items}
        return [thaw_value(v) for v in self.items]


def freeze_value(value: Any) -> Any:
    """The normalised, hashable form of a param value (see the module docstring).

    Example: ``freeze_value([1, 2]) == FrozenValue("list", (1, 2))``.
    """
    if isinstance(value, Default | FrozenValue | CallableRef | EnumSpec):
        return value
    if isinstance(value, type) and issubclass(value, enum.Enum):
        return EnumSpec(value.__name__, tuple((m.name, freeze_value(m.value)) for m in value))
    if isinstance(value, enum.Enum) and not isinstance(value, _KEPT_ENUMS):
        return freeze_value(member_value(value))  # a ``Choice`` member: the value it stores
    if isinstance(value, list):
        return FrozenValue("list", tuple(freeze_value(v) for v in value))
    if isinstance(value, dict):
        return FrozenValue("dict", tuple(sorted((k, freeze_value(v)) for k, v in value.items())))
    if isinstance(value, tuple):
        return tuple(freeze_value(v) for v in value)
    if callable(value) and not isinstance(value, ColumnSpec | ReferenceSpec):
        # A method of a C class (datetime.datetime.now) has no module: its class has.
        owner = getattr(value, "__self__", None)
        module = getattr(value, "__module__", None) or getattr(owner, "__module__", None)
        qualname = getattr(value, "__qualname__", None) or repr(value)
        return CallableRef(module or "builtins", qualname)
    return value


def thaw_value(value: Any) -> Any:
    """The value a column constructor takes, from a frozen one (``CallableRef`` resolved,
    ``FrozenValue`` made mutable, ``EnumSpec`` built).

    Example: ``thaw_value(FrozenValue("list", ())) == []``.
    """
    if isinstance(value, FrozenValue):
        return value.thaw()
    if isinstance(value, CallableRef):
        return value.resolve()
    if isinstance(value, EnumSpec):
        return value.build()
    return value


# Vivace's own option enums stay members in params (an Enum member default becomes its value).
_KEPT_ENUMS = (OnDelete, OnUpdate, IndexMethod)


# columns --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column: its attribute ``name``, its Vivace ``column_class`` name and its params.

    ``unmapped`` says what a producer could not express (an introspected type Vivace has
    no class for, a default it cannot read): never dropped silently.

    Example: ``ColumnSpec.of("name", "Varchar", length=50).param("null")`` is False.
    """

    name: str
    column_class: str
    params: tuple[tuple[str, Any], ...] = ()
    unmapped: str | None = None

    def __post_init__(self) -> None:
        items = self.params.items() if isinstance(self.params, Mapping) else self.params
        # One value per name (the last given), sorted by name only: values of different
        # types need not be orderable.
        latest = {str(k): v for k, v in items}
        frozen = tuple((k, freeze_value(latest[k])) for k in sorted(latest))
        object.__setattr__(self, "params", frozen)

    @classmethod
    def of(
        cls, name: str, column_class: str, unmapped: str | None = None, **params: Any
    ) -> ColumnSpec:
        """A spec with the common params filled in: ``ColumnSpec.of("n", "Integer", null=True)``."""
        return cls(name, column_class, tuple({**COMMON_PARAMS, **params}.items()), unmapped)

    def param(self, name: str, default: Any = None) -> Any:
        """One param's (frozen) value: ``spec.param("length", 255)``."""
        for key, value in self.params:
            if key == name:
                return value
        return default

    @property
    def param_dict(self) -> dict[str, Any]:
        """The params as a dict (a fresh copy): ``spec.param_dict["null"]``."""
        return dict(self.params)

    def replace_params(self, **changes: Any) -> ColumnSpec:
        """A copy with some params changed: ``spec.replace_params(null=True)``."""
        return ColumnSpec(
            self.name,
            self.column_class,
            tuple({**dict(self.params), **changes}.items()),
            self.unmapped,
        )

    def renamed(self, name: str) -> ColumnSpec:
        """The same column under another attribute name: ``spec.renamed("title")``."""
        return ColumnSpec(name, self.column_class, self.params, self.unmapped)

    @property
    def db_column_name(self) -> str:
        """The column's name in the database: ``db_column_name`` or the attribute name.

        Example: ``ColumnSpec.of("name", "Text", db_column_name="title").db_column_name``.
        """
        return self.param("db_column_name") or self.name

    @property
    def null(self) -> bool:
        """Whether NULL is allowed: ``ColumnSpec.of("n", "Integer", null=True).null``."""
        return bool(self.param("null", False))

    @property
    def primary_key(self) -> bool:
        """Whether it is the primary key: ``table.column("id").primary_key``."""
        return bool(self.param("primary_key", False))

    @property
    def unique(self) -> bool:
        """Whether it is unique on its own: ``table.column("name").unique``."""
        return bool(self.param("unique", False))

    @property
    def index(self) -> bool:
        """Whether ``index=True`` gives it an index: ``table.column("name").index``."""
        return bool(self.param("index", False))

    @property
    def default(self) -> Any:
        """The (frozen) default: ``ColumnSpec.of("n", "Integer", default=5).default``."""
        return self.param("default")

    @property
    def references(self) -> ReferenceSpec | None:
        """The target of a foreign key, else None: ``table.column("manager").references``."""
        ref = self.param("references")
        return ref if isinstance(ref, ReferenceSpec) else None

    def type_only(self) -> ColumnSpec:
        """Class and type params only (``length``, ``digits``, ``base_column``).

        Example: ``ColumnSpec.of("x", "Varchar", length=5, null=True).type_only().params``
        is ``(("length", 5),)``.
        """
        kept = tuple((k, v) for k, v in self.params if k in TYPE_PARAMS)
        return ColumnSpec(self.name, CLASS_ALIASES.get(self.column_class, self.column_class), kept)

    def for_database(self) -> ColumnSpec:
        """What a database can hold of this column: Python-only params reset
        (``PYTHON_ONLY_PARAMS``) and class aliases mapped (``Email`` -> ``Varchar``).

        Example: ``ColumnSpec.of("e", "Email", secret=True).for_database().column_class``
        is ``"Varchar"``.
        """
        params = {**dict(self.params), **PYTHON_ONLY_PARAMS}
        return ColumnSpec(
            self.name,
            CLASS_ALIASES.get(self.column_class, self.column_class),
            tuple(params.items()),
            self.unmapped,
        )


@dataclass(frozen=True, slots=True)
class ReferenceSpec:
    """What a foreign key points at: ``ReferenceSpec("Manager", "manager", None, key)``
    where ``key`` is the type-only spec of the referenced column, named by its database
    name (``ColumnSpec("id", "Serial")``)."""

    class_name: str
    tablename: str
    schema: str | None
    column: ColumnSpec

    @property
    def qualified_name(self) -> tuple[str | None, str]:
        """``(schema, tablename)``: the key ``SchemaSpec`` looks tables up by."""
        return (self.schema, self.tablename)


# constraints and indexes --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ConstraintSpec:
    """A table constraint: ``kind`` is ``"unique"`` (over ``columns``, database names) or
    ``"check"`` (``check`` is its SQL condition, written with quoted column names and
    literal values, valid on every dialect).

    Example: ``ConstraintSpec("band_name_manager", "unique", ("name", "manager"))``.
    """

    name: str
    kind: str
    columns: tuple[str, ...] = ()
    check: str | None = None
    nulls_distinct: bool = True

    def __post_init__(self) -> None:
        if self.kind not in ("unique", "check"):
            raise ValueError(f"constraint kind must be 'unique' or 'check', got {self.kind!r}")
        object.__setattr__(self, "columns", tuple(self.columns))


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """An index on ``columns`` (database names): ``IndexSpec("band_a_b", ("a", "b"))``."""

    name: str
    columns: tuple[str, ...]
    method: str = "btree"
    unique: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "method", str(getattr(self.method, "value", self.method)))


# tables -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table: ``TableSpec("Band", "band", None, columns, constraints, indexes)``.

    ``unmapped`` says what a producer found on the table but could not express (an
    expression index, a trigger...): never dropped silently.
    Example: ``spec.column("name").param("length")``; ``spec.primary_key.name``.
    """

    class_name: str
    tablename: str
    schema: str | None
    columns: tuple[ColumnSpec, ...]
    constraints: tuple[ConstraintSpec, ...] = ()
    indexes: tuple[IndexSpec, ...] = ()
    unmapped: str | None = None
    _by_name: dict[str, ColumnSpec] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "constraints", tuple(sorted(self.constraints, key=_by_name)))
        object.__setattr__(self, "indexes", tuple(sorted(self.indexes, key=_by_name)))
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def qualified_name(self) -> tuple[str | None, str]:
        """``(schema, tablename)``."""
        return (self.schema, self.tablename)

    def column(self, name: str) -> ColumnSpec:
        """A column by attribute name (``KeyError`` if none)."""
        return self._by_name[name]

    def get_column(self, name: str) -> ColumnSpec | None:
        """A column by attribute name, or None: ``spec.get_column("name")``."""
        return self._by_name.get(name)

    def column_by_db_name(self, db_name: str) -> ColumnSpec | None:
        """A column by its database name, or None: ``spec.column_by_db_name("title")``."""
        for column in self.columns:
            if column.db_column_name == db_name:
                return column
        return None

    @property
    def primary_key(self) -> ColumnSpec:
        """The primary key column (``LookupError`` if none): ``spec.primary_key.name``."""
        for column in self.columns:
            if column.primary_key:
                return column
        raise LookupError(f"{self.class_name} has no primary key column")

    @property
    def foreign_keys(self) -> tuple[ColumnSpec, ...]:
        """The foreign key columns, in column order: ``[c.name for c in spec.foreign_keys]``."""
        return tuple(c for c in self.columns if c.references is not None)

    def replace(self, **changes: Any) -> TableSpec:
        """A copy with some fields changed: ``spec.replace(tablename="bands")``."""
        return dataclasses.replace(self, **changes)

    def with_column(self, column: ColumnSpec) -> TableSpec:
        """A copy with ``column`` replacing the one of the same name, or appended."""
        if column.name in self._by_name:
            columns = tuple(column if c.name == column.name else c for c in self.columns)
        else:
            columns = (*self.columns, column)
        return self.replace(columns=columns)

    def without_column(self, name: str) -> TableSpec:
        """A copy without the column ``name`` (attribute name)."""
        return self.replace(columns=tuple(c for c in self.columns if c.name != name))

    def for_database(self) -> TableSpec:
        """Each column's ``for_database()`` (see ``ColumnSpec.for_database``)."""
        return self.replace(columns=tuple(c.for_database() for c in self.columns))


def _by_name(item: ConstraintSpec | IndexSpec) -> str:
    return item.name


@dataclass(frozen=True, slots=True)
class SchemaSpec:
    """Several tables: ``SchemaSpec((band_spec, manager_spec))``.

    Example: ``schema.table("Band")``, ``schema.by_tablename("band")``,
    ``schema.dependency_order()`` (targets of foreign keys first).
    """

    tables: tuple[TableSpec, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tables", tuple(self.tables))

    def __iter__(self) -> Iterator[TableSpec]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def table(self, class_name: str) -> TableSpec:
        """A table by class name (``KeyError`` if none)."""
        for table in self.tables:
            if table.class_name == class_name:
                return table
        raise KeyError(class_name)

    def by_tablename(self, tablename: str, schema: str | None = None) -> TableSpec | None:
        """A table by database name (and schema), or None: ``schema.by_tablename("band")``."""
        for table in self.tables:
            if table.tablename == tablename and table.schema == schema:
                return table
        return None

    def target_of(self, column: ColumnSpec) -> TableSpec | None:
        """The table a foreign key column points at, when it is in this schema.

        Example: ``schema.target_of(band.column("manager")).class_name == "Manager"``.
        """
        ref = column.references
        if ref is None:
            return None
        return self.by_tablename(ref.tablename, ref.schema)

    def dependency_order(self) -> list[TableSpec]:
        """The tables ordered so each comes after the tables its foreign keys point at.

        Self references are ignored; a cycle (``A -> B -> A``) is broken at the foreign
        key found last, which ``deferred_foreign_keys`` lists (create those after the
        tables). Ties keep the given order, so the result is stable.
        """
        return self._order()[0]

    def deferred_foreign_keys(self) -> list[tuple[TableSpec, ColumnSpec]]:
        """Foreign keys that point at a table placed later by ``dependency_order``
        (only in cycles): add them once every table exists."""
        return self._order()[1]

    def _order(self) -> tuple[list[TableSpec], list[tuple[TableSpec, ColumnSpec]]]:
        placed: list[TableSpec] = []
        done: set[tuple[str | None, str]] = set()
        visiting: set[tuple[str | None, str]] = set()

        def visit(table: TableSpec) -> None:
            key = table.qualified_name
            if key in done or key in visiting:
                return
            visiting.add(key)
            for fk in table.foreign_keys:
                target = self.target_of(fk)
                if target is not None and target.qualified_name != key:
                    visit(target)
            visiting.discard(key)
            done.add(key)
            placed.append(table)

        for table in self.tables:
            visit(table)
        position = {t.qualified_name: i for i, t in enumerate(placed)}
        deferred = [
            (table, fk)
            for i, table in enumerate(placed)
            for fk in table.foreign_keys
            if (target := self.target_of(fk)) is not None and position[target.qualified_name] > i
        ]
        return placed, deferred

    def replace_table(self, table: TableSpec) -> SchemaSpec:
        """A copy where ``table`` replaces the table of the same class name (or is added)."""
        tables = [t for t in self.tables if t.class_name != table.class_name]
        index = next(
            (i for i, t in enumerate(self.tables) if t.class_name == table.class_name), len(tables)
        )
        tables.insert(index, table)
        return SchemaSpec(tuple(tables))

    def without_table(self, class_name: str) -> SchemaSpec:
        """A copy without the table ``class_name``."""
        return SchemaSpec(tuple(t for t in self.tables if t.class_name != class_name))

    def for_database(self) -> SchemaSpec:
        """Each table's ``for_database()``."""
        return SchemaSpec(tuple(t.for_database() for t in self.tables))
