"""Expression nodes. Immutable, slotted, and each able to give its shape key.

``_key(values)`` appends this node's parameter values to ``values`` in the order
the compiler emits placeholders (a depth-first, left-to-right walk) and returns a
hashable key with the structure only.

Example::

    cond = (Band.name == "Pythonistas") & (Band.popularity > 100)
    values: list[object] = []
    cond._key(values)            # ("AND", (...), (...)); values == ["Pythonistas", 100]
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from vivace.exceptions import QueryError
from vivace.types import ValueType
from vivace.types.choices import member_value

if TYPE_CHECKING:
    from vivace.sql.statements import Select

#: Value types whose ``+`` means string concatenation rather than addition.
TEXT_TYPES = frozenset({"varchar", "char", "text"})
#: Value types a ``timedelta`` moves in time (``Concert.starts + timedelta(days=1)``).
MOVED_BY_TIMEDELTA = frozenset({"timestamp", "timestamptz", "date", "time"})
#: The type of a ``timedelta`` moving a date or time: its own, not the column's, so the
#: shape key tells it from any other value and the compiler renders it as an interval.
INTERVAL = ValueType("interval")
#: Value types ``%`` (modulo) takes: whole numbers, whose remainder every engine computes
#: alike. PostgreSQL has no ``%`` for floating point and SQLite truncates decimals to
#: integers first, so those are refused rather than answered differently per engine.
WHOLE_NUMBER_TYPES = frozenset({"integer", "bigint", "smallint", "serial", "bigserial"})
#: Value types ``**`` (power) takes: numbers. The result is always a double, as
#: PostgreSQL's ``^`` on integers and MariaDB's ``POWER`` give it, so every engine answers
#: the same float (decimals are raised as doubles too).
NUMBER_TYPES = WHOLE_NUMBER_TYPES | {"real", "double", "numeric"}
#: The type of ``a ** b`` and of a plain value raised or raising (``Band.popularity ** 2``):
#: the exponent is a float or an int a double holds, whatever the column's own type.
DOUBLE = ValueType("double")
#: The operator of a power node (``Arithmetic(a, POWER, b, DOUBLE)``); each dialect writes
#: it as a function call (``^`` is XOR on MariaDB and unknown to SQLite).
POWER = "^"

#: Finds the dialect that writes ``str(expression)`` for an expression holding no column
#: (``str(QueryString("SELECT {}", "x"))``): the configured engine's, or None. The layers
#: that know engines set it (``set_default_dialect_finder``); this one cannot import them.
_default_dialect_finder: list[Callable[[], Any]] = []


#: Engine type names (Piccolo's: ``"postgres"``, ``"sqlite"``...) -> dialect classes, for
#: ``Expr.compile_string``: ``vivace.dialects`` registers its own when it loads.
_dialect_classes: dict[str, Any] = {}


def register_dialect_class(engine_type: str, dialect_class: Any) -> None:
    """Make ``compile_string(engine_type)`` compile with ``dialect_class``.

    Example: ``register_dialect_class("postgres", PostgresDialect)``."""
    _dialect_classes[engine_type] = dialect_class


def set_default_dialect_finder(finder: Callable[[], Any]) -> None:
    """Say how ``str()`` finds a dialect for an expression without columns: ``finder()``
    returns the configured engine's dialect, or None when there is no configuration.

    Example: ``set_default_dialect_finder(lambda: engine_finder().dialect)``."""
    _default_dialect_finder[:] = [finder]


class Node:
    """Base of every node: ``_key`` gives the structure and collects the values."""

    __slots__ = ()

    #: The compiler method that renders this node is ``visit_<visit_name>``.
    visit_name: ClassVar[str] = "node"

    def _key(self, values: list[Any]) -> Hashable:
        raise NotImplementedError


class Expr(Node):
    """A value expression: supports comparisons, arithmetic, ``|`` (COALESCE), aliases."""

    __slots__ = ()

    # Expressions override ``==``; keep identity hashing so columns can be dict keys.
    __hash__ = object.__hash__

    @property
    def value_type(self) -> ValueType | None:
        """The type of this expression's values, used to convert parameters compared to it."""
        return None

    def __str__(self) -> str:
        """The SQL with values written in, for reading (never run it), as Piccolo's:
        ``str(Band.name == "x")`` -> ``"band"."name" = 'x'``, ``str(QueryString("SELECT {}",
        "x"))`` -> ``SELECT 'x'``. Rendered by the engine of the first column's table, else
        by the configured engine; without either, the plain object text (never raises)."""
        try:
            dialect = _dialect_for(self)
            if dialect is not None:
                sql: str = dialect.render_inline(self)
                return sql
        except Exception:  # no engine, or not renderable: str() must not fail
            pass
        return repr(self)

    def compile_string(self, engine_type: str = "postgres") -> tuple[str, list[Any]]:
        """The SQL with ``engine_type``'s placeholders and the values in their order, as
        Piccolo's (``"postgres"`` by default; also ``"sqlite"``, ``"mysql"``, ``"mariadb"``).

        Example: ``(Band.popularity > 10).compile_string()`` ->
        ``('"band"."popularity" > $1', [10])``.
        """
        dialect_class = _dialect_classes.get(engine_type)
        if dialect_class is None:
            known = ", ".join(_dialect_classes) or "none loaded"
            raise QueryError(f"engine type {engine_type!r} not recognised: one of {known}")
        values: list[Any] = []
        self._key(values)
        sql: str = dialect_class().compile(self, values).sql
        return sql, values

    # comparisons -------------------------------------------------------------------------
    def __eq__(self, other: object) -> Condition:  # type: ignore[override]
        if other is None:
            return PostfixOp(self, "IS NULL")
        return _compared(self, "=", other)

    def __ne__(self, other: object) -> Condition:  # type: ignore[override]
        if other is None:
            return PostfixOp(self, "IS NOT NULL")
        return _compared(self, "<>", other)

    def __lt__(self, other: object) -> Condition:
        return _compared(self, "<", other)

    def __le__(self, other: object) -> Condition:
        return _compared(self, "<=", other)

    def __gt__(self, other: object) -> Condition:
        return _compared(self, ">", other)

    def __ge__(self, other: object) -> Condition:
        return _compared(self, ">=", other)

    def is_null(self) -> Condition:
        """``col IS NULL``. Example: ``Band.manager.is_null()``."""
        return PostfixOp(self, "IS NULL")

    def is_not_null(self) -> Condition:
        """``col IS NOT NULL``. Example: ``Band.manager.is_not_null()``."""
        return PostfixOp(self, "IS NOT NULL")

    def is_in(self, values: Iterable[Any] | Select) -> Condition:
        """``col IN (...)``, one shape whatever the list length: ``Band.id.is_in([1, 2])``.

        An empty list is refused, as in Piccolo (an empty tuple matches nothing)."""
        return InList(self, _some(values), negate=False)

    def not_in(self, values: Iterable[Any] | Select) -> Condition:
        """``col NOT IN (...)``. Example: ``Band.id.not_in([1, 2])``."""
        return InList(self, _some(values), negate=True)

    def like(self, pattern: str) -> Condition:
        """Case-sensitive ``LIKE`` on every engine; ``%`` and ``_`` are the caller's wildcards."""
        return _compared(self, "LIKE", pattern, None)

    def ilike(self, pattern: str) -> Condition:
        """Case-insensitive ``LIKE``. Example: ``Band.name.ilike("pyth%")``."""
        return _compared(self, "ILIKE", pattern, None)

    def not_like(self, pattern: str) -> Condition:
        """``NOT LIKE``. Example: ``Band.name.not_like("%x%")``."""
        return _compared(self, "NOT LIKE", pattern, None)

    def as_alias(self, name: str) -> Alias:
        """Name this expression in a select's result. Example: ``Band.name.as_alias("title")``."""
        return Alias(self, name)

    # arithmetic --------------------------------------------------------------------------
    def _arith(self, op: str, other: object, reflected: bool = False) -> Arithmetic:
        vtype = self.value_type
        if op == "+" and vtype is not None and vtype.name in TEXT_TYPES:
            op = "||"
        moving = vtype is not None and vtype.name in MOVED_BY_TIMEDELTA and op in ("+", "-")
        if moving and isinstance(other, datetime.timedelta):
            assert vtype is not None  # moving says so
            return _moved(self, op, other, vtype, reflected)
        right = to_expr(other, vtype)
        if reflected:
            return Arithmetic(right, op, self, vtype)
        return Arithmetic(self, op, right, vtype)

    def __add__(self, other: object) -> Arithmetic:
        return self._arith("+", other)

    def __radd__(self, other: object) -> Arithmetic:
        return self._arith("+", other, reflected=True)

    def __sub__(self, other: object) -> Arithmetic:
        return self._arith("-", other)

    def __rsub__(self, other: object) -> Arithmetic:
        return self._arith("-", other, reflected=True)

    def __mul__(self, other: object) -> Arithmetic:
        return self._arith("*", other)

    def __rmul__(self, other: object) -> Arithmetic:
        return self._arith("*", other, reflected=True)

    def __truediv__(self, other: object) -> Arithmetic:
        return self._arith("/", other)

    def __rtruediv__(self, other: object) -> Arithmetic:
        return self._arith("/", other, reflected=True)

    def __mod__(self, other: object) -> Arithmetic:
        """``a % b``, the remainder of whole numbers (its sign is the dividend's, as in SQL,
        not Python's): ``Band.popularity % 2``, ``Length(Band.name) % 2``,
        ``QueryString("popularity") % 3``. A decimal, floating-point or other typed operand
        is refused with ``QueryError``; untyped SQL (a ``QueryString``) is the database's."""
        _check_whole(self, other)
        return self._arith("%", other)

    def __rmod__(self, other: object) -> Arithmetic:
        _check_whole(self, other)
        return self._arith("%", other, reflected=True)

    def __pow__(self, other: object, modulo: None = None) -> Arithmetic:
        """``a ** b``, ``a`` raised to the power ``b``, always a float (a double precision),
        as PostgreSQL's ``^`` gives it for integers; on every engine alike:
        ``Band.popularity ** 2``, ``Length(Band.name) ** 0.5``, ``QueryString("popularity")
        ** 2``. A text, date or other non-numeric operand is refused with ``QueryError``; a
        negative base with a fractional exponent, zero to a negative power, or a result
        too large for a double fails when the query runs (SQLite included)."""
        _check_number(self, other, modulo)
        return Arithmetic(self, POWER, to_expr(other, DOUBLE), DOUBLE)

    def __rpow__(self, other: object, modulo: None = None) -> Arithmetic:
        """``2 ** Band.popularity``: a plain value raised to this expression (see ``__pow__``)."""
        _check_number(self, other, modulo)
        return Arithmetic(to_expr(other, DOUBLE), POWER, self, DOUBLE)

    def __or__(self, other: object) -> Expr:
        """``a | b`` is ``COALESCE(a, b)`` for values (and ``OR`` for conditions); keyed as
        the column ``a`` (``"manager.name"``), as Piccolo does."""
        key = self._meta.get_default_alias() if isinstance(self, ColumnNode) else None
        return FunctionCall(
            "COALESCE",
            (self, to_expr(other, self.value_type)),
            vtype=self.value_type,
            default_alias=key,
        )


