"""The service publishes the contract in docs/openapi.yaml (the mobile team builds on it)."""

from pathlib import Path

import pytest
import yaml

from app.main import create_app

CONTRACT = yaml.safe_load((Path(__file__).parent.parent / "docs" / "openapi.yaml").read_text())
OPERATIONS = [
    (path, method, operation)
    for path, item in CONTRACT["paths"].items()
    for method, operation in item.items()
    if method in {"get", "post", "put", "patch", "delete"}
]


@pytest.fixture(scope="module")
def published():
    return create_app().openapi()


def test_every_contract_operation_is_served_under_its_operation_id(published):
    for path, method, operation in OPERATIONS:
        served = published["paths"].get(path, {}).get(method)
        assert served is not None, f"{method.upper()} {path} is not served"
        assert served.get("operationId") == operation["operationId"], f"{method.upper()} {path}"


def test_every_documented_status_code_is_published(published):
    for path, method, operation in OPERATIONS:
        served = published["paths"].get(path, {}).get(method, {})
        missing = set(operation["responses"]) - set(served.get("responses", {}))
        assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
