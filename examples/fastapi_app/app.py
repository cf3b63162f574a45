"""The API: managers and bands, with pydantic models made from the tables.

Run it with ``uvicorn examples.fastapi_app.app:app`` (from the repository's root).
Errors the database reports become HTTP answers: a duplicate band name is 409 Conflict,
a band whose manager does not exist is 422 Unprocessable Entity.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from examples.fastapi_app.tables import DB, Band, Manager
from vivace import create_db_tables
from vivace.exceptions import ForeignKeyViolation, UniqueViolation
from vivace.pydantic import create_pydantic_model

# What clients send (no id) and what they get back (with the id; a band's manager nested).
ManagerIn = create_pydantic_model(Manager, model_name="ManagerIn")
ManagerOut = create_pydantic_model(Manager, include_default_columns=True, model_name="ManagerOut")
BandIn = create_pydantic_model(Band, model_name="BandIn")
BandOut = create_pydantic_model(
    Band, include_default_columns=True, nested=True, model_name="BandOut"
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the connection pool when the app starts, close it when it stops."""
    await DB.start_connection_pool()
    await create_db_tables(Manager, Band, if_not_exists=True)  # a real app runs migrations
    yield
    await DB.close_connection_pool()


app = FastAPI(title="Bands", lifespan=lifespan)


@app.exception_handler(UniqueViolation)
async def conflict(request: Request, error: UniqueViolation) -> JSONResponse:
    return JSONResponse(status_code=409, content={"detail": "already exists"})


@app.exception_handler(ForeignKeyViolation)
async def missing_reference(request: Request, error: ForeignKeyViolation) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": "refers to a row that does not exist"})


@app.post("/managers/", status_code=201, response_model=ManagerOut)
async def create_manager(payload: ManagerIn) -> Any:  # type: ignore[valid-type]
    manager = Manager(**payload.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
    async with DB.transaction():
        await manager.save()
    return manager.to_dict()


@app.get("/bands/", response_model=list[BandOut])  # type: ignore[valid-type]
async def list_bands() -> Any:
    return (
        await Band.select(Band.all_columns(), Band.manager.all_columns())
        .order_by(Band.name)
        .output(nested=True)
    )


@app.get("/bands/{band_id}", response_model=BandOut)
async def get_band(band_id: int) -> Any:
    band = await Band.objects(Band.manager).get(Band.id == band_id)
    if band is None:
        raise HTTPException(status_code=404, detail="no such band")
    return band.to_dict()


@app.post("/bands/", status_code=201, response_model=BandOut)
async def create_band(payload: BandIn) -> Any:  # type: ignore[valid-type]
    band = Band(**payload.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
    # A transaction of its own: a failed insert leaves the connection (and, in tests, the
    # test's transaction) usable.
    async with DB.transaction():
        await band.save()
    return await get_band(band.id)


@app.delete("/bands/{band_id}", status_code=204)
async def delete_band(band_id: int) -> Response:
    deleted = await Band.delete().where(Band.id == band_id).returning(Band.id)
    if not deleted:
        raise HTTPException(status_code=404, detail="no such band")
    return Response(status_code=204)
