"""Typing checks run by pyright and mypy in CI (never executed): relations."""

from __future__ import annotations

from typing import Any, assert_type

from vivace import Table
from vivace.columns import M2M, ForeignKey, LazyTableReference, ReverseForeignKey, Varchar
from vivace.orm.m2m import AddM2M, RemoveM2M
from vivace.schema import TableBase
from vivace.sql import RelatedRows


class TManager(Table):
    name = Varchar()
    # A relation is generic in the table whose rows it lists: a lazy reference says it in
    # the annotation (unannotated, the rows are only known to be a Table's).
    bands: ReverseForeignKey[TBand] = ReverseForeignKey(
        LazyTableReference("TBand", module_path=__name__)
    )
    unannotated = ReverseForeignKey(LazyTableReference("TBand", module_path=__name__))


class TBand(Table):
    name = Varchar()
    manager = ForeignKey(TManager)
    genres: M2M[TGenre] = M2M(LazyTableReference("TGenreToBand", module_path=__name__))


class TGenre(Table):
    name = Varchar()


class TGenreToBand(Table):
    band = ForeignKey(TBand)
    genre = ForeignKey(TGenre)


async def check_relations(manager: TManager, band: TBand, genre: TGenre) -> None:
    assert_type(TManager.bands(TBand.name, as_list=True), RelatedRows)
    assert_type(TBand.genres(TGenre.name), RelatedRows)
    assert_type(await TManager.objects(TManager.bands), list[TManager])
    assert_type(await manager.get_related(TManager.bands), list[TBand])
    assert_type(TManager.bands, ReverseForeignKey[TBand])
    for fetched in await TManager.objects(TManager.bands):
        assert_type(fetched.bands, list[TBand])
    assert_type(band.genres, list[TGenre])
    assert_type(await manager.get_related(TManager.unannotated), list[TableBase])
    assert_type(await band.get_related(TBand.manager), TManager | None)
    assert_type(await band.get_m2m(TBand.genres), list[TGenre])
    band.get_m2m(TManager.bands)  # type: ignore[arg-type]
    assert_type(band.add_m2m(genre, m2m=TBand.genres), AddM2M)
    assert_type(await band.add_m2m(genre, m2m=TBand.genres), list[dict[str, Any]])
    assert_type(band.remove_m2m(genre, m2m=TBand.genres), RemoveM2M)
