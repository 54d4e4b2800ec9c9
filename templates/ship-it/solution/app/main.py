"""The application: `create_app(settings)`; `python -m app` checks the settings and serves it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, HTTPException, Response
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from pydantic import BaseModel, Field

from app import carrier, logs
from app.config import Settings

READY_SECONDS = 1.0
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class Parcel(BaseModel):
    origin: Country = Field(alias="from")
    destination: Country = Field(alias="to")
    weight_g: int = Field(ge=1, le=30_000)


def create_app(settings: Settings) -> FastAPI:
    pool = AsyncConnectionPool(
        settings.database_url,
        min_size=1,
        max_size=10,
        open=False,
        check=AsyncConnectionPool.check_connection,  # a database restart costs no request
    )
    http = httpx.AsyncClient(
        base_url=settings.carrier_url, timeout=httpx.Timeout(settings.carrier_timeout_seconds)
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await pool.open(wait=False)
        yield
        await http.aclose()
        await pool.close()

    app = FastAPI(title="Shipquote", version="2.0.0", lifespan=lifespan)
    app.middleware("http")(logs.access_log)

    @app.get("/livez")
    async def livez() -> dict[str, str]:
        """The process serves: nothing it depends on is asked (a restart would not fix it)."""
        return {"status": "alive"}

    @app.get("/readyz")
    async def readyz(response: Response) -> dict[str, str]:
        """Send traffic here: the database answers within READY_SECONDS."""
        try:
            async with pool.connection(timeout=READY_SECONDS) as conn:
                await conn.execute("SELECT 1")
        except Exception as exc:  # any failure means: not ready
            response.status_code = 503
            return {"status": "not ready", "reason": f"database: {type(exc).__name__}"}
        return {"status": "ready"}

    @app.post("/quotes", status_code=201)
    async def quote(parcel: Parcel, response: Response) -> dict[str, Any]:
        try:
            rate = await carrier.rate(
                http, parcel.origin, parcel.destination, parcel.weight_g,
                settings.carrier_attempts,
            )  # fmt: skip
        except carrier.CarrierRejected as exc:
            raise HTTPException(422, f"Parcelway: {exc}") from None
        except carrier.CarrierUnavailable as exc:
            raise HTTPException(503, str(exc), headers={"Retry-After": "5"}) from None
        async with pool.connection() as conn:
            cursor = await conn.cursor(row_factory=dict_row).execute(
                "INSERT INTO quotes (origin, destination, weight_g, price_cents, rate_id) "
                "VALUES (%s, %s, %s, %s, %s) RETURNING id",
                (parcel.origin, parcel.destination, parcel.weight_g, rate.price_cents,
                 rate.rate_id),
            )  # fmt: skip
            row = await cursor.fetchone()
        assert row is not None  # noqa: S101  (RETURNING always gives the row)
        response.headers["Location"] = f"/quotes/{row['id']}"
        return {"id": row["id"], "from": parcel.origin, "to": parcel.destination,
                "weight_g": parcel.weight_g, "price_cents": rate.price_cents,
                "rate_id": rate.rate_id}  # fmt: skip

    @app.get("/quotes/{quote_id}")
    async def stored(quote_id: int) -> dict[str, Any]:
        async with pool.connection() as conn:
            cursor = await conn.cursor(row_factory=dict_row).execute(
                "SELECT id, origin AS from, destination AS to, weight_g, price_cents, rate_id "
                "FROM quotes WHERE id = %s",
                (quote_id,),
            )
            row = await cursor.fetchone()
        if row is None:
            raise HTTPException(404, f"no quote {quote_id}")
        return row

    return app
