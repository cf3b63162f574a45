"""Schema specs: the frozen classes, their normal forms, specs made from Table classes
(every column type and option) and Table classes made back from specs."""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid

import pytest

from vivace import Table
from vivace.columns import (
    JSON,
    JSONB,
    UUID,
    Array,
    BigInt,
    Blob,
    Boolean,
    Bytea,
    Char,
    Check,
    Date,
    Decimal,
    DoublePrecision,
    Email,
    Float,
    ForeignKey,
    Integer,
    Interval,
    Numeric,
    Real,
    Secret,
    SmallInt,
    Text,
    Time,
    Timestamp,
    Timestamptz,
    Unique,
    Varchar,
)
from vivace.exceptions import ConfigurationError, QueryError
from vivace.orm.spec_tables import table_class_from_spec, table_classes_from_schema
from vivace.schema import IndexMethod, OnDelete, OnUpdate
from vivace.schema.check_sql import check_sql, literal_sql
from vivace.schema.defaults import UUID4, TimestampNow, TimestamptzNow
from vivace.schema.registry import find_table
from vivace.schema.spec import (
    CallableRef,
    ColumnSpec,
    ConstraintSpec,
    EnumSpec,
    FrozenValue,
    IndexSpec,
    ReferenceSpec,
    SchemaSpec,
    TableSpec,
    freeze_value,
    thaw_value,
)
from vivace.schema.table_spec import (
    column_class_name,
    column_from_spec,
    schema_spec,
    table_spec,
    value_type_of,
)
from vivace.sql.nodes import FunctionCall, Raw
from vivace.types import ValueType


class Mood(enum.Enum):
    happy = "h"
    sad = "s"


def _default_list() -> list[int]:
    return [1]


class SpecManager(Table, tablename="spec_manager"):
    name = Varchar(length=50, unique=True)


class SpecEvery(Table, tablename="spec_every"):
    v_varchar = Varchar(length=20, null=True, index=True, index_method=IndexMethod.hash)
    v_char = Char(length=2)
    v_email = Email(unique=True)
    v_secret = Secret()
    v_text = Text(default="it's", help_text="words", required=True)
    v_int = Integer(default=5, choices=None)
    v_bigint = BigInt()
    v_smallint = SmallInt()
    v_bool = Boolean(default=True)
    v_numeric = Numeric(digits=(7, 2))
    v_decimal = Decimal()
    v_real = Real()
    v_float = Float()
    v_double = DoublePrecision()
    v_timestamp = Timestamp()
    v_timestamptz = Timestamptz(null=True)
    v_date = Date()
    v_time = Time()
    v_interval = Interval()
    v_uuid = UUID()
    v_json = JSON(default={"a": [1, 2]})
    v_jsonb = JSONB()
    v_bytea = Bytea(default=b"\x00")
    v_blob = Blob()
    v_array = Array(base_column=Integer(), default=_default_list)
    v_nested = Array(base_column=Array(base_column=Varchar(length=3)), default=[[]])
    v_mood = Varchar(length=1, choices=Mood, default=Mood.happy)
    v_renamed = Integer(db_column_name="renamed_in_db")
    manager = ForeignKey(SpecManager, on_delete=OnDelete.set_null, on_update=OnUpdate.restrict)
    manager_name = ForeignKey(SpecManager, target_column=SpecManager.name)
    parent = ForeignKey("self")
    pair = Unique([v_int, v_bigint], nulls_distinct=False)
    positive = Check((v_int >= 0) & (v_text != "x") | v_int.is_null())


def test_specs_are_frozen_hashable_and_compare_by_value() -> None:
    a = ColumnSpec.of("name", "Varchar", length=5, default=[1, {"b": 2}])
    b = ColumnSpec.of("name", "Varchar", default=[1, {"b": 2}], length=5)
    assert a == b and hash(a) == hash(b)
    assert {a, b} == {a}
    with pytest.raises(AttributeError):
        a.name = "x"  # type: ignore[misc]
    assert a.param("length") == 5 and a.param("missing", "d") == "d"
    assert a.param_dict["null"] is False
    changed = a.replace_params(null=True, length=9)
    assert changed.null and changed.param("length") == 9 and not a.null
    assert changed.renamed("title").name == "title"
    assert [k for k, _ in a.params] == sorted(k for k, _ in a.params)
    assert ColumnSpec("x", "Integer", (("null", 1), ("null", None), ("a", b""))).params == (
        ("a", b""),
        ("null", None),
    )


