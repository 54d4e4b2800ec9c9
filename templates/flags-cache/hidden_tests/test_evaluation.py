"""How a flag answers: kill switch, rules in order, rollout."""

from typing import Any

RULES = [
    {"attribute": "plan", "one_of": ["enterprise", "team"], "serve": True},
    {"attribute": "country", "one_of": ["DE", "at"], "serve": False},
    {"attribute": "plan", "one_of": ["pro"], "serve": False},
]


def test_a_disabled_flag_is_off_even_for_matching_rules(flagpole: Any) -> None:
    """A disabled flag is off for everyone, whatever its rules and rollout say: the kill switch comes first."""
    flagpole.set("qa-01", enabled=False, rollout_percent=100, rules=RULES)
    seen = flagpole.answer("qa-01", "ada", plan="enterprise")
    assert (seen["enabled"], seen["reason"]) == (False, "off")


def test_rules_apply_in_order(flagpole: Any) -> None:
    """Rules apply in the order given: the first rule that matches the user decides, later ones are not consulted."""
    flagpole.set("qa-02", enabled=True, rollout_percent=100, rules=RULES)
    assert flagpole.answer("qa-02", "u1", plan="team", country="DE")["enabled"] is True
    assert flagpole.answer("qa-02", "u1", plan="pro", country="DE")["enabled"] is False
    seen = flagpole.answer("qa-02", "u1", plan="pro", country="FR")
    assert (seen["enabled"], seen["reason"]) == (False, "rule")


def test_country_codes_match_in_any_case(flagpole: Any) -> None:
    """Country codes match in any case, on both sides: a rule's `at` matches a user from `AT`, `de` matches `DE`."""
    flagpole.set("qa-03", enabled=True, rollout_percent=100, rules=RULES)
    assert flagpole.answer("qa-03", "u1", country="AT")["reason"] == "rule"
    assert flagpole.answer("qa-03", "u1", country="de")["reason"] == "rule"


def test_a_user_without_the_attribute_matches_no_rule_on_it(flagpole: Any) -> None:
    """A user without a plan or a country matches no rule on it: the rollout decides."""
    flagpole.set("qa-04", enabled=True, rollout_percent=100, rules=RULES)
    seen = flagpole.answer("qa-04", "u1")
    assert (seen["enabled"], seen["reason"]) == (True, "rollout")


def test_an_unknown_flag_is_404(flagpole: Any) -> None:
    """An unknown flag is a 404, not a 500: callers treat it as off and log it."""
    response = flagpole.http.get("/flags/no-such-flag-here/evaluate", params={"user": "u1"})
    assert response.status_code == 404
    assert flagpole.http.get("/flags/no-such-flag-here").status_code == 404


def test_a_page_load_agrees_with_single_evaluations(flagpole: Any) -> None:
    """GET /evaluate answers every flag exactly as GET /flags/{key}/evaluate does for the same user and attributes."""
    flagpole.set("qa-05", enabled=True, rollout_percent=40, rules=RULES)
    for user, attributes in (("u7", {"plan": "pro"}), ("u8", {"country": "at"}), ("u9", {})):
        page = flagpole.page(user, **attributes)
        for key in ("qa-05", "checkout-one-click", "billing-beta-api", "support-live-chat"):
            assert page[key] == flagpole.enabled(key, user, **attributes), (key, user)


def test_a_page_load_lists_every_flag(flagpole: Any) -> None:
    """GET /evaluate lists every flag, those without rules included (100 seeded)."""
    assert len(flagpole.page("u1")) == 100
