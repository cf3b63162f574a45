"""What type checkers need to read columns precisely; nothing here runs per query.

Every column class is generic in the Python value of its rows, with a default, so
``Integer()`` reads as ``Integer[int]`` (written ``Integer``) and ``Integer(null=True)`` as
``Integer[int | None]``: its rows give ``int | None``, and ``band.rating = None`` is
accepted. Each column class overloads its ``__init__`` on ``null`` with the two keyword
sets below (type checkers solve a class's parameters only from its own ``__init__``).

Example::

    class Band(Table):
        rating = Integer(null=True)

    band.rating          # int | None, for mypy and pyright alike
"""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from typing import TYPE_CHECKING, Any, Literal, Required, TypedDict

if TYPE_CHECKING:
    # TypeVar defaults (PEP 696) come with Python 3.13; type checkers read them from
    # typing_extensions' stub (bundled with both), so nothing is imported at run time.
    from typing_extensions import TypeVar

    from vivace.schema.column import IndexMethod
    from vivace.schema.table import TableBase

    StrT = TypeVar("StrT", default=str)
    IntT = TypeVar("IntT", default=int)
    BoolT = TypeVar("BoolT", default=bool)
    DecimalT = TypeVar("DecimalT", default=decimal.Decimal)
    FloatT = TypeVar("FloatT", default=float)
    DatetimeT = TypeVar("DatetimeT", default=datetime.datetime)
    DateT = TypeVar("DateT", default=datetime.date)
    TimeT = TypeVar("TimeT", default=datetime.time)
    TimedeltaT = TypeVar("TimedeltaT", default=datetime.timedelta)
    UUIDT = TypeVar("UUIDT", default=uuid.UUID)
    BytesT = TypeVar("BytesT", default=bytes)
    ListT = TypeVar("ListT", default=list[Any])
    #: The table a foreign key points at (``"self"`` or a lazy reference: any table,
    #: unless the attribute is annotated ``ForeignKey[Manager]``).
    TableT = TypeVar("TableT", bound=TableBase, default=TableBase)
    #: The value a foreign key stores, the target's primary key: ``ForeignKey(Manager)`` is
    #: a ``ForeignKey[Manager, int | None]`` (a Serial key); in an annotation, say it.
    KeyT = TypeVar("KeyT", default=Any)
    #: The table whose rows an M2M or ReverseForeignKey lists.
    FarT = TypeVar("FarT", bound=TableBase, default=TableBase, covariant=True)
else:
    from typing import TypeVar

    StrT = TypeVar("StrT")
    IntT = TypeVar("IntT")
    BoolT = TypeVar("BoolT")
    DecimalT = TypeVar("DecimalT")
    FloatT = TypeVar("FloatT")
    DatetimeT = TypeVar("DatetimeT")
    DateT = TypeVar("DateT")
    TimeT = TypeVar("TimeT")
    TimedeltaT = TypeVar("TimedeltaT")
    UUIDT = TypeVar("UUIDT")
    BytesT = TypeVar("BytesT")
    ListT = TypeVar("ListT")
    TableT = TypeVar("TableT")
    KeyT = TypeVar("KeyT")
    FarT = TypeVar("FarT", covariant=True)


class ColumnOptions(TypedDict, total=False):
    """Options every column accepts, ``null`` aside (it decides the value type)."""

    primary_key: bool
    unique: bool
    index: bool
    index_method: IndexMethod
    choices: type[enum.Enum] | None
    db_column_name: str | None
    secret: bool
    auto_update: Any
    help_text: str | None
    required: bool


class NotNull(ColumnOptions, total=False):
    """The options of a column that holds no NULL: ``null`` left out or ``False``."""

    null: Literal[False]


class Nullable(ColumnOptions, total=False):
    """The options of a column that may hold NULL: ``null`` given (``True``, or a bool)."""

    null: Required[bool]


class NotNullKey(ColumnOptions, total=False):
    """A foreign key is nullable unless ``null=False`` is given."""

    null: Required[Literal[False]]