def test_frozen_value_forms() -> None:
    assert freeze_value([1, [2]]) == FrozenValue("list", (1, FrozenValue("list", (2,))))
    frozen = freeze_value({"b": 1, "a": {"c": None}})
    assert frozen == FrozenValue("dict", (("a", FrozenValue("dict", (("c", None),))), ("b", 1)))
    assert thaw_value(frozen) == {"a": {"c": None}, "b": 1}
    assert freeze_value((1, [2])) == (1, FrozenValue("list", (2,)))
    assert freeze_value(uuid.uuid4) == CallableRef("uuid", "uuid4")
    assert thaw_value(CallableRef("uuid", "uuid4")) is uuid.uuid4
    assert thaw_value(freeze_value(_default_list)) is _default_list
    assert freeze_value(Mood.sad) == "s"
    assert freeze_value(OnDelete.cascade) is OnDelete.cascade
    spec = freeze_value(Mood)
    assert spec == EnumSpec("Mood", (("happy", "h"), ("sad", "s")))
    built = thaw_value(spec)
    assert built.__name__ == "Mood" and built.sad.value == "s"
    assert freeze_value(TimestampNow()) == TimestampNow()
    assert thaw_value(5) == 5 and freeze_value(spec) is spec


def test_lookups_and_copies() -> None:
    key = ColumnSpec.of("id", "Serial", primary_key=True)
    name = ColumnSpec.of("name", "Varchar", length=5, db_column_name="title")
    table = TableSpec(
        "Band",
        "band",
        None,
        (key, name),
        (ConstraintSpec("z", "check", check="1 = 1"), ConstraintSpec("a", "unique", ["title"])),
        (IndexSpec("i", ["title"], IndexMethod.hash),),
    )
    assert [c.name for c in table.constraints] == ["a", "z"]
    assert table.constraints[0].columns == ("title",)
    assert table.indexes[0].method == "hash"
    assert table.column("name") is name and table.get_column("nope") is None
    assert table.column_by_db_name("title") is name and table.column_by_db_name("x") is None
    assert name.db_column_name == "title" and key.db_column_name == "id"
    assert table.primary_key is key and table.foreign_keys == ()
    assert table.qualified_name == (None, "band")
    longer = table.with_column(ColumnSpec.of("extra", "Integer"))
    assert [c.name for c in longer.columns] == ["id", "name", "extra"]
    assert longer.with_column(name.replace_params(length=9)).column("name").param("length") == 9
    assert longer.without_column("extra") == table
    assert table.replace(tablename="bands").tablename == "bands"
    with pytest.raises(LookupError):
        _ = TableSpec("X", "x", None, (name,)).primary_key
    with pytest.raises(ValueError, match="kind"):
        ConstraintSpec("x", "exclude")
    schema = SchemaSpec((table,))
    assert schema.table("Band") is table and len(schema) == 1 and list(schema) == [table]
    assert schema.by_tablename("band") is table and schema.by_tablename("band", "s") is None
    with pytest.raises(KeyError):
        schema.table("Nope")
    other = TableSpec("Other", "other", None, (key,))
    assert [t.class_name for t in schema.replace_table(other)] == ["Band", "Other"]
    assert schema.replace_table(table.replace(schema="s")).table("Band").schema == "s"
    assert schema.without_table("Band") == SchemaSpec()


def _fk(name: str, target: str) -> ColumnSpec:
    key = ColumnSpec("id", "Serial")
    return ColumnSpec.of(
        name, "ForeignKey", references=ReferenceSpec(target.title(), target, None, key)
    )


