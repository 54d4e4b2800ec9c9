"""Statements per request and the services' spec: the pure parts, no database needed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from basis.errors import UserError
from graders.feedback.comment import render_feedback
from graders.model.assignment import Slo, load_assignment
from graders.model.loadstats import database_findings, describe_goal, judge
from graders.model.report import (
    DatabaseUse,
    EndpointLoad,
    EndpointStatements,
    GradeReport,
    LoadMetrics,
    StageResult,
    Submission,
)  # fmt: skip
from graders.running.services import missing_binaries
from graders.running.statement_counts import Ran, Reading, difference, log_entries
from graders.running.statements import per_endpoint
from tests.conftest import FIXTURES

ORDERS_ROW = EndpointLoad(
    endpoint="GET /orders", requests=50, failures=0, rps=25, p50_ms=5, p95_ms=9, p99_ms=12
)
N_PLUS_ONE = {"SELECT name FROM customers WHERE id = $1": 20, "SELECT id FROM orders": 1}


def test_statements_are_grouped_per_endpoint_with_the_most_frequent_shape_first():
    records = [
        {"endpoint": "GET /orders", "statements": N_PLUS_ONE},
        {"endpoint": "GET /orders", "statements": N_PLUS_ONE},
        {"endpoint": "GET /health", "statements": {}},
        {"error": "list_orders failed: KeyError('id')"},
    ]
    health, orders = per_endpoint(records)
    assert (health.endpoint, health.requests, health.per_request) == ("GET /health", 1, 0.0)
    assert (orders.requests, orders.per_request) == (2, 21.0)
    assert [(s.statement, s.per_request) for s in orders.shapes] == [
        ("SELECT name FROM customers WHERE id = $1", 20.0),
        ("SELECT id FROM orders", 1.0),
    ]


def test_a_statements_goal_says_the_count_and_the_goal():
    slo = Slo(endpoint="GET /orders", max_statements=3)
    counted = per_endpoint([{"endpoint": "GET /orders", "statements": N_PLUS_ONE}])
    check = judge(slo, [ORDERS_ROW], 5.0, {c.endpoint: c for c in counted})
    assert check.name == "GET /orders: ≤ 3 statements per request"
    assert check.message == "21 statements per request; the goal is at most 3"
    assert (check.status, check.missed) == ("failed", ["statements"])


def test_pages_read_are_averaged_per_request_of_each_endpoint():
    records = [
        {"endpoint": "GET /orders", "statements": N_PLUS_ONE, "pages": 2400},
        {"endpoint": "GET /orders", "statements": N_PLUS_ONE, "pages": 2402},
        {"endpoint": "GET /health", "statements": {}},  # a probe of an older grader: no pages
    ]
    health, orders = per_endpoint(records)
    assert (health.pages_per_request, orders.pages_per_request) == (0.0, 2401.0)


def test_a_pages_goal_says_the_pages_read_and_the_goal():
    slo = Slo(endpoint="GET /orders", max_pages_read=1000)
    counted = per_endpoint([{"endpoint": "GET /orders", "statements": N_PLUS_ONE, "pages": 2401}])
    check = judge(slo, [ORDERS_ROW], 5.0, {c.endpoint: c for c in counted})
    assert check.name == "GET /orders: ≤ 1,000 pages read per request"
    assert check.message == "2,401 pages read per request; the goal is at most 1,000"
    assert (check.status, check.missed) == ("failed", ["pages"])


def test_a_pages_goal_is_met_at_the_goal_whatever_the_statements():
    slo = Slo(endpoint="GET /orders", max_pages_read=1000)
    counted = EndpointStatements(
        endpoint="GET /orders", requests=3, per_request=26.0, pages_per_request=1000.0
    )
    assert judge(slo, [ORDERS_ROW], 5.0, {"GET /orders": counted}).status == "passed"


def test_a_service_that_never_used_its_database_misses_its_pages_goal():
    check = judge(Slo(endpoint="GET /orders", max_pages_read=10), [ORDERS_ROW], 5.0, None)
    assert check.missed == ["pages"]


def test_a_statements_goal_is_met_at_the_goal():
    slo = Slo(endpoint="GET /orders", max_statements=1)
    counted = EndpointStatements(endpoint="GET /orders", requests=3, per_request=1.0)
    assert judge(slo, [ORDERS_ROW], 5.0, {"GET /orders": counted}).status == "passed"


def test_a_service_that_never_used_its_database_misses_its_statements_goal():
    check = judge(Slo(endpoint="GET /orders", max_statements=3), [ORDERS_ROW], 5.0, None)
    assert check.missed == ["statements"]
    assert "never ran a statement" in check.message


def test_latency_goals_do_not_need_a_database():
    assert describe_goal(Slo(endpoint="GET /orders", p95_ms=50)) == "p95 ≤ 50 ms"
    assert judge(Slo(endpoint="GET /orders", p95_ms=50), [ORDERS_ROW], 5.0).status == "passed"


@pytest.mark.parametrize(
    ("use", "said"),
    [
        (DatabaseUse(statements=0, idle_connections=0, max_idle_connections=5), ["never used"]),
        (DatabaseUse(statements=9, idle_connections=6, max_idle_connections=5), ["6 PostgreSQL"]),
        (DatabaseUse(statements=9, idle_connections=5, max_idle_connections=5), []),
    ],
)
def test_database_findings(use, said):
    findings = database_findings(use)
    assert len(findings) == len(said)
    for finding, words in zip(findings, said, strict=True):
        assert words in finding


def test_the_orders_fixture_asks_for_both_services():
    spec = load_assignment(FIXTURES / "assignments" / "orders").spec
    assert spec.app is not None
    assert spec.app.services.named() == ["postgres", "redis"]


def test_a_missing_binary_says_which_package_to_install(monkeypatch):
    monkeypatch.setattr("graders.running.services.postgres_bin", lambda: None)
    monkeypatch.setattr("graders.running.services.shutil.which", lambda _name: None)
    assert missing_binaries(["postgres", "redis"]) == [
        "install PostgreSQL (Debian/Ubuntu: `sudo apt-get install -y postgresql`)",
        "install Redis (Debian/Ubuntu: `sudo apt-get install -y redis-server`)",
    ]


APP = '[app]\nstart = "python -m app"\n'
LOAD = '[stages.load]\npoints = 5\n[[stages.load.slos]]\nendpoint = "GET /"\nmax_statements = 2\n'
PAGES = LOAD.replace("max_statements = 2", "max_pages_read = 200")


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        (APP + LOAD, "add `[app.services.postgres]`"),
        (APP + PAGES, "add `[app.services.postgres]`"),
        (APP + 'env = { R = "{redis_url}" }\n', "{redis_url} needs the service it names"),
    ],
)
def test_a_goal_or_placeholder_without_its_service_is_refused(tmp_path: Path, text, fix):
    (tmp_path / "assignment.toml").write_text(f'slug = "demo"\ntitle = "Demo"\n{text}')
    with pytest.raises(UserError, match=r"assignment\.toml") as caught:
        load_assignment(tmp_path)
    assert fix in str(caught.value)


def _orders_report(
    statements: list[EndpointStatements], use: DatabaseUse, slo: Slo | None = None
) -> GradeReport:
    counted = {s.endpoint: s for s in statements}
    slo = slo or Slo(endpoint="GET /orders", max_statements=3)
    goal = judge(slo, [ORDERS_ROW], 10.0, counted)
    load = StageResult(
        name="load",
        status="failed" if goal.status == "failed" else "passed",
        score=goal.score,
        max_score=10,
        duration_seconds=9.0,
        message="",
        checks=[goal],
        load=LoadMetrics(
            users=4, duration_seconds=2, endpoints=[ORDERS_ROW], statements=statements, database=use
        ),
    )
    return GradeReport(
        assignment="orders",
        assignment_title="Orders",
        score=load.score,
        max_score=10,
        submission=Submission(path="orders"),
        stages=[load],
        tool_versions={},
        grader_version="0",
        started_at=datetime(2026, 12, 2, tzinfo=UTC),
        duration_seconds=9.0,
    )


def test_the_feedback_shows_the_count_the_goal_and_the_statements_shapes():
    figures = per_endpoint([{"endpoint": "GET /orders", "statements": N_PLUS_ONE}])
    use = DatabaseUse(statements=400, idle_connections=0, max_idle_connections=20)
    text = render_feedback(_orders_report(figures, use))
    assert "21 statements per request; the goal is at most 3" in text
    assert (
        "- `GET /orders`: 21 per request: `SELECT name FROM customers WHERE id = $1` (20), "
        "`SELECT id FROM orders` (1)" in text
    )
    assert "N+1 queries" in text
    assert "Count your statements locally" in text
    assert "Statements per request are counted by the PostgreSQL server the grader runs" in text


def test_the_feedback_explains_pages_read_where_a_goal_counts_them():
    figures = [
        EndpointStatements(
            endpoint="GET /orders", requests=3, per_request=2.0, pages_per_request=2401.0
        )
    ]
    use = DatabaseUse(statements=400, idle_connections=0, max_idle_connections=20)
    report = _orders_report(figures, use, Slo(endpoint="GET /orders", max_pages_read=1000))
    text = render_feedback(report)
    assert "2,401 pages read per request; the goal is at most 1,000" in text
    assert "Pages read per request are counted the same way" in text
    assert "Pages read per request" not in render_feedback(_orders_report(figures, use))


def test_the_feedback_says_when_connections_are_left_open_even_with_every_goal_met():
    figures = [EndpointStatements(endpoint="GET /orders", requests=3, per_request=1.0)]
    use = DatabaseUse(statements=400, idle_connections=41, max_idle_connections=20)
    text = render_feedback(_orders_report(figures, use))
    assert "Your service and its database:" in text
    assert "held 41 PostgreSQL connections open after the load test" in text
    assert "Count your statements locally" not in text


ORDERS_QUERY = "SELECT id FROM orders WHERE customer_id = $1"
LINES_QUERY = "SELECT * FROM lines WHERE order_id = ANY($1)"


def executed(queryid: int, sql: str, user: str = "learner") -> str:
    return json.dumps({"user": user, "query_id": queryid, "message": f"execute <unnamed>: {sql}"})


def test_a_statement_the_counters_lost_is_counted_from_the_log_with_the_tables_pages():
    """A connection closed inside its transaction: its last statement (the lines) never
    reaches pg_stat_statements, so its pages come from the tables' own counters."""
    before = Reading(statements={"11": (4, 40, ORDERS_QUERY)}, log_size=0, table_pages=1_000)
    after = Reading(statements={"11": (5, 50, ORDERS_QUERY)}, log_size=900, table_pages=1_700)
    log = log_entries("\n".join([executed(11, ORDERS_QUERY), executed(22, LINES_QUERY)]))
    ran = difference(before, after, log, settled=True)
    assert ran.statements == {ORDERS_QUERY: 1, LINES_QUERY: 1}
    assert ran.pages == 700
    assert not ran.open_transaction


