"""Text functions: ``Upper``, ``Lower``, ``Length``, ``Ltrim``, ``Rtrim``, ``Reverse``,
``Concat``, ``Replace``.

SQLite's ``UPPER``/``LOWER`` change ASCII letters only; PostgreSQL follows its locale.

Example::

    await Band.select(Upper(Band.name))                  # [{"upper": "PYTHONISTAS"}]
    await Band.update({Band.name: Lower(Band.name)}, force=True)
    await Band.select().where(Length(Band.name) > 5)
"""

from __future__ import annotations

from typing import Any, ClassVar

from vivace.exceptions import QueryError
from vivace.functions.base import INTEGER, TEXT, Function, argument


class _TextFunction(Function):
    """``NAME(text)`` giving text; the key defaults to the function's name."""

    _function: ClassVar[str] = ""

    def __init__(self, identifier: Any, alias: str | None = None) -> None:
        name = self._function
        super().__init__(name, (argument(identifier, TEXT),), vtype=TEXT, alias=alias or name)


class Upper(_TextFunction):
    """``UPPER(text)`` -> key ``"upper"``."""

    _function = "upper"


class Lower(_TextFunction):
    """``LOWER(text)`` -> key ``"lower"``."""

    _function = "lower"


class Ltrim(_TextFunction):
    """``LTRIM(text)``: leading spaces removed -> key ``"ltrim"``."""

    _function = "ltrim"


class Rtrim(_TextFunction):
    """``RTRIM(text)``: trailing spaces removed -> key ``"rtrim"``."""

    _function = "rtrim"


class Reverse(_TextFunction):
    """The characters in reverse order -> key ``"reverse"`` (emulated on SQLite).

    Example: ``await Band.select(Reverse(Band.name))`` -> ``[{"reverse": "satsinohtyP"}]``.
    """

    _function = "reverse"


class Length(Function):
    """``LENGTH(text)``: the number of characters -> key ``"length"``, an int."""

    def __init__(self, identifier: Any, alias: str | None = None) -> None:
        super().__init__(
            "length", (argument(identifier, TEXT),), vtype=INTEGER, alias=alias or "length"
        )


class Concat(Function):
    """Values joined as text; NULLs count as empty text -> key ``"concat"``.

    Example: ``Concat(Band.name, " (", Band.popularity, ")")``.
    """

    def __init__(self, *args: Any, alias: str | None = None) -> None:
        if len(args) < 2:
            raise QueryError("Concat() takes at least two values")
        super().__init__(
            "concat", [argument(a, TEXT) for a in args], vtype=TEXT, alias=alias or "concat"
        )


class Replace(Function):
    """``REPLACE(text, old, new)``: every ``old`` replaced by ``new`` -> key ``"replace"``."""

    def __init__(self, identifier: Any, old: Any, new: Any, alias: str | None = None) -> None:
        args = (argument(identifier, TEXT), argument(old, TEXT), argument(new, TEXT))
        super().__init__("replace", args, vtype=TEXT, alias=alias or "replace")
