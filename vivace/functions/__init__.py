"""``vivace.functions``: SQL functions usable in select, where, order_by, group_by,
having and update, on PostgreSQL and SQLite.

Every function takes ``alias=`` (its key in result rows; Piccolo's defaults otherwise:
``"count"``, ``"upper"``, ...). Aggregates and the window functions take
``.over(partition_by=..., order_by=..., ascending=True, rows=None)``.

Example::

    from vivace.functions import Count, Upper

    await Band.select(Upper(Band.name), Count()).group_by(Upper(Band.name))
"""

from vivace.functions.aggregate import Avg, Count, Max, Min, Sum
from vivace.functions.array import (
    ArrayAppend,
    ArrayCat,
    ArrayOverlap,
    ArrayPrepend,
    ArrayRemove,
    ArrayReplace,
)
from vivace.functions.base import Aggregate, Function, Windowed
from vivace.functions.conditional import Case, Coalesce, NullIf, When
from vivace.functions.datetime import (
    AtTimeZone,
    Day,
    Extract,
    Hour,
    Minute,
    Month,
    Second,
    Strftime,
    Year,
)
from vivace.functions.math import Abs, Ceil, Floor, Round
from vivace.functions.string import Concat, Length, Lower, Ltrim, Replace, Reverse, Rtrim, Upper
from vivace.functions.type_conversion import Cast
from vivace.functions.window import DenseRank, Lag, Lead, Rank, RowNumber

__all__ = [
    "Abs",
    "Aggregate",
    "ArrayAppend",
    "ArrayCat",
    "ArrayOverlap",
    "ArrayPrepend",
    "ArrayRemove",
    "ArrayReplace",
    "AtTimeZone",
    "Avg",
    "Case",
    "Cast",
    "Ceil",
    "Coalesce",
    "Concat",
    "Count",
    "Day",
    "DenseRank",
    "Extract",
    "Floor",
    "Function",
    "Hour",
    "Lag",
    "Lead",
    "Length",
    "Lower",
    "Ltrim",
    "Max",
    "Min",
    "Minute",
    "Month",
    "NullIf",
    "Rank",
    "Replace",
    "Reverse",
    "RowNumber",
    "Round",
    "Rtrim",
    "Second",
    "Strftime",
    "Sum",
    "Upper",
    "When",
    "Windowed",
    "Year",
]