def _check_whole(subject: Expr, other: object) -> None:
    """Refuse ``subject % other`` unless both sides are whole numbers or untyped."""
    for operand in (subject, other):
        if not isinstance(operand, Expr):
            continue
        vtype = operand.value_type
        if vtype is not None and vtype.name not in WHOLE_NUMBER_TYPES:
            raise QueryError(
                f"% (modulo) takes whole numbers, not {vtype.name} values: PostgreSQL has "
                "no % for floating point and SQLite truncates decimals to integers; "
                "cast to Integer first"
            )


def _check_number(subject: Expr, other: object, modulo: object) -> None:
    """Refuse ``subject ** other`` unless both sides are numbers or untyped, and the
    three-argument ``pow(a, b, m)``, which SQL has no form for."""
    if modulo is not None:
        raise QueryError("pow() with a modulo has no SQL form: write (a ** b) % m")
    for operand in (subject, other):
        if not isinstance(operand, Expr):
            continue  # a value: checked as a double when the query is compiled
        vtype = operand.value_type
        if vtype is not None and vtype.name not in NUMBER_TYPES:
            raise QueryError(f"** (power) takes numbers, not {vtype.name} values")


def _dialect_for(node: Node) -> Any:
    """The dialect ``str(node)`` is written in: the engine's of the first column's table,
    else the configured engine's (None without one)."""
    column = _first_column(node)
    table = column._meta.table if column is not None else None
    if table is not None:
        return table._meta.db.dialect
    for finder in _default_dialect_finder:
        return finder()
    return None


