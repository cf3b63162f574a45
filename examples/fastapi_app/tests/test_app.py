"""The app's endpoints, each test in its own rolled-back transaction."""

from __future__ import annotations

import httpx


async def make_manager(client: httpx.AsyncClient, name: str = "Guido") -> int:
    response = await client.post("/managers/", json={"name": name})
    assert response.status_code == 201
    manager_id: int = response.json()["id"]
    return manager_id


async def test_create_and_read_bands(client: httpx.AsyncClient) -> None:
    guido = await make_manager(client)
    response = await client.post("/bands/", json={"name": "Pythonistas", "manager": guido})
    assert response.status_code == 201
    band = response.json()
    assert band["name"] == "Pythonistas" and band["popularity"] == 0
    assert band["manager"] == {"id": guido, "name": "Guido"}
    assert (await client.get(f"/bands/{band['id']}")).json() == band
    assert (await client.get("/bands/")).json() == [band]


async def test_database_errors_become_http_answers(client: httpx.AsyncClient) -> None:
    guido = await make_manager(client)
    first = await client.post("/bands/", json={"name": "Pythonistas", "manager": guido})
    assert first.status_code == 201
    duplicate = await client.post("/bands/", json={"name": "Pythonistas", "manager": guido})
    assert duplicate.status_code == 409
    orphan = await client.post("/bands/", json={"name": "Rustaceans", "manager": guido + 1000})
    assert orphan.status_code == 422
    too_long = await client.post("/bands/", json={"name": "x" * 51, "manager": guido})
    assert too_long.status_code == 422  # refused by the pydantic model: max_length=50
    # The failed inserts left the connection usable, and nothing behind.
    assert [b["name"] for b in (await client.get("/bands/")).json()] == ["Pythonistas"]


async def test_delete_and_not_found(client: httpx.AsyncClient) -> None:
    guido = await make_manager(client)
    band = (await client.post("/bands/", json={"name": "C-Sharps", "manager": guido})).json()
    assert (await client.delete(f"/bands/{band['id']}")).status_code == 204
    assert (await client.get(f"/bands/{band['id']}")).status_code == 404
    assert (await client.delete(f"/bands/{band['id']}")).status_code == 404


async def test_earlier_tests_left_nothing(client: httpx.AsyncClient) -> None:
    assert (await client.get("/bands/")).json() == []
