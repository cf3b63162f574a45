"""MariaDB/MySQL DDL: InnoDB tables in utf8mb4 with a binary no-pad collation.

Column changes use ``ALTER TABLE ... MODIFY COLUMN`` with the whole new definition (MySQL
changes a column as a whole), so ``set_null``/``set_type`` need the table's spec to
describe the column (``Band.alter()`` reads it from the live table: the dialect's
``supports_alter_column`` is False); an index is dropped ``ON`` its table. Serial keys are
``AUTO_INCREMENT``. Text with ``unique``/``index`` must be a ``Varchar`` (MySQL indexes
no unbounded ``TEXT``).

Names Vivace gives (so that later changes can find them, and introspection can tell a
column's own from the others): a column's ``UNIQUE`` is ``{table}_{column}_key``, its
foreign key ``{table}_{column}_fkey``, its index ``{table}_{column}``. Renaming a table or
a column renames them too (MySQL keeps the old names otherwise).

Several Vivace types share one MySQL type (``DOUBLE``, ``DATETIME(6)``, ``BIGINT``,
``CHAR(36)``, ``JSON``); the less common of each pair is marked with a column comment
(``COMMENT 'vivace:Timestamptz'``) so that introspection gives the same class back.

Example::

    MySQLDDL(MariaDBDialect()).create_table(table_spec(Band))
    # ['CREATE TABLE `band` (`id` INT AUTO_INCREMENT PRIMARY KEY, ...) ENGINE=InnoDB ...']
"""

from __future__ import annotations

from vivace.dialects.ddl import (
    FOREIGN_KEY_PARAMS,
    DDLCompiler,
    adds_foreign_key,
    changed_params,
    type_changed,
)
from vivace.exceptions import QueryError
from vivace.schema.column import derived_identifier
from vivace.schema.defaults import Default
from vivace.schema.spec import ColumnSpec, IndexSpec, ReferenceSpec, TableSpec
from vivace.schema.table_spec import value_type_of
from vivace.types import ValueType

#: Table options: every table stores text in utf8mb4, compared byte by byte, no padding.
TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin"

_TYPES = {
    "text": "LONGTEXT",
    "integer": "INT",
    "bigint": "BIGINT",
    "smallint": "SMALLINT",
    "serial": "INT",
    "bigserial": "BIGINT",
    "boolean": "BOOLEAN",
    # DOUBLE for Real too: FLOAT reads back rounded to 6 digits.
    "real": "DOUBLE",
    "double": "DOUBLE",
    "timestamp": "DATETIME(6)",
    "timestamptz": "DATETIME(6)",
    "date": "DATE",
    "time": "TIME(6)",
    "interval": "BIGINT",
    "uuid": "CHAR(36)",
    "json": "JSON",
    "jsonb": "JSON",
    "bytea": "LONGBLOB",
}

#: The value types stored in the same MySQL type as a commoner one, with the class
#: introspection gives back for the comment that marks them.
MARKED_TYPES = {
    "real": "Real",
    "timestamptz": "Timestamptz",
    "interval": "Interval",
    "uuid": "UUID",
    "jsonb": "JSONB",
}
#: The comment prefix of those marks: ``COMMENT 'vivace:Interval'``.
MARK_PREFIX = "vivace:"

#: Computed defaults MySQL knows (``Default.postgres`` names PostgreSQL's functions).
_COMPUTED = {
    "current_timestamp": "CURRENT_TIMESTAMP(6)",
    # Expression defaults (MariaDB 10.2+, MySQL 8.0.13+): without them the rows of a table
    # a DateNow/TimeNow column is added to get no value ('0000-00-00' is refused).
    "current_date": "(CURRENT_DATE)",
    "current_time": "(CURRENT_TIME(6))",
}


def column_type(vtype: ValueType) -> str:
    """The MySQL type of a value type: ``column_type(ValueType("varchar", (20,)))``."""
    name = vtype.name
    if name in ("varchar", "char"):
        length = vtype.args[0] if vtype.args else 255
        return f"{name.upper()}({length})"
    if name == "numeric":
        if vtype.args:
            return f"DECIMAL({vtype.args[0]}, {vtype.args[1]})"
        return "DECIMAL(65, 30)"
    if name == "array":
        raise QueryError("Array columns are not supported on MySQL/MariaDB")
    return _TYPES[name]


