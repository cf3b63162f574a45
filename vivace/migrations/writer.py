"""Writing migration files: Piccolo's format, Vivace's own template.

Every value a file uses is rendered by ``SourceWriter``, which records its import at
the same time, so a generated file always imports what it needs. A foreign key's target
is a small Table class defined in the file (its name, table name and key column only).

Example::

    source = render_migration(new_migration_id(), "music", "add fame", operations, state)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import vivace
from vivace.dialects.staged_ddl import LockOptions
from vivace.migrations.manager import DEFAULT_KEY
from vivace.migrations.operations import (
    AddColumn,
    AddConstraint,
    AddTable,
    AlterColumn,
    ChangeTableSchema,
    DropColumn,
    DropConstraint,
    DropTable,
    Operation,
    RenameColumn,
    RenameTable,
)
from vivace.schema.source import COLUMNS_MODULE, SourceWriter
from vivace.schema.spec import ColumnSpec, ConstraintSpec, ReferenceSpec, SchemaSpec

_RESERVED = {"ID", "VERSION", "DESCRIPTION", "forwards", "manager"}


def new_migration_id(now: datetime.datetime | None = None) -> str:
    """A migration ID in Piccolo's format: ``2026-12-01T03:23:44:434772``."""
    return (now or datetime.datetime.now()).strftime("%Y-%m-%dT%H:%M:%S:%f")


def migration_file_name(app_name: str, migration_id: str) -> str:
    """``music_2026_12_01t03_23_44_434772.py`` (Piccolo's naming)."""
    cleaned = migration_id.replace(":", "_").replace("-", "_").lower()
    app = "".join(c if c.isalnum() else "_" for c in app_name.lower())
    return f"{app}_{cleaned}.py"


@dataclass
class _Stub:
    """A Table class a file defines for its foreign keys' targets."""

    name: str
    ref: ReferenceSpec
    base: str  # the local name of vivace's Table
    columns: dict[str, str] = field(default_factory=dict)

    def source(self) -> str:
        ref = self.ref
        keywords = f"tablename={ref.tablename!r}, schema={ref.schema!r}"
        lines = [f"class {self.name}({self.base}, {keywords}):"]
        lines.extend(f"    {attribute} = {column}" for attribute, column in self.columns.items())
        if self.name != ref.class_name:  # the local name had to differ: keep the real one
            lines.append(f"\n\n{self.name}.__name__ = {ref.class_name!r}")
        return "\n".join(lines)


@dataclass
class _Stubs:
    tables: dict[tuple[str, str, str | None], _Stub] = field(default_factory=dict)


