"""POST /graphql: the queries the project sends, answered as GitHub answers them.

Every answer in these tests is also read back through GitHub's published schema by the
contract checker (tests/graphql_schema.py), so a wrong type or enum value fails the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from github import Github
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    OperationDefinitionNode,
    parse,
)

from orchestrator.gateway.graphql import batch_query
from reporter.results_channel import GRADE_SELECTION, GRADE_VARIABLES
from sandbox.api.graphql.cost import cost_of
from sandbox.api.graphql.executor import served_schema
from sandbox.config import RateLimits
from sandbox.seeding import seed
from tests.graphql_schema import published, query_errors
from tests.sandbox.conftest import start, stop
from tests.sandbox.contract import ContractLog
from tests.sandbox.harness import Running, assert_no_violations

RATE = "rateLimit { cost limit remaining used resetAt nodeCount }"


def ask(running: Running, token: str, query: str, **variables: Any) -> httpx.Response:
    return httpx.post(
        f"{running.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"bearer {token}"},
    )


@pytest.fixture
def graded(running: Running, instructor: Github) -> str:
    """school/hw with one completed `classroom/grade` check run (and an older one) on main."""
    repo = instructor.get_organization("school").create_repo("hw", private=True, auto_init=True)
    sha = repo.get_branch("main").commit.sha
    token = running.sandbox.workflow_token(repo.full_name, {"checks": "write"}).token
    bot = running.github(token).get_repo(repo.full_name)
    bot.create_check_run("classroom/grade", sha, status="completed", conclusion="failure")
    output = {"title": "70 / 100", "summary": "tests 60/60", "text": "<!-- data -->"}
    bot.create_check_run(
        "classroom/grade", sha, status="completed", conclusion="success", output=output
    )
    bot.create_check_run("lint", sha, status="in_progress")
    return sha


def test_the_served_schema_is_a_part_of_githubs_published_schema() -> None:
    mine, theirs = served_schema(), published()
    for name, kind in mine.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Boolean", "ID", "Float"):
            continue
        other = theirs.type_map.get(name)
        assert other is not None and type(other) is type(kind), name
        if isinstance(kind, GraphQLEnumType):
            assert set(kind.values) <= set(other.values), name  # type: ignore[union-attr]
        elif isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field, spec in kind.fields.items():
                theirs_field = other.fields[field]  # type: ignore[union-attr]
                assert str(spec.type) == str(theirs_field.type), f"{name}.{field}"
                for arg, value in spec.args.items():
                    assert str(value.type) == str(theirs_field.args[arg].type), f"{name}.{field}"
                    assert value.default_value == theirs_field.args[arg].default_value
        elif isinstance(kind, GraphQLInputObjectType):
            for field, spec in kind.fields.items():
                assert str(spec.type) == str(other.fields[field].type), f"{name}.{field}"  # type: ignore[union-attr]
        else:
            assert isinstance(kind, GraphQLScalarType), name


def test_the_queries_the_project_sends_are_valid_against_the_published_schema() -> None:
    assert query_errors(batch_query(3, GRADE_SELECTION, GRADE_VARIABLES)) == []
    from orchestrator.plan import SEAT_SELECTION, SEAT_VARIABLES

    assert query_errors(batch_query(2, SEAT_SELECTION, SEAT_VARIABLES)) == []


def test_the_cost_is_computed_as_githubs_documented_example() -> None:
    # "Rate limits and query limits for the GraphQL API": 1 + 100 + 5,000 requests = 51 points.
    query = """query { viewer { login repositories(first: 100) { edges { node { id
        issues(first: 50) { edges { node { id labels(first: 60) { edges { node { id name }
        } } } } } } } } } }"""
    document = parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    cost = cost_of(published(), operation, {}, {})
    assert (cost.requests, cost.points, cost.nodes) == (5101, 51, 100 + 5000 + 300_000)


def test_a_batch_answers_each_repository_and_names_the_missing_one(
    running: Running, school: Any, graded: str
) -> None:
    query = batch_query(2, GRADE_SELECTION, GRADE_VARIABLES)
    answer = ask(
        running,
        school.instructor.token,
        query,
        o0="school",
        n0="hw",
        o1="school",
        n1="nothing-here",
        check="classroom/grade",
    )
    body = answer.json()
    assert answer.status_code == 200 and answer.headers["x-ratelimit-resource"] == "graphql"
    assert body["data"]["r1"] is None
    assert body["errors"] == [
        {
            "type": "NOT_FOUND",
            "message": "Could not resolve to a Repository with the name 'school/nothing-here'.",
            "locations": body["errors"][0]["locations"],
            "path": ["r1"],
        }
    ]
    target = body["data"]["r0"]["defaultBranchRef"]["target"]
    assert target["oid"] == graded
    [suite] = target["checkSuites"]["nodes"]
    [run] = suite["checkRuns"]["nodes"]  # the latest of that name only
    assert (run["status"], run["conclusion"], run["text"]) == (
        "COMPLETED",
        "SUCCESS",
        "<!-- data -->",
    )
    rate = body["data"]["rateLimit"]
    # 2 repositories: 2 suite requests + 2 x 10 run requests = 22 requests: 1 point (at least)
    assert rate["cost"] == 1 and rate["remaining"] == 4999
    assert answer.headers["x-ratelimit-remaining"] == "4999"


def test_a_private_repository_is_not_found_for_someone_who_cannot_see_it(
    running: Running, school: Any, graded: str
) -> None:
    del graded
    body = ask(
        running,
        school.learners[0].token,
        'query { repository(owner: "school", name: "hw") { name } }',
    ).json()
    assert body["data"] == {"repository": None}
    assert body["errors"][0]["type"] == "NOT_FOUND"


def test_a_connection_needs_a_page_size_of_at_most_100(running: Running, school: Any) -> None:
    token = school.instructor.token
    missing = ask(
        running, token, 'query { repository(owner: "a", name: "b") { issues { totalCount } } }'
    )
    assert missing.json() == {
        "errors": [
            {
                "message": "You must provide a `first` or `last` value to properly paginate "
                "the `issues` connection.",
                "locations": [{"line": 1, "column": 45}],
            }
        ]
    }
    big = ask(
        running,
        token,
        'query { repository(owner: "a", name: "b") { issues(first: 101) { totalCount } } }',
    )
    assert "exceeds the `first` limit of 100 records" in big.json()["errors"][0]["message"]


def test_a_field_the_project_does_not_send_is_refused_by_name(
    running: Running, school: Any
) -> None:
    query = 'query { repository(owner: "school", name: "hw") { stargazerCount } }'
    assert query_errors(query) == []  # GitHub has it; the sandbox does not serve it
    body = ask(running, school.instructor.token, query).json()
    assert "data" not in body
    assert (
        "Cannot query field 'stargazerCount' on type 'Repository'." in body["errors"][0]["message"]
    )


def test_points_run_out_and_the_query_is_refused_as_github_does(tmp_path: Path) -> None:
    log = ContractLog()
    server = start(tmp_path / "data", log, rate_limits=RateLimits(graphql_points_per_hour=2))
    try:
        running = Running(server, log)
        token = seed(running.sandbox, "school", 1, running.url).instructor.token
        first = ask(running, token, f"query {{ {RATE} }}")
        assert first.json()["data"]["rateLimit"]["remaining"] == 1
        ask(running, token, f"query {{ {RATE} }}")
        refused = ask(running, token, f"query {{ {RATE} }}")
        assert refused.status_code == 200
        assert refused.json() == {
            "errors": [
                {"type": "RATE_LIMITED", "message": "API rate limit exceeded for this token."}
            ]
        }
        assert refused.headers["x-ratelimit-remaining"] == "0"
        overview = httpx.get(
            f"{running.url}/rate_limit", headers={"Authorization": f"token {token}"}
        )
        assert overview.json()["resources"]["graphql"]["used"] == 2
        assert running.sandbox.limiter.peaks.refused == {"graphql": 1}
    finally:
        stop(server)
    assert_no_violations(log)