def test_statements_the_counters_have_keep_their_pages_and_the_log_adds_nothing():
    before = Reading(statements={"11": (4, 40, ORDERS_QUERY)}, log_size=0, table_pages=1_000)
    after = Reading(statements={"11": (6, 60, ORDERS_QUERY)}, log_size=900, table_pages=9_000)
    log = log_entries("\n".join([executed(11, ORDERS_QUERY)] * 2))
    ran = difference(before, after, log, settled=True)
    assert ran.statements == {ORDERS_QUERY: 2}
    assert ran.pages == 20  # the counters' own: a pooled connection's table counters lag


def test_only_the_learners_statements_in_the_log_count():
    before = after = Reading(statements={}, log_size=0, table_pages=0)
    log = log_entries(
        "\n".join([
            executed(33, "SELECT pg_read_file($1)", user="grader"),
            json.dumps({"user": "learner", "query_id": 0, "message": "statement: SELECT 1"}),
            json.dumps({"user": "learner", "query_id": 44, "message": "duration: 1 ms"}),
        ])
    )  # fmt: skip
    assert difference(before, after, log, settled=False) == Ran({}, 0, open_transaction=True)


def test_a_statements_own_newlines_cannot_forge_a_log_entry():
    """Hostile: the statement text carries a line that looks like another entry; JSON lines
    escape it, so it stays inside the statement's own entry."""
    forged = executed(55, "SELECT 1") + "\n" + executed(55, "SELECT 1")
    log = log_entries(executed(66, f"SELECT 1 /*\n{forged}\n*/"))
    assert len(log) == 1
    assert [entry["query_id"] for entry in log] == [66]


def test_a_transaction_left_open_misses_the_goal_and_says_why():
    slo = Slo(endpoint="GET /orders", max_statements=3, why="One query for the page.")
    figures = EndpointStatements(
        endpoint="GET /orders", requests=3, per_request=1, open_transaction=True
    )
    check = judge(slo, [ORDERS_ROW], 5.0, {"GET /orders": figures})
    assert check.status == "failed" and check.missed == ["statements"]
    assert "left a database transaction open after answering" in check.message


def test_connections_opened_count_as_using_the_database_without_a_statement_counted():
    use = DatabaseUse(statements=0, sessions=12, idle_connections=0, max_idle_connections=5)
    assert use.used
    assert database_findings(use) == []
