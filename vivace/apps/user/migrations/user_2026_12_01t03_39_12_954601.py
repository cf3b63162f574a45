from vivace.columns import Boolean, IndexMethod, Secret, Timestamp, Varchar
from vivace.migrations import MigrationManager

ID = "2026-12-01T03:39:12:954601"
VERSION = "0.1.0"
DESCRIPTION = "The piccolo_user table"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="user", description=DESCRIPTION)

    manager.add_table(
        class_name="BaseUser",
        tablename="piccolo_user",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="username",
        db_column_name="username",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "choices": None,
            "default": "",
            "help_text": None,
            "index": False,
            "index_method": IndexMethod.btree,
            "length": 100,
            "null": False,
            "primary_key": False,
            "required": False,
            "secret": False,
            "unique": True,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="password",
        db_column_name="password",
        column_class_name="Secret",
        column_class=Secret,
        params={
            "choices": None,
            "default": "",
            "help_text": None,
            "index": False,
            "index_method": IndexMethod.btree,
            "length": 255,
            "null": False,
            "primary_key": False,
            "required": False,
            "secret": True,
            "unique": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="first_name",
        db_column_name="first_name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "choices": None,
            "default": "",
            "help_text": None,
            "index": False,
            "index_method": IndexMethod.btree,
            "length": 255,
            "null": True,
            "primary_key": False,
            "required": False,
            "secret": False,
            "unique": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="last_name",
        db_column_name="last_name",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "choices": None,
            "default": "",
            "help_text": None,
            "index": False,
            "index_method": IndexMethod.btree,
            "length": 255,
            "null": True,
            "primary_key": False,
            "required": False,
            "secret": False,
            "unique": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="email",
        db_column_name="email",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "choices": None,
            "default": "",
            "help_text": None,
            "index": False,
            "index_method": IndexMethod.btree,
            "length": 255,
            "null": False,
            "primary_key": False,
            "required": False,
            "secret": False,
            "unique": True,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="active",
        db_column_name="active",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "choices": None,
            "default": False,
            "help_text": None,
            "index": False,
            "index_method": IndexMethod.btree,
            "null": False,
            "primary_key": False,
            "required": False,
            "secret": False,
            "unique": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="admin",
        db_column_name="admin",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "choices": None,
            "default": False,
            "help_text": "An admin can log into the Piccolo admin GUI.",
            "index": False,
            "index_method": IndexMethod.btree,
            "null": False,
            "primary_key": False,
            "required": False,
            "secret": False,
            "unique": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="superuser",
        db_column_name="superuser",
        column_class_name="Boolean",
        column_class=Boolean,
        params={
            "choices": None,
            "default": False,
            "help_text": "If True, this user can manage other users's passwords in the admin GUI.",
            "index": False,
            "index_method": IndexMethod.btree,
            "null": False,
            "primary_key": False,
            "required": False,
            "secret": False,
            "unique": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="BaseUser",
        tablename="piccolo_user",
        column_name="last_login",
        db_column_name="last_login",
        column_class_name="Timestamp",
        column_class=Timestamp,
        params={
            "choices": None,
            "default": None,
            "help_text": "When this user last logged in.",
            "index": False,
            "index_method": IndexMethod.btree,
            "null": True,
            "primary_key": False,
            "required": False,
            "secret": False,
            "unique": False,
        },
        schema=None,
    )

    return manager
