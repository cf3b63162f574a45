"""Every import path Piccolo's documentation shows works with ``vivace`` in its place.

Each entry: the module path (``piccolo`` replaced by ``vivace``), the names imported from
it, and the documentation page (under Piccolo's ``docs/src/piccolo/``) that shows it.
A Piccolo path that Vivace does not provide is listed in ``NOT_PROVIDED`` with the reason.
"""

from __future__ import annotations

import importlib

import pytest

DOCUMENTED: list[tuple[str, tuple[str, ...], str]] = [
    # schema/, getting_started/, api_reference/
    (
        "vivace.table",
        (
            "Table",
            "create_db_tables",
            "create_db_tables_sync",
            "drop_db_tables",
            "drop_db_tables_sync",
        ),
        "api_reference/index.rst",
    ),
    (
        "vivace.columns",
        (
            "Varchar",
            "ForeignKey",
            "Integer",
            "Boolean",
            "Text",
            "Time",
            "LazyTableReference",
            "OnDelete",
            "OnUpdate",
        ),
        "schema/advanced.rst",
    ),
    (
        "vivace.columns.column_types",
        (
            "Bytea",
            "Blob",
            "Boolean",
            "ForeignKey",
            "BigInt",
            "BigSerial",
            "DoublePrecision",
            "Integer",
            "Numeric",
            "Decimal",
            "Real",
            "Float",
            "Serial",
            "SmallInt",
            "UUID",
            "Secret",
            "Text",
            "Varchar",
            "Date",
            "Interval",
            "Time",
            "Timestamp",
            "Timestamptz",
            "JSON",
            "JSONB",
            "Array",
            "Column",
            "LazyTableReference",
            "Email",
            "Char",
        ),
        "schema/column_types.rst, schema/m2m.rst",
    ),
    (
        "vivace.columns.base",
        ("Column", "ColumnKwargs", "OnDelete", "OnUpdate"),
        "api_reference/index.rst",
    ),
    ("vivace.columns.indexes", ("IndexMethod",), "api_reference/index.rst"),
    ("vivace.columns.m2m", ("M2M",), "schema/m2m.rst"),
    ("vivace.columns.readable", ("Readable",), "schema/advanced.rst"),
    ("vivace.columns.combination", ("And", "Or", "WhereRaw"), "query_clauses/where.rst"),
    ("vivace.columns.reference", ("LazyTableReference",), "schema/m2m.rst (source)"),
    ("vivace.columns.defaults", ("DateOffset", "TimestampNow", "UUID4"), "api_reference/index.rst"),
    ("vivace.columns.defaults.base", ("Default",), "migrations (generated files)"),
    (
        "vivace.columns.defaults.timestamp",
        ("TimestampNow", "TimestampOffset", "TimestampCustom"),
        "migrations (generated files)",
    ),
    (
        "vivace.columns.defaults.timestamptz",
        ("TimestamptzNow", "TimestamptzOffset", "TimestamptzCustom"),
        "migrations (generated files)",
    ),
    (
        "vivace.columns.defaults.date",
        ("DateNow", "DateOffset", "DateCustom"),
        "migrations (generated files)",
    ),
    (
        "vivace.columns.defaults.time",
        ("TimeNow", "TimeOffset", "TimeCustom"),
        "migrations (generated files)",
    ),
    ("vivace.columns.defaults.interval", ("IntervalCustom",), "migrations (generated files)"),
    ("vivace.columns.defaults.uuid", ("UUID4", "UUID7"), "tutorials/uuid_v7_support.rst"),
    ("vivace.constraints", ("Unique", "Check"), "Vivace's API.md (composite constraints)"),
    # query_types/, query_clauses/, functions/
    ("vivace.querystring", ("QueryString",), "functions/custom.rst, query_clauses/order_by.rst"),
    (
        "vivace.query",
        ("Avg", "Sum", "Max", "Min", "Count", "CTE", "OrderByRaw", "WhereRaw"),
        "query_types/select.rst, query_clauses/with_.rst",
    ),
    ("vivace.query", ("SelectRaw",), "piccolo.query (source: SelectRaw)"),
    ("vivace.query.methods.select", ("SelectRaw",), "piccolo.query.methods.select (source)"),
    (
        "vivace.columns.column_types",
        ("TimestampNow", "TimestamptzNow", "DateNow", "TimeNow", "UUID4", "IntervalCustom"),
        "piccolo.columns.column_types (source: the defaults it imports)",
    ),
    ("vivace.table", ("create_tables", "drop_tables"), "piccolo.table (deprecated, source)"),
    ("vivace.query.base", ("Query",), "query_clauses/freeze.rst"),
    (
        "vivace.query.functions",
        ("Upper", "Length", "Year", "Cast", "Count", "Coalesce", "Case", "When"),
        "functions/basic_usage.rst, functions/datetime.rst",
    ),
    (
        "vivace.query.functions.aggregate",
        ("Avg", "Count", "Min", "Max", "Sum"),
        "functions/aggregate.rst",
    ),
    (
        "vivace.query.functions.string",
        ("Concat", "Length", "Lower", "Ltrim", "Replace", "Reverse", "Rtrim", "Upper"),
        "functions/string.rst",
    ),
    ("vivace.query.functions.math", ("Abs", "Ceil", "Floor", "Round"), "functions/math.rst"),
    (
        "vivace.query.functions.datetime",
        ("AtTimeZone", "Extract", "Strftime", "Year", "Month", "Day", "Hour", "Minute", "Second"),
        "functions/datetime.rst",
    ),
    (
        "vivace.query.functions.conditional",
        ("Case", "Coalesce", "NullIf", "When"),
        "functions/conditional.rst",
    ),
    ("vivace.query.functions.type_conversion", ("Cast",), "functions/type_conversion.rst"),
    (
        "vivace.query.functions.array",
        ("ArrayAppend", "ArrayPrepend", "ArrayReplace", "ArrayRemove", "ArrayCat"),
        "functions/array.rst",
    ),
    (
        "vivace.query.methods",
        (
            "Select",
            "Objects",
            "Insert",
            "Update",
            "Delete",
            "Count",
            "Exists",
            "Alter",
            "Raw",
            "TableExists",
        ),
        "api_reference/index.rst",
    ),
    (
        "vivace.query.methods",
        ("Create", "CreateIndex", "DropIndex", "Refresh", "Indexes"),
        "piccolo.query.methods (source: its __init__ exports)",
    ),
    ("vivace.query.methods.create", ("Create",), "piccolo.query.methods.create (source)"),
    (
        "vivace.query.methods.create_index",
        ("CreateIndex",),
        "piccolo.query.methods.create_index (source)",
    ),
    (
        "vivace.query.methods.drop_index",
        ("DropIndex",),
        "piccolo.query.methods.drop_index (source)",
    ),
    ("vivace.query.methods.objects", ("UpdateSelf",), "piccolo.query.methods.objects (source)"),
    ("vivace.query.methods.select", ("Select", "Count"), "api_reference/index.rst"),
    # Where Piccolo's source defines (or imports) the names its users catch or pass.
    ("vivace.query.methods.select", ("LockStrength",), "query_clauses/lock_rows.rst (source)"),
    ("vivace.query.methods.objects", ("LockStrength",), "query_clauses/lock_rows.rst (source)"),
    (
        "vivace.query.mixins",
        ("DistinctOnError", "LockStrength", "OnConflictAction", "OrderByRaw"),
        "query_clauses/distinct.rst, lock_rows.rst, on_conflict.rst (source)",
    ),
    ("vivace.query.methods.delete", ("DeletionError",), "query_types/delete.rst (source)"),
    ("vivace.query.methods.update", ("UpdateError",), "query_types/update.rst (source)"),
    ("vivace.engine.exceptions", ("TransactionError",), "query_types/transactions.rst (source)"),
    (
        "vivace.query.methods.insert",
        ("Insert", "OnConflictAction"),
        "query_clauses/on_conflict.rst",
    ),
    ("vivace.query.methods.refresh", ("Refresh",), "api_reference/index.rst"),
    (
        "vivace.query.methods.objects",
        ("Objects", "First", "GetOrCreate", "Create"),
        "query_types/objects.rst (source)",
    ),
    ("vivace.query.methods.delete", ("Delete",), "query_types/delete.rst (source)"),
    ("vivace.query.methods.update", ("Update",), "query_types/update.rst (source)"),
    ("vivace.query.methods.count", ("Count",), "query_types/count.rst (source)"),
    ("vivace.query.methods.exists", ("Exists",), "query_types/exists.rst (source)"),
    ("vivace.query.methods.alter", ("Alter",), "query_types/alter.rst (source)"),
    ("vivace.query.methods.raw", ("Raw",), "query_types/raw.rst (source)"),
    ("vivace.query.methods.table_exists", ("TableExists",), "query_types (source)"),
    ("vivace.query.methods.indexes", ("Indexes",), "schema/indexes.rst (source)"),
    # engines/, tutorials/
    (
        "vivace.engine",
        ("engine_finder", "PostgresEngine", "SQLiteEngine", "Engine"),
        "engines/index.rst",
    ),
    ("vivace.engine.finder", ("engine_finder",), "engines/index.rst"),
    (
        "vivace.engine.sqlite",
        ("SQLiteEngine", "TransactionType"),
        "engines/index.rst, tutorials/using_sqlite_and_asyncio_effectively.rst",
    ),
    ("vivace.engine.postgres", ("PostgresEngine",), "engines/index.rst"),
    ("vivace.engine.base", ("Engine",), "engines/index.rst (source)"),
    # getting_started/sync_and_async, testing/, serialization/, authentication/, conf
    ("vivace.utils.sync", ("run_sync",), "getting_started/sync_and_async.rst"),
    ("vivace.utils.lazy_loader", ("LazyLoader",), "contributing (driver imports)"),
    ("vivace.testing.model_builder", ("ModelBuilder",), "testing/index.rst"),
    ("vivace.testing.random_builder", ("RandomBuilder",), "testing/index.rst (source)"),
    (
        "vivace.testing.test_case",
        ("TableTest", "AsyncTableTest", "AsyncTransactionTest"),
        "testing/index.rst",
    ),
    ("vivace.apps.user.tables", ("BaseUser",), "authentication/baseuser.rst"),
    ("vivace.apps.user.piccolo_app", ("APP_CONFIG",), "authentication/index.rst"),
    ("vivace.auth", ("BaseUser",), "Vivace's API.md (batteries)"),
    ("vivace.utils.pydantic", ("create_pydantic_model",), "serialization/index.rst"),
    ("vivace.pydantic", ("create_pydantic_model",), "Vivace's API.md (batteries)"),
    # Paths of the migrations work (vivace.conf, vivace.apps.migrations).
    (
        "vivace.conf.apps",
        ("AppConfig", "AppRegistry", "table_finder", "Finder"),
        "projects_and_apps/piccolo_apps.rst, testing/index.rst",
    ),
    ("vivace.apps.migrations.commands.forwards", ("run_forwards",), "testing/index.rst"),
    ("vivace.apps.migrations.commands.backwards", ("run_backwards",), "testing/index.rst"),
    ("vivace.table_reflection", ("TableStorage",), "schema/advanced.rst"),
    (
        "vivace.apps.migrations.auto.migration_manager",
        ("MigrationManager",),
        "migrations/create.rst",
    ),
]