def _moved(
    subject: Expr, op: str, delta: datetime.timedelta, vtype: ValueType, reflected: bool
) -> Arithmetic:
    """``subject op delta`` with the timedelta typed as an interval; ``delta + subject`` is
    written subject first (so its values come in the order the SQL names them), and
    ``delta - subject`` is refused (a date or time cannot be subtracted from a span)."""
    if reflected and op == "-":
        raise QueryError(
            "a date or time cannot be subtracted from a timedelta: write column - timedelta"
        )
    return Arithmetic(subject, op, Param(delta, INTERVAL), vtype)


class Param(Expr):
    """A bound parameter: the value never enters the SQL text."""

    __slots__ = ("value", "vtype")
    visit_name = "param"

    def __init__(self, value: Any, vtype: ValueType | None = None) -> None:
        self.value = value
        self.vtype = vtype

    @property
    def value_type(self) -> ValueType | None:
        return self.vtype

    def _key(self, values: list[Any]) -> Hashable:
        values.append(self.value)
        return _param_key(self.vtype)


def child_nodes(node: Any) -> Iterator[Node]:
    """The nodes in ``node``'s slots, in tuples and in tuples of tuples (assignments), in
    slot order: what a walk over a statement or expression visits next.

    Example: ``list(child_nodes(Band.name == "x"))`` -> ``[Band.name]`` (the value is no node).
    """
    for name in _slot_names(type(node)):
        child = getattr(node, name, None)
        if isinstance(child, Node):
            yield child
        elif isinstance(child, tuple | list):
            for item in child:
                if isinstance(item, Node):
                    yield item
                elif isinstance(item, tuple):
                    for sub in item:
                        if isinstance(sub, Node):
                            yield sub


