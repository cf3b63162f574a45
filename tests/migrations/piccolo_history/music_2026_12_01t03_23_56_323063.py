from vivace.apps.migrations.auto.migration_manager import MigrationManager
from vivace.columns.base import OnDelete
from vivace.columns.base import OnUpdate
from vivace.columns.column_types import Boolean
from vivace.columns.column_types import ForeignKey
from vivace.columns.column_types import Serial
from vivace.columns.column_types import Varchar
from vivace.columns.indexes import IndexMethod
from vivace.table import Table


class Band(Table, tablename="band", schema=None):
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


class GenreTable(Table, tablename="genre", schema=None):
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


ID = "2026-12-01T03:23:56:323063"
VERSION = "1.38.0"
DESCRIPTION = ""


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="music", description=DESCRIPTION
    )

    manager.add_table(
        class_name="GenreToBand",
        tablename="genre_to_band",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="GenreTable", tablename="genre", schema=None, columns=None
    )

    manager.add_column(
        table_class_name="GenreToBand",
        tablename="genre_to_band",
        column_name="band",
        db_column_name="band",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Band,
            "on_delete": OnDelete.cascade,
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
        table_class_name="GenreToBand",
        tablename="genre_to_band",
        column_name="genre",
        db_column_name="genre",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": GenreTable,
            "on_delete": OnDelete.cascade,
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
        table_class_name="GenreTable",
        tablename="genre",
        column_name="title",
        db_column_name="title",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 255,
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

    manager.drop_column(
        table_class_name="Band",
        tablename="band",
        column_name="price",
        db_column_name="price",
        schema=None,
    )

    manager.add_column(
        table_class_name="Manager",
        tablename="manager",
        column_name="active",
        db_column_name="active",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "default": True,
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

    manager.rename_column(
        table_class_name="Band",
        tablename="band",
        old_column_name="popularity",
        new_column_name="fame",
        old_db_column_name="popularity",
        new_db_column_name="fame",
        schema=None,
    )

    manager.alter_column(
        table_class_name="Manager",
        tablename="manager",
        column_name="name",
        db_column_name="name",
        params={"length": 100, "null": True},
        old_params={"length": 50, "null": False},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.drop_constraint(
        table_class_name="Band",
        tablename="band",
        constraint_name="pop_positive",
        schema=None,
    )

    return manager