#: Piccolo paths of its documentation that Vivace does not provide, and why.
NOT_PROVIDED = {
    "piccolo.schema.SchemaManager": "vivace.schema is Vivace's own schema layer; "
    "SchemaManager (PostgreSQL schema DDL) is not built",
    "piccolo.constraint.UniqueConstraint": "Table.add_constraints is not built; "
    "use Unique([...]) from vivace.constraints",
    "piccolo.query.CTERef / CTEError": "Vivace's CTE has its own API (docs/queries.md)",
    "piccolo.extensions.user / piccolo.tables": "paths of old documentation versions only",
    "piccolo.composite_index.CompositeIndex": "not built (Band.create_index([...]) is)",
    "piccolo.engine.cockroach.CockroachEngine": "CockroachDB is not supported",
}


def test_query_methods_name_the_ddl_query_class() -> None:
    """Piccolo's ``query.methods.Create`` is CREATE TABLE (its ``objects.Create`` is
    ``objects().create()``): Vivace's names are its one DDL class, which
    ``create_table()``, ``create_index()`` and ``drop_index()`` return, and the objects
    query keeps its own name in ``query.methods.objects``."""
    from vivace import Table
    from vivace.columns import Varchar
    from vivace.engine import SQLiteEngine
    from vivace.orm.ddl import DDL
    from vivace.orm.objects import Create as ObjectsCreate
    from vivace.orm.table import UpdateSelf as PrimaryUpdateSelf
    from vivace.query.methods import Create, CreateIndex, DropIndex, Refresh
    from vivace.query.methods.create import Create as ModuleCreate
    from vivace.query.methods.create_index import CreateIndex as ModuleCreateIndex
    from vivace.query.methods.drop_index import DropIndex as ModuleDropIndex
    from vivace.query.methods.objects import Create as MethodsObjectsCreate
    from vivace.query.methods.objects import UpdateSelf
    from vivace.query.methods.refresh import Refresh as ModuleRefresh

    assert Create is ModuleCreate is CreateIndex is ModuleCreateIndex is DDL
    assert DropIndex is ModuleDropIndex is DDL and Refresh is ModuleRefresh
    assert MethodsObjectsCreate is ObjectsCreate and not issubclass(ObjectsCreate, Create)
    assert UpdateSelf is PrimaryUpdateSelf

    class ImportPathBand(Table, db=SQLiteEngine(path=":memory:")):
        name = Varchar()

    assert isinstance(ImportPathBand.create_table(), Create)
    assert isinstance(ImportPathBand.create_index([ImportPathBand.name]), CreateIndex)
    assert isinstance(ImportPathBand.drop_index([ImportPathBand.name]), DropIndex)
    assert not isinstance(ImportPathBand.objects().create(name="x"), Create)


