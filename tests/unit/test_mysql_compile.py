"""Exact SQL of the MariaDB/MySQL dialect: functions, lists, conflicts, DDL. No database is
touched (engines are made without connecting)."""

from __future__ import annotations

from typing import Any

import pytest

from vivace import Table
from vivace.columns import JSONB, ForeignKey, Integer, Numeric, Timestamp, Varchar
from vivace.dialects.mysql_functions import date_format, json_path
from vivace.engine import MySQLEngine
from vivace.exceptions import QueryError
from vivace.functions import Cast, Ceil, Concat, Count, Extract, Lag, Length, Round, Strftime
from vivace.schema.table_spec import table_spec

ENGINE = MySQLEngine(config={"host": "127.0.0.1"})


class CompManager(Table, db=ENGINE, tablename="comp_manager"):
    name = Varchar(length=20, unique=True)


class CompBand(Table, db=ENGINE, tablename="comp_band"):
    name = Varchar(length=20)
    manager = ForeignKey(CompManager)
    price = Numeric(digits=(10, 2))
    starts = Timestamp()
    popularity = Integer()


class CompDoc(Table, db=ENGINE, tablename="comp_doc"):
    facts = JSONB(null=True)


def sql(query: Any) -> str:
    compiled, _ = ENGINE.compile(query._statement())
    return compiled.sql


def test_placeholders_and_literal_percent_signs() -> None:
    text = sql(CompBand.select(CompBand.name).where(CompBand.name.like("a%")))
    assert text == "SELECT `comp_band`.`name` FROM `comp_band` WHERE `comp_band`.`name` LIKE %s"
    text = sql(CompBand.select(Strftime(CompBand.starts, "%Y-%m %H:%M 100%%")))
    assert "DATE_FORMAT(`comp_band`.`starts`, '%%Y-%%m %%H:%%i 100%%%%')" in text
    assert ENGINE.placeholder(1) == "%s"


def test_functions() -> None:
    text = sql(
        CompBand.select(
            Length(CompBand.name),
            Concat(CompBand.name, "!"),
            Ceil(CompBand.price),
            Round(CompBand.popularity),
            Cast(CompBand.popularity, Varchar()),
            Extract(CompBand.starts, "dow"),
            Extract(CompBand.starts, "epoch"),
        )
    )
    assert "CHAR_LENGTH(`comp_band`.`name`)" in text
    assert "CONCAT_WS('', `comp_band`.`name`, %s)" in text
    assert "CAST(CEIL(`comp_band`.`price`) AS DECIMAL(65, 0))" in text
    assert "CAST(`comp_band`.`popularity` AS CHAR)" in text
    assert "(DAYOFWEEK(`comp_band`.`starts`) - 1)" in text
    assert "CAST(FLOOR(UNIX_TIMESTAMP(`comp_band`.`starts`)) AS SIGNED)" in text
    assert "COUNT(DISTINCT JSON_ARRAY(" in sql(
        CompBand.select(Count(distinct=[CompBand.name, CompBand.popularity]))
    )
    with pytest.raises(QueryError, match="not supported on MySQL"):
        sql(CompBand.select(Extract(CompBand.starts, "timezone")))
    with pytest.raises(QueryError, match="default"):
        sql(CompBand.select(Lag(CompBand.name, 1, "x").over(order_by=CompBand.id)))
    assert date_format("%d/%m %S") == "%d/%m %S"
    with pytest.raises(QueryError, match="%f"):
        date_format("%f")


def test_integer_division_and_lists() -> None:
    text = sql(CompBand.select((CompBand.popularity / 3).as_alias("third")))
    assert "(`comp_band`.`popularity` DIV %s)" in text
    text = sql(CompBand.select(CompBand.name).where(CompBand.price.not_in([1, 2])))
    assert (
        "NOT IN (SELECT vivace_v FROM JSON_TABLE(%s, '$[*]' COLUMNS (vivace_v DECIMAL(65, 30)"
        in text
    )