_SLOT_NAMES: dict[type, tuple[str, ...]] = {}


def _slot_names(cls: type) -> tuple[str, ...]:
    """Every slot of a node class, its bases' included (``QueryString`` adds none of its
    own: its expressions sit in ``Raw``'s slots)."""
    found = _SLOT_NAMES.get(cls)
    if found is None:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            for name in vars(klass).get("__slots__", ()):
                if name not in names:
                    names.append(name)
        found = _SLOT_NAMES[cls] = tuple(names)
    return found


def _first_column(node: Node) -> ColumnNode | None:
    """The first column under ``node`` (depth first, in slot order), or None."""
    if isinstance(node, ColumnNode):
        return node
    for child in child_nodes(node):
        found = _first_column(child)
        if found is not None:
            return found
    return None


def _param_key(vtype: ValueType | None) -> Hashable:
    """A parameter's key: its type's fields (see ``Comparison._key``)."""
    return ("P",) if vtype is None else ("P", vtype.name, vtype.args)


class ColumnNode(Expr):
    """The L1 view of a column; the schema's ``Column`` subclasses it.

    Subclasses provide ``_shape`` (a hashable identity of the column and its join path)
    and ``value_type``.
    """

    __slots__ = ()
    visit_name = "column"

    #: A hashable identity of the column and its join path (never an expression object).
    _shape: Hashable
    #: The schema's column metadata (name, table, join path); set by ``Column``.
    _meta: Any

    def _key(self, values: list[Any]) -> Hashable:
        return self._shape

    def __str__(self) -> str:
        """A column's text is its ``repr`` (``<Varchar Band.name>``), not SQL."""
        return repr(self)

    # ``column op value`` with a plain value is built as one ``ValueComparison`` here, with
    # no call beyond the operator itself (nearly every where() has one); anything else
    # (None, an expression, an enum member, a placeholder) goes the general way.
    def __eq__(self, other: object) -> Condition:  # type: ignore[override]
        if type(other) in _AS_VALUE:
            node = _new(ValueComparison)
            node.left, node.op, node.value, node._param = self, "=", other, None
            return node
        return Expr.__eq__(self, other)

    def __ne__(self, other: object) -> Condition:  # type: ignore[override]
        if type(other) in _AS_VALUE:
            node = _new(ValueComparison)
            node.left, node.op, node.value, node._param = self, "<>", other, None
            return node
        return Expr.__ne__(self, other)

    def __lt__(self, other: object) -> Condition:
        if type(other) in _AS_VALUE:
            node = _new(ValueComparison)
            node.left, node.op, node.value, node._param = self, "<", other, None
            return node
        return Expr.__lt__(self, other)

    def __le__(self, other: object) -> Condition:
        if type(other) in _AS_VALUE:
            node = _new(ValueComparison)
            node.left, node.op, node.value, node._param = self, "<=", other, None
            return node
        return Expr.__le__(self, other)

    def __gt__(self, other: object) -> Condition:
        if type(other) in _AS_VALUE:
            node = _new(ValueComparison)
            node.left, node.op, node.value, node._param = self, ">", other, None
            return node
        return Expr.__gt__(self, other)

    def __ge__(self, other: object) -> Condition:
        if type(other) in _AS_VALUE:
            node = _new(ValueComparison)
            node.left, node.op, node.value, node._param = self, ">=", other, None
            return node
        return Expr.__ge__(self, other)

    def like(self, pattern: str) -> Condition:
        """Case-sensitive ``LIKE`` on every engine: ``Band.name.like("Pyth%")``."""
        if type(pattern) is str:
            node = _new(ValueComparison)
            node.left, node.op, node.value, node._param = self, "LIKE", pattern, None
            return node
        return Expr.like(self, pattern)

    # Defining ``__eq__`` drops the inherited hash: columns stay usable as dict keys.
    __hash__ = Expr.__hash__


