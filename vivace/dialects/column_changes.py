"""One ``Band.alter()`` step as a change of specs: the table as it is after the step.

``Band.alter()`` carries the table's spec from step to step, so that a dialect which
rebuilds tables to alter them (SQLite) always describes the table as it is by then; the
base ``DDLCompiler`` compiles the single-column changes (``set_null`` ...) as
``alter_column(table, old, new)`` with these.

Example::

    old = described_column(band, "name", "set_null()")
    band.with_column(old.replace_params(null=True))
    with_renamed_column(band, "name", "title").column("title")
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from vivace.exceptions import InvalidValue, QueryError
from vivace.schema.check_sql import quote_identifier
from vivace.schema.defaults import Default
from vivace.schema.spec import (
    TYPE_PARAMS,
    CallableRef,
    ColumnSpec,
    ConstraintSpec,
    IndexSpec,
    TableSpec,
    thaw_value,
)
from vivace.schema.table_spec import value_type_of
from vivace.types.checks import value_check

# Types every value converts to (PostgreSQL casts any default to them).
_TEXT = frozenset({"text", "varchar", "char"})


def described_column(table: TableSpec, db_name: str, what: str) -> ColumnSpec:
    """The column of ``table`` called ``db_name`` in the database, or a ``QueryError``
    naming the operation ``what`` (the spec must describe the whole table).

    Example: ``described_column(band, "name", "set_null()").null``.
    """
    column = table.column_by_db_name(db_name)
    if column is None:
        raise QueryError(f"{what}: table {table.tablename!r} has no column {db_name!r}")
    return column


def with_type_of(old: ColumnSpec, column: ColumnSpec) -> ColumnSpec:
    """Column ``old`` with the class and type params (``length``, ``digits``,
    ``base_column``) of ``column``; its null, default, unique, index and name stay, as
    ``ALTER COLUMN ... TYPE`` keeps them.

    Example: ``with_type_of(band.column("popularity"), ColumnSpec.of("x", "BigInt"))``.
    """
    params = {k: v for k, v in old.params if k not in TYPE_PARAMS}
    params.update((k, v) for k, v in column.params if k in TYPE_PARAMS)
    return ColumnSpec(old.name, column.column_class, tuple(params.items()), old.unmapped)


def with_changed_column(
    table: TableSpec, db_name: str, change: Callable[[ColumnSpec], ColumnSpec]
) -> TableSpec:
    """``table`` with its column ``db_name`` replaced by ``change(column)``; a table that
    does not describe the column is returned as it is.

    Example: ``with_changed_column(band, "name", lambda c: c.replace_params(null=True))``.
    """
    column = table.column_by_db_name(db_name)
    return table if column is None else table.with_column(change(column))


def without_db_column(table: TableSpec, db_name: str) -> TableSpec:
    """``table`` without its column ``db_name`` and the constraints and indexes over it
    (the database drops them with the column).

    Example: ``without_db_column(band, "name").get_column("name") is None``.
    """
    quoted = quote_identifier(db_name)
    return table.replace(
        columns=tuple(c for c in table.columns if c.db_column_name != db_name),
        constraints=tuple(
            c
            for c in table.constraints
            if db_name not in c.columns and quoted not in (c.check or "")
        ),
        indexes=tuple(i for i in table.indexes if db_name not in i.columns),
    )


def check_default_fits(column: ColumnSpec, what: str = "set_column_type()") -> None:
    """Refuse a literal default that is no value of the column's type, as PostgreSQL
    refuses to convert one in ``ALTER COLUMN ... TYPE``; text types take any default (it
    converts them). Drop or change the default first, in the same chain.

    Example: ``check_default_fits(with_type_of(code, ColumnSpec.of("", "Integer")))``.
    """
    default = column.default
    vtype = value_type_of(column)
    if default is None or isinstance(default, CallableRef | Default) or vtype.name in _TEXT:
        return
    check = value_check(vtype, store=True)
    if check is None:
        return
    try:
        check(thaw_value(default))
    except InvalidValue as error:
        raise QueryError(
            f"{what}: the default of column {column.db_column_name!r} is no value of the new "
            f"type ({error}): drop_default() or set_default() first"
        ) from None


def with_renamed_column(table: TableSpec, old: str, new: str) -> TableSpec:
    """``table`` once its column ``old`` is called ``new`` in the database (both database
    names); the constraints and indexes over it follow the new name, as the database's do.
    A table that does not describe ``old`` is returned as it is.

    Example: ``with_renamed_column(band, "name", "title").column("title")``.
    """
    column = table.column_by_db_name(old)
    if column is None or old == new:
        return table
    renamed = column.renamed(new).replace_params(db_column_name=None)
    columns = tuple(renamed if c is column else c for c in table.columns)
    return table.replace(
        columns=columns,
        constraints=tuple(_constraint_renamed(c, old, new) for c in table.constraints),
        indexes=tuple(_index_renamed(i, old, new) for i in table.indexes),
    )


def _constraint_renamed(constraint: ConstraintSpec, old: str, new: str) -> ConstraintSpec:
    columns = tuple(new if c == old else c for c in constraint.columns)
    check = constraint.check
    if check is not None:  # written with quoted names: rename the quoted one only
        check = check.replace(quote_identifier(old), quote_identifier(new))
    return dataclasses.replace(constraint, columns=columns, check=check)


def _index_renamed(index: IndexSpec, old: str, new: str) -> IndexSpec:
    return dataclasses.replace(index, columns=tuple(new if c == old else c for c in index.columns))
