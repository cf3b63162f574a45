"""``Table``: declare a table, query it, and work with its rows.

Example::

    class Band(Table):
        name = Varchar(length=100)
        popularity = Integer()

    await Band.select(Band.name).where(Band.popularity > 100)
    band = Band(name="Pythonistas"); await band.save()
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar, dataclass_transform, overload

from vivace.engine import Engine, engine_finder
from vivace.engine.finder import default_engine as default_sqlite_engine
from vivace.exceptions import QueryError
from vivace.orm.ddl import (
    DDL,
    Alter,
    Indexes,
    Raw,
    TableExists,
    create_index,
    create_table,
    drop_index,
)
from vivace.orm.m2m import AddM2M, RemoveM2M, get_m2m
from vivace.orm.objects import First, Objects
from vivace.orm.query import Query, resolve_column
from vivace.orm.refresh import Refresh as Refresh
from vivace.orm.related import related_objects, related_row
from vivace.orm.rows import row_attributes
from vivace.orm.save_update import saved_columns, saved_update
from vivace.orm.select import Count, Exists, Select
from vivace.orm.write import Delete, Insert, Update, storable
from vivace.schema import (
    M2M,
    Column,
    ForeignKey,
    IndexMethod,
    Readable,
    Relation,
    Serial,
    TableBase,
    TableMeta,
)
from vivace.sql.nodes import to_expr

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Generic, ParamSpec

    from vivace.orm.objects import Create

TableT = TypeVar("TableT", bound="Table")
RelatedT = TypeVar("RelatedT", bound=TableBase)
ColumnT = TypeVar("ColumnT")
R = TypeVar("R")


def default_engine() -> Engine:
    """The engine of tables with no ``db=``: the configured ``DB``, else ``vivace.sqlite``
    (with a one-time ``DefaultEngineWarning``)."""
    engine = engine_finder()
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    return default_sqlite_engine()


class OrmTableMeta(TableMeta):
    """Table metadata that finds the configured engine on first use."""

    def find_db(self) -> Engine:
        return default_engine()

    if TYPE_CHECKING:
        # The engine, typed for users: ``async with Band._meta.db.transaction(): ...``.
        @property
        def db(self) -> Engine: ...
        @db.setter
        def db(self, engine: Engine) -> None: ...


class Table(TableBase, abstract=True):
    """Base class of user tables. See the module docstring.

    Example::

        class Band(Table, tablename="music_band"):
            name = Varchar(length=100, unique=True)
            manager = ForeignKey(Manager, null=True)
            popularity = Integer(default=0)

        await Band.insert(Band(name="Pythonistas", popularity=1000))
    """

    _meta_class: ClassVar[type[TableMeta]] = OrmTableMeta
    if TYPE_CHECKING:
        _meta: ClassVar[OrmTableMeta]

    #: Set by ``get_or_create()``: True when it inserted the row, False when it found one;
    #: None on every other row, as in Piccolo. A class attribute, so building rows costs
    #: nothing more; ``band._was_created`` is typed for the checkers.
    _was_created: bool | None = None

    # queries ---------------------------------------------------------------------------------
    # One column: its value type is kept for ``output(as_list=True)`` (``list[str]``).
    @overload
    @classmethod
    def select(
        cls, column: Column[ColumnT], /, *, exclude_secrets: bool = ...
    ) -> Select[list[dict[str, Any]], ColumnT]: ...
    @overload
    @classmethod
    def select(cls, *columns: Any, exclude_secrets: bool = ...) -> Select: ...
    @classmethod
    def select(cls, *columns: Any, exclude_secrets: bool = False) -> Select[Any, Any]:
        """Rows as dicts: ``Band.select(Band.name, Band.manager.name)``."""
        if exclude_secrets:
            return Select(cls, columns, True)
        return Select._of(cls, columns)

    @classmethod
    def objects(cls: type[TableT], *prefetch: Any) -> Objects[TableT]:
        """Rows as instances; ``prefetch`` foreign keys load related rows in the same query.

        Example::

            bands = await Band.objects(Band.manager).where(Band.popularity > 100)
            bands[0].manager.name  # loaded by the same query
        """
        return Objects(cls, prefetch)

    @classmethod
    def insert(cls: type[TableT], *rows: TableT) -> Insert:
        """Insert instances: ``Band.insert(Band(name="a"), Band(name="b"))``."""
        return Insert(cls, rows)

    @classmethod
    def update(
        cls,
        values: Mapping[Any, Any] | None = None,
        force: bool = False,
        use_auto_update: bool = True,
        **kwargs: Any,
    ) -> Update:
        """``Band.update({Band.popularity: 0}).where(...)``; no where needs ``force=True``."""
        return Update(cls, values, force=force, use_auto_update=use_auto_update, **kwargs)

    @classmethod
    def delete(cls, force: bool = False) -> Delete:
        """``Band.delete().where(...)``; no where needs ``force=True``."""
        return Delete(cls, force=force)

    @classmethod
    def count(cls, column: Any = None, distinct: Sequence[Any] | None = None) -> Count:
        """The number of rows: ``await Band.count().where(...)``."""
        return Count(cls, column, distinct)

    @classmethod
    def exists(cls) -> Exists:
        """Whether any row matches: ``await Band.exists().where(...)``."""
        return Exists(cls)

    @classmethod
    def table_exists(cls) -> TableExists:
        """Whether the table exists in the database: ``await Band.table_exists()`` -> ``True``."""
        return TableExists(cls)

    @classmethod
    def raw(cls, sql: str, *args: Any, read_only: bool = False) -> Raw:
        """Raw SQL with ``{}`` placeholders bound as parameters.

        ``read_only=True`` lets read routing send it to a replica (otherwise it is a write).
        """
        return Raw(cls, sql, *args, read_only=read_only)

    @classmethod
    def create_table(
        cls,
        if_not_exists: bool = False,
        only_default_columns: bool = False,
        auto_create_schema: bool = True,
    ) -> DDL:
        """``CREATE TABLE`` for this class (and its indexes).

        Example: ``await Band.create_table(if_not_exists=True)``.
        """
        return create_table(cls, if_not_exists=if_not_exists, auto_create_schema=auto_create_schema)

    @classmethod
    def alter(cls) -> Alter:
        """Schema changes: ``Band.alter().add_column("x", Integer())``."""
        return Alter(cls)

    @classmethod
    def create_index(
        cls,
        columns: Sequence[Any],
        method: IndexMethod = IndexMethod.btree,
        if_not_exists: bool = False,
        concurrently: bool = False,
    ) -> DDL:
        """``CREATE INDEX`` on columns; ``concurrently=True`` builds it without blocking
        writes on PostgreSQL (run it outside a transaction):
        ``await Band.create_index([Band.name], concurrently=True)``."""
        return create_index(cls, columns, method, if_not_exists, concurrently)

    @classmethod
    def drop_index(cls, columns: Sequence[Any], if_exists: bool = True) -> DDL:
        """``DROP INDEX`` of an index made by ``create_index``.

        Example: ``await Band.drop_index([Band.name])``.
        """
        return drop_index(cls, columns, if_exists)

    @classmethod
    def indexes(cls) -> Indexes:
        """The names of the table's indexes.

        Example: after ``await Band.create_index([Band.name])``, ``await Band.indexes()``
        includes ``"band_name"`` (PostgreSQL also lists the indexes of the primary key and
        of unique columns: ``"band_pkey"``, ``"band_name_key"``).
        """
        return Indexes(cls)

    # columns ---------------------------------------------------------------------------------
    @classmethod
    def all_columns(cls, exclude: Sequence[Any] | None = None) -> list[Column[Any]]:
        """Every column, for ``select(*Band.all_columns(exclude=[Band.id]))``."""
        excluded = {c if isinstance(c, str) else c._meta.name for c in exclude or ()}
        return [c for c in cls._meta.columns if c._meta.name not in excluded]

    @classmethod
    def all_related(cls, exclude: Sequence[Any] | None = None) -> list[ForeignKey[Any]]:
        """Every foreign key, for ``objects(*Band.all_related())``."""
        excluded = {c if isinstance(c, str) else c._meta.name for c in exclude or ()}
        return [c for c in cls._meta.foreign_key_columns if c._meta.name not in excluded]

    @classmethod
    def ref(cls, column_name: str) -> Column[Any]:
        """A column reached through foreign keys, by its dotted name: ``Band.ref("manager.name")``
        is ``Band.manager.name``."""
        return cls._meta.get_column_by_name(column_name)

    @classmethod
    def _get_related_readable(cls, foreign_key: ForeignKey[Any]) -> Readable:
        """The readable of the row a foreign key points at, keyed ``"<key name>_readable"``.

        Example: ``Band.select(Band.name, Band._get_related_readable(Band.manager))``.
        """
        readable = foreign_key.resolved_references.get_readable()
        columns = []
        for column in readable.columns:
            reached: Any = foreign_key
            for step in (*column._meta.call_chain, column):
                reached = reached._column(step._meta.name)
            columns.append(reached)
        return Readable(
            readable.template, columns, output_name=f"{foreign_key._meta.name}_readable"
        )

    @classmethod
    def get_readable(cls) -> Readable:
        """A readable label for rows; override it. The default shows the primary key.

        Example, a concert read as its bands' names (columns through foreign keys work)::

            @classmethod
            def get_readable(cls) -> Readable:
                return Readable("%s and %s", [cls.band_1.name, cls.band_2.name])

            await Concert.select(Concert.get_readable())  # [{"readable": "a and b"}]
        """
        return Readable(template="%s", columns=[cls._meta.primary_key])

    # rows -------------------------------------------------------------------------------------
    def save(self, columns: Sequence[Any] | None = None) -> Save:
        """Insert the row, or update it if it came from the database.

        Example::

            band = Band(name="Pythonistas")
            await band.save()                            # INSERT
            band.popularity = 2000
            await band.save(columns=[Band.popularity])  # UPDATE of that column only
        """
        return Save(self, columns)

    def remove(self) -> Remove:
        """Delete this row from the database.

        Example::

            band = await Band.objects().get(Band.name == "Rustaceans")
            await band.remove()
        """
        if not self._pk_value():
            raise QueryError("Can only delete pre-existing rows with a PK.")  # Piccolo's error
        return Remove(self)

    def refresh(
        self, columns: Sequence[Any] | None = None, load_json: bool = False
    ) -> Refresh[Self]:
        """Reload the row's values from the database.

        Example: ``await band.refresh()``, or ``await band.refresh(columns=[Band.popularity])``.
        """
        return Refresh(self, columns, load_json)

    def update_self(self, values: Mapping[Any, Any]) -> UpdateSelf:
        """Update this row with expressions and take the new values.

        Example: ``await band.update_self({Band.popularity: Band.popularity + 1})``.
        """
        return UpdateSelf(self, values)

    @overload
    def get_related(self, foreign_key: Relation[RelatedT]) -> Objects[RelatedT]: ...

    @overload
    def get_related(self, foreign_key: ForeignKey[RelatedT, Any]) -> First[RelatedT]: ...

    @overload
    def get_related(self, foreign_key: str) -> First[Any]: ...

    def get_related(self, foreign_key: Any) -> Any:
        """The row a foreign key of this row points at: ``await band.get_related(Band.manager)``.

        A path follows several keys (``concert.get_related(Concert.band_1.manager)``), a
        reversed key finds the row pointing here (``band.get_related(FanClub.band.reverse())``),
        and a relation gives the list of rows (``manager.get_related(Manager.bands)``).
        """
        if isinstance(foreign_key, Relation):
            return related_objects(self, foreign_key)
        fk = resolve_column(type(self), foreign_key)
        if not isinstance(fk, ForeignKey):
            raise QueryError(f"get_related() takes a foreign key, got {foreign_key!r}")
        return related_row(self, fk)

    def get_m2m(self, m2m: M2M[RelatedT]) -> Objects[RelatedT]:
        """The rows linked through an M2M relation: ``await band.get_m2m(Band.genres)``."""
        return get_m2m(self, m2m)  # type: ignore[no-any-return]

    def add_m2m(
        self,
        *rows: Any,
        m2m: Any,
        extra_column_values: Mapping[Any, Any] | None = None,
    ) -> AddM2M:
        """Link rows through an M2M relation (saving new ones); linking twice is a no-op.

        Example: ``await band.add_m2m(Genre(name="Rock"), m2m=Band.genres)``.
        """
        return AddM2M(self, rows, m2m, extra_column_values)

    def remove_m2m(self, *rows: Any, m2m: Any) -> RemoveM2M:
        """Unlink rows of an M2M relation: ``await band.remove_m2m(rock, m2m=Band.genres)``."""
        return RemoveM2M(self, rows, m2m)


# Type checkers build a keyword-only ``__init__`` from a subclass's annotated class
# attributes, each typed by its column's ``__set__`` (``name: Varchar`` takes a ``str``) and
# optional (the column is its default). No ``__eq__`` is made: rows keep theirs and their
# hash. Columns are not field specifiers: pyright reports a field specifier assigned without
# an annotation, and would make a column without ``default=`` a required argument.
@dataclass_transform(kw_only_default=True, eq_default=False, field_specifiers=(dataclasses.field,))
class _CheckedConstructor(Table, abstract=True):
    """The base whose subclasses type checkers read as dataclasses (see ``TypedTable``)."""


if TYPE_CHECKING:
    CheckedT = TypeVar("CheckedT", bound=Table)
    ConstructorP = ParamSpec("ConstructorP")

    class CheckedObjects(Objects[CheckedT], Generic[CheckedT, ConstructorP]):
        """What type checkers make of a ``TypedTable``'s ``objects()``: an ``Objects``
        whose ``create()`` takes the checked constructor's keywords.

        Example: ``await Venue.objects().create(name="Olympia")``; ``create(nme=...)`` is
        an error.
        """

        def create(
            self, *args: ConstructorP.args, **kwargs: ConstructorP.kwargs
        ) -> Create[CheckedT]: ...


class TypedTable(_CheckedConstructor, abstract=True):
    """A ``Table`` whose constructor type checkers check: annotate each column with its
    class, and ``Band(nme="x")`` or ``Band(name=123)`` is an error in mypy and pyright.

    At run time it is a ``Table`` (the same ``__init__``, the same speed); only type
    checkers see a difference. A column left without an annotation is not a parameter of
    the checked constructor (the checkers ignore such class attributes); a relation
    (``M2M``, ``ReverseForeignKey``) is annotated ``ClassVar[...]``, so that it is none.
    For Piccolo-style tables under mypy, the ``vivace.mypy`` plugin checks the same.

    Example::

        class Band(TypedTable):
            name: Varchar = Varchar(length=100)
            rating: Integer[int | None] = Integer(null=True)
            manager: ForeignKey[Manager, int | None] = ForeignKey(Manager)
            genres: ClassVar[M2M[Genre]] = M2M(LazyTableReference("GenreToBand", ...))

        Band(name="Pythonistas", rating=None, manager=1)   # checked
    """

    if TYPE_CHECKING:
        # The parameters every table's constructor has besides its columns: the values as a
        # mapping (``Band({Band.name: "x"})``), and the implicit key (``Band(id=5)``).
        _data: Mapping[Any, Any] | None = dataclasses.field(default=None, kw_only=False)
        _ignore_missing: bool = False
        _exists_in_db: bool = False
        id: Serial = Serial(primary_key=True)

        # The constructor's parameters reach ``objects().create(...)`` (pyright questions
        # a classmethod whose ``cls`` is typed as a callable; its callers are fine).
        @classmethod  # pyright: ignore[reportArgumentType]
        def objects(
            cls: Callable[ConstructorP, CheckedT], *prefetch: Any
        ) -> CheckedObjects[CheckedT, ConstructorP]: ...


class _RowQuery(Query[R]):
    def __init__(self, row: Table) -> None:
        super().__init__(type(row))
        self.row = row

    def _pk_condition(self) -> Any:
        pk = self.table._meta.primary_key
        value = self.row._pk_value()
        if value is None:
            raise QueryError(f"{self.row!r} has no primary key value yet: save it first")
        return pk == value


class Save(_RowQuery[list[dict[str, Any]]]):
    """``await band.save()``: insert a new row or update a stored one."""

    def __init__(self, row: Table, columns: Sequence[Any] | None) -> None:
        # The bases' __init__ written out (one frame, not three): a web app saves per request.
        self.table = type(row)
        self.row = row
        self.columns = columns

    def _query(self) -> Query[Any]:
        row, table = self.row, self.table
        if not row._exists_in_db:
            return Insert(table, (row,))
        pk = table._meta.primary_key
        chosen = (
            [resolve_column(table, c) for c in self.columns]
            if self.columns is not None
            else [c for c in table._meta.columns if c is not pk]
        )
        for column in table._meta.auto_update_columns:
            value = column._meta.auto_update
            row.__dict__[column._meta.name] = value() if callable(value) else value
            if all(c is not column for c in chosen):  # not `in`: == on columns builds SQL
                chosen.append(column)
        values = {c: row.__dict__.get(c._meta.name) for c in chosen}
        return Update(table, values, use_auto_update=False).where(self._pk_condition())

    def _statement(self) -> Any:
        return self._query()._statement()

    async def _run(self, engine: Engine) -> Any:
        row = self.row
        if row._exists_in_db:
            chosen = saved_columns(self.table, self.columns)
            if chosen is not None:
                update = saved_update(self._query, self.table, row, chosen, engine)
                if update is not None:
                    await update
                    return []
        return await self._query()._run(engine)


class Remove(_RowQuery[list[Any]]):
    """``await band.remove()``: gives ``[]``, as Piccolo's (a delete's result)."""

    def _statement(self) -> Any:
        return Delete(self.table).where(self._pk_condition())._statement()

    async def _run(self, engine: Engine) -> list[Any]:
        result: list[Any] = await Delete(self.table).where(self._pk_condition())._run(engine)
        self.row.__dict__[self.table._meta.primary_key._meta.name] = None
        self.row.__dict__["_exists_in_db"] = False
        return result


class UpdateSelf(_RowQuery[None]):
    """``await band.update_self({Band.popularity: Band.popularity + 1})``."""

    def __init__(self, row: Table, values: Mapping[Any, Any]) -> None:
        super().__init__(row)
        self.values = values

    def _update(self) -> Update:
        columns = [resolve_column(self.table, c) for c in self.values]
        return (
            Update(
                self.table,
                {
                    c: to_expr(storable(v, c), c.value_type) if not isinstance(v, Column) else v
                    for c, v in zip(columns, self.values.values())
                },
            )
            .where(self._pk_condition())
            .returning(*columns)
        )

    def _statement(self) -> Any:
        return self._update()._statement()

    async def _run(self, engine: Engine) -> None:
        if engine.dialect.supports_update_returning:
            rows = await self._update()._run(engine)
        else:
            # No UPDATE ... RETURNING: read the new values back in the same transaction.
            columns = [resolve_column(self.table, c) for c in self.values]
            update = self._update()
            update._returning = ()
            async with engine.transaction():
                await update._run(engine)
                select = self.table.select(*columns).where(self._pk_condition())
                rows = await select._run(engine)
        if not rows:
            raise QueryError(f"{self.row!r} is no longer in the database")
        self.row.__dict__.update(row_attributes(self.table, rows[0]))