class Arithmetic(Expr):
    """``left op right`` giving a value: ``Band.popularity + 1``."""

    __slots__ = ("left", "op", "right", "vtype")
    visit_name = "arith"  # parenthesised: (a + b) * c keeps its meaning

    def __init__(self, left: Expr, op: str, right: Expr, vtype: ValueType | None) -> None:
        self.left, self.op, self.right, self.vtype = left, op, right, vtype

    @property
    def value_type(self) -> ValueType | None:
        return self.vtype

    def _key(self, values: list[Any]) -> Hashable:
        return ("B", self.op, self.left._key(values), self.right._key(values))


class Condition(Expr):
    """A boolean expression: ``&`` is AND, ``|`` is OR, ``~`` is NOT."""

    __slots__ = ()

    def __and__(self, other: Condition) -> Condition:
        if not isinstance(other, Condition):
            return And(self, other)  # refuses it clearly
        # Both are conditions already: built without And.__init__'s checks (a call less);
        # a chain ``a & b & c`` stays one flat AND (one node, one level of the key).
        node = _new(And)
        node.conditions = (*self.conditions, other) if type(self) is And else (self, other)
        return node

    def __or__(self, other: object) -> Condition:
        if not isinstance(other, Condition):
            raise QueryError(f"cannot OR a condition with {other!r}")
        node = object.__new__(Or)
        node.conditions = (self, other)
        return node

    def __invert__(self) -> Condition:
        return Not(self)


class Comparison(Condition):
    """``left op right`` giving a boolean: ``Band.popularity > 100``."""

    __slots__ = ("left", "op", "right")
    visit_name = "binary"

    def __init__(self, left: Expr, op: str, right: Expr) -> None:
        self.left, self.op, self.right = left, op, right

    def _key(self, values: list[Any]) -> Hashable:
        # The common ``column op value`` inlined: no call for either side.
        left, right = self.left, self.right
        left_key = left._shape if isinstance(left, ColumnNode) else left._key(values)
        if type(right) is Param:
            values.append(right.value)
            vtype = right.vtype
            # The type's fields, not the type: hashing them stays in C (the frozen
            # dataclass's own __hash__ is a Python call, paid on every cache lookup).
            right_key = ("P",) if vtype is None else ("P", vtype.name, vtype.args)
            return ("C", self.op, left_key, right_key)
        return ("C", self.op, left_key, right._key(values))


#: Kept for readers who look for the generic name.
BinaryOp = Comparison

#: Operators whose value is a pattern (text whatever the column): its parameter is untyped.
PATTERN_OPERATORS = frozenset({"LIKE", "ILIKE", "NOT LIKE"})


class ValueComparison(Comparison):
    """``column op value`` with a plain value (``Band.popularity > 100``): one node holding
    the value itself, built by the column's operators.

    Its parameter (typed as the column, untyped for a ``LIKE`` pattern, as the general
    ``Comparison`` would hold it) is made only when ``right`` is read, by the compiler on a
    cache miss: a cache hit needs the value and the key alone. The key names the column
    and the operator, which say the parameter's type.

    Example: ``(Band.popularity > 100).right`` -> ``Param(100, Band.popularity.value_type)``.
    """

    __slots__ = ("value", "_param")

    left: ColumnNode
    #: The value compared with, as given (bound as a parameter, never written in the SQL).
    value: Any
    #: The parameter once made; None until then. Every builder sets it: an unset slot
    #: raises AttributeError when read, and the compiler's reads and its slot walk for joins
    #: then cost a miss ~1.5 µs per node (the raise, not the work).
    _param: Param | None

    # The base's slot, read only here: the parameter is made on demand.
    @property
    def right(self) -> Expr:  # type: ignore[override]
        param = self._param
        if param is None:
            vtype = None if self.op in PATTERN_OPERATORS else self.left.value_type
            param = self._param = Param(self.value, vtype)
        return param

    def _key(self, values: list[Any]) -> Hashable:
        values.append(self.value)
        return ("V", self.op, self.left._shape)


