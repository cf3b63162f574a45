"""The names databases give selected expressions written without ``AS`` (the keys of
unaliased ``QueryString`` columns, as in Piccolo). The PostgreSQL table below was read from
PostgreSQL 15; ``tests/integration/test_piccolo_parity_results.py`` checks it against the
live server."""

from __future__ import annotations

import pytest

from vivace.dialects.expression_names import (
    postgres_expression_name,
    sql_text_expression_name,
    tokens,
    type_name,
)

#: fragment -> PostgreSQL's column name, for a table t2 (id, name, tags int[], facts jsonb,
#: popularity).
POSTGRES_NAMES = {
    "1 + 1": "?column?",
    "name": "name",
    "  NAME": "name",
    '"t2"."name"': "name",
    "public.t2.name": "name",
    "n.name": "name",
    'U&"name"': "name",
    "upper(name)": "upper",
    "pg_catalog.upper(name)": "upper",
    '"upper"(name)': "upper",
    "CAST(popularity AS TEXT)": "popularity",
    "CAST(1 AS integer)": "int4",
    "cast(null as text)": "text",
    "cast(name as text)::int": "name",
    "1::int": "int4",
    "'x'::varchar(10)": "varchar",
    "'1'::double precision": "float8",
    "'1'::character varying": "varchar",
    "'x'::national character varying": "varchar",
    "'a'::char": "bpchar",
    "1::float": "float8",
    "1::float(3)": "float4",
    "'1'::numeric(5,2)": "numeric",
    "'1'::dec": "numeric",
    "'1'::real": "float4",
    "'1'::smallint": "int2",
    "'1'::bigint": "int8",
    "'1'::boolean": "bool",
    "'1'::bit varying": "varbit",
    "'1'::pg_catalog.int4": "int4",
    "'1'::\"int4\"": "int4",
    "'{}'::integer[]": "int4",
    "'10:00'::time": "time",
    "'2020-01-01'::timestamp without time zone": "timestamp",
    "name::text::varchar": "name",
    "(popularity)::text": "popularity",
    "(1)::text": "text",
    "$1::text": "text",
    "true": "?column?",
    "null": "?column?",
    "-1": "?column?",
    "-popularity": "?column?",
    "1.5": "?column?",
    "'x'": "?column?",
    "E'x'": "?column?",
    "$1": "?column?",
    "(name)": "name",
    "((name))": "name",
    "(1)": "?column?",
    "count(*)": "count",
    "count(*) filter (where true)": "count",
    "sum(popularity) over ()": "sum",
    "case when true then 1 end": "case",
    "case when true then name end::text": "text",
    "coalesce(name, 'x')": "coalesce",
    "nullif(name, 'x')": "nullif",
    "greatest(1, 2)": "greatest",
    "exists(select 1)": "exists",
    "exists (select 1) and true": "?column?",
    "array[1, 2]": "array",
    "array(select 1)": "array",
    "row(1, 2)": "row",
    "(select name from t2 limit 1)": "name",
    "(select name as n from t2 limit 1)": "n",
    "(select count(*) c from t2)": "c",
    "(select count(*) from t2)": "count",
    "(select 1)": "?column?",
    "(select 1 + id from t2 limit 1)": "?column?",
    "(select name from t2 limit 1)::text": "name",
    "current_date": "current_date",
    "current_timestamp": "current_timestamp",
    "localtime": "localtime",
    "current_user": "current_user",
    "session_user": "session_user",
    "now()": "now",
    "extract(year from now())": "extract",
    "trim(name)": "btrim",
    "trim(leading 'a' from name)": "ltrim",
    "trim(trailing from name)": "rtrim",
    "substring(name from 1)": "substring",
    "position('a' in name)": "position",
    "overlay(name placing 'x' from 1)": "overlay",
    "normalize(name)": "normalize",
    "collation for (name)": "pg_collation_for",
    "treat(name as text)": "text",
    "name || 'x'": "?column?",
    "(name)::text || 'x'": "?column?",
    "name is null": "?column?",
    "name isnull": "?column?",
    "not true": "?column?",
    "name like 'a'": "?column?",
    "name similar to 'a'": "?column?",
    "popularity in (1, 2)": "?column?",
    "popularity between 1 and 2": "?column?",
    "popularity is distinct from 1": "?column?",
    "popularity != 1": "?column?",
    'name collate "C"': "name",
    "'a' collate \"C\"": "?column?",
    "now() at time zone 'UTC'": "timezone",
    "interval '1 day'": "interval",
    "interval '1' day": "interval",
    "date '2020-01-01'": "date",
    "timestamptz '2020-01-01'": "timestamptz",
    "int '1'": "int4",
    "tags[1]": "tags",
    "tags[1:2]": "tags",
    "(tags)[1]": "tags",
    "tags[1]::text": "tags",
    "array_length(tags, 1)": "array_length",
    "facts['a']": "facts",
    "facts->'a'": "?column?",
    "facts->>'a'": "?column?",
    "(facts->'a')::text": "text",
    "t2": "t2",
    "(t2).name": "name",
    "date_trunc('day', now())": "date_trunc",
    "name -- a comment": "name",
}


@pytest.mark.parametrize("fragment", list(POSTGRES_NAMES))
def test_postgres_names(fragment: str) -> None:
    assert postgres_expression_name(fragment) == POSTGRES_NAMES[fragment]


def test_postgres_odd_inputs() -> None:
    assert postgres_expression_name("") == "?column?"
    assert postgres_expression_name("t2.*") == "?column?"  # several columns: no one name
    assert postgres_expression_name("name \\ 1") == "?column?"  # an unknown character: an operator
    assert tokens('"a""b" /* c */ x') == [("qid", 'a"b'), ("id", "x")]
    assert type_name(tokens("interval day to second")) == "interval"


def test_sqlite_names() -> None:
    # SQLite: a reference to a column gives its declared name, anything else its text.
    columns = ["id", "Name", "popularity"]
    assert sql_text_expression_name('"band"."name"', columns) == "Name"
    assert sql_text_expression_name("  NAME ", columns) == "Name"
    assert sql_text_expression_name("(main.band.name)", columns) == "Name"
    assert sql_text_expression_name("[name]", columns) == "Name"
    assert sql_text_expression_name("name + 1", columns) == "name + 1"
    assert sql_text_expression_name("  1 +   1 ", columns) == "1 +   1"
    assert sql_text_expression_name('"no column"', columns) == '"no column"'
    assert sql_text_expression_name("(1)", columns) == "(1)"
    assert sql_text_expression_name("popularity * ?", columns) == "popularity * ?"