def test_query_methods_export_what_piccolo_exports() -> None:
    """Every name of Piccolo's ``piccolo.query.methods.__all__`` (1.38)."""
    piccolo_names = [
        "Alter", "Count", "Create", "CreateIndex", "Delete", "DropIndex", "Exists", "Insert",
        "Objects", "Raw", "Refresh", "Select", "TableExists", "Update",
    ]  # fmt: skip
    methods = importlib.import_module("vivace.query.methods")
    assert [name for name in piccolo_names if not hasattr(methods, name)] == []
    assert set(piccolo_names) <= set(methods.__all__)


@pytest.mark.parametrize(("module", "names", "page"), DOCUMENTED, ids=[d[0] for d in DOCUMENTED])
def test_documented_import_path(module: str, names: tuple[str, ...], page: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in names if not hasattr(imported, name)]
    assert not missing, f"{module} lacks {missing} (shown in Piccolo's {page})"
    # A thin module re-exports the primary object, never a copy of it.
    for name in names:
        assert getattr(imported, name) is not None


def test_piccolo_paths_name_the_same_objects() -> None:
    from vivace.columns import Varchar
    from vivace.columns.column_types import Varchar as ColumnTypesVarchar
    from vivace.functions import Upper as PrimaryUpper
    from vivace.query import QueryString
    from vivace.query.functions.string import Upper
    from vivace.querystring import QueryString as PiccoloQueryString

    assert ColumnTypesVarchar is Varchar
    assert PiccoloQueryString is QueryString
    assert Upper is PrimaryUpper