class PostfixOp(Condition):
    """``operand IS NULL`` / ``operand IS NOT NULL``."""

    __slots__ = ("operand", "op")
    visit_name = "postfix"

    def __init__(self, operand: Expr, op: str) -> None:
        self.operand, self.op = operand, op

    def _key(self, values: list[Any]) -> Hashable:
        return ("PF", self.op, self.operand._key(values))


def _some(values: Any) -> Any:
    """``values`` unless it is an empty list: Piccolo's ``ValueError`` for that mistake."""
    if isinstance(values, list) and not values:
        raise QueryError("The `values` list argument must contain at least one value.")
    return values


class InList(Condition):
    """``operand IN (...)``: one parameter holding the whole list, or a subquery."""

    __slots__ = ("operand", "values", "negate", "subquery")
    visit_name = "in_list"

    def __init__(self, operand: Expr, values: Iterable[Any] | Select, negate: bool) -> None:
        self.operand, self.negate = operand, negate
        # A query builder (``Band.select(Band.id)``) hands over its statement.
        as_subquery = getattr(values, "_as_subquery", None)
        if as_subquery is not None:
            self.subquery: Select | None = as_subquery()
            self.values: list[Any] = []
        else:
            if isinstance(values, str | bytes):
                raise QueryError("is_in()/not_in() take a list of values, not a string")
            self.subquery = None
            items = list(cast(Iterable[Any], values))
            self.values = [member_value(v) for v in items]

    def _key(self, values: list[Any]) -> Hashable:
        operand_key = self.operand._key(values)
        if self.subquery is not None:
            return ("INQ", self.negate, operand_key, self.subquery._key(values))
        values.append(self.values)
        return ("IN", self.negate, operand_key, self.operand.value_type)


class And(Condition):
    """Every condition holds. Example: ``And(Band.name == "a", Band.popularity > 1)``."""

    __slots__ = ("conditions",)
    visit_name = "and"

    def __init__(self, *conditions: Condition) -> None:
        self.conditions = _guarded(conditions)

    def _key(self, values: list[Any]) -> Hashable:
        key: list[Hashable] = ["AND"]
        for condition in self.conditions:
            # ``column op value`` inlined, as ``ValueComparison._key`` (and
            # ``Comparison._key``) give it: no call.
            if type(condition) is ValueComparison:
                values.append(condition.value)
                key.append(("V", condition.op, condition.left._shape))
                continue
            if type(condition) is Comparison:
                left, right = condition.left, condition.right
                if type(right) is Param and isinstance(left, ColumnNode):
                    values.append(right.value)
                    vtype = right.vtype
                    part = ("P",) if vtype is None else ("P", vtype.name, vtype.args)
                    key.append(("C", condition.op, left._shape, part))
                    continue
            key.append(condition._key(values))
        return tuple(key)

    def get_column_values(self) -> dict[Any, Any]:
        """The values the conditions fix: ``column == value`` and ``column IS NULL`` (as
        None) parts, nested ``And``s included; other conditions fix nothing. Piccolo's
        ``get_or_create`` fills a new row from them.

        Example: ``((Band.name == "a") & (Band.popularity > 1)).get_column_values()`` is
        ``{Band.name: "a"}``.
        """
        found: dict[Any, Any] = {}
        for condition in self.conditions:
            if isinstance(condition, And):
                found.update(condition.get_column_values())
                continue
            fixed = fixed_column_value(condition)
            if fixed is not None:
                found[fixed[0]] = fixed[1]
        return found


def fixed_column_value(condition: Condition) -> tuple[ColumnNode, Any] | None:
    """The column and value a ``column == value`` or ``column IS NULL`` condition fixes,
    or None for any other condition.

    Example: ``fixed_column_value(Band.name == "a")`` is ``(Band.name, "a")``.
    """
    if isinstance(condition, Comparison) and condition.op == "=":
        left, right = condition.left, condition.right
        if isinstance(left, ColumnNode) and isinstance(right, Param):
            return left, right.value
    elif (
        isinstance(condition, PostfixOp)
        and condition.op == "IS NULL"
        and isinstance(condition.operand, ColumnNode)
    ):
        return condition.operand, None
    return None


