"""``vivace.functions`` on real databases, and the remaining select clauses: group_by,
having, count(distinct), distinct(on=...), lock_rows, callback, subqueries in
is_in/not_in, EXISTS subqueries. Each test runs on SQLite and PostgreSQL unless the
feature is PostgreSQL's only, where SQLite gets a clear ``QueryError``.
"""

from __future__ import annotations

import asyncio
import datetime
import decimal
import zoneinfo
from typing import Any

import pytest

from tests.conftest import UseTables
from tests.mariadb import on_mariadb
from vivace import Table
from vivace.columns import (
    Array,
    BigInt,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Numeric,
    Time,
    Timestamp,
    Timestamptz,
    Varchar,
)
from vivace.engine import Engine
from vivace.exceptions import LockTimeout, QueryError
from vivace.functions import (
    Abs,
    ArrayAppend,
    ArrayCat,
    ArrayPrepend,
    ArrayRemove,
    ArrayReplace,
    AtTimeZone,
    Avg,
    Cast,
    Ceil,
    Coalesce,
    Concat,
    Count,
    Day,
    Extract,
    Floor,
    Hour,
    Length,
    Lower,
    Ltrim,
    Max,
    Min,
    Minute,
    Month,
    NullIf,
    Replace,
    Reverse,
    Round,
    Rtrim,
    Second,
    Strftime,
    Sum,
    Upper,
    Year,
)
from vivace.query import Exists

D = decimal.Decimal
UTC = datetime.UTC


class FnManager(Table, tablename="fn_manager"):
    name = Varchar(length=50)


class FnBand(Table, tablename="fn_band"):
    name = Varchar(length=50)
    manager = ForeignKey(FnManager)
    popularity = Integer(default=0)
    fans = BigInt(default=0)
    price = Numeric(digits=(6, 2), default=D("0"))
    rating = DoublePrecision(default=0.0)
    formed = Timestamp(null=True)
    signed = Timestamptz(null=True)
    day = Date(null=True)
    rehearsal = Time(null=True)
    motto = Varchar(length=50, null=True)


class FnConcert(Table, tablename="fn_concert"):
    band = ForeignKey(FnBand)
    city = Varchar(length=50)


class FnTagged(Table, tablename="fn_tagged"):
    tags = Array(base_column=Varchar(length=20))


async def seed(db: Engine, use_tables: UseTables) -> dict[str, Any]:
    await use_tables(db, FnManager, FnBand, FnConcert)
    guido, graydon = FnManager(name="Guido"), FnManager(name="Graydon")
    await FnManager.insert(guido, graydon)
    bands = [
        FnBand(
            name="Pythonistas",
            manager=guido,
            popularity=1000,
            fans=5_000_000_000,
            price=D("10.50"),
            rating=2.5,
            formed=datetime.datetime(2024, 5, 6, 7, 8, 9, 500_000),
            signed=datetime.datetime(2024, 5, 6, 23, 30, 15, tzinfo=UTC),
            day=datetime.date(2024, 2, 29),
            rehearsal=datetime.time(18, 45, 30),
            motto="  import this  ",
        ),
        FnBand(
            name="Rustaceans",
            manager=graydon,
            popularity=500,
            fans=3,
            price=D("9.25"),
            rating=-1.5,
            formed=datetime.datetime(2023, 1, 2, 3, 4, 5),
            signed=datetime.datetime(
                2023, 1, 1, 1, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=3))
            ),
            day=datetime.date(2023, 12, 31),
            rehearsal=datetime.time(9, 0, 0),
            motto=None,
        ),
        FnBand(
            name="Pythonettes",
            manager=guido,
            popularity=10,
            fans=7,
            price=D("1.10"),
            rating=0.49,
            # NULLs given: nullable columns default to their type's default (Piccolo)
            formed=None,
            signed=None,
            day=None,
            rehearsal=None,
            motto=None,
        ),
    ]
    await FnBand.insert(*bands)
    await FnConcert.insert(
        FnConcert(band=bands[0], city="Oslo"),
        FnConcert(band=bands[0], city="Lima"),
        FnConcert(band=bands[1], city="Oslo"),
    )
    return {"guido": guido, "graydon": graydon, "bands": bands}


def by_name(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: str(r.get("name")))


