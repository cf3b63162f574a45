"""L2: tables, columns, constraints and the table registry.

Example::

    from vivace.schema import Varchar, ForeignKey

``SchemaManager`` (Piccolo's ``piccolo.schema``: create, drop, rename and list PostgreSQL
schemas) runs queries, so it lives in the ORM layer (``vivace.orm.schema_manager``); it
and its query classes are imported from there on first use, by the module ``__getattr__``
below, so that this layer imports nothing above it at import time::

    from vivace.schema import SchemaManager
"""

from typing import TYPE_CHECKING, Any

from vivace.schema import defaults
from vivace.schema.column import (
    Column,
    IndexMethod,
    OnDelete,
    OnUpdate,
    check_identifier,
    check_plain_name,
)
from vivace.schema.column_types import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    BigSerial,
    Blob,
    Boolean,
    Bytea,
    Char,
    Date,
    Decimal,
    DoublePrecision,
    Email,
    Float,
    Integer,
    Interval,
    Numeric,
    Real,
    Secret,
    Serial,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.schema.constraints import Check, Constraint, Unique
from vivace.schema.foreign_key import ForeignKey, JoinOn, LazyTableReference
from vivace.schema.readable import Readable
from vivace.schema.relations import M2M, RelatedSpec, Relation, ReverseForeignKey
from vivace.schema.table import TableBase, TableMeta, snake_case

__all__ = [  # with the names ``__getattr__`` serves (see above)
    "JSON",
    "JSONB",
    "M2M",
    "UUID",
    "Array",
    "BigInt",
    "BigSerial",
    "Blob",
    "Boolean",
    "Bytea",
    "Char",
    "Check",
    "Column",
    "Constraint",
    "Date",
    "Decimal",
    "DoublePrecision",
    "Email",
    "Float",
    "ForeignKey",
    "IndexMethod",
    "JoinOn",
    "Integer",
    "Interval",
    "LazyTableReference",
    "Numeric",
    "OnDelete",
    "OnUpdate",
    "Readable",
    "RelatedSpec",
    "Relation",
    "ReverseForeignKey",
    "Real",
    "Secret",
    "Serial",
    "SmallInt",
    "TableBase",
    "TableMeta",
    "Text",
    "Time",
    "Timestamp",
    "Timestamptz",
    "Unique",
    "Varchar",
    "check_identifier",
    "check_plain_name",
    "defaults",
    "snake_case",
    "CreateSchema",
    "DropSchema",
    "ListSchemas",
    "ListTables",
    "MoveTable",
    "RenameSchema",
    "SchemaDDLBase",
    "SchemaManager",
]

if TYPE_CHECKING:  # for type checkers only; at run time ``__getattr__`` below serves them
    from vivace.orm.schema_manager import (
        CreateSchema,
        DropSchema,
        ListSchemas,
        ListTables,
        MoveTable,
        RenameSchema,
        SchemaDDLBase,
        SchemaManager,
    )


def __getattr__(name: str) -> Any:
    """``vivace.schema.SchemaManager`` and its query classes, imported lazily from the
    ORM layer (the one import above this layer, allowed by the import-linter contract).

    Example: ``from vivace.schema import SchemaManager``.
    """
    # Every other name of ``__all__`` is imported above: one listed but not found here is
    # one of the schema manager's.
    if name in __all__:
        from vivace.orm import schema_manager  # the contract's one upward import

        return getattr(schema_manager, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