class Or(Condition):
    """At least one condition holds. Example: ``Or(Band.name == "a", Band.name == "b")``."""

    __slots__ = ("conditions",)
    visit_name = "or"

    def __init__(self, *conditions: Condition) -> None:
        self.conditions = _guarded(conditions)

    def _key(self, values: list[Any]) -> Hashable:
        key: list[Hashable] = ["OR"]
        for condition in self.conditions:
            key.append(condition._key(values))
        return tuple(key)


class Not(Condition):
    """The condition does not hold: ``~(Band.name == "a")``."""

    __slots__ = ("condition",)
    visit_name = "not"

    def __init__(self, condition: Condition) -> None:
        self.condition = bool_guard(condition)

    def _key(self, values: list[Any]) -> Hashable:
        return ("NOT", self.condition._key(values))


class FunctionCall(Expr):
    """``NAME(args)``; the dialect may rename it: ``FunctionCall("UPPER", (Band.name,))``."""

    __slots__ = ("name", "args", "distinct", "vtype", "default_alias")
    visit_name = "function"

    def __init__(
        self,
        name: str,
        args: Sequence[Expr],
        distinct: bool = False,
        vtype: ValueType | None = None,
        default_alias: str | None = None,
    ) -> None:
        self.name, self.args, self.distinct = name, tuple(args), distinct
        self.vtype, self.default_alias = vtype, default_alias

    @property
    def value_type(self) -> ValueType | None:
        return self.vtype

    def _key(self, values: list[Any]) -> Hashable:
        # The alias and type change the result's key and converter: they are shape too.
        shape = ("F", self.name, self.distinct, self.default_alias, self.vtype)
        return (*shape, *(a._key(values) for a in self.args))


class Star(Expr):
    """``*``, as in ``COUNT(*)``."""

    __slots__ = ()
    visit_name = "star"

    def _key(self, values: list[Any]) -> Hashable:
        return "*"


class Alias(Expr):
    """``expr AS "name"`` in a select list."""

    __slots__ = ("expr", "name")
    visit_name = "alias"

    def __init__(self, expr: Expr, name: str) -> None:
        self.expr, self.name = expr, name

    @property
    def _shape(self) -> Hashable:
        """An aliased column's key, as ``_key`` gives it (it has no values): a select reads
        its columns' ``_shape`` in one pass. Any other aliased expression has none."""
        expr = self.expr
        if isinstance(expr, ColumnNode):
            return ("AS", self.name, expr._shape)
        raise AttributeError("_shape")

    @property
    def value_type(self) -> ValueType | None:
        return self.expr.value_type

    def _key(self, values: list[Any]) -> Hashable:
        return ("AS", self.name, self.expr._key(values))


class OrderItem(Node):
    """One ``ORDER BY`` item."""

    __slots__ = ("expr", "ascending")
    visit_name = "order_item"

    def __init__(self, expr: Expr, ascending: bool) -> None:
        self.expr, self.ascending = expr, ascending

    def _key(self, values: list[Any]) -> Hashable:
        return ("O", self.ascending, self.expr._key(values))


class Raw(Condition):
    """A raw SQL fragment whose ``{}`` placeholders are bound parameters.

    Example: ``Raw("name = {}", ["Pythonistas"])``. Arguments that are expressions
    are rendered in place (so fragments nest). As in Piccolo (Python's ``format``), ``{{``
    and ``}}`` are a literal brace: ``Raw("SELECT '{{1,2}}'::int[]", [])``.
    """

    __slots__ = ("template", "parts", "args", "alias")
    visit_name = "raw"

    def __init__(self, template: str, args: Sequence[Any], alias: str | None = None) -> None:
        parts = _raw_parts(template)
        if len(parts) - 1 != len(args):
            raise QueryError(
                f"the SQL fragment {template!r} has {len(parts) - 1} placeholder(s) "
                f"but {len(args)} value(s) were given"
            )
        self.template, self.parts, self.alias = template, parts, alias
        self.args = tuple(to_expr(a, None) for a in args)

    def _key(self, values: list[Any]) -> Hashable:
        return ("RAW", self.template, self.alias, *(a._key(values) for a in self.args))


