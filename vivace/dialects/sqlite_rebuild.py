"""SQLite's table rebuild: every schema change SQLite cannot make in place.

SQLite alters a table in place only to rename it, rename or add a column (within limits)
or drop a plain column. Anything else (a column's type, ``NOT NULL``, default, ``UNIQUE``,
foreign key, a constraint) follows the procedure of sqlite.org/lang_altertable.html
("Making Other Kinds Of Table Schema Changes"):

1. a guard checks that ``PRAGMA foreign_keys`` is OFF, or else dropping the old table
   would run its foreign keys' ``ON DELETE`` actions on the rows that point at it; the
   engine's ``schema_transaction()`` turns it off around a transaction (it cannot be
   changed inside one); and that the table has no triggers (they would be lost);
2. the new table is created under a temporary name, the rows copied into it
   (renamed columns mapped, new columns filled with their default), the old table
   dropped and the new one renamed: tables pointing at it keep pointing at it;
3. its indexes are created again;
4. ``PRAGMA foreign_key_check`` must find nothing, or the statement fails (and the
   transaction with it: nothing changed).

Example::

    rebuild_statements(ddl, old_spec, new_spec, renamed={"title": "name"})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from vivace.exceptions import QueryError
from vivace.schema.column import derived_identifier
from vivace.schema.spec import ColumnSpec, TableSpec

if TYPE_CHECKING:
    from vivace.dialects.sqlite_ddl import SQLiteDDL

_GUARD = 'temp."_vivace_rebuild_guard"'


def guard_table_sql() -> str:
    """The temporary table whose CHECKs stop a rebuild that would lose data (its
    constraint names are the error messages). Example: ``guard_table_sql()``."""
    return (
        f"CREATE TEMP TABLE IF NOT EXISTS {_GUARD} ("
        '"foreign_keys" INTEGER CONSTRAINT '
        '"a table rebuild needs PRAGMA foreign_keys = OFF: run it in engine.schema_transaction()" '
        'CHECK ("foreign_keys" = 0), '
        '"triggers" INTEGER CONSTRAINT '
        "\"a table rebuild would lose the table''s triggers: drop them, and create them after\" "
        'CHECK ("triggers" = 0), '
        '"violations" INTEGER CONSTRAINT '
        '"PRAGMA foreign_key_check found rows without their referenced row after a table rebuild" '
        'CHECK ("violations" = 0))'
    )


def rebuild_statements(
    ddl: SQLiteDDL,
    old: TableSpec,
    new: TableSpec,
    renamed: Mapping[str, str] | None = None,
    using: Mapping[str, str] | None = None,
) -> list[str]:
    """Statements that turn table ``old`` into ``new`` keeping its rows.

    ``renamed`` maps a new column's database name to its old one; ``using`` gives the
    SQL (over the old columns) that computes a new column's values.
    """
    # What introspection could not express would not survive the new CREATE TABLE.
    lost = [f"{c.db_column_name}: {c.unmapped}" for c in old.columns if c.unmapped]
    if old.unmapped:
        lost.append(old.unmapped)
    if lost:
        raise QueryError(
            f"rebuilding table {old.tablename!r} would lose what Vivace cannot describe "
            f"({'; '.join(lost)}): change it by hand"
        )
    renamed = dict(renamed or {})
    using = dict(using or {})
    temporary = derived_identifier(f"_vivace_new_{new.tablename}", "table name")
    staged = new.replace(tablename=temporary, indexes=())
    # The staged table's own foreign keys name the final table, as they must end up.
    create = ddl.create_table(_without_column_indexes(staged), create_schema=False)[0]
    old_names = {c.db_column_name for c in old.columns}
    targets: list[str] = []
    sources: list[str] = []
    for column in new.columns:
        name = column.db_column_name
        source = renamed.get(name, name)
        if name in using:
            expression = using[name]
        elif source in old_names:
            expression = ddl.quote(source)
        else:
            fill = ddl.fill_sql(column)
            if fill is None:
                continue  # the column's DEFAULT (or NULL) fills it
            expression = fill
        targets.append(ddl.quote(name))
        sources.append(expression)
    copy = (
        f"INSERT INTO {ddl.quote(temporary)} ({', '.join(targets)}) "
        f"SELECT {', '.join(sources)} FROM {ddl.table_name(old)}"
    )
    return [
        guard_table_sql(),
        f'INSERT INTO {_GUARD} ("foreign_keys", "triggers") '
        "SELECT (SELECT foreign_keys FROM pragma_foreign_keys), "
        "(SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
        f"AND tbl_name = {_text(old.tablename)})",
        create,
        copy,
        f"DROP TABLE {ddl.table_name(old)}",
        f"ALTER TABLE {ddl.quote(temporary)} RENAME TO {ddl.quote(new.tablename)}",
        *ddl.create_indexes(new),
        f'INSERT INTO {_GUARD} ("violations") SELECT count(*) FROM pragma_foreign_key_check',
        f"DROP TABLE {_GUARD}",
    ]


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _without_column_indexes(table: TableSpec) -> TableSpec:
    columns = tuple(c.replace_params(index=False) if c.index else c for c in table.columns)
    return table.replace(columns=columns)


def needs_rebuild_to_add(ddl: SQLiteDDL, column: ColumnSpec) -> bool:
    """Whether ``ALTER TABLE ADD COLUMN`` cannot add ``column`` (SQLite's limits: no
    PRIMARY KEY or UNIQUE, NOT NULL only with a constant default)."""
    if column.primary_key or column.unique:
        return True
    return not column.null and ddl.default_sql(column) is None
