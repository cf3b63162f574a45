"""Specs from Table classes (producer 1), and columns built back from specs.

Example::

    spec = table_spec(Band)
    spec.column("name").param("length")         # 50
    column_from_spec(spec.column("name"))       # a fresh, unbound Varchar(length=50)
    value_type_of(spec.column("manager"))       # ValueType("integer"): the key's type
"""

from __future__ import annotations

import functools
from typing import Any

from vivace.exceptions import ConfigurationError
from vivace.schema import column_types
from vivace.schema.check_sql import check_sql
from vivace.schema.column import Column
from vivace.schema.constraints import Check, Constraint, Unique
from vivace.schema.foreign_key import ForeignKey
from vivace.schema.spec import (
    ColumnSpec,
    ConstraintSpec,
    ReferenceSpec,
    SchemaSpec,
    TableSpec,
    thaw_value,
)
from vivace.types import ValueType

#: Every column class a spec can name, by class name.
COLUMN_CLASSES: dict[str, type[Column[Any]]] = {
    name: value
    for name, value in vars(column_types).items()
    if isinstance(value, type) and issubclass(value, Column) and value is not Column
}
COLUMN_CLASSES["ForeignKey"] = ForeignKey

# Serial keys are plain integers once they are referenced.
_REFERENCE_TYPES = {"serial": ValueType("integer"), "bigserial": ValueType("bigint")}

# Params that are not constructor keywords of the column class itself.
_NOT_KEYWORDS = {"references", "target_column"}


def column_class_name(column: Column[Any]) -> str:
    """The Vivace class a column is (the nearest one, for a user's subclass).

    Example: ``column_class_name(Email()) == "Email"``.
    """
    for klass in type(column).__mro__:
        if COLUMN_CLASSES.get(klass.__name__) is klass:
            return klass.__name__
    raise ConfigurationError(f"{type(column).__name__} is not based on a Vivace column class")


def column_spec(column: Column[Any]) -> ColumnSpec:
    """The spec of one column of a Table class (or of a free column, unnamed).

    Example: ``column_spec(Band.name).param("length")``.
    """
    meta = column._meta
    given_name = meta.db_column_name if meta._given_db_name else None
    params: dict[str, Any] = {
        "null": meta.null,
        "primary_key": meta.primary_key,
        "unique": meta.unique,
        "index": meta.index,
        "index_method": meta.index_method,
        "default": meta.default,
        "choices": meta.choices,
        "db_column_name": None if given_name == meta.name else given_name,
        "secret": meta.secret,
        "help_text": meta.help_text,
        "required": meta.required,
    }
    if isinstance(column, column_types.Varchar):
        params["length"] = column.length
    elif isinstance(column, column_types.Numeric):
        params["digits"] = column.digits
    elif isinstance(column, column_types.Array):
        params["base_column"] = column_spec(column.base_column).type_only().renamed("")
    elif isinstance(column, ForeignKey):
        params.update(_foreign_key_params(column))
    return ColumnSpec(meta.name, column_class_name(column), tuple(params.items()))


def _foreign_key_params(fk: ForeignKey[Any]) -> dict[str, Any]:
    target_table = fk.resolved_references
    target = fk.target_column
    key = column_spec(target).type_only().renamed(target._meta.db_column_name)
    is_primary = target is target_table._meta.primary_key
    return {
        "references": ReferenceSpec(
            target_table.__name__, target_table._meta.tablename, target_table._meta.schema, key
        ),
        "on_delete": fk.on_delete,
        "on_update": fk.on_update,
        "target_column": None if is_primary else target._meta.name,
    }


def constraint_spec(constraint: Constraint) -> ConstraintSpec:
    """The spec of a ``Unique`` or ``Check`` bound to its table."""
    if isinstance(constraint, Unique):
        columns = tuple(c._meta.db_column_name for c in constraint.columns)
        return ConstraintSpec(
            constraint.name, "unique", columns, nulls_distinct=constraint.nulls_distinct
        )
    if isinstance(constraint, Check):
        return ConstraintSpec(constraint.name, "check", check=check_sql(constraint.condition))
    raise ConfigurationError(f"unknown constraint {constraint!r}")


def table_spec(table: Any) -> TableSpec:
    """The spec of a Table class: ``table_spec(Band).column("name")``."""
    meta = table._meta
    return TableSpec(
        class_name=table.__name__,
        tablename=meta.tablename,
        schema=meta.schema,
        columns=tuple(column_spec(c) for c in meta.columns),
        constraints=tuple(constraint_spec(c) for c in meta.constraints),
    )


def schema_spec(*tables: Any) -> SchemaSpec:
    """The spec of several Table classes: ``schema_spec(Manager, Band)``."""
    return SchemaSpec(tuple(table_spec(t) for t in tables))


# columns back from specs ------------------------------------------------------------------------
def column_from_spec(spec: ColumnSpec, references: Any = None) -> Column[Any]:
    """A new, unbound column built from ``spec``; a foreign key needs ``references``
    (a Table class, its name or a ``LazyTableReference``).

    Example: ``column_from_spec(ColumnSpec.of("n", "Varchar", length=5))``.
    """
    klass = COLUMN_CLASSES.get(spec.column_class)
    if klass is None:
        raise ConfigurationError(f"no Vivace column class is named {spec.column_class!r}")
    kwargs = {k: thaw_value(v) for k, v in spec.params if k not in _NOT_KEYWORDS}
    base = kwargs.get("base_column")
    if isinstance(base, ColumnSpec):
        kwargs["base_column"] = column_from_spec(base)
    if klass is ForeignKey:
        if references is None:
            raise ConfigurationError(f"foreign key {spec.name!r} needs the table it references")
        target = spec.param("target_column")
        return ForeignKey(references, target_column=target, **kwargs)
    return klass(**kwargs)


@functools.lru_cache(maxsize=1024)
def value_type_of(spec: ColumnSpec) -> ValueType:
    """The value type of the column ``spec`` describes (a foreign key: its key's type).

    Example: ``value_type_of(ColumnSpec.of("n", "Numeric", digits=(5, 2)))``.
    """
    ref = spec.references
    if ref is not None:
        target = value_type_of(ref.column)
        return _REFERENCE_TYPES.get(target.name, target)
    return column_from_spec(spec.type_only()).value_type
