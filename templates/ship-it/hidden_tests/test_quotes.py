from typing import Any

import httpx


def test_a_quote_is_201_with_parcelways_price(shipquote: Any) -> None:
    """POST /quotes answers 201 with Parcelway's price_cents and rate_id for the parcel."""
    weight = shipquote.weight()
    answer = shipquote.http.post("/quotes", json=shipquote.parcel(weight, "NL", "NL"))
    assert answer.status_code == 201
    quote = answer.json()
    assert quote["price_cents"] == 490 + 45 * ((weight + 499) // 500)
    assert quote["rate_id"].startswith("r_")
    assert (quote["from"], quote["to"], quote["weight_g"]) == ("NL", "NL", weight)


def test_a_quote_is_stored_where_every_instance_finds_it(shipquote: Any) -> None:
    """GET /quotes/{id} answers the stored quote, from either instance."""
    quote = shipquote.http.post("/quotes", json=shipquote.parcel(shipquote.weight())).json()
    for base_url in shipquote.base_urls:
        assert httpx.get(f"{base_url}/quotes/{quote['id']}").json() == quote


def test_a_parcel_that_is_not_one_is_422_without_asking_parcelway(shipquote: Any) -> None:
    """A weight outside 1-30,000 g, a country that is not two capital letters, a missing field: 422, and no call to Parcelway."""
    before = len(shipquote.calls())
    for bad in (
        shipquote.parcel(0), shipquote.parcel(30_001), shipquote.parcel(100, origin="de"),
        {"from": "DE", "weight_g": 100},
    ):  # fmt: skip
        assert shipquote.http.post("/quotes", json=bad).status_code == 422, bad
    assert len(shipquote.calls()) == before


def test_an_unknown_quote_is_404(shipquote: Any) -> None:
    """GET /quotes/{id} of a quote that does not exist is 404."""
    assert shipquote.http.get("/quotes/987654321").status_code == 404
