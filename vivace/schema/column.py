"""The ``Column`` base class: a typed expression that also describes a table column.

Example::

    class Band(Table):
        name = Varchar(length=100, unique=True)

    Band.name == "Pythonistas"   # an expression node
    band.name                    # on an instance: the plain value (a str)
"""

from __future__ import annotations

import copy
import enum
import hashlib
import re
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, overload

from vivace.exceptions import InvalidValue, UnsafeIdentifierError
from vivace.schema.column_typing import ColumnOptions
from vivace.schema.defaults import Default
from vivace.sql.nodes import ColumnNode
from vivace.types import ValueType, checks, sql_type_name
from vivace.types.choices import choices_dict, member_value

if TYPE_CHECKING:
    from vivace.schema.foreign_key import ForeignKey, JoinOn

T = TypeVar("T")

_IDENTIFIER_LIMIT = 63  # PostgreSQL truncates longer names silently: refuse them instead


def check_identifier(name: str, what: str = "identifier") -> str:
    """Refuse names that cannot be quoted safely or would be silently truncated.

    Quoting makes any text safe as an identifier except NUL; PostgreSQL truncates names
    longer than 63 bytes, which would make two different names collide.
    """
    if not isinstance(name, str) or not name:
        raise UnsafeIdentifierError(f"{what} must be a non-empty string, got {name!r}")
    if "\x00" in name:
        raise UnsafeIdentifierError(f"{what} {name!r} contains a NUL character")
    if len(name.encode()) > _IDENTIFIER_LIMIT:
        raise UnsafeIdentifierError(
            f"{what} {name!r} is longer than {_IDENTIFIER_LIMIT} bytes; "
            "PostgreSQL would truncate it"
        )
    return name


_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def derived_identifier(name: str, what: str = "identifier") -> str:
    """A name Vivace makes (an index, a constraint) from longer ones: ``name`` itself if
    it fits in 63 bytes, else a cut-down form with a hash of the whole, the same every
    time (so a valid table never fails because of a name it did not choose)."""
    if "\x00" not in name and len(name.encode()) > _IDENTIFIER_LIMIT:
        digest = hashlib.sha1(name.encode()).hexdigest()[:12]
        name = name.encode()[:48].decode(errors="ignore") + "_" + digest
    return check_identifier(name, what)


def check_plain_name(name: str, what: str) -> str:
    """Names that go into SQL unquoted (savepoints) must be plain words."""
    check_identifier(name, what)
    if not _PLAIN_NAME.match(name):
        raise UnsafeIdentifierError(f"{what} {name!r} must match [A-Za-z_][A-Za-z0-9_]*")
    return name


class OnDelete(str, enum.Enum):
    """What a foreign key does when its target row is deleted.

    Example: ``manager = ForeignKey(Manager, null=True, on_delete=OnDelete.set_null)``.
    """

    cascade = "CASCADE"
    restrict = "RESTRICT"
    no_action = "NO ACTION"
    set_null = "SET NULL"
    set_default = "SET DEFAULT"


class OnUpdate(str, enum.Enum):
    """What a foreign key does when its target's key changes.

    Example: ``band = ForeignKey(Band, on_update=OnUpdate.restrict)``.
    """

    cascade = "CASCADE"
    restrict = "RESTRICT"
    no_action = "NO ACTION"
    set_null = "SET NULL"
    set_default = "SET DEFAULT"


class IndexMethod(str, enum.Enum):
    """Index kinds; everything but ``btree`` needs PostgreSQL.

    Example: ``tags = Array(Varchar(), index=True, index_method=IndexMethod.gin)``, or
    ``await Band.create_index([Band.name], method=IndexMethod.hash)``.
    """

    btree = "btree"
    hash = "hash"
    gist = "gist"
    gin = "gin"


