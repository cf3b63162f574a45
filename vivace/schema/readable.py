"""``Readable``: a human-readable label for a row, built by the database.

Example::

    class Band(Table):
        name = Varchar()

        @classmethod
        def get_readable(cls) -> Readable:
            return Readable(template="%s", columns=[cls.name])

    await Band.select(Band.get_readable())    # [{"readable": "Pythonistas"}, ...]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vivace.schema.column import Column
from vivace.sql.nodes import FunctionCall, Param
from vivace.types import ValueType


class Readable(FunctionCall):
    """``FORMAT(template, columns...)`` (``printf`` on SQLite), result key ``"readable"``.

    The template takes ``%s`` placeholders, one per column; ``output_name`` is the key.
    """

    __slots__ = ("template", "columns", "output_name")

    def __init__(
        self, template: str, columns: Sequence[Column[Any]], output_name: str = "readable"
    ) -> None:
        self.template, self.columns, self.output_name = template, list(columns), output_name
        args = (Param(template, ValueType("text")), *self.columns)
        super().__init__("FORMAT", args, vtype=ValueType("text"), default_alias=output_name)