def test_dependency_order_with_self_and_circular_keys() -> None:
    key = ColumnSpec.of("id", "Serial", primary_key=True)
    a = TableSpec("A", "a", None, (key, _fk("b", "b"), _fk("me", "a")))
    b = TableSpec("B", "b", None, (key, _fk("c", "c")))
    c = TableSpec("C", "c", None, (key, _fk("a", "a"), _fk("outside", "nowhere")))
    d = TableSpec("D", "d", None, (key,))
    schema = SchemaSpec((a, b, c, d))
    order = schema.dependency_order()
    assert [t.class_name for t in order] == ["C", "B", "A", "D"]
    # the cycle a -> b -> c -> a is broken at the key placed before its target
    assert [(t.class_name, fk.name) for t, fk in schema.deferred_foreign_keys()] == [("C", "a")]
    assert schema.target_of(a.column("me")) is a
    assert schema.target_of(c.column("outside")) is None and schema.target_of(key) is None


def test_table_spec_of_every_column_type_and_option() -> None:
    spec = table_spec(SpecEvery)
    assert spec.class_name == "SpecEvery" and spec.tablename == "spec_every"
    col = spec.column
    assert col("id").column_class == "Serial" and col("id").primary_key
    varchar = col("v_varchar")
    assert (varchar.param("length"), varchar.null, varchar.index) == (20, True, True)
    # A nullable column keeps its type's default, as in Piccolo.
    assert varchar.param("index_method") is IndexMethod.hash and varchar.default == ""
    assert col("v_char").param("length") == 2 and col("v_char").default == ""
    assert col("v_email").column_class == "Email" and col("v_email").unique
    assert col("v_secret").param("secret") is True
    assert col("v_text").param("help_text") == "words" and col("v_text").param("required")
    assert col("v_text").default == "it's" and col("v_int").default == 5
    assert col("v_bool").default is True and col("v_numeric").param("digits") == (7, 2)
    assert col("v_decimal").column_class == "Decimal" and col("v_decimal").param("digits") is None
    assert col("v_decimal").default == decimal.Decimal(0)
    assert col("v_timestamp").default == TimestampNow()
    assert col("v_timestamptz").default == TimestamptzNow()  # nullable: still its default
    assert col("v_uuid").default == UUID4()
    assert col("v_json").default == '{"a": [1, 2]}'  # Piccolo keeps a JSON default as text
    assert col("v_bytea").default == b"\x00"
    array = col("v_array")
    assert array.param("base_column") == ColumnSpec("", "Integer")
    assert array.default == CallableRef(__name__, "_default_list")
    nested = col("v_nested").param("base_column")
    assert nested.column_class == "Array"
    assert nested.param("base_column") == ColumnSpec("", "Varchar", (("length", 3),))
    assert col("v_nested").default == FrozenValue("list", (FrozenValue("list", ()),))
    assert col("v_mood").param("choices") == EnumSpec("Mood", (("happy", "h"), ("sad", "s")))
    assert col("v_mood").default == "h"
    assert col("v_renamed").db_column_name == "renamed_in_db"
    assert col("v_int").param("db_column_name") is None
    manager = col("manager")
    assert manager.references == ReferenceSpec(
        "SpecManager", "spec_manager", None, ColumnSpec("id", "Serial")
    )
    assert manager.param("on_delete") is OnDelete.set_null
    assert manager.param("on_update") is OnUpdate.restrict
    assert manager.param("target_column") is None and manager.null
    by_name = col("manager_name")
    assert by_name.param("target_column") == "name"
    assert by_name.references is not None
    assert by_name.references.column == ColumnSpec("name", "Varchar", (("length", 50),))
    assert col("parent").references == ReferenceSpec(
        "SpecEvery", "spec_every", None, ColumnSpec("id", "Serial")
    )
    assert spec.constraints == (
        ConstraintSpec("spec_every_pair", "unique", ("v_int", "v_bigint"), nulls_distinct=False),
        ConstraintSpec(
            "spec_every_positive",
            "check",
            check='(("v_int" >= 0 AND "v_text" <> \'x\') OR "v_int" IS NULL)',
        ),
    )
    assert [t.class_name for t in schema_spec(SpecManager, SpecEvery)] == [
        "SpecManager",
        "SpecEvery",
    ]