class _Unset:
    """Marks an option the caller did not give."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


class ColumnKwargs(ColumnOptions, total=False):
    """Options every column accepts."""

    null: bool


class ColumnMeta:
    """What a column is: its name, table, options. ``Band.name._meta.db_column_name``."""

    def __init__(self, **options: Any) -> None:
        self.name: str = ""
        self.db_column_name: str = options.pop("db_column_name", None) or ""
        self._given_db_name = bool(self.db_column_name)
        self.table: Any = None
        self.null: bool = options.pop("null")
        self.primary_key: bool = options.pop("primary_key")
        self.unique: bool = options.pop("unique")
        self.index: bool = options.pop("index")
        self.index_method: IndexMethod = options.pop("index_method")
        self.choices: type[enum.Enum] | None = options.pop("choices")
        self.secret: bool = options.pop("secret")
        self.auto_update: Any = options.pop("auto_update")
        self.help_text: str | None = options.pop("help_text")
        self.required: bool = options.pop("required")
        self.default: Any = options.pop("default")
        #: Foreign keys walked to reach this column: ``Band.manager.name`` -> (Band.manager,)
        self.call_chain: tuple[ForeignKey[Any], ...] = ()
        assert not options, options

    def get_choices_dict(self) -> dict[str, dict[str, Any]] | None:
        """The ``choices`` Enum as Piccolo gives it (Piccolo Admin reads it): each member's
        name mapped to its display name and stored value; None without choices. A member
        whose value is a ``Choice`` gives its ``display_name``, any other its name with
        ``_`` as spaces, title-cased.

        Example::

            class Title(Enum):
                mr = Choice(value=1, display_name="Mr.")
                mrs = 2

            Integer(choices=Title)._meta.get_choices_dict()
            # {"mr": {"display_name": "Mr.", "value": 1},
            #  "mrs": {"display_name": "Mrs", "value": 2}}
        """
        return choices_dict(self.choices)

    def get_full_name(self, with_alias: bool = True) -> str:
        """The dotted path users see as a result key: ``"manager.name"``."""
        return ".".join([*(fk._meta.name for fk in self.call_chain), self.name])

    def get_default_alias(self) -> str:
        """The column's key in select results: the dotted path of database column names
        (``"manager.name"``; ``"manager_fk.mname"`` with ``db_column_name``), as in Piccolo."""
        if not self.call_chain:
            return self.db_column_name
        return ".".join([*(fk._key_segment for fk in self.call_chain), self.db_column_name])

    @property
    def engine_type(self) -> str:
        return str(self.table._meta.db.engine_type)


class Column(ColumnNode, Generic[T]):
    """Base of every column type. Subclasses set ``value_type`` and their defaults.

    Example: ``class Band(Table): popularity = Integer(default=0, index=True)``.
    """

    _meta: ColumnMeta
    #: The Python type of this column's values (used by validation and serialisers).
    python_type: type = object
    _vtype: ValueType = ValueType("text")
    #: The value used when the caller gives none (``null=True`` or not, as in Piccolo).
    _default_default: Any = None

    def __init__(
        self,
        default: Any = UNSET,
        null: bool = False,
        primary_key: bool = False,
        unique: bool = False,
        index: bool = False,
        index_method: IndexMethod = IndexMethod.btree,
        choices: type[enum.Enum] | None = None,
        db_column_name: str | None = None,
        secret: bool = False,
        auto_update: Any = UNSET,
        help_text: str | None = None,
        required: bool = False,
    ) -> None:
        if default is UNSET:
            # Nullable columns keep their type's default too, as in Piccolo (`default=None`
            # asks for NULL).
            default = self._default_default
        if db_column_name is not None:
            check_identifier(db_column_name, "column name")
        if choices is not None and not (
            isinstance(choices, type) and issubclass(choices, enum.Enum)
        ):
            raise TypeError(f"choices must be an Enum class, got {choices!r}")
        self._meta = ColumnMeta(
            null=null,
            primary_key=primary_key,
            unique=unique,
            index=index,
            index_method=index_method,
            choices=choices,
            db_column_name=db_column_name,
            secret=secret,
            auto_update=auto_update,
            help_text=help_text,
            required=required,
            default=default,
        )
        self._shape: Hashable = ("unbound", id(self))
        self._check_options()

    # schema binding -----------------------------------------------------------------------
    def _bind(self, table: Any, name: str) -> None:
        """Attach this column to ``table`` under attribute ``name`` (done by the Table class)."""
        check_identifier(name, "column name")
        self._meta.name = name
        if not self._meta._given_db_name:
            self._meta.db_column_name = name
        self._meta.table = table
        self._refresh_shape()

    def _check_options(self) -> None:
        """Refuse, when the column is made, ``choices`` whose values are not values of this
        column and a default that does not fit it (``ValueError``, as Piccolo does).

        The same checks as for values sent (``vivace.types.checks``): a default that would be
        refused at every insert is refused at once. A callable default is checked when it is
        called; one of Vivace's ``Default`` classes by the value it makes (a
        ``TimestamptzNow()`` on a ``Timestamp`` would make aware datetimes).

        Example: ``Timestamp(default=datetime.now(tz=UTC))`` raises ``ValueError``.
        """
        choices = self._meta.choices
        if choices is not None:
            vtype = self.value_type
            element = vtype.element if vtype.name == "array" else vtype
            check = checks.value_check(element, store=False)
            for member in choices:
                value = member_value(member)  # a ``Choice`` is checked by its value
                try:
                    if check is not None and value is not None:
                        check(value)
                except InvalidValue:
                    raise ValueError(f"{member.name} doesn't have the correct type") from None
        default = self._meta.default
        if isinstance(default, enum.Enum):
            default = member_value(default)
        if isinstance(default, Default):
            if type(default).__module__ != Default.__module__:
                return  # a Default of the user's own: its values are checked when sent
            default = default.python()
        elif default is None or callable(default):
            return
        check = checks.value_check(self.value_type, store=True)
        try:
            if check is not None:
                check(default)
        except InvalidValue as error:
            raise ValueError(
                f"the default of the {type(self).__name__} column does not fit: {error}"
            ) from None

    def _refresh_shape(self) -> None:
        chain = tuple(fk._step for fk in self._meta.call_chain)
        self._shape = (self._meta.table, self._meta.db_column_name, chain)

    def _copy_for_table(self) -> Self:
        """A fresh copy for a subclass table (columns are not shared between tables)."""
        new = copy.copy(self)
        new._meta = copy.copy(self._meta)
        return new

    def copy(self) -> Self:
        """A copy of the column with metadata of its own (Piccolo's ``Column.copy()``):
        changing the copy's ``_meta`` leaves the original as it was.

        Example: ``name = Band.name.copy()``; ``name._meta.help_text = "..."``.
        """
        return self._copy_for_table()

    def _equals(self, column: object, including_joins: bool = False) -> bool:
        """Whether ``column`` is this column (``==`` builds a condition instead): the same
        name on a table of the same name; with ``including_joins``, also reached through the
        same foreign keys. Piccolo's method.

        Example: ``Band.manager.name._equals(Manager.name)`` is ``True``;
        ``Band.manager.name._equals(Manager.name, including_joins=True)`` is ``False``.
        """
        if not isinstance(column, Column):
            return False
        mine, theirs = self._meta, column._meta
        if mine.name != theirs.name or mine.table._meta.tablename != theirs.table._meta.tablename:
            return False
        if not including_joins:
            return True
        return len(mine.call_chain) == len(theirs.call_chain) and all(
            a._equals(b) for a, b in zip(mine.call_chain, theirs.call_chain, strict=True)
        )

    def _joined(self, chain: tuple[ForeignKey[Any], ...]) -> Self:
        """This column reached through the foreign keys in ``chain``."""
        new = copy.copy(self)
        new._meta = copy.copy(self._meta)
        new._meta.call_chain = chain
        new._refresh_shape()
        return new

    @property
    def value_type(self) -> ValueType:
        """The column's SQL type as Vivace knows it.

        Example: ``Band.name.value_type`` -> ``ValueType(name='varchar', args=(50,))``.
        """
        return self._vtype

    @property
    def column_type(self) -> str:
        """The SQL type the column declares, as Piccolo's ``column_type``: what
        ``create_table()`` writes for it on its table's database (a foreign key: its
        target's key type, a serial one as the plain integer).

        A column outside any table gives the standard SQL spelling (PostgreSQL's). Each
        database has its own spelling, as in Piccolo; an ``Array`` on MariaDB raises
        ``QueryError``, as its table's creation does.

        Example::

            Varchar().column_type            # 'VARCHAR(255)'
            Array(Integer()).column_type     # 'INTEGER[]'
            Band.price.column_type           # 'NUMERIC(5, 2)' on PostgreSQL,
                                             # 'NUMERIC_TEXT(5, 2)' on SQLite (exact text)
        """
        table = self._meta.table
        if table is None:
            return sql_type_name(self.value_type)
        declared: str = table._meta.db.dialect.column_type(self.value_type)
        return declared

    @property
    def default(self) -> Any:
        """The column's default as given (a value, callable, Enum member or ``Default``),
        as Piccolo keeps it: ``Boolean().default`` is ``False``, ``Array(...).default`` is
        ``list``, a JSON default is its JSON text."""
        return self._meta.default

    def join_on(self, column: Column[Any]) -> JoinOn:
        """Join another table where its ``column`` equals this one; no foreign key needed.

        Example: ``Band.select(Band.name, Band.id.join_on(FanClub.band).address)`` gives the
        key ``"fan_club.address"``. The join is made once per pair of columns and cached.
        """
        # foreign_key.py builds on this module, so the join class is looked up when used.
        from vivace.schema.foreign_key import JoinOn

        cache: dict[Hashable, JoinOn] = self.__dict__.setdefault("_join_ons", {})
        key = (self._shape, column._shape)
        found = cache.get(key)
        if found is None:
            found = cache[key] = JoinOn(self, column)
        return found

    # values ----------------------------------------------------------------------------
    def get_default_value(self) -> Any:
        """The value a new row gets: a callable or ``Default`` is called each time.

        Example: ``Band.popularity.get_default_value()`` -> ``0``;
        ``Timestamp(default=TimestampNow()).get_default_value()`` -> the current time.
        """
        default = self._meta.default
        if isinstance(default, Default):
            return default.python()
        if isinstance(default, enum.Enum):
            return member_value(default)
        if callable(default):
            return default()
        if isinstance(default, list | dict | set):
            return copy.deepcopy(default)
        return default

    def get_select_string(self) -> str:
        """The dotted result key of this column: ``"manager.name"``."""
        return self._meta.get_full_name()

    def __repr__(self) -> str:
        table = self._meta.table.__name__ if self._meta.table is not None else "?"
        return f"<{type(self).__name__} {table}.{self._meta.get_full_name()}>"

    if TYPE_CHECKING:

        @overload
        def __get__(self, obj: None, objtype: Any) -> Self: ...

        @overload
        def __get__(self, obj: object, objtype: Any) -> T: ...

        def __get__(self, obj: object | None, objtype: Any) -> Self | T: ...

        def __set__(self, obj: object, value: T) -> None: ...


ValueConverter = Callable[[Any], Any]