class MigrationWriter:
    """Renders operations as ``manager.*`` calls. Example::

    writer = MigrationWriter()
    body = writer.calls(operations, state)
    writer.source("2026-...", "music", "", body)
    """

    def __init__(self) -> None:
        self.stubs = _Stubs()
        self.code = SourceWriter(reference=self._reference)
        self.code.import_name("vivace.migrations", "MigrationManager")
        for name in _RESERVED:
            self.code.reserve(name)

    # foreign key targets ------------------------------------------------------------------
    def _reference(self, ref: ReferenceSpec, target_column: str | None = None) -> str:
        """The name of the stand-in class for a foreign key's target: one per table, with
        the key columns the file's foreign keys use."""
        key = (ref.class_name, ref.tablename, ref.schema)
        stub = self.stubs.tables.get(key)
        if stub is None:
            base = self.code.import_name("vivace", "Table")
            stub = _Stub(self.code.reserve(ref.class_name), ref, base)
            self.stubs.tables[key] = stub
        if target_column is None:
            column = ref.column.replace_params(primary_key=True)
            stub.columns[ref.column.name] = self.code.column(column, only_changed=True)
        else:  # a key other than the primary key (the class gets the default one)
            stub.columns[target_column] = self.code.column(ref.column, only_changed=True)
        return stub.name

    # calls --------------------------------------------------------------------------------
    def calls(self, operations: list[Operation], state: SchemaSpec) -> list[str]:
        """One ``manager.<method>(...)`` call (or several) per operation."""
        rendered: list[str] = []
        for operation in operations:
            rendered.extend(self._call(operation, state))
            state = operation.apply(state)
        return rendered

    def _call(self, op: Operation, state: SchemaSpec) -> list[str]:
        where = {"table_class_name": op.table_class_name, "tablename": op.tablename}
        if isinstance(op, AddTable):
            calls = [
                _call(
                    "add_table",
                    class_name=repr(op.table_class_name),
                    tablename=repr(op.tablename),
                    schema=repr(op.schema),
                    columns="None",
                )
            ]
            calls.extend(
                self._add_column(op.table_class_name, op.tablename, op.schema, c)
                for c in op.columns
                if c != DEFAULT_KEY
            )
            calls.extend(
                self._add_constraint(op.table_class_name, op.tablename, op.schema, c)
                for c in op.constraints
            )
            return calls
        if isinstance(op, DropTable):
            return [
                _call(
                    "drop_table",
                    class_name=repr(op.table_class_name),
                    tablename=repr(op.tablename),
                    schema=repr(op.schema),
                )
            ]
        if isinstance(op, RenameTable):
            return [
                _call(
                    "rename_table",
                    old_class_name=repr(op.table_class_name),
                    old_tablename=repr(op.tablename),
                    new_class_name=repr(op.new_class_name),
                    new_tablename=repr(op.new_tablename),
                    schema=repr(op.schema),
                )
            ]
        if isinstance(op, ChangeTableSchema):
            return [
                _call(
                    "change_table_schema",
                    class_name=repr(op.table_class_name),
                    tablename=repr(op.tablename),
                    new_schema=repr(op.new_schema),
                    old_schema=repr(op.schema),
                )
            ]
        if isinstance(op, AddColumn):
            call = self._add_column(op.table_class_name, op.tablename, op.schema, op.column)
            return [_with_options(call, op.options)]
        if isinstance(op, DropColumn):
            return [
                _call(
                    "drop_column",
                    **_quoted(where),
                    column_name=repr(op.column_name),
                    db_column_name=repr(op.db_column_name or op.column_name),
                    schema=repr(op.schema),
                )
            ]
        if isinstance(op, RenameColumn):
            return [
                _call(
                    "rename_column",
                    **_quoted(where),
                    old_column_name=repr(op.old_column_name),
                    new_column_name=repr(op.new_column_name),
                    old_db_column_name=repr(op.old_db_column_name or op.old_column_name),
                    new_db_column_name=repr(op.new_db_column_name or op.new_column_name),
                    schema=repr(op.schema),
                )
            ]
        if isinstance(op, AlterColumn):
            return [_with_options(self._alter_column(op, state), op.options)]
        if isinstance(op, AddConstraint):
            call = self._add_constraint(op.table_class_name, op.tablename, op.schema, op.constraint)
            return [_with_options(call, op.options)]
        if isinstance(op, DropConstraint):
            return [
                _call(
                    "drop_constraint",
                    **_quoted(where),
                    constraint_name=repr(op.constraint_name),
                    schema=repr(op.schema),
                )
            ]
        raise TypeError(f"cannot write {op!r}")

    def _params(self, spec: ColumnSpec, keys: list[str] | None = None) -> str:
        """A params dict; ``db_column_name`` only when ``keys`` asks for it (``add_column``
        passes it as its own argument)."""
        if keys is None:
            items = [(k, v) for k, v in spec.params if k != "db_column_name"]
        else:
            items = [(k, v) for k, v in spec.params if k in keys]
        if not items:
            return "{}"
        lines = [f"    {k!r}: {self._value(spec, k, v)}," for k, v in items]
        return "{\n" + "\n".join(lines) + "\n}"

    def _value(self, spec: ColumnSpec, key: str, value: object) -> str:
        if key == "references" and isinstance(value, ReferenceSpec):
            return self._reference(value, spec.param("target_column"))
        return self.code.value(value)

    def _add_column(
        self, class_name: str, tablename: str, schema: str | None, column: ColumnSpec
    ) -> str:
        klass = self.code.column_class(column.column_class)
        return _call(
            "add_column",
            table_class_name=repr(class_name),
            tablename=repr(tablename),
            column_name=repr(column.name),
            db_column_name=repr(column.db_column_name),
            column_class_name=repr(column.column_class),
            column_class=klass,
            params=self._params(column),
            schema=repr(schema),
        )

    def _alter_column(self, op: AlterColumn, state: SchemaSpec) -> str:
        old = op.table(state).column(op.column_name)
        new = op.new
        if old.column_class != new.column_class:
            changed = [k for k, _ in new.params]  # a new class: every param, so nothing is guessed
        else:
            changed = [k for k, v in new.params if old.param(k) != v]
        return _call(
            "alter_column",
            table_class_name=repr(op.table_class_name),
            tablename=repr(op.tablename),
            column_name=repr(op.column_name),
            db_column_name=repr(new.db_column_name),
            params=self._params(new, changed),
            old_params=self._params(old, [k for k in changed if k in old.param_dict]),
            column_class=self.code.column_class(new.column_class),
            old_column_class=self.code.column_class(old.column_class),
            schema=repr(op.schema),
        )

    def _add_constraint(
        self, class_name: str, tablename: str, schema: str | None, constraint: ConstraintSpec
    ) -> str:
        if constraint.kind == "unique":
            klass = self.code.import_name(COLUMNS_MODULE, "Unique")
            params = self.code.value(
                {"columns": list(constraint.columns), "nulls_distinct": constraint.nulls_distinct}
            )
        else:
            klass = self.code.import_name(COLUMNS_MODULE, "Check")
            params = self.code.value({"condition": constraint.check})
        return _call(
            "add_constraint",
            table_class_name=repr(class_name),
            tablename=repr(tablename),
            constraint_name=repr(constraint.name),
            constraint_class=klass,
            params=params,
            schema=repr(schema),
        )

    # the file -----------------------------------------------------------------------------
    def source(
        self,
        migration_id: str,
        app_name: str,
        description: str,
        calls: list[str],
        replaces: list[str] | None = None,
    ) -> str:
        """The whole file."""
        parts = ["\n".join(self.code.import_lines())]
        parts.extend(stub.source() for stub in self.stubs.tables.values())
        header = [
            f"ID = {migration_id!r}",
            f"VERSION = {vivace.__version__!r}",
            f"DESCRIPTION = {description!r}",
        ]
        if replaces:
            header.append(f"REPLACES = {replaces!r}")
        parts.append("\n".join(header))
        body = [
            "async def forwards() -> MigrationManager:",
            "    manager = MigrationManager(",
            f"        migration_id=ID, app_name={app_name!r}, description=DESCRIPTION",
            "    )",
        ]
        if not calls:
            body.append("    # Add operations here: manager.add_raw(my_function), ...")
        for call in calls:
            body.append("")
            body.extend("    " + line if line else "" for line in call.splitlines())
        body.extend(["", "    return manager"])
        parts.append("\n".join(body))
        return "\n\n\n".join(parts) + "\n"


