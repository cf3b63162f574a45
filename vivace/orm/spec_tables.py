"""Table classes built from specs, outside the user's table registry.

Migration snapshots (``MigrationManager.get_table_from_snapshot``) and table reflection
make Table classes from ``TableSpec``s. Those classes are never registered, so a string
reference such as ``ForeignKey("Band")`` in the user's code still finds the user's
``Band``, and two snapshots of ``Band`` never clash. Foreign keys point at classes built
from the same ``SchemaSpec`` (one class per table per ``registry``), self and circular
references included; a target missing from the schema becomes a stand-in class with
just the referenced column.

Example::

    registry: dict = {}
    band = table_class_from_spec(schema.table("Band"), schema, registry=registry)
    band.manager.resolved_references is registry[(None, "manager")]
"""

from __future__ import annotations

from typing import Any

from vivace.orm.table import Table
from vivace.orm.tables import create_table_class
from vivace.schema.constraints import Check, Constraint, Unique
from vivace.schema.foreign_key import LazyTableReference
from vivace.schema.registry import unregister_table
from vivace.schema.spec import ReferenceSpec, SchemaSpec, TableSpec
from vivace.schema.table_spec import column_from_spec

#: Classes built so far, by ``(schema, tablename)``.
SpecRegistry = dict[tuple[str | None, str], type[Table]]


class SpecReference(LazyTableReference):
    """A foreign key target resolved among tables built from one schema spec."""

    def __init__(
        self, reference: ReferenceSpec, schema: SchemaSpec | None, registry: SpecRegistry, db: Any
    ) -> None:
        super().__init__(reference.class_name, module_path=__name__)
        self.reference, self.schema, self.registry, self.db = reference, schema, registry, db

    def resolve(self) -> Any:
        ref = self.reference
        found = self.registry.get(ref.qualified_name)
        if found is not None:
            return found
        target = self.schema.by_tablename(ref.tablename, ref.schema) if self.schema else None
        if target is None:
            # A stand-in with just the key, kept out of the registry: the real table may
            # be built later from another schema spec.
            key = ref.column.replace_params(primary_key=True)
            stand_in = TableSpec(ref.class_name, ref.tablename, ref.schema, (key,))
            return table_class_from_spec(stand_in, db=self.db)
        return table_class_from_spec(target, self.schema, registry=self.registry, db=self.db)


def table_class_from_spec(
    spec: TableSpec,
    schema: SchemaSpec | None = None,
    *,
    registry: SpecRegistry | None = None,
    db: Any = None,
    base: type[Table] = Table,
) -> type[Table]:
    """A Table class for ``spec``, never registered (see the module docstring).

    ``schema`` holds the tables its foreign keys point at; ``registry`` shares classes
    between calls (pass the same dict to build a whole schema); ``db`` is the engine.
    Example: ``table_class_from_spec(spec, db=DB).select()``.
    """
    registry = {} if registry is None else registry
    key = spec.qualified_name
    found = registry.get(key)
    if found is not None:
        return found
    members: dict[str, Any] = {}
    for column in spec.columns:
        ref = column.references
        target: Any = None
        if ref is not None:
            same = ref.qualified_name == key
            target = "self" if same else SpecReference(ref, schema, registry, db)
        members[column.name] = column_from_spec(column, references=target)
    by_db_name = {c.db_column_name: members[c.name] for c in spec.columns}
    for constraint in spec.constraints:
        made: Constraint
        if constraint.kind == "unique":
            columns = [by_db_name[name] for name in constraint.columns]
            made = Unique(columns, constraint.nulls_distinct, name=constraint.name)
        else:
            made = Check(constraint.check or "TRUE", name=constraint.name)
        members[f"_constraint_{constraint.name}"] = made
    kwargs: dict[str, Any] = {"tablename": spec.tablename, "schema": spec.schema}
    if db is not None:
        kwargs["db"] = db
    table = create_table_class(spec.class_name, (base,), kwargs, members)
    unregister_table(table)
    registry[key] = table
    return table


def table_classes_from_schema(
    schema: SchemaSpec, *, db: Any = None, registry: SpecRegistry | None = None
) -> list[type[Table]]:
    """A class for every table of ``schema``, in its order, sharing one registry.

    Example: ``[t.__name__ for t in table_classes_from_schema(schema)]``.
    """
    registry = {} if registry is None else registry
    return [table_class_from_spec(t, schema, registry=registry, db=db) for t in schema]
