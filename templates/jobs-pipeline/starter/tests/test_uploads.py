"""Uploading a statement: checked and queued at once, never processed in the request."""

from fastapi.testclient import TestClient

from tests.conftest import statement, upload


def test_an_upload_is_queued(client: TestClient) -> None:
    answer = upload(client, "acme", statement("12.50", "-2.25", "100"))
    assert answer.status_code == 202
    job = answer.json()
    assert job["status"] == "queued"
    assert job["attempts"] == 0
    assert (job["lines"], job["total_cents"]) == (3, 11025)
    assert answer.headers["Location"] == f"/jobs/{job['id']}"
    assert client.get(f"/jobs/{job['id']}").json()["status"] == "queued"


def test_amounts_add_up_exactly(client: TestClient) -> None:
    job = upload(client, "acme", statement(*["0.10"] * 3, "-0.3", "7")).json()
    assert job["total_cents"] == 700


def test_a_bad_amount_is_422_naming_its_line(client: TestClient) -> None:
    answer = upload(client, "acme", statement("1.00", "12,50"))
    assert answer.status_code == 422
    assert "line 3" in answer.text


def test_a_file_without_the_header_is_422(client: TestClient) -> None:
    answer = upload(client, "acme", "2026-11-01,Coffee,3.00\n")
    assert answer.status_code == 422


def test_an_account_is_required(client: TestClient) -> None:
    answer = client.post("/uploads", content=statement("1.00"))
    assert answer.status_code == 422


def test_an_unknown_job_is_404(client: TestClient) -> None:
    assert client.get("/jobs/987654").status_code == 404