def test_writes() -> None:
    insert = CompManager.insert(CompManager(name="a")).on_conflict(action="DO NOTHING")
    assert sql(insert).startswith("INSERT IGNORE INTO `comp_manager`")
    update = CompManager.insert(CompManager(name="a")).on_conflict(
        target=CompManager.name, action="DO UPDATE", values=[CompManager.name]
    )
    assert "ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)" in sql(update)
    with pytest.raises(QueryError, match="returning"):
        sql(CompManager.update({CompManager.name: "b"}, force=True).returning(CompManager.name))
    locked = CompBand.select(CompBand.name).lock_rows("SHARE", skip_locked=True)
    assert sql(locked).endswith("LOCK IN SHARE MODE SKIP LOCKED")
    with pytest.raises(QueryError):
        sql(CompBand.select(CompBand.name).lock_rows("KEY SHARE"))
    assert "OFFSET %s" in sql(CompBand.select(CompBand.name).offset(5))


def test_ddl() -> None:
    ddl = ENGINE.dialect.ddl
    band, manager = table_spec(CompBand), table_spec(CompManager)
    [create] = ddl.create_table(band)
    assert "`id` INT AUTO_INCREMENT PRIMARY KEY" in create
    assert "FOREIGN KEY (`manager`) REFERENCES `comp_manager` (`id`)" in create
    assert create.endswith("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin")
    [unique] = ddl.create_table(manager)
    assert "CONSTRAINT `comp_manager_name_key` UNIQUE (`name`)" in unique
    name = manager.column("name")
    assert ddl.set_unique(manager, "name", False) == [
        "ALTER TABLE `comp_manager` DROP INDEX `comp_manager_name_key`"
    ]
    [modify] = ddl.set_type(manager, "name", name.replace_params(length=30))
    assert modify.startswith("ALTER TABLE `comp_manager` MODIFY COLUMN `name` VARCHAR(30)")
    renamed = ddl.alter_column(manager, name, name.replace_params(db_column_name="title"))
    assert renamed[0].endswith("RENAME COLUMN `name` TO `title`")
    assert ddl.drop_index(manager, "ix", if_exists=True) == [
        "DROP INDEX IF EXISTS `ix` ON `comp_manager`"
    ]
    # the column's own UNIQUE follows the table's new name (MySQL keeps the old one)
    assert ddl.rename_table(manager, "boss") == [
        "RENAME TABLE `comp_manager` TO `boss`",
        "ALTER TABLE `boss` RENAME INDEX `comp_manager_name_key` TO `boss_name_key`",
    ]
    assert ddl.drop_default(manager, "name") == [
        "ALTER TABLE `comp_manager` ALTER COLUMN `name` DROP DEFAULT"
    ]
    # MODIFY COLUMN restates the column as the table's spec describes it
    assert ddl.set_null(manager, "name", True) == [
        "ALTER TABLE `comp_manager` MODIFY COLUMN `name` VARCHAR(20) DEFAULT ''"
    ]


def test_json_keys_and_paths_are_json_extract() -> None:
    # MariaDB has no -> operator: every key, index and path is a quoted JSON path.
    assert json_path("members") == '$."members"'
    assert json_path(0) == "$[0]"
    assert json_path(["a", 0, 'b"c', "d\\e"]) == '$."a"[0]."b\\"c"."d\\\\e"'
    compiled, values = ENGINE.compile(CompDoc.select(CompDoc.facts["a"][0])._statement())
    assert compiled.sql == (
        "SELECT JSON_EXTRACT(JSON_EXTRACT(`comp_doc`.`facts`, %s), %s) AS `facts` FROM `comp_doc`"
    )
    assert values == ["a", 0]
    paths = [c(v) for c, v in zip(compiled.converters, values, strict=True) if c]
    assert paths == ['$."a"', "$[0]"]
