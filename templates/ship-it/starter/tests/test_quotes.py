"""Quotes: Parcelway's price for a parcel, stored."""

from tests.conftest import Carrier, Service, parcel


def test_a_quote_is_parcelways_price_and_is_stored(service: Service, carrier: Carrier) -> None:
    answer = service.http.post("/quotes", json=parcel(1200))
    assert answer.status_code == 201
    quote = answer.json()
    assert (quote["price_cents"], quote["weight_g"]) == (890 + 45 * 3, 1200)
    assert service.http.get(f"/quotes/{quote['id']}").json() == quote
    assert len(carrier.calls(1200)) == 1


def test_a_parcel_that_is_not_one_is_422(service: Service) -> None:
    for bad in (parcel(0), parcel(30_001), parcel(100, origin="Germany"), {"weight_g": 5}):
        assert service.http.post("/quotes", json=bad).status_code == 422, bad


def test_an_unknown_quote_is_404(service: Service) -> None:
    assert service.http.get("/quotes/987654").status_code == 404
