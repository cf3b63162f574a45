"""L0: SQL value types and the Python <-> database value adapters (stdlib only).

A column describes its stored values with a :class:`ValueType`; each dialect maps
the type's ``name`` to DDL text and to the converters of :mod:`vivace.types.adapters`.

Example::

    ValueType("numeric", (10, 2))      # NUMERIC(10, 2)
    ValueType("array", (ValueType("integer"),))
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ValueType:
    """What a column stores: a type name known to every dialect, plus its arguments.

    Example: ``ValueType("varchar", (100,))``.
    """

    name: str
    args: tuple[object, ...] = ()

    @property
    def element(self) -> ValueType:
        """The element type of an array type: ``ValueType("array", (INTEGER,)).element``."""
        element = self.args[0]
        assert isinstance(element, ValueType)
        return element


#: Type names stored as JSON text (parsed by ``output(load_json=True)``).
JSON_TYPES = frozenset({"json", "jsonb"})

__all__ = ["JSON_TYPES", "ValueType"]