def test_piccolo_paths_of_errors_and_enums_are_vivaces_own() -> None:
    from vivace.engine.exceptions import TransactionError
    from vivace.exceptions import DeletionError as PrimaryDeletionError
    from vivace.exceptions import DistinctOnError as PrimaryDistinctOnError
    from vivace.exceptions import TransactionError as PrimaryTransactionError
    from vivace.exceptions import UpdateError as PrimaryUpdateError
    from vivace.orm.select import LockStrength as PrimaryLockStrength
    from vivace.query.methods.delete import DeletionError
    from vivace.query.methods.insert import OnConflictAction as InsertOnConflictAction
    from vivace.query.methods.objects import LockStrength as ObjectsLockStrength
    from vivace.query.methods.update import UpdateError
    from vivace.query.mixins import DistinctOnError, LockStrength, OnConflictAction

    assert DeletionError is PrimaryDeletionError and UpdateError is PrimaryUpdateError
    assert DistinctOnError is PrimaryDistinctOnError and issubclass(DistinctOnError, ValueError)
    assert TransactionError is PrimaryTransactionError
    assert LockStrength is PrimaryLockStrength is ObjectsLockStrength
    assert OnConflictAction is InsertOnConflictAction
    assert LockStrength("NO KEY UPDATE") is LockStrength.no_key_update


async def test_on_conflict_action_and_transaction_type_work(sqlite_db: object) -> None:
    from vivace import Table
    from vivace.columns import Varchar
    from vivace.engine.sqlite import SQLiteEngine, TransactionType
    from vivace.query.methods.insert import OnConflictAction

    assert isinstance(sqlite_db, SQLiteEngine)

    class OnConflictBand(Table, db=sqlite_db):
        name = Varchar(unique=True)

    await OnConflictBand.create_table()
    try:
        async with sqlite_db.transaction(transaction_type=TransactionType.deferred):
            await OnConflictBand.insert(OnConflictBand(name="a"))
            await OnConflictBand.insert(OnConflictBand(name="a")).on_conflict(
                action=OnConflictAction.do_nothing
            )
        assert await OnConflictBand.count() == 1
    finally:
        await OnConflictBand.alter().drop_table()
