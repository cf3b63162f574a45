"""Table-level constraints declared as class attributes.

Example::

    class Band(Table):
        name = Varchar()
        manager = ForeignKey(Manager)
        popularity = Integer()
        unique_name_manager = Unique([name, manager])
        popularity_positive = Check(popularity >= 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vivace.schema.column import Column, check_identifier, derived_identifier
from vivace.sql.nodes import Condition, Raw


class Constraint:
    """Base of table constraints; bound to its table when the class is made."""

    def __init__(self, name: str | None) -> None:
        if name is not None:
            check_identifier(name, "constraint name")
        self._given_name = name
        self.name = name or ""
        self.table: Any = None

    def _bind(self, table: Any, attribute: str) -> None:
        self.table = table
        if not self._given_name:
            self.name = derived_identifier(
                f"{table._meta.tablename}_{attribute}", "constraint name"
            )


class Unique(Constraint):
    """Rows must differ in these columns together: ``Unique([Band.name, Band.manager])``."""

    def __init__(
        self, columns: Sequence[Column[Any]], nulls_distinct: bool = True, name: str | None = None
    ) -> None:
        super().__init__(name)
        if not columns or not all(isinstance(c, Column) for c in columns):
            raise TypeError("Unique() takes a non-empty list of columns")
        self.columns = list(columns)
        self.nulls_distinct = nulls_distinct


class Check(Constraint):
    """Every row must satisfy a condition: ``Check(Band.popularity >= 0)``.

    A string condition is taken as SQL written by the schema's author.
    """

    def __init__(self, condition: Condition | str, name: str | None = None) -> None:
        super().__init__(name)
        if isinstance(condition, str):
            condition = Raw(condition, ())
        if not isinstance(condition, Condition):
            raise TypeError(f"Check() takes a condition, got {condition!r}")
        self.condition = condition