def owned_name(tablename: str, column: str, label: str = "") -> str:
    """The name Vivace gives a column's own index (no label), ``UNIQUE`` (``key``) or
    foreign key (``fkey``): ``owned_name("band", "name", "key") == "band_name_key"``."""
    name = f"{tablename}_{column}" + (f"_{label}" if label else "")
    return derived_identifier(name, "constraint name")


def type_mark(column: ColumnSpec) -> str | None:
    """The comment marking a column whose type MySQL shares with another class."""
    mark = MARKED_TYPES.get(value_type_of(column).name)
    return None if mark is None else MARK_PREFIX + mark


class MySQLDDL(DDLCompiler):
    """DDL for MariaDB 10.6+ and MySQL 8."""

    def primary_key_sql(self, column: ColumnSpec) -> str:
        if column.column_class in ("Serial", "BigSerial"):
            return "AUTO_INCREMENT PRIMARY KEY"
        return "PRIMARY KEY"

    def computed_default(self, default: Default) -> str | None:
        text = default.postgres
        if text is None:
            return None
        return _COMPUTED.get(text.lower())

    def column_sql(self, column: ColumnSpec, with_references: bool = True) -> str:
        # UNIQUE and REFERENCES become named table items (``column_items``): MySQL ignores
        # an inline REFERENCES, and a named UNIQUE can be dropped by set_unique().
        return self.definition(column, with_key=True)

    def definition(self, column: ColumnSpec, with_key: bool) -> str:
        """A column's definition; without ``PRIMARY KEY`` (``with_key=False``) for
        ``MODIFY COLUMN`` of a column that already is the key."""
        parts = [self.quote(column.db_column_name), self.type_sql(column)]
        if column.primary_key and with_key:
            parts.append(self.primary_key_sql(column))
        elif column.primary_key:
            serial = column.column_class in ("Serial", "BigSerial")
            parts.append("NOT NULL AUTO_INCREMENT" if serial else "NOT NULL")
        else:
            if not column.null:
                parts.append("NOT NULL")
            default = self.default_sql(column)
            if default is not None:
                parts.append(f"DEFAULT {default}")
        mark = type_mark(column)
        if mark is not None:
            parts.append(f"COMMENT '{mark}'")
        return " ".join(parts)

    def column_items(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        """The table items a column brings: its named ``UNIQUE`` and ``FOREIGN KEY``."""
        items: list[str] = []
        name = self.quote(column.db_column_name)
        if column.unique and not column.primary_key:
            items.append(
                f"CONSTRAINT {self.unique_name(table, column.db_column_name)} UNIQUE ({name})"
            )
        if column.references is not None:
            items.append(self.foreign_key_item(table, column))
        return items

    def foreign_key_item(self, table: TableSpec, column: ColumnSpec) -> str:
        """``CONSTRAINT {table}_{column}_fkey FOREIGN KEY (...) REFERENCES ...``."""
        fkey = self.quote(owned_name(table.tablename, column.db_column_name, "fkey"))
        name = self.quote(column.db_column_name)
        return f"CONSTRAINT {fkey} FOREIGN KEY ({name}) {self.references_sql(column)}"

    def unique_name(self, table: TableSpec, column: str) -> str:
        return self.quote(owned_name(table.tablename, column, "key"))

    def create_table(
        self, table: TableSpec, if_not_exists: bool = False, create_schema: bool = True
    ) -> list[str]:
        # No schemas here: ``create_schema`` has nothing to create.
        items = [self.column_sql(c) for c in table.columns]
        items.extend(item for c in table.columns for item in self.column_items(table, c))
        items.extend(self.constraint_sql(c) for c in table.constraints)
        exists = "IF NOT EXISTS " if if_not_exists else ""
        name = self.table_name(table)
        create = f"CREATE TABLE {exists}{name} ({', '.join(items)}) {TABLE_OPTIONS}"
        return [create, *self.create_indexes(table, if_not_exists)]

    def add_column(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        parts = [f"ADD COLUMN {self.column_sql(column)}"]
        parts.extend(f"ADD {item}" for item in self.column_items(table, column))
        statements = [f"{self.alter_prefix(table)} {', '.join(parts)}"]
        if column.index:
            statements.extend(self.create_index(table, self.column_index(table, column)))
        return statements

    def drop_column(self, table: TableSpec, column: ColumnSpec | str) -> list[str]:
        # MySQL refuses to drop a column its foreign key needs: drop the key with it.
        name = column if isinstance(column, str) else column.db_column_name
        described = table.column_by_db_name(name) if isinstance(column, str) else column
        parts = [f"DROP COLUMN {self.quote(name)}"]
        if described is not None and described.references is not None:
            fkey = owned_name(table.tablename, name, "fkey")
            parts.insert(0, f"DROP FOREIGN KEY {self.quote(fkey)}")
        return [f"{self.alter_prefix(table)} {', '.join(parts)}"]

    def cascade(self, cascade: bool) -> str:
        return ""  # MySQL accepts CASCADE and ignores it

    def rename_table(self, table: TableSpec, new_tablename: str) -> list[str]:
        """``RENAME TABLE``, then the names of its columns' own index, ``UNIQUE`` and
        foreign key follow (those of the columns ``table`` describes)."""
        statements = [f"RENAME TABLE {self.table_name(table)} TO {self.quote(new_tablename)}"]
        renamed = table.replace(tablename=new_tablename)
        for column in table.columns:
            if column.references is not None and column.references.tablename == table.tablename:
                # A key to the table itself now points at its new name (MySQL follows it).
                ref = column.references
                moved = ReferenceSpec(ref.class_name, new_tablename, ref.schema, ref.column)
                column = column.replace_params(references=moved)
            statements.extend(
                self.rename_owned(renamed, table.tablename, column, column.db_column_name)
            )
        return statements

    def rename_column(self, table: TableSpec, old: str, new: str) -> list[str]:
        """Rename a column and, when ``table`` describes it, its own index, ``UNIQUE``
        and foreign key."""
        sql = f"{self.alter_prefix(table)} RENAME COLUMN {self.quote(old)} TO {self.quote(new)}"
        column = table.column_by_db_name(old)
        if column is None:
            return [sql]
        return [sql, *self.rename_owned(table, table.tablename, column, new)]

    def rename_owned(
        self, table: TableSpec, old_tablename: str, column: ColumnSpec, new_name: str
    ) -> list[str]:
        """Give the index, ``UNIQUE`` and foreign key of ``column`` (named for table
        ``old_tablename``) the names they get for ``new_name`` in ``table``."""
        old_name = column.db_column_name
        parts: list[str] = []
        for label, owned in (("", column.index), ("key", column.unique)):
            was = owned_name(old_tablename, old_name, label)
            now = owned_name(table.tablename, new_name, label)
            if owned and was != now and not column.primary_key:
                parts.append(f"RENAME INDEX {self.quote(was)} TO {self.quote(now)}")
        was = owned_name(old_tablename, old_name, "fkey")
        if column.references is not None and was != owned_name(table.tablename, new_name, "fkey"):
            moved = column.renamed(new_name).replace_params(db_column_name=None)
            parts.append(f"DROP FOREIGN KEY {self.quote(was)}")
            parts.append(f"ADD {self.foreign_key_item(table, moved)}")
        return [f"{self.alter_prefix(table)} {', '.join(parts)}"] if parts else []

    def create_index(
        self, table: TableSpec, index: IndexSpec, if_not_exists: bool = False
    ) -> list[str]:
        self.index_using(index.method)
        exists = "IF NOT EXISTS " if if_not_exists else ""
        unique = "UNIQUE " if index.unique else ""
        columns = ", ".join(self.quote(c) for c in index.columns)
        return [
            f"CREATE {unique}INDEX {exists}{self.quote(index.name)} "
            f"ON {self.table_name(table)} ({columns})"
        ]

    def drop_index(self, table: TableSpec, name: str, if_exists: bool = False) -> list[str]:
        exists = "IF EXISTS " if if_exists else ""
        return [f"DROP INDEX {exists}{self.quote(name)} ON {self.table_name(table)}"]

    def drop_constraint(self, table: TableSpec, name: str) -> list[str]:
        # MariaDB 10.2+ and MySQL 8.0.19+ drop any kind of constraint by name.
        return [f"{self.alter_prefix(table)} DROP CONSTRAINT {self.quote(name)}"]

    # column changes: MODIFY COLUMN with the whole definition ----------------------------------
    def modify(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        definition = self.definition(column, with_key=False)
        return [f"{self.alter_prefix(table)} MODIFY COLUMN {definition}"]

    def set_default(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        default = self.default_sql(column)
        if default is None:
            return self.drop_default(table, column.db_column_name)
        name = self.quote(column.db_column_name)
        return [f"{self.alter_prefix(table)} ALTER COLUMN {name} SET DEFAULT {default}"]

    def drop_default(self, table: TableSpec, name: str) -> list[str]:
        return [f"{self.alter_prefix(table)} ALTER COLUMN {self.quote(name)} DROP DEFAULT"]

    def set_unique(self, table: TableSpec, name: str, unique: bool) -> list[str]:
        index = self.unique_name(table, name)
        if unique:
            return [
                f"{self.alter_prefix(table)} ADD CONSTRAINT {index} UNIQUE ({self.quote(name)})"
            ]
        return [f"{self.alter_prefix(table)} DROP INDEX {index}"]

    def alter_column(
        self, table: TableSpec, old: ColumnSpec, new: ColumnSpec, using: str | None = None
    ) -> list[str]:
        """Any change of one column: renamed first (with its own names), its foreign key
        dropped around a type change or a new target, the definition changed by one
        ``MODIFY COLUMN``, then its ``UNIQUE``, index, primary key and foreign key.

        MySQL has no ``USING``: with ``using``, an ``UPDATE`` first stores the converted
        values in the column as it is (MySQL converts them again to the new type), so the
        result must fit the old type too (``CAST("code" AS INTEGER)`` into text does)."""
        changed = changed_params(old, new)
        retyped = type_changed(old, new)
        statements: list[str] = []
        name = old.db_column_name
        relinked = bool(changed & FOREIGN_KEY_PARAMS) or retyped or bool(using)
        if old.references is not None and relinked:
            fkey = self.quote(owned_name(table.tablename, name, "fkey"))
            statements.append(f"{self.alter_prefix(table)} DROP FOREIGN KEY {fkey}")
            old = old.replace_params(references=None)
            table = table.with_column(old)
        if new.db_column_name != name:
            statements.extend(self.rename_column(table, name, new.db_column_name))
        if using is not None:
            column = self.quote(new.db_column_name)
            statements.append(f"UPDATE {self.table_name(table)} SET {column} = {using}")
        if retyped or changed & {"null", "default", "primary_key"}:
            if old.primary_key and not new.primary_key:
                # AUTO_INCREMENT needs the key: the column loses it before the key goes.
                statements.extend(self.modify(table, new.replace_params(primary_key=False)))
                statements.append(f"{self.alter_prefix(table)} DROP PRIMARY KEY")
            elif new.primary_key and not old.primary_key:
                key = self.quote(new.db_column_name)
                statements.append(f"{self.alter_prefix(table)} ADD PRIMARY KEY ({key})")
                statements.extend(self.modify(table, new))
            else:
                statements.extend(self.modify(table, new))
        if new.unique != old.unique and not new.primary_key:
            statements.extend(self.set_unique(table, new.db_column_name, new.unique))
        if changed & {"index", "index_method"}:
            if old.index:
                # No IF EXISTS: MySQL 8 has none on DROP INDEX (the index is known here).
                index = self.index_name(table, [new.db_column_name])
                statements.extend(self.drop_index(table, index))
            if new.index:
                statements.extend(self.create_index(table, self.column_index(table, new)))
        if adds_foreign_key(old, new, using):
            statements.append(f"{self.alter_prefix(table)} ADD {self.foreign_key_item(table, new)}")
        return statements
