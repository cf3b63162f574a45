"""L1: immutable SQL expression nodes and statements, and their shape keys.

Every node answers ``_key(values)``: it appends its parameter values to ``values``
(in the order the compiler will emit placeholders) and returns a hashable key
that holds the structure only. Two queries with the same key compile to the
same SQL, so a compiled statement is cached per key and only rebound per call.

Example::

    values: list[object] = []
    key = (Band.popularity > 100)._key(values)   # values == [100]
"""

from vivace.sql.calls import Call, Over
from vivace.sql.cte import CommonTableExpression, CrossJoin, CTEColumn, WithSelect
from vivace.sql.nodes import (
    Alias,
    And,
    Arithmetic,
    BinaryOp,
    ColumnNode,
    Comparison,
    Condition,
    Expr,
    FunctionCall,
    InList,
    Join,
    Node,
    Not,
    Or,
    OrderItem,
    Param,
    PostfixOp,
    Raw,
    Star,
    bool_guard,
    to_expr,
)
from vivace.sql.placeholder import Placeholder
from vivace.sql.related import RelatedRows
from vivace.sql.statements import Delete, Insert, OnConflict, Select, Update
from vivace.sql.subquery import Exists

__all__ = [
    "Alias",
    "Arithmetic",
    "And",
    "BinaryOp",
    "ColumnNode",
    "Comparison",
    "Condition",
    "Delete",
    "Expr",
    "FunctionCall",
    "InList",
    "Insert",
    "Join",
    "Node",
    "Not",
    "OnConflict",
    "Or",
    "OrderItem",
    "Param",
    "PostfixOp",
    "Raw",
    "RelatedRows",
    "Select",
    "Star",
    "Update",
    "bool_guard",
    "to_expr",
]

# Functions, windows, EXISTS, common table expressions and frozen-query placeholders.
__all__ += [
    "Call",
    "CommonTableExpression",
    "CrossJoin",
    "CTEColumn",
    "Exists",
    "Over",
    "Placeholder",
    "WithSelect",
]
