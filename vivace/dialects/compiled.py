"""``Compiled``: the value-free result of compiling one query shape.

Example::

    compiled = dialect.compile(stmt, values)      # on a cache miss
    params = compiled.bind(values)                # on every run
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from vivace.exceptions import InvalidValue

Converter = Callable[[Any], Any]

#: How a multi-row insert binds one column's values at once: a quick whole-column check
#: (True when every value passes unchanged; see ``vivace.types.checks.quick_check``), the
#: dialect's own converter, and the checked converter used one by one otherwise.
ColumnBinding = tuple[Callable[[list[Any]], bool] | None, Converter | None, Converter | None]


class Compiled:
    """SQL text, one converter per placeholder, and the result columns' keys and converters.

    A converter also checks its value against the column it is stored into or compared
    with (``vivace.types.checks``); ``labels`` names that column (``"band.name"``) for the
    message when a value is refused. ``cache`` holds row factories built by the layers above.
    """

    __slots__ = (
        "sql",
        "converters",
        "result_names",
        "result_converters",
        "is_write",
        "is_small_write",
        "cache",
        "labels",
        "columns",
        "_bind_all",
        "_bind_one",
        "recent",
        "guarded",
    )

    def __init__(
        self,
        sql: str,
        converters: Sequence[Converter | None],
        result_names: Sequence[str] = (),
        result_converters: Sequence[Converter | None] = (),
        is_write: bool = False,
        is_small_write: bool = False,
        labels: Sequence[str | None] = (),
        columns: Sequence[ColumnBinding] | None = None,
    ) -> None:
        self.sql = sql
        self.converters = tuple(converters)
        self.result_names = tuple(result_names)
        self.result_converters = tuple(result_converters)
        self.is_write = is_write
        #: A write known to touch a few rows (insert of a few rows, update by primary
        #: key): cheap and bounded enough to run without a time budget.
        self.is_small_write = is_small_write
        self.cache: dict[Any, Any] = {}
        #: The ``table.column`` each placeholder's value belongs to, where known.
        self.labels = tuple(labels)
        #: Set for a multi-row insert whose parameters are its rows, one binding per column.
        self.columns = None if columns is None else tuple(columns)
        # Most statements need no conversion at all: then binding is free.
        self._bind_all = any(c is not None for c in self.converters)
        # One value to convert (a select by primary key, maybe with a ``LIMIT``): bound
        # without a loop. Its position and converter.
        converted = [(i, c) for i, c in enumerate(self.converters) if c is not None]
        self._bind_one = converted[0] if len(converted) == 1 and columns is None else None
        #: Used since the engine's cache last looked (see ``vivace.engine.cache``).
        self.recent = False
        #: Runs only under the engine's guard: the MySQL dialect's ``INSERT IGNORE`` for
        #: ``DO NOTHING``, which would also skip rows breaking other constraints
        #: (``vivace.engine.mysql_ignore``). Checked once per run by that engine alone.
        self.guarded = False

    def bind(self, values: Sequence[Any]) -> Sequence[Any]:
        """The driver parameters for ``values`` (converted where the column type needs it)."""
        if not self._bind_all:
            return values
        one = self._bind_one
        if one is not None and len(values) == len(self.converters):
            index, convert = one
            value = values[index]
            if value is None:
                return values
            params = list(values)
            try:
                params[index] = convert(value)
            except InvalidValue as error:
                raise self._name_the_column(error, values) from None
            return params
        try:
            if self.columns is not None:
                return self._bind_columns(self.columns, values)
            return [v if c is None or v is None else c(v) for c, v in zip(self.converters, values)]
        except InvalidValue as error:
            raise self._name_the_column(error, values) from None

    @staticmethod
    def _bind_columns(columns: Sequence[ColumnBinding], values: Sequence[Any]) -> Sequence[Any]:
        """Bind a multi-row insert column by column: a column whose values all pass the
        quick check costs no Python call per value, and no copy when none needs converting."""
        width = len(columns)
        result: list[Any] | None = None
        for index, (quick, convert, checked) in enumerate(columns):
            if checked is None:
                continue
            column = values[index::width]
            if not isinstance(column, list):
                column = list(column)
            if quick is not None and quick(column):
                if convert is None:
                    continue
                column = [None if v is None else convert(v) for v in column]
            else:
                column = [None if v is None else checked(v) for v in column]
            if result is None:
                result = list(values)
            result[index::width] = column
        return values if result is None else result

    def _name_the_column(self, error: InvalidValue, values: Sequence[Any]) -> InvalidValue:
        """``error`` with the ``table.column`` of the refused value in front (found by
        converting again one by one: this runs only when a value was refused)."""
        for index, (convert, value) in enumerate(zip(self.converters, values)):
            if convert is None or value is None:
                continue
            try:
                convert(value)
            except InvalidValue as refused:
                label = self.labels[index] if index < len(self.labels) else None
                return InvalidValue(f"{label or 'a value'} {refused}")
        return error

    @property
    def has_result_converters(self) -> bool:
        """Whether any result column needs converting when rows are read."""
        return any(c is not None for c in self.result_converters)

    def __repr__(self) -> str:
        return f"<Compiled {self.sql!r}>"
