"""Columns of their own kind: ``Boolean``, ``UUID``, binary data (``Bytea``, ``Blob``).

Example::

    class Band(Table):
        token = UUID(unique=True)
        active = Boolean(default=True)
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Unpack, overload

from vivace.schema.column import UNSET, Column, ColumnKwargs
from vivace.schema.column_typing import UUIDT, BoolT, BytesT, NotNull, Nullable
from vivace.schema.defaults import UUID4
from vivace.sql.nodes import Condition
from vivace.types import ValueType


class Boolean(Column[BoolT]):
    """True or false: ``Boolean(default=False)``."""

    python_type = bool
    _default_default = False
    _vtype = ValueType("boolean")

    @overload
    def __init__(self: Boolean[bool], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: Boolean[bool | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        super().__init__(default=default, **kwargs)

    def eq(self, value: bool) -> Condition:
        """``col == value`` for linters that dislike ``== True``."""
        return self == value

    def ne(self, value: bool) -> Condition:
        """``col != value`` for linters that dislike ``!= True``."""
        return self != value


class UUID(Column[UUIDT]):
    """A UUID, random by default: ``UUID(primary_key=True)``."""

    python_type = uuid.UUID
    _vtype = ValueType("uuid")

    @overload
    def __init__(self: UUID[uuid.UUID], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: UUID[uuid.UUID | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if default is UNSET:
            default = UUID4()
        super().__init__(default=default, **kwargs)


class Bytea(Column[BytesT]):
    """Binary data: ``Bytea()``; a ``bytearray`` default is kept as ``bytes``, as Piccolo
    keeps it (``Bytea(default=bytearray(b"x")).default`` is ``b"x"``)."""

    python_type = bytes
    _default_default = b""
    _vtype = ValueType("bytea")

    @overload
    def __init__(self: Bytea[bytes], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: Bytea[bytes | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if isinstance(default, bytearray):
            default = bytes(default)  # a mutable default would be shared by every row
        elif isinstance(default, memoryview):
            default = default.tobytes()
        super().__init__(default=default, **kwargs)


class Blob(Bytea[BytesT]):
    """Another name for ``Bytea``: ``artwork = Blob(null=True)`` holds ``bytes``."""

    if TYPE_CHECKING:

        @overload
        def __init__(self: Blob[bytes], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
        @overload
        def __init__(
            self: Blob[bytes | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...
