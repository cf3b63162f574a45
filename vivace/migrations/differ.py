"""Auto detection: the operations that turn one ``SchemaSpec`` into another.

``old`` is the schema the app's migrations build (replayed), ``new`` the schema of its
Table classes. Tables and columns are matched by class and attribute name; a table or
column that disappeared while another appeared may be a rename, which ``ask`` decides
(interactively, or by ``--auto_input``). Everything else a column holds is compared
param by param.

Example::

    operations = diff_schemas(replayed, schema_spec(*app_tables), ask=lambda q: False)
"""

from __future__ import annotations

from collections.abc import Callable

from vivace.migrations.operations import (
    AddColumn,
    AddConstraint,
    AlterColumn,
    ChangeTableSchema,
    DropColumn,
    DropConstraint,
    DropTable,
    Operation,
    RenameColumn,
    RenameTable,
    table_to_add,
)
from vivace.schema.spec import ColumnSpec, SchemaSpec, TableSpec

Ask = Callable[[str], bool]


def diff_schemas(old: SchemaSpec, new: SchemaSpec, ask: Ask) -> list[Operation]:
    """The operations from ``old`` to ``new`` (empty when they describe the same schema)."""
    new_names = {t.class_name for t in new}
    old_names = {t.class_name for t in old}
    gone = [t for t in old if t.class_name not in new_names]
    added = [t for t in new if t.class_name not in old_names]
    renames: list[Operation] = []
    for table in list(added):
        match = _renamed_table(table, gone, ask)
        if match is not None:
            gone.remove(match)
            added.remove(table)
            renames.append(
                RenameTable(
                    match.class_name,
                    match.tablename,
                    match.schema,
                    table.class_name,
                    table.tablename,
                )
            )
    # Compare with the tables renamed (foreign keys to them follow, as in the database).
    renamed = old
    for rename in renames:
        renamed = rename.apply(renamed)
    kept = {t.class_name for t in renamed}
    pairs = [(renamed.table(t.class_name), t) for t in new if t.class_name in kept]
    operations: list[Operation] = []
    # New tables, in foreign key order (the manager breaks cycles when it runs them).
    added_schema = SchemaSpec(tuple(added))
    operations.extend(table_to_add(t) for t in added_schema.dependency_order())
    operations.extend(renames)
    for before, after in pairs:
        operations.extend(_diff_table(before, after, ask))
    # Dropped tables: the ones pointing at others first.
    for table in reversed(SchemaSpec(tuple(gone)).dependency_order()):
        operations.append(DropTable(table.class_name, table.tablename, table.schema))
    return operations


def _renamed_table(table: TableSpec, gone: list[TableSpec], ask: Ask) -> TableSpec | None:
    for candidate in gone:
        if candidate.qualified_name == table.qualified_name:
            return candidate  # same database table, the class was renamed: no question
    # The most alike first: "y" to every question then picks the likely rename.
    for candidate in sorted(gone, key=lambda old: -_table_likeness(old, table)):
        if ask(f"Did you rename the table {candidate.class_name} to {table.class_name}?"):
            return candidate
    return None


def _table_likeness(old: TableSpec, new: TableSpec) -> int:
    shared = {(c.name, c.column_class) for c in old.columns} & {
        (c.name, c.column_class) for c in new.columns
    }
    return len(shared)


def _column_likeness(old: ColumnSpec, new: ColumnSpec) -> int:
    same_params = sum(1 for key, value in old.params if new.param(key, _ABSENT) == value)
    return (100 if old.column_class == new.column_class else 0) + same_params


_ABSENT = object()


def _diff_table(old: TableSpec, new: TableSpec, ask: Ask) -> list[Operation]:
    """Operations on one table that exists before and after (``new`` names it)."""
    operations: list[Operation] = []
    name, tablename, schema = new.class_name, new.tablename, new.schema
    if old.schema != new.schema:
        operations.append(ChangeTableSchema(old.class_name, old.tablename, old.schema, new.schema))
    if old.tablename != new.tablename and old.class_name == new.class_name:
        operations.append(RenameTable(name, old.tablename, new.schema, name, new.tablename))
    new_columns = {c.name for c in new.columns}
    old_columns = {c.name for c in old.columns}
    gone = [c for c in old.columns if c.name not in new_columns]
    added = [c for c in new.columns if c.name not in old_columns]
    pairs = [(c, new.column(c.name)) for c in old.columns if c.name in new_columns]
    for column in list(added):
        for candidate in sorted(gone, key=lambda old: -_column_likeness(old, column)):
            if (candidate.references is None) != (column.references is None):
                continue  # a foreign key and a plain column are not one column renamed
            question = (
                f"Did you rename the column {candidate.name} to {column.name} on the table {name}?"
            )
            if ask(question):
                gone.remove(candidate)
                added.remove(column)
                rename = RenameColumn(
                    name,
                    tablename,
                    schema,
                    candidate.name,
                    column.name,
                    candidate.db_column_name,
                    column.db_column_name,
                )
                operations.append(rename)
                pairs.append((rename.renamed_spec(candidate), column))
                break
    new_constraints = set(new.constraints)
    old_constraints = set(old.constraints)
    operations.extend(
        DropConstraint(name, tablename, schema, c.name)
        for c in old.constraints
        if c not in new_constraints
    )
    operations.extend(DropColumn(name, tablename, schema, c.name, c.db_column_name) for c in gone)
    operations.extend(AddColumn(name, tablename, schema, c) for c in added)
    for before, after in pairs:
        if _column_changed(before, after):
            operations.append(AlterColumn(name, tablename, schema, after.name, after))
    operations.extend(
        AddConstraint(name, tablename, schema, c)
        for c in new.constraints
        if c not in old_constraints
    )
    return operations


def _column_changed(old: ColumnSpec, new: ColumnSpec) -> bool:
    """Whether anything but the attribute name differs (a rename is its own operation)."""
    renamed_db = old.db_column_name != new.db_column_name
    return renamed_db or old.column_class != new.column_class or old.params != new.params


def answer_with(auto_input: str | None, prompt: Callable[[str], str] = input) -> Ask:
    """The rename question answerer: ``"y"``/``"n"`` answer every question the same way;
    None asks on the terminal."""
    if auto_input is not None:
        answer = auto_input.strip().lower() in {"y", "yes"}
        return lambda question: answer
    return lambda question: prompt(question + " (y/N) ").strip().lower() in {"y", "yes"}
