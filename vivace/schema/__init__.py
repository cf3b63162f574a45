"""L2: tables, columns, constraints and the table registry.

Example::

    from vivace.schema import Varchar, ForeignKey
"""

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

__all__ = [
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
]