def _raw_parts(template: str) -> tuple[str, ...]:
    """The literal text around each ``{}`` of ``template``, ``{{``/``}}`` read as one brace
    (scanned left to right, as ``format`` does: ``"'{{}}'"`` is the literal ``'{}'``)."""
    if "{{" not in template and "}}" not in template:
        return tuple(template.split("{}"))  # the common case, in C
    parts: list[str] = []
    current: list[str] = []
    index, size = 0, len(template)
    while index < size:
        pair = template[index : index + 2]
        if pair in ("{{", "}}"):
            current.append(pair[0])
            index += 2
        elif pair == "{}":
            parts.append("".join(current))
            current = []
            index += 2
        else:
            current.append(template[index])
            index += 1
    parts.append("".join(current))
    return tuple(parts)


class Join(Node):
    """``LEFT JOIN table AS alias ON condition``."""

    __slots__ = ("table", "alias", "on")
    visit_name = "join"

    def __init__(self, table: Any, alias: str, on: Condition) -> None:
        self.table, self.alias, self.on = table, alias, on

    def _key(self, values: list[Any]) -> Hashable:
        return ("J", self.table, self.alias, self.on._key(values))


#: Value types that are never nodes nor enum members: ``to_expr`` wraps them directly.
_PLAIN_VALUES = frozenset({int, str, float, bool, bytes, type(None)})
#: The plain values a column's comparison holds as they are (``ValueComparison``); None
#: is not one of them (``== None`` is ``IS NULL``).
_AS_VALUE = frozenset({int, str, float, bool, bytes})


#: Builds a node without calling its ``__init__`` (the hot builders set the slots inline).
_new = object.__new__

#: ``_compared``'s default: the type of the left side.
_LEFT_TYPE: Any = object()


def _compared(left: Expr, op: str, other: object, vtype: Any = _LEFT_TYPE) -> Comparison:
    """``left op other``, a plain value wrapped as a parameter of ``vtype`` (by default the
    left side's type) inline: two nodes and no ``__init__`` call (every where() builds one).

    A column compared with a plain value (an enum member's too) is one ``ValueComparison``
    when the parameter's type is the one it gives: the column's, or none for a pattern."""
    if isinstance(left, ColumnNode) and (
        vtype is _LEFT_TYPE or (vtype is None and op in PATTERN_OPERATORS)
    ):
        # isinstance first: no call for the common plain value (every where() comes here)
        value = member_value(other) if isinstance(other, enum.Enum) else other
        if type(value) in _AS_VALUE:
            compared = _new(ValueComparison)
            compared.left, compared.op, compared.value, compared._param = left, op, value, None
            return compared
    if vtype is _LEFT_TYPE:
        vtype = left.value_type
    right: Expr
    if type(other) in _PLAIN_VALUES:
        param = right = _new(Param)
        param.value = other
        param.vtype = vtype
    else:
        right = to_expr(other, vtype)
    node = _new(Comparison)
    node.left = left
    node.op = op
    node.right = right
    return node


def to_expr(value: object, vtype: ValueType | None) -> Expr:
    """A node as is; any other value becomes a parameter of type ``vtype``."""
    if type(value) in _PLAIN_VALUES:  # the common case first: one set lookup
        return Param(value, vtype)
    if isinstance(value, Expr):
        return value
    if isinstance(value, enum.Enum):
        # as in Piccolo: a ``choices`` member compares as its value (a ``Choice``'s value)
        value = member_value(value)
    return Param(value, vtype)


def _guarded(conditions: tuple[object, ...]) -> tuple[Condition, ...]:
    """``conditions`` if each is a condition (no call per item); else ``bool_guard`` raises."""
    for condition in conditions:
        if not isinstance(condition, Condition):
            bool_guard(condition)
    return conditions  # type: ignore[return-value]  # each one checked above


def bool_guard(condition: object) -> Condition:
    """Reject a bare Python bool (``where(Band.name is None)``) with a clear error."""
    if isinstance(condition, Condition):
        return condition
    if isinstance(condition, bool):
        raise QueryError(  # Piccolo's message, which users match on
            "A boolean value has been passed in to a where clause. This is probably a "
            "mistake. For example `.where(MyTable.some_column is None)` instead of "
            "`.where(MyTable.some_column.is_null())`."
        )
    raise QueryError(f"{condition!r} is not a query condition")