def _with_options(call: str, options: LockOptions) -> str:
    """A rendered call with the safe-form keywords it asks for, before its closing ``)``."""
    extra = [f"    {name}=True," for name in _OPTIONS if getattr(options, name)]
    if not extra:
        return call
    head, _, close = call.rpartition("\n")
    return "\n".join([head, *extra, close])


#: The ``LockOptions`` fields, which are also the manager methods' keywords.
_OPTIONS = ("index_concurrently", "validate_separately")


def _quoted(where: dict[str, str]) -> dict[str, str]:
    return {k: repr(v) for k, v in where.items()}


def _call(method: str, **arguments: str) -> str:
    """``manager.method(\\n    key=value,\\n)`` with multi-line values indented."""
    lines = [f"manager.{method}("]
    for key, value in arguments.items():
        value_lines = value.splitlines() or [""]
        lines.append(f"    {key}={value_lines[0]}")
        lines.extend("    " + line for line in value_lines[1:])
        lines[-1] += ","
    lines.append(")")
    return "\n".join(lines)


def render_migration(
    migration_id: str,
    app_name: str,
    description: str,
    operations: list[Operation],
    state: SchemaSpec,
    replaces: list[str] | None = None,
) -> str:
    """The source of a migration file running ``operations`` on ``state``."""
    writer = MigrationWriter()
    calls = writer.calls(operations, state)
    return writer.source(migration_id, app_name, description, calls, replaces)
