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
from typing import TYPE_CHECKING, Any, Literal, Protocol, Required, TypedDict

if TYPE_CHECKING:
    # TypeVar defaults (PEP 696) come with Python 3.13; type checkers read them from
    # typing_extensions' stub (bundled with both), so nothing is imported at run time.
    from typing_extensions import TypeVar

    from vivace.schema.column import Column, IndexMethod, OnDelete, OnUpdate
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
    #: unless the attribute is annotated ``ForeignKey[Manager]``). No bound: the
    #: constructor's overloads match a target by a protocol (the type of its ``id``).
    TableT = TypeVar("TableT", default=TableBase)
    #: The value a foreign key stores, the target's ``id``: ``ForeignKey(Manager)`` is a
    #: ``ForeignKey[Manager, int | None]`` (a Serial key), ``ForeignKey(Studio)`` with
    #: ``id: UUID = UUID(primary_key=True)`` a ``ForeignKey[Studio, uuid.UUID | None]``.
    KeyT = TypeVar("KeyT", default=Any)
    #: A target keyed by a Serial (or any key but a UUID or text ``id``): an ``int`` key.
    RowT = TypeVar("RowT", bound=TableBase)
    #: A target whose ``id`` is a UUID, or text (see ``UUIDKeyed``).
    UUIDKeyedT = TypeVar("UUIDKeyedT", bound="UUIDKeyed")
    StrKeyedT = TypeVar("StrKeyedT", bound="StrKeyed")
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
    RowT = TypeVar("RowT")
    UUIDKeyedT = TypeVar("UUIDKeyedT")
    StrKeyedT = TypeVar("StrKeyedT")
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


class KeyOptions(ColumnOptions, total=False):
    """The options of a foreign key besides ``default`` and ``null``.

    Example: ``ForeignKey(Manager, on_delete=OnDelete.set_null, target_column="name")``.
    """

    on_delete: OnDelete
    on_update: OnUpdate
    target_column: str | Column[Any] | None


class NotNullKey(KeyOptions, total=False):
    """A foreign key is nullable unless ``null=False`` is given."""

    null: Required[Literal[False]]


class NullableKey(KeyOptions, total=False):
    """A foreign key's options, ``null`` left out (nullable) or given as a bool:
    ``ForeignKey(Manager)`` or ``ForeignKey(Manager, null=True)``."""

    null: bool


class UUIDKeyed(Protocol):
    """A row whose ``id`` is a UUID: what ``ForeignKey(Studio)`` matches to type its key as a
    ``uuid.UUID``. mypy reads ``studio.id`` through the column's ``__get__`` (a
    ``uuid.UUID``), pyright reads the declared column (a ``UUID``): either matches.

    Example: ``class Studio(Table): id: UUID = UUID(primary_key=True)``.
    """

    @property
    def id(self) -> uuid.UUID | Column[uuid.UUID]: ...


class StrKeyed(Protocol):
    """A row whose ``id`` is text (``id: Varchar = Varchar(primary_key=True)``), for
    ``ForeignKey`` as ``UUIDKeyed`` is for UUIDs."""

    @property
    def id(self) -> str | Column[str]: ...