def test_for_database_and_type_only() -> None:
    spec = table_spec(SpecEvery)
    plain = spec.for_database()
    assert plain.column("v_email").column_class == "Varchar"
    assert plain.column("v_secret").param("secret") is False
    assert plain.column("v_text").param("help_text") is None
    assert plain.column("v_mood").param("choices") is None
    assert plain.column("v_blob").column_class == "Bytea"
    assert SchemaSpec((spec,)).for_database() == SchemaSpec((plain,))
    assert spec.column("v_email").type_only() == ColumnSpec(
        "v_email", "Varchar", (("length", 255),)
    )


def test_value_types() -> None:
    spec = table_spec(SpecEvery)
    assert value_type_of(spec.column("manager")) == ValueType("integer")
    assert value_type_of(spec.column("manager_name")) == ValueType("varchar", (50,))
    assert value_type_of(spec.column("v_numeric")) == ValueType("numeric", (7, 2))
    assert value_type_of(spec.column("v_array")).element == ValueType("integer")


def test_table_classes_from_specs_round_trip() -> None:
    schema = schema_spec(SpecManager, SpecEvery)
    registry: dict = {}
    manager, every = table_classes_from_schema(schema, registry=registry)
    assert schema_spec(manager, every) == schema
    assert every is not SpecEvery and find_table("SpecEvery", None) is SpecEvery
    assert every.manager.resolved_references is manager  # type: ignore[attr-defined]
    assert every.parent.resolved_references is every  # type: ignore[attr-defined]
    assert table_class_from_spec(schema.table("SpecEvery"), schema, registry=registry) is every
    assert every().v_json == '{"a": [1, 2]}'  # type: ignore[attr-defined]
    assert every().v_array == [1]  # type: ignore[attr-defined]
    # a target outside the schema becomes a stand-in table with just its key
    alone = table_class_from_spec(schema.table("SpecEvery"))
    target = alone.manager.resolved_references  # type: ignore[attr-defined]
    assert target.__name__ == "SpecManager" and [c._meta.name for c in target._meta.columns] == [
        "id"
    ]


def test_column_from_spec_errors() -> None:
    with pytest.raises(ConfigurationError, match="no Vivace column class"):
        column_from_spec(ColumnSpec("x", "Nope"))
    with pytest.raises(ConfigurationError, match="needs the table"):
        column_from_spec(table_spec(SpecEvery).column("manager"))

    class Custom(Varchar):
        pass

    assert column_class_name(Custom()) == "Varchar"
    with pytest.raises(ConfigurationError, match="not based"):
        column_class_name(object())  # type: ignore[arg-type]


def test_check_sql() -> None:
    spec = table_spec(SpecEvery)
    assert literal_sql(None) == "NULL" and literal_sql(False) == "FALSE"
    assert literal_sql(1.5) == "1.5" and literal_sql(decimal.Decimal("2.5")) == "2.5"
    assert literal_sql(datetime.date(2020, 1, 2)) == "'2020-01-02'"
    assert literal_sql(float("inf")) == "'inf'" and literal_sql(Mood.sad) == "'s'"
    with pytest.raises(QueryError, match="NUL"):
        literal_sql("a\x00")
    with pytest.raises(QueryError, match="cannot be written"):
        literal_sql(b"x")
    every = SpecEvery
    assert check_sql(every.v_int.is_in([1, 2])) == '"v_int" IN (1, 2)'
    assert check_sql(~(every.v_int > every.v_bigint + 1)) == 'NOT ("v_int" > ("v_bigint" + 1))'
    assert check_sql(FunctionCall("LENGTH", (every.v_text,))) == 'LENGTH("v_text")'
    assert check_sql(Raw("{} > 2", [every.v_int])) == '"v_int" > 2'
    assert check_sql(every.v_int.is_not_null() & (every.v_int < 3)) == (
        '("v_int" IS NOT NULL AND "v_int" < 3)'
    )
    with pytest.raises(QueryError, match="another table"):
        check_sql(every.manager.name == "x")  # type: ignore[attr-defined]
    with pytest.raises(QueryError, match="cannot be written"):
        check_sql(every.v_int.is_in(SpecManager.select(SpecManager.id)))
    assert spec.column("v_int").param("unique") is False
