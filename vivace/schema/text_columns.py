"""Text columns: ``Varchar``, ``Char``, ``Email``, ``Secret``, ``Text``.

Example::

    class Band(Table):
        name = Varchar(length=100)
        bio = Text(null=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Unpack, overload

from vivace.schema.column import UNSET, Column, ColumnKwargs
from vivace.schema.column_typing import NotNull, Nullable, StrT
from vivace.types import ValueType


class Varchar(Column[StrT]):
    """Text with a maximum length: ``Varchar(length=100)``."""

    python_type = str
    _default_default = ""
    _vtype = ValueType("varchar", (255,))

    @overload
    def __init__(
        self: Varchar[str], length: int | None = ..., default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Varchar[str | None],
        length: int | None = ...,
        default: Any = ...,
        **kwargs: Unpack[Nullable],
    ) -> None: ...
    def __init__(
        self, length: int | None = 255, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]
    ) -> None:
        if length is not None and (not isinstance(length, int) or length <= 0):
            raise ValueError(f"Varchar length must be a positive int or None, got {length!r}")
        self.length = length
        self._vtype = ValueType(self._vtype.name, (length,))  # "varchar", or a Char's "char"
        super().__init__(default=default, **kwargs)


class Char(Varchar[StrT]):
    """Fixed-length, blank-padded text on PostgreSQL: ``Char(length=2)``; 255 characters
    unless given, as Piccolo's ``Char`` (a Piccolo project's ``Char()`` is ``CHAR(255)``)."""

    _vtype = ValueType("char", (255,))

    @overload
    def __init__(
        self: Char[str], length: int = ..., default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Char[str | None], length: int = ..., default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(
        self, length: int = 255, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]
    ) -> None:
        # The parent's overloads fix its value type; this class's own overloads chose it.
        super().__init__(length=length, default=default, **kwargs)  # type: ignore[misc]


class Email(Varchar[StrT]):
    """An email address (a Varchar; serialisers validate it): ``Email(unique=True)``."""

    if TYPE_CHECKING:

        @overload
        def __init__(
            self: Email[str],
            length: int | None = ...,
            default: Any = ...,
            **kwargs: Unpack[NotNull],
        ) -> None: ...
        @overload
        def __init__(
            self: Email[str | None],
            length: int | None = ...,
            default: Any = ...,
            **kwargs: Unpack[Nullable],
        ) -> None: ...
        def __init__(
            self, length: int | None = ..., default: Any = ..., **kwargs: Unpack[ColumnKwargs]
        ) -> None: ...


class Secret(Varchar[StrT]):
    """A Varchar left out of ``select(exclude_secrets=True)``: ``Secret()``."""

    @overload
    def __init__(
        self: Secret[str], length: int | None = ..., default: Any = ..., **kwargs: Unpack[NotNull]
    ) -> None: ...
    @overload
    def __init__(
        self: Secret[str | None],
        length: int | None = ...,
        default: Any = ...,
        **kwargs: Unpack[Nullable],
    ) -> None: ...
    def __init__(
        self, length: int | None = 255, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]
    ) -> None:
        kwargs.setdefault("secret", True)
        super().__init__(length=length, default=default, **kwargs)  # type: ignore[misc]


class Text(Column[StrT]):
    """Text of any length: ``Text()``."""

    python_type = str
    _default_default = ""
    _vtype = ValueType("text")

    @overload
    def __init__(self: Text[str], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: Text[str | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        super().__init__(default=default, **kwargs)
