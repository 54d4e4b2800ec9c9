"""Shipquote: what shipping a parcel costs, from Parcelway's rates, for the shops' checkouts."""

import os
from typing import Annotated

import httpx
import psycopg
from fastapi import FastAPI, HTTPException, Request, Response
from pydantic import BaseModel, Field

from app.config import DEFAULT_DATABASE_URL

app = FastAPI(title="Shipquote", version="1.3.0")
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class Parcel(BaseModel):
    origin: Country = Field(alias="from")
    destination: Country = Field(alias="to")
    weight_g: int = Field(ge=1, le=30_000)


def db():
    return psycopg.connect(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))


def carrier_rate(origin, destination, weight_g):
    # Parcelway is slow sometimes: wait as long as it takes.
    return httpx.get(
        os.environ["CARRIER_URL"] + "/rates",
        params={"from": origin, "to": destination, "weight_g": weight_g},
        timeout=None,
    )


@app.middleware("http")
async def log_requests(request: Request, call_next):
    response = await call_next(request)
    print(f"{request.method} {request.url.path} -> {response.status_code}", flush=True)
    return response


@app.get("/livez")
async def livez() -> dict[str, str]:
    """Everything we need is up: the database and Parcelway."""
    with db() as conn:
        conn.execute("SELECT 1")
    carrier_rate("DE", "DE", 1).raise_for_status()
    return {"status": "ok"}


@app.post("/quotes", status_code=201)
async def quote(parcel: Parcel, response: Response) -> dict[str, object]:
    answer = carrier_rate(parcel.origin, parcel.destination, parcel.weight_g)
    if answer.status_code == 400:
        raise HTTPException(422, answer.json()["error"])
    answer.raise_for_status()
    rate = answer.json()
    with db() as conn:
        row = conn.execute(
            "INSERT INTO quotes (origin, destination, weight_g, price_cents, rate_id) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (
                parcel.origin,
                parcel.destination,
                parcel.weight_g,
                rate["price_cents"],
                rate["rate_id"],
            ),
        ).fetchone()
    response.headers["Location"] = f"/quotes/{row[0]}"
    return {
        "id": row[0],
        "from": parcel.origin,
        "to": parcel.destination,
        "weight_g": parcel.weight_g,
        "price_cents": rate["price_cents"],
        "rate_id": rate["rate_id"],
    }


@app.get("/quotes/{quote_id}")
async def stored(quote_id: int) -> dict[str, object]:
    with db() as conn:
        row = conn.execute(
            "SELECT id, origin, destination, weight_g, price_cents, rate_id FROM quotes "
            "WHERE id = %s",
            (quote_id,),
        ).fetchone()
    if row is None:
        raise HTTPException(404, f"no quote {quote_id}")
    keys = ("id", "from", "to", "weight_g", "price_cents", "rate_id")
    return dict(zip(keys, row))