# text ---------------------------------------------------------------------------------------------
async def test_text_functions(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await FnBand.select(
        FnBand.name,
        Upper(FnBand.name),
        Lower(FnBand.name),
        Length(FnBand.name),
        Reverse(FnBand.name),
        Replace(FnBand.name, "ista", "ISTA"),
        Ltrim(FnBand.motto),
        Rtrim(FnBand.motto),
        Concat(FnBand.name, ": ", FnBand.popularity, FnBand.motto, alias="label"),
    ).order_by(FnBand.id)
    assert rows[0] == {
        "name": "Pythonistas",
        "upper": "PYTHONISTAS",
        "lower": "pythonistas",
        "length": 11,
        "reverse": "satsinohtyP",
        "replace": "PythonISTAs",
        "ltrim": "import this  ",
        "rtrim": "  import this",
        "label": "Pythonistas: 1000  import this  ",
    }
    # NULLs: the function gives NULL; Concat treats them as empty text
    assert rows[1]["ltrim"] is None and rows[1]["reverse"] == "snaecatsuR"
    assert rows[1]["label"] == "Rustaceans: 500"


async def test_functions_in_where_order_by_and_update(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    found = await FnBand.select(FnBand.name).where(
        Upper(FnBand.name) == "RUSTACEANS", Length(FnBand.name) > 3
    )
    assert found == [{"name": "Rustaceans"}]
    ordered = await FnBand.select(FnBand.name).order_by(Length(FnBand.name), Reverse(FnBand.name))
    assert [r["name"] for r in ordered] == ["Rustaceans", "Pythonistas", "Pythonettes"]
    await FnBand.update({FnBand.name: Upper(FnBand.name), FnBand.rating: Abs(FnBand.rating)}).where(
        FnBand.popularity >= 500
    )
    rows = await FnBand.select(FnBand.name, FnBand.rating).order_by(FnBand.id)
    assert rows == [
        {"name": "PYTHONISTAS", "rating": 2.5},
        {"name": "RUSTACEANS", "rating": 1.5},
        {"name": "Pythonettes", "rating": 0.49},
    ]
    objects = await FnBand.objects().where(Lower(FnBand.name) == "pythonettes")
    assert [b.name for b in objects] == ["Pythonettes"]


# math ---------------------------------------------------------------------------------------------
async def test_math_functions_and_their_types(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await FnBand.select(
        Abs(FnBand.rating),
        Ceil(FnBand.price),
        Floor(FnBand.price),
        Round(FnBand.price),
        Ceil(FnBand.rating, alias="ceil_rating"),
        Floor(FnBand.rating, alias="floor_rating"),
        Round(FnBand.rating, alias="round_rating"),
        Ceil(FnBand.popularity, alias="ceil_int"),
    ).order_by(FnBand.id)
    assert rows == [
        {
            "abs": 2.5,
            "ceil": D("11"),
            "floor": D("10"),
            "round": D("11"),
            "ceil_rating": 3.0,
            "floor_rating": 2.0,
            "round_rating": 3.0,  # halves away from zero on both databases
            "ceil_int": 1000,
        },
        {
            "abs": 1.5,
            "ceil": D("10"),
            "floor": D("9"),
            "round": D("9"),
            "ceil_rating": -1.0,
            "floor_rating": -2.0,
            "round_rating": -2.0,
            "ceil_int": 500,
        },
        {
            "abs": 0.49,
            "ceil": D("2"),
            "floor": D("1"),
            "round": D("1"),
            "ceil_rating": 1.0,
            "floor_rating": 0.0,
            "round_rating": 0.0,
            "ceil_int": 10,
        },
    ]
    first = rows[0]
    assert type(first["ceil"]) is D and type(first["round"]) is D
    assert type(first["ceil_rating"]) is float and type(first["ceil_int"]) is int
    assert str(first["ceil"]) == "11" and str(first["round"]) == "11"


# aggregates ---------------------------------------------------------------------------------------
async def test_aggregates_and_their_types(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    [row] = await FnBand.select(
        Count(),
        Count(FnBand.motto, alias="with_motto"),
        Sum(FnBand.popularity),
        Sum(FnBand.fans, alias="all_fans"),
        Sum(FnBand.price, alias="total"),
        Avg(FnBand.price, alias="mean_price"),
        Avg(FnBand.rating, alias="mean_rating"),
        Min(FnBand.price),
        Max(FnBand.price),
        Min(FnBand.formed, alias="first_formed"),
        Max(FnBand.signed, alias="last_signed"),
    )
    assert row["count"] == 3 and type(row["count"]) is int
    assert row["with_motto"] == 1
    assert row["sum"] == 1510 and type(row["sum"]) is int
    assert row["all_fans"] == 5_000_000_010 and type(row["all_fans"]) is int
    assert row["total"] == D("20.85") and type(row["total"]) is D
    assert type(row["mean_price"]) is D  # exact on PostgreSQL, a double's digits on SQLite
    assert float(row["mean_price"]) == pytest.approx(6.95)
    assert row["mean_rating"] == pytest.approx(0.49 / 3 + 1 / 3)
    # as numbers: '9.25' < '10.50' although not as text
    assert (row["min"], row["max"]) == (D("1.10"), D("10.50"))
    assert row["first_formed"] == datetime.datetime(2023, 1, 2, 3, 4, 5)
    assert row["last_signed"] == datetime.datetime(2024, 5, 6, 23, 30, 15, tzinfo=UTC)


async def test_avg_of_whole_numbers_is_a_decimal(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    [row] = await FnBand.select(Avg(FnBand.popularity)).where(FnBand.popularity >= 500)
    assert row == {"avg": D("750")} and type(row["avg"]) is D
    [row] = await FnBand.select(Avg(FnBand.popularity))
    # PostgreSQL computes it exactly, SQLite in double precision
    assert row["avg"] == pytest.approx(D("1510") / 3, rel=D("1e-15"))


async def test_aggregates_of_no_rows_are_null(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    none = FnBand.popularity < 0
    assert await FnBand.select(Count(), Sum(FnBand.price), Max(FnBand.price)).where(none) == [
        {"count": 0, "sum": None, "max": None}
    ]


async def test_group_by_having_and_count_distinct(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await (
        FnBand.select(FnBand.manager.name, Count(), Sum(FnBand.price), Max(FnBand.popularity))
        .group_by(FnBand.manager.name)
        .having(Count() >= 1, Sum(FnBand.price) > D("5"))
        .order_by(FnBand.manager.name)
    )
    assert rows == [
        {"manager.name": "Graydon", "count": 1, "sum": D("9.25"), "max": 500},
        {"manager.name": "Guido", "count": 2, "sum": D("11.60"), "max": 1000},
    ]
    by_function = await (
        FnBand.select(Length(FnBand.name), Count(alias="bands"))
        .group_by(Length(FnBand.name))
        .having(Count() > 1)
    )
    assert by_function == [{"length": 11, "bands": 2}]
    distinct = await FnConcert.select(
        Count(distinct=[FnConcert.city], alias="cities"),
        Count(distinct=[FnConcert.city, FnConcert.band], alias="pairs"),
        Count(distinct=[FnConcert.band.manager], alias="managers"),
    )
    assert distinct == [{"cities": 2, "pairs": 3, "managers": 2}]
    assert await FnConcert.count(distinct=[FnConcert.city]) == 2


# dates and times ---------------------------------------------------------------------------------
async def test_date_parts(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await FnBand.select(
        Year(FnBand.formed),
        Month(FnBand.formed),
        Day(FnBand.day),
        Hour(FnBand.rehearsal),
        Minute(FnBand.rehearsal),
        Second(FnBand.formed),
        Extract(FnBand.day, "quarter"),
        Extract(FnBand.day, "dow"),
        Extract(FnBand.day, "isodow"),
        Extract(FnBand.day, "doy"),
        Extract(FnBand.formed, "epoch"),
    ).order_by(FnBand.id)
    assert rows[0] == {
        "year": 2024,
        "month": 5,
        "day": 29,
        "hour": 18,
        "minute": 45,
        "second": 9,  # whole seconds
        "quarter": 1,
        "dow": 4,  # Thursday
        "isodow": 4,
        "doy": 60,
        "epoch": 1714979289,
    }
    assert rows[1]["dow"] == 0 and rows[1]["isodow"] == 7  # a Sunday
    assert rows[1]["doy"] == 365 and rows[1]["quarter"] == 4
    assert rows[2] == dict.fromkeys(rows[2], None)
    assert all(type(v) is int for v in rows[0].values())


async def test_timestamptz_parts_and_formats_are_in_utc(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await FnBand.select(
        Year(FnBand.signed),
        Day(FnBand.signed),
        Hour(FnBand.signed),
        Strftime(FnBand.signed, "%Y-%m-%d %H:%M:%S"),
    ).order_by(FnBand.id)
    assert rows[0] == {"year": 2024, "day": 6, "hour": 23, "strftime": "2024-05-06 23:30:15"}
    # 2023-01-01 01:00 at +03:00 is 2022-12-31 22:00 UTC
    assert rows[1] == {"year": 2022, "day": 31, "hour": 22, "strftime": "2022-12-31 22:00:00"}


async def test_strftime(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    # %f: SQLite's seconds with milliseconds ("09.500"); MariaDB's DATE_FORMAT has no such
    # code, so it is refused there before anything is sent, and the rest runs without it.
    fraction = (".%f", ".09.500")
    if on_mariadb(db):
        with pytest.raises(QueryError, match=r"^Strftime\(\) format code %f is not supported"):
            await FnBand.select(Strftime(FnBand.formed, "%S.%f"))
        fraction = ("", "")
    rows = await FnBand.select(
        Strftime(FnBand.formed, "%Y/%m/%d %H:%M:%S" + fraction[0], alias="when"),
        Strftime(FnBand.day, "day %j of %Y (100%%)", alias="day"),
        Strftime(FnBand.rehearsal, "%H:%M", alias="at"),
    ).order_by(FnBand.id)
    assert rows[0] == {
        "when": "2024/05/06 07:08:09" + fraction[1],
        "day": "day 060 of 2024 (100%)",
        "at": "18:45",
    }
    by_month = await FnBand.select(FnBand.name).where(Strftime(FnBand.formed, "%Y-%m") == "2023-01")
    assert by_month == [{"name": "Rustaceans"}]


async def test_at_time_zone_on_postgres(postgres_db: Engine, use_tables: UseTables) -> None:
    await seed(postgres_db, use_tables)
    rows = await FnBand.select(
        AtTimeZone(FnBand.signed, "Asia/Tokyo", alias="tokyo"),
        AtTimeZone(FnBand.formed, "UTC", alias="moment"),
    ).order_by(FnBand.id)
    assert rows[0] == {
        "tokyo": datetime.datetime(2024, 5, 7, 8, 30, 15),
        "moment": datetime.datetime(2024, 5, 6, 7, 8, 9, 500_000, tzinfo=UTC),
    }


async def test_at_time_zone_is_a_clear_error_on_sqlite(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await seed(sqlite_db, use_tables)
    with pytest.raises(QueryError, match="AtTimeZone"):
        await FnBand.select(AtTimeZone(FnBand.signed, "UTC"))


# conditional and casts ---------------------------------------------------------------------------
async def test_coalesce_nullif_and_cast(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    rows = await FnBand.select(
        Coalesce(FnBand.motto, "(none)"),
        (FnBand.motto | "(or)").as_alias("coalesce"),
        NullIf(FnBand.popularity, 500, alias="nullif"),
        Cast(FnBand.popularity, Varchar()),
        Cast(FnBand.rating, Numeric(), alias="exact"),
        Cast(FnBand.formed, Date(), alias="formed_on"),
        Cast(FnBand.popularity, BigInt(), alias="big"),
        Cast(FnBand.rehearsal, Varchar(), alias="text_time"),
    ).order_by(FnBand.id)
    assert rows[1] == {
        "motto": "(none)",
        "coalesce": "(or)",
        "nullif": None,
        "popularity": "500",
        "exact": D("-1.5"),
        "formed_on": datetime.date(2023, 1, 2),
        "big": 500,
        "text_time": rows[1]["text_time"],
    }
    assert rows[1]["text_time"].startswith("09:00:00")
    assert rows[0]["motto"] == "  import this  " and rows[0]["nullif"] == 1000


# arrays ------------------------------------------------------------------------------------------
async def test_array_functions_on_postgres(postgres_db: Engine, use_tables: UseTables) -> None:
    await use_tables(postgres_db, FnTagged)
    row = FnTagged(tags=["rock", "jazz", "rock"])
    await row.save()
    selected = await FnTagged.select(
        ArrayCat(FnTagged.tags, ["pop"]),
        ArrayAppend(FnTagged.tags, "folk"),
        ArrayPrepend(FnTagged.tags, "punk"),
        ArrayRemove(FnTagged.tags, "rock"),
        ArrayReplace(FnTagged.tags, "rock", "metal"),
    )
    assert selected == [
        {
            "array_cat": ["rock", "jazz", "rock", "pop"],
            "array_append": ["rock", "jazz", "rock", "folk"],
            "array_prepend": ["punk", "rock", "jazz", "rock"],
            "array_remove": ["jazz"],
            "array_replace": ["metal", "jazz", "metal"],
        }
    ]
    await FnTagged.update({FnTagged.tags: ArrayAppend(FnTagged.tags, "blues")}).where(
        FnTagged.id == row.id
    )
    assert await FnTagged.select(FnTagged.tags).output(as_list=True) == [
        ["rock", "jazz", "rock", "blues"]
    ]


async def test_array_functions_are_a_clear_error_on_sqlite(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await use_tables(sqlite_db, FnTagged)
    # Piccolo's messages.
    with pytest.raises(QueryError, match="Only Postgres and Cockroach support array appending"):
        await FnTagged.select(ArrayAppend(FnTagged.tags, "x"))
    with pytest.raises(QueryError, match="Only Postgres and Cockroach support array removing"):
        await FnTagged.update({FnTagged.tags: ArrayRemove(FnTagged.tags, "x")}, force=True)


# subqueries --------------------------------------------------------------------------------------
async def test_is_in_and_not_in_subqueries(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    in_oslo = FnConcert.select(FnConcert.band).where(FnConcert.city == "Oslo")
    rows = await FnBand.select(FnBand.name).where(FnBand.id.is_in(in_oslo)).order_by(FnBand.name)
    assert [r["name"] for r in rows] == ["Pythonistas", "Rustaceans"]
    rows = await FnBand.select(FnBand.name).where(FnBand.id.not_in(in_oslo))
    assert [r["name"] for r in rows] == ["Pythonettes"]
    managers = await FnManager.select(FnManager.name).where(
        FnManager.id.is_in(FnBand.select(FnBand.manager).where(Length(FnBand.name) < 11))
    )
    assert managers == [{"name": "Graydon"}]


async def test_correlated_exists_subqueries(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)
    played = FnConcert.select(FnConcert.id).where(FnConcert.band == FnBand.id)
    rows = await FnBand.select(FnBand.name).where(Exists(played)).order_by(FnBand.name)
    assert [r["name"] for r in rows] == ["Pythonistas", "Rustaceans"]
    rows = await FnBand.select(FnBand.name).where(~Exists(played))
    assert [r["name"] for r in rows] == ["Pythonettes"]
    in_lima = played.where(FnConcert.city == "Lima")
    assert await FnBand.count().where(Exists(in_lima)) == 1
    assert await FnBand.exists().where(Exists(in_lima), FnBand.popularity > 1000) is False
    # managers with a band that played in Oslo: two levels of correlation
    managers = await FnManager.select(FnManager.name).where(
        Exists(
            FnBand.select(FnBand.id).where(
                FnBand.manager == FnManager.id,
                Exists(played.where(FnConcert.city == "Oslo")),
            )
        )
    )
    assert sorted(r["name"] for r in managers) == ["Graydon", "Guido"]
    await FnBand.delete().where(~Exists(played))
    assert await FnBand.count() == 2


# distinct on, lock_rows, callback ----------------------------------------------------------------
async def test_distinct_on_with_order_by(postgres_db: Engine, use_tables: UseTables) -> None:
    await seed(postgres_db, use_tables)
    rows = await (
        FnBand.select(FnBand.manager.name, FnBand.name)
        .distinct(on=[FnBand.manager.name])
        .order_by(FnBand.manager.name)
        .order_by(FnBand.popularity, ascending=False)
    )
    assert rows == [
        {"manager.name": "Graydon", "name": "Rustaceans"},
        {"manager.name": "Guido", "name": "Pythonistas"},
    ]
    least = await (
        FnBand.select(FnBand.manager, FnBand.name)
        .distinct(on=[FnBand.manager])
        .order_by(FnBand.manager)
        .order_by(FnBand.popularity)
    )
    assert [r["name"] for r in least] == ["Pythonettes", "Rustaceans"]


async def test_distinct_on_is_a_clear_error_on_sqlite(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await seed(sqlite_db, use_tables)
    with pytest.raises(NotImplementedError, match="SQLite doesn't support DISTINCT ON"):
        await FnBand.select(FnBand.name).distinct(on=[FnBand.manager])


async def test_lock_rows_blocks_another_transaction(
    postgres_db: Engine, use_tables: UseTables
) -> None:
    await seed(postgres_db, use_tables)
    locked, done = asyncio.Event(), asyncio.Event()

    async def holder() -> list[dict[str, Any]]:
        async with postgres_db.transaction():
            rows = await FnBand.select(FnBand.name).where(FnBand.name == "Pythonistas").lock_rows()
            locked.set()
            await done.wait()
            return rows

    task = asyncio.create_task(holder())
    await locked.wait()
    try:
        with pytest.raises(LockTimeout):
            async with postgres_db.transaction():
                await FnBand.select().where(FnBand.name == "Pythonistas").lock_rows(nowait=True)
        async with postgres_db.transaction():
            free = (
                await FnBand.select(FnBand.name).order_by(FnBand.name).lock_rows(skip_locked=True)
            )
        assert [r["name"] for r in free] == ["Pythonettes", "Rustaceans"]
        objects = await FnBand.objects().where(FnBand.name == "Rustaceans").lock_rows("SHARE")
        assert [b.name for b in objects] == ["Rustaceans"]
    finally:
        done.set()
        assert await task == [{"name": "Pythonistas"}]
    # released at commit: now it can be locked
    async with postgres_db.transaction():
        assert (
            await FnBand.select(FnBand.id)
            .where(FnBand.name == "Pythonistas")
            .lock_rows(nowait=True, of=(FnBand,))
        )


async def test_lock_rows_is_a_clear_error_on_sqlite(
    sqlite_db: Engine, use_tables: UseTables
) -> None:
    await seed(sqlite_db, use_tables)
    with pytest.raises(NotImplementedError, match="SQLite doesn't support row locking"):
        await FnBand.select().lock_rows()


async def test_callbacks_transform_results(db: Engine, use_tables: UseTables) -> None:
    await seed(db, use_tables)

    def names(rows: list[dict[str, Any]]) -> list[str]:
        return sorted(r["name"] for r in rows)

    async def shout(names: list[str]) -> list[str]:
        await asyncio.sleep(0)
        return [n.upper() for n in names]

    assert await FnBand.select(FnBand.name).callback([names, shout]) == [
        "PYTHONETTES",
        "PYTHONISTAS",
        "RUSTACEANS",
    ]
    assert await FnBand.select(FnBand.name).callback(names).callback(len) == 3
    popular = await FnBand.objects().callback(
        lambda bands: [b for b in bands if b.popularity > 100]
    )
    assert sorted(b.name for b in popular) == ["Pythonistas", "Rustaceans"]
    assert await FnBand.select(Count()).first().callback(lambda row: row["count"]) == 3  # type: ignore[attr-defined]
    # Piccolo: first()/get() of objects() take more clauses, and callbacks get the row
    rustaceans = FnBand.objects().get(FnBand.name == "Rustaceans")
    assert await rustaceans.callback(lambda band: band.name) == "Rustaceans"
    assert (
        await FnBand.objects()
        .callback(lambda band: band.name)
        .first()
        .where(FnBand.name == "Rustaceans")
        == "Rustaceans"
    )
    top = await FnBand.objects().first().order_by(FnBand.popularity, ascending=False)
    second = await FnBand.objects().order_by(FnBand.popularity, ascending=False).first().offset(1)
    assert top is not None and second is not None and top.popularity > second.popularity
    assert await FnBand.objects().first().where(FnBand.name == "nobody") is None


def test_an_unknown_time_zone_is_refused_when_built() -> None:
    # Piccolo: ZoneInfoNotFoundError from AtTimeZone itself, before any SQL.
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError, match="Mars/Olympus"):
        AtTimeZone(FnBand.signed, "Mars/Olympus")
    with pytest.raises(QueryError):  # Vivace's error too
        AtTimeZone(FnBand.signed, "ABC")
    assert AtTimeZone(FnBand.signed, "Europe/Paris") is not None
