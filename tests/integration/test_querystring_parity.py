"""``QueryString`` and expressions as Piccolo 1.x has them: ``%`` (modulo) on columns,
functions and fragments, ``str()`` with the values written in, ``compile_string()``.

Checked against Piccolo 1.38 on SQLite: ``QueryString("popularity") % 3`` and
``Length(Band.name) % 2`` select ``[{'m': 1}, ...]`` with an alias,
``str(QueryString("SELECT {}", "x"))`` is ``SELECT 'x'`` and
``QueryString("SELECT {}", "x").compile_string()`` is ``("SELECT $1", ["x"])``.
"""

from __future__ import annotations

import decimal
import sys
from pathlib import Path

import pytest

from tests.conftest import UseTables
from vivace import Table
from vivace.columns import DoublePrecision, Integer, Numeric, Varchar
from vivace.engine import Engine
from vivace.exceptions import QueryError
from vivace.query.functions import Cast, Length
from vivace.querystring import QueryString


class QsBand(Table, tablename="qs_band"):
    name = Varchar(length=50)
    popularity = Integer(default=0)
    price = Numeric(digits=(6, 2), default=decimal.Decimal("0"))
    rating = DoublePrecision(default=0.0)


async def seed(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, QsBand)
    await QsBand.insert(
        QsBand(name="Pythonistas", popularity=1000),  # name: 11 characters
        QsBand(name="Rustaceans", popularity=503),  # name: 10 characters
    )


# modulo --------------------------------------------------------------------------------------
async def test_modulo_on_a_querystring(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await QsBand.select((QueryString("popularity") % 3).as_alias("m")).order_by(QsBand.id)
    assert rows == [{"m": 1}, {"m": 2}]


async def test_modulo_on_a_function(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await QsBand.select((Length(QsBand.name) % 2).as_alias("m")).order_by(QsBand.id)
    assert rows == [{"m": 1}, {"m": 0}]


async def test_modulo_on_a_column(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await QsBand.select(
        QsBand.name,
        (QsBand.popularity % 10).as_alias("m"),
        (2000 % QsBand.popularity).as_alias("r"),
    ).order_by(QsBand.id)
    assert rows == [
        {"name": "Pythonistas", "m": 0, "r": 0},
        {"name": "Rustaceans", "m": 3, "r": 491},
    ]
    odd = await QsBand.select(QsBand.name).where(QsBand.popularity % 2 == 1)
    assert odd == [{"name": "Rustaceans"}]
    await QsBand.update({QsBand.popularity: QsBand.popularity % 100}, force=True)
    assert await QsBand.select(QsBand.popularity).order_by(QsBand.id) == [
        {"popularity": 0},
        {"popularity": 3},
    ]


def test_modulo_needs_whole_numbers() -> None:
    # PostgreSQL has no % for floating point and SQLite truncates decimals to integers:
    # refused on every engine rather than giving different answers.
    for refused in (
        lambda: QsBand.price % 2,
        lambda: QsBand.rating % 2,
        lambda: QsBand.name % 2,
        lambda: QsBand.popularity % QsBand.rating,
        lambda: 7 % QsBand.price,
    ):
        with pytest.raises(QueryError, match="whole numbers"):
            refused()


# str() ---------------------------------------------------------------------------------------
async def test_str_of_a_fragment_holding_a_column(db: Engine, use_tables: UseTables) -> None:
    await use_tables(db, QsBand)
    name = db.dialect.quote("name")
    table = db.dialect.quote("qs_band")
    assert str(QueryString("{} = {}", QsBand.name, "x")) == f"{table}.{name} = 'x'"
    assert "CAST(" in str(Cast(QsBand.popularity, Varchar()))
    popularity = f"{table}.{db.dialect.quote('popularity')}"
    assert str(QsBand.popularity % 2) == f"({popularity} % 2)"
    assert str(Length(QsBand.name) % 2).endswith(" % 2)")
    # Columns keep their own text.
    assert str(QsBand.name) == "<Varchar QsBand.name>"


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = "qs_parity_conf"
    (tmp_path / f"{module}.py").write_text(
        "from vivace.engine import SQLiteEngine\n"
        f"DB = SQLiteEngine(path={str(tmp_path / 'conf.sqlite')!r})\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("VIVACE_CONF", module)
    monkeypatch.delitem(sys.modules, module, raising=False)


@pytest.mark.usefixtures("configured")
def test_str_of_a_fragment_without_columns_uses_the_configured_engine() -> None:
    assert str(QueryString("SELECT {}", "x")) == "SELECT 'x'"
    nested = QueryString("SELECT id FROM band {}", QueryString("WHERE name = {}", "Pythonistas"))
    assert str(nested) == "SELECT id FROM band WHERE name = 'Pythonistas'"
    assert str(QueryString("SELECT {} + {}", 1, 2) % 2) == "(SELECT 1 + 2 % 2)"


def test_str_without_an_engine_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIVACE_CONF", "no_such_vivace_conf_module")
    text = str(QueryString("SELECT {}", "x"))
    assert text.startswith("<") and "QueryString" in text


# compile_string() ----------------------------------------------------------------------------
def test_compile_string() -> None:
    qs = QueryString("SELECT id FROM band {}", QueryString("WHERE name = {}", "Pythonistas"))
    assert qs.compile_string() == ("SELECT id FROM band WHERE name = $1", ["Pythonistas"])
    assert qs.compile_string("postgres") == ("SELECT id FROM band WHERE name = $1", ["Pythonistas"])
    assert qs.compile_string("sqlite") == ("SELECT id FROM band WHERE name = ?", ["Pythonistas"])
    assert QueryString("SELECT name FROM band").compile_string() == ("SELECT name FROM band", [])
    assert QueryString("{} % {}", 7, 2).compile_string("sqlite") == ("? % ?", [7, 2])
    with pytest.raises(QueryError, match="engine type"):
        qs.compile_string("oracle")


def test_compile_string_of_any_expression() -> None:
    """Every expression has it (Piccolo's JSON operators, conditions, functions)."""
    condition = (QsBand.popularity > 10) & QsBand.name.like("P%")
    assert condition.compile_string("sqlite") == (
        '("qs_band"."popularity" > ? AND "qs_band"."name" LIKE ?)',
        [10, "P%"],
    )
    assert Length(QsBand.name).compile_string() == ('LENGTH("qs_band"."name")', [])
    with pytest.raises(QueryError, match="engine type"):
        condition.compile_string("oracle")
