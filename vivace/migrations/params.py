"""Column specs from the arguments of a migration file (Piccolo's format).

A migration file names a column by its class and a ``params`` dict whose values are
Python objects: Enum classes, defaults objects, a base column instance (``Array``), a
Table class defined in the file (a foreign key's ``references``). These become the
frozen values of a ``ColumnSpec``.

Example::

    spec = column_spec_from_params("name", Varchar, {"length": 50, "null": True})
    spec.param("length")        # 50
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from vivace.exceptions import MigrationError
from vivace.orm import create_table_class
from vivace.schema.check_sql import check_sql
from vivace.schema.column import Column
from vivace.schema.registry import unregister_table
from vivace.schema.spec import ColumnSpec, ConstraintSpec, ReferenceSpec, freeze_value
from vivace.schema.table_spec import COLUMN_CLASSES, column_from_spec, column_spec
from vivace.sql.nodes import Condition

#: Params Vivace keeps out of its column constructors (Piccolo writes them all the same).
_IGNORED_PARAMS = frozenset({"column_class_name"})


def column_class_of(column_class: Any, column_class_name: str = "") -> type[Column[Any]]:
    """The column class given directly, else by name (older Piccolo files name it only)."""
    if isinstance(column_class, type) and issubclass(column_class, Column):
        return column_class
    klass = COLUMN_CLASSES.get(column_class_name or "")
    if klass is None:
        raise MigrationError(f"unknown column class {column_class_name or column_class!r}")
    return klass


def column_spec_from_params(
    column_name: str,
    column_class: type[Column[Any]],
    params: Mapping[str, Any],
    db_column_name: str | None = None,
    table: tuple[str, str, str | None] | None = None,
) -> ColumnSpec:
    """The spec of the column a migration's ``add_column`` describes; ``table`` (class
    name, tablename, schema) is the table it is added to, which a foreign key's
    ``references="self"`` names."""
    kwargs = {k: v for k, v in params.items() if k not in _IGNORED_PARAMS}
    kwargs.pop("db_column_name", None)
    if kwargs.get("references") == "self" and table is not None:
        kwargs["references"] = _stand_in(*table)
    base = kwargs.get("base_column")
    if isinstance(base, ColumnSpec):
        kwargs["base_column"] = column_from_spec(base)
    try:
        column = column_class(**kwargs)
    except TypeError as error:
        raise MigrationError(
            f"cannot make {column_class.__name__} column {column_name!r}: {error}"
        ) from error
    spec = column_spec(column).renamed(column_name)
    db_name = db_column_name or params.get("db_column_name") or column_name
    return spec.replace_params(db_column_name=None if db_name == column_name else db_name)


def _stand_in(class_name: str, tablename: str, schema: str | None) -> Any:
    """A Table class standing for ``tablename`` with the default key, as the stand-in
    classes a written migration file defines for its foreign keys (kept out of the
    registry: string references in the project never find it)."""
    table = create_table_class(class_name, class_kwargs={"tablename": tablename, "schema": schema})
    unregister_table(table)
    return table


def changed_params(params: Mapping[str, Any], target_column: str | None = None) -> dict[str, Any]:
    """``alter_column`` params as spec values: a base column as its type-only spec, a
    Table class as a ``ReferenceSpec`` (to ``target_column``), everything else frozen."""
    converted: dict[str, Any] = {}
    for key, value in params.items():
        if key in _IGNORED_PARAMS:
            continue
        if isinstance(value, Column):
            value = column_spec(value).type_only().renamed("")
        elif key == "references" and isinstance(value, type):
            value = reference_spec(value, params.get("target_column", target_column))
        converted[key] = freeze_value(value)
    return converted


def altered_spec(
    old: ColumnSpec, params: Mapping[str, Any], column_class: type[Column[Any]] | None
) -> ColumnSpec:
    """``old`` with ``params`` applied and, when given, made a ``column_class`` column
    (params the new class does not take are dropped, missing ones get its defaults)."""
    merged = {**old.param_dict, **changed_params(params, old.param("target_column"))}
    if column_class is None or column_class.__name__ == old.column_class:
        return ColumnSpec(old.name, old.column_class, tuple(merged.items()))
    class_name = column_class.__name__
    defaults = class_default_params(class_name)
    kept = {k: v for k, v in merged.items() if k in defaults}
    for key in ("length", "digits"):  # a new type brings its own size
        if key in defaults and key not in params:
            kept[key] = defaults[key]
    if "default" not in params and merged.get("default") != defaults.get("default"):
        kept["default"] = defaults.get("default")  # the old default may not fit the new type
    return ColumnSpec(old.name, class_name, tuple({**defaults, **kept}.items()))


@functools.cache
def class_default_params(class_name: str) -> dict[str, Any]:
    """The params of a column of this class built with no arguments."""
    klass = COLUMN_CLASSES[class_name]
    if class_name == "ForeignKey":
        raise MigrationError("a column cannot become a ForeignKey by alter_column")
    if class_name == "Array":
        integer = COLUMN_CLASSES["Integer"]()
        return dict(column_spec(klass(base_column=integer)).params)  # type: ignore[call-arg]
    return dict(column_spec(klass()).params)


def reference_spec(table: Any, target_column: str | None = None) -> ReferenceSpec:
    """What a foreign key to ``table`` (a Table class) points at."""
    target = table._meta.column_by_name.get(target_column) if target_column else None
    target = target or table._meta.primary_key
    key = column_spec(target).type_only().renamed(target._meta.db_column_name)
    return ReferenceSpec(table.__name__, table._meta.tablename, table._meta.schema, key)


def constraint_spec_from_params(
    constraint_name: str, constraint_class: Any, params: Mapping[str, Any]
) -> ConstraintSpec:
    """The spec of the constraint a migration's ``add_constraint`` describes:
    ``Unique`` with ``columns`` (names) and ``nulls_distinct``, ``Check`` with ``condition``."""
    kind = getattr(constraint_class, "__name__", str(constraint_class)).lower()
    if kind == "unique":
        columns = tuple(
            c._meta.db_column_name if isinstance(c, Column) else str(c) for c in params["columns"]
        )
        nulls = bool(params.get("nulls_distinct", True))
        return ConstraintSpec(constraint_name, "unique", columns, nulls_distinct=nulls)
    if kind == "check":
        condition = params["condition"]
        text = check_sql(condition) if isinstance(condition, Condition) else str(condition)
        return ConstraintSpec(constraint_name, "check", check=text)
    raise MigrationError(f"unknown constraint class {constraint_class!r}")
