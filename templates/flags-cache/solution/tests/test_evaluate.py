"""How a flag answers (README: "How a flag answers")."""

from fastapi.testclient import TestClient

from tests.conftest import answer, set_flag

CHECKOUT_RULES = [
    {"attribute": "plan", "one_of": ["enterprise"], "serve": True},
    {"attribute": "country", "one_of": ["DE", "AT"], "serve": False},
]


def test_a_disabled_flag_is_off_for_everyone(client: TestClient) -> None:
    set_flag(client, "qa-01", enabled=False, rollout_percent=100, rules=CHECKOUT_RULES)
    seen = answer(client, "qa-01", "ada", plan="enterprise")
    assert (seen["enabled"], seen["reason"]) == (False, "off")


def test_the_first_matching_rule_decides(client: TestClient) -> None:
    set_flag(client, "qa-02", enabled=True, rollout_percent=100, rules=CHECKOUT_RULES)
    first = answer(client, "qa-02", "ada", plan="enterprise", country="DE")
    second = answer(client, "qa-02", "ada", plan="pro", country="DE")
    neither = answer(client, "qa-02", "ada", plan="pro", country="FR")
    assert (first["enabled"], first["reason"]) == (True, "rule")
    assert (second["enabled"], second["reason"]) == (False, "rule")
    assert (neither["enabled"], neither["reason"]) == (True, "rollout")


def test_country_codes_match_in_any_case(client: TestClient) -> None:
    set_flag(client, "qa-03", enabled=True, rollout_percent=100, rules=CHECKOUT_RULES)
    seen = answer(client, "qa-03", "ada", country="de")
    assert (seen["enabled"], seen["reason"]) == (False, "rule")


def test_an_answer_names_the_flag_the_user_and_the_version(client: TestClient) -> None:
    changed = set_flag(client, "qa-04", enabled=True, rollout_percent=0)
    seen = answer(client, "qa-04", "grace")
    assert seen == {
        "flag": "qa-04", "user": "grace", "enabled": False, "reason": "fallthrough",
        "version": changed["version"],
    }  # fmt: skip


def test_an_unknown_flag_is_404(client: TestClient) -> None:
    response = client.get("/flags/no-such-flag/evaluate", params={"user": "ada"})
    assert response.status_code == 404


def test_a_user_is_required(client: TestClient) -> None:
    assert client.get("/flags/qa-01/evaluate").status_code == 422


def test_every_flag_is_evaluated_at_once(client: TestClient) -> None:
    attributes = {"plan": "pro", "country": "FR"}
    response = client.get("/evaluate", params={"user": "linus", **attributes})
    assert response.status_code == 200
    flags = response.json()["flags"]
    assert len(flags) == 100
    for key in ("checkout-new-layout", "search-dark-mode", "qa-20"):
        assert flags[key] == answer(client, key, "linus", **attributes)["enabled"]
