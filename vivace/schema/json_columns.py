"""JSON columns, ``JSON`` and ``JSONB``, and reaching into them (``arrow``, ``[key]``,
``from_path``).

Example::

    class Band(Table):
        facts = JSONB(default={})

    Band.select(Band.facts.arrow("genre"))
"""

from __future__ import annotations

import enum
import json
from typing import TYPE_CHECKING, Any, Unpack, overload

from vivace.schema.column import UNSET, Column, ColumnKwargs
from vivace.schema.column_typing import NotNull, Nullable, StrT
from vivace.schema.defaults import Default
from vivace.sql.json_paths import JSONGet
from vivace.types import ValueType
from vivace.types.checks import describe


class JSON(Column[StrT]):
    """JSON, stored as text; give a str, dict or list. Reads return text unless ``load_json``.

    A dict or list default is kept as its JSON text (as Piccolo does): new rows hold text.

    Example::

        class RecordingStudio(Table):
            facilities = JSON(null=True)

        await RecordingStudio.insert(RecordingStudio(facilities={"mixing_desk": True}))
        await RecordingStudio.select(RecordingStudio.facilities).output(load_json=True)
        # [{"facilities": {"mixing_desk": True}}]
    """

    python_type = str
    _default_default = "{}"
    _vtype = ValueType("json")

    @overload
    def __init__(self: JSON[str], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
    @overload
    def __init__(
        self: JSON[str | None], default: Any = ..., **kwargs: Unpack[Nullable]
    ) -> None: ...
    def __init__(self, default: Any = UNSET, **kwargs: Unpack[ColumnKwargs]) -> None:
        if isinstance(default, dict | list):
            default = json.dumps(default)
        elif not (
            default is UNSET
            or default is None
            or isinstance(default, str | enum.Enum | Default)
            or callable(default)
        ):
            # As Piccolo: a default is JSON text, a dict or a list (a number or a tuple
            # would be stored as JSON, but read back as text unlike the value given).
            raise ValueError(
                f"the default of the {type(self).__name__} column must be JSON text, a dict "
                f"or a list, got {describe(default)}"
            )
        super().__init__(default=default, **kwargs)

    if TYPE_CHECKING:
        # Rows read text; a dict or list is taken too (sent as its JSON text).
        def __set__(self, obj: object, value: StrT | dict[str, Any] | list[Any]) -> None: ...

    def arrow(self, key: str | int) -> JSONGet:
        """The value under ``key`` (or at index ``key``), as JSON: ``Band.facts.arrow("a")``,
        also ``Band.facts["a"]``; keyed as the column in results."""
        return JSONGet(self, key)

    def __getitem__(self, key: str | int) -> JSONGet:
        return JSONGet(self, key)

    __iter__ = None  # indexing is no iteration

    def from_path(self, path: list[str | int]) -> JSONGet:
        """The value at a path of keys and indexes: ``Band.facts.from_path(["a", 0])``."""
        return JSONGet(self, path, path=True)


class JSONB(JSON[StrT]):
    """Binary JSON on PostgreSQL (JSON text on SQLite): ``JSONB()``."""

    if TYPE_CHECKING:

        @overload
        def __init__(self: JSONB[str], default: Any = ..., **kwargs: Unpack[NotNull]) -> None: ...
        @overload
        def __init__(
            self: JSONB[str | None], default: Any = ..., **kwargs: Unpack[Nullable]
        ) -> None: ...
        def __init__(self, default: Any = ..., **kwargs: Unpack[ColumnKwargs]) -> None: ...

    _vtype = ValueType("jsonb")
