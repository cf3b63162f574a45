"""MariaDB/MySQL DDL: InnoDB tables in utf8mb4 with a binary no-pad collation.

Column changes use ``ALTER TABLE ... MODIFY COLUMN`` with the whole new definition (MySQL
changes a column as a whole); an index is dropped ``ON`` its table. Serial keys are
``AUTO_INCREMENT``. Text with ``unique``/``index`` must be a ``Varchar`` (MySQL indexes
no unbounded ``TEXT``).

Example::

    MySQLDDL(MariaDBDialect()).create_table(table_spec(Band))
    # ['CREATE TABLE `band` (`id` INT AUTO_INCREMENT PRIMARY KEY, ...) ENGINE=InnoDB ...']
"""

from __future__ import annotations

from vivace.dialects.ddl import DDLCompiler
from vivace.exceptions import QueryError
from vivace.schema.defaults import Default
from vivace.schema.spec import ColumnSpec, IndexSpec, TableSpec
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

#: Computed defaults MySQL knows (``Default.postgres`` names PostgreSQL's functions).
_COMPUTED = {
    "current_timestamp": "CURRENT_TIMESTAMP(6)",
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
        parts = [self.quote(column.db_column_name), self.type_sql(column)]
        if column.primary_key:
            parts.append(self.primary_key_sql(column))
        else:
            if not column.null:
                parts.append("NOT NULL")
            default = self.default_sql(column)
            if default is not None:
                parts.append(f"DEFAULT {default}")
        return " ".join(parts)

    def column_items(self, table: TableSpec, column: ColumnSpec) -> list[str]:
        """The table items a column brings: its named ``UNIQUE`` and ``FOREIGN KEY``."""
        items = []
        name = self.quote(column.db_column_name)
        if column.unique and not column.primary_key:
            items.append(
                f"CONSTRAINT {self.unique_name(table, column.db_column_name)} UNIQUE ({name})"
            )
        if column.references is not None:
            items.append(f"FOREIGN KEY ({name}) {self.references_sql(column)}")
        return items

    def unique_name(self, table: TableSpec, column: str) -> str:
        return self.quote(f"{table.tablename}_{column}_key")

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

    def cascade(self, cascade: bool) -> str:
        return ""  # MySQL accepts CASCADE and ignores it

    def rename_table(self, table: TableSpec, new_tablename: str) -> list[str]:
        return [f"RENAME TABLE {self.table_name(table)} TO {self.quote(new_tablename)}"]

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
        return [f"{self.alter_prefix(table)} MODIFY COLUMN {self.column_sql(column)}"]

    def set_null(self, table: TableSpec, name: str, null: bool) -> list[str]:
        raise self.unsupported("set_null() without the column's definition")

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

    def set_type(
        self, table: TableSpec, name: str, column: ColumnSpec, using: str | None = None
    ) -> list[str]:
        if using is not None:
            raise QueryError("set_column_type(using=...) is not supported on MySQL/MariaDB")
        return self.modify(table, column)

    def alter_column(
        self, table: TableSpec, old: ColumnSpec, new: ColumnSpec, using: str | None = None
    ) -> list[str]:
        if using is not None:
            raise QueryError("alter_column(using=...) is not supported on MySQL/MariaDB")
        statements: list[str] = []
        name = old.db_column_name
        if new.db_column_name != name:
            statements.extend(self.rename_column(table, name, new.db_column_name))
        statements.extend(self.modify(table, new))
        if new.unique != old.unique:
            statements.extend(self.set_unique(table, new.db_column_name, new.unique))
        return statements
