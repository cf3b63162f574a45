from vivace.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from vivace.columns.base import OnDelete
from vivace.columns.base import OnUpdate
from vivace.columns.column_types import Array
from vivace.columns.column_types import ForeignKey
from vivace.columns.column_types import Integer
from vivace.columns.column_types import Numeric
from vivace.columns.column_types import Serial
from vivace.columns.column_types import Timestamptz
from vivace.columns.column_types import Varchar
from vivace.columns.defaults.timestamptz import TimestamptzNow
from vivace.columns.indexes import IndexMethod
from vivace.constraints import Check
from vivace.constraints import Unique
from vivace.table import Table
import decimal


class Manager(Table, tablename="manager", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-01T03:23:44:434772"
VERSION = "1.38.0"
DESCRIPTION = ""


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="music", description=DESCRIPTION
    )

    manager.add_table(
        class_name="Band", tablename="band", schema=None, columns=None
    )

    manager.add_table(
        class_name="Manager", tablename="manager", schema=None, columns=None
    )

    manager.add_column(
        table_class_name="Band",
        tablename="band",
        column_name="name",
        db_column_name="name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 50,
            "default": "r",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum("Genre", {"rock": "r", "jazz": "j"}),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Band",
        tablename="band",
        column_name="manager",
        db_column_name="manager",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Manager,
            "on_delete": OnDelete.set_null,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Band",
        tablename="band",
        column_name="popularity",
        db_column_name="popularity",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Band",
        tablename="band",
        column_name="tags",
        db_column_name="tags",
        column_class_name="Array",
        column_class=Array,
        params={
            "default": list,
            "base_column": Varchar(
                length=10,
                default="",
                null=False,
                primary_key=False,
                unique=False,
                index=False,
                index_method=IndexMethod.btree,
                choices=None,
                db_column_name=None,
                secret=False,
            ),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Band",
        tablename="band",
        column_name="price",
        db_column_name="price",
        column_class_name="Numeric",
        column_class=Numeric,
        params={
            "default": decimal.Decimal("0"),
            "digits": (5, 2),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Band",
        tablename="band",
        column_name="created",
        db_column_name="created",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="Manager",
        tablename="manager",
        column_name="name",
        db_column_name="name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 50,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Band",
        tablename="band",
        constraint_name="uq",
        constraint_class=Unique,
        params={"columns": ["name", "manager"], "nulls_distinct": True},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Band",
        tablename="band",
        constraint_name="pop_positive",
        constraint_class=Check,
        params={"condition": '"popularity" >= 0'},
        schema=None,
    )

    return manager
