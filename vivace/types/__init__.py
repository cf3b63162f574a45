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


#: The standard SQL spelling of the type names whose upper-case form is not it.
_SQL_SPELLING = {"double": "DOUBLE PRECISION"}
#: A serial is an integer with a sequence; an array's elements are plain integers.
_PLAIN_ELEMENTS = {"serial": "integer", "bigserial": "bigint"}


def sql_type_name(vtype: ValueType) -> str:
    """The SQL type a value type declares in standard SQL, as PostgreSQL writes it: the
    upper-case name, its arguments in brackets, ``[]`` after an array's element type.

    A column of a table with an engine reports its own database's spelling
    (``Column.column_type``, from the dialect); this is the answer for a column outside any
    table, as in ``Cast(Band.popularity, Varchar())``.

    Example::

        sql_type_name(ValueType("varchar", (255,)))                 # 'VARCHAR(255)'
        sql_type_name(ValueType("numeric", (10, 2)))                # 'NUMERIC(10, 2)'
        sql_type_name(ValueType("array", (ValueType("integer"),)))  # 'INTEGER[]'
    """
    if vtype.name == "array":
        element = vtype.element
        plain = _PLAIN_ELEMENTS.get(element.name)
        return sql_type_name(ValueType(plain) if plain else element) + "[]"
    name = _SQL_SPELLING.get(vtype.name, vtype.name.upper())
    args = [arg for arg in vtype.args if arg is not None]
    return f"{name}({', '.join(str(arg) for arg in args)})" if args else name


#: Type names stored as JSON text (parsed by ``output(load_json=True)``).
JSON_TYPES = frozenset({"json", "jsonb"})

__all__ = ["JSON_TYPES", "ValueType", "sql_type_name"]
