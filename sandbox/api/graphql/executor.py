"""Answer one GraphQL request as GitHub does: parse, validate against the served part of
GitHub's schema, check connection sizes and the node limit, charge the query's points, then
execute it over the sandbox's records.

GitHub answers 200 for a query it could read, with `errors` beside (or instead of) `data`; an
error that concerns one field (a repository that does not exist) leaves that field null and
names its path and its `type` (NOT_FOUND, FORBIDDEN). A query past the hour's points is not
run: 200, `x-ratelimit-remaining: 0` and a RATE_LIMITED error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from sandbox.api.graphql.cost import Cost, cost_of

SCHEMA_FILE = Path(__file__).with_name("schema.graphql")
NO_QUERY = "A query attribute must be specified and must be a string."


@cache
def served_schema() -> GraphQLSchema:
    """The part of GitHub's schema the sandbox answers (sandbox/api/graphql/schema.graphql)."""
    return build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Charge:
    """What charging a query's points did: whether it may run, and the window after it."""

    allowed: bool
    limit: int
    used: int
    reset_at: float


@dataclass(frozen=True)
class Answer:
    """The JSON body and what the query cost (0 points when it never ran)."""

    body: dict[str, Any]
    points: int = 0
    charge: Charge | None = None


Charger = Callable[[int], Charge]
Runner = Callable[[dict[str, Any]], tuple[Any, Any]]  # rate -> (root value, context)


def answer(request: Any, charge: Charger, run: Runner) -> Answer:
    """The answer to one request body: `{"query": ..., "variables": ..., "operationName": ...}`."""
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        return Answer(
            _errors([{"message": "A query attribute must be specified and must be a string."}])
        )
    try:
        document = parse(request["query"])
    except GraphQLError as exc:
        return Answer(_errors([_error(exc)]))
    schema = served_schema()
    problems = validate(schema, document)
    if problems:
        return Answer(_errors([_error(e) for e in problems]))
    return _checked(schema, document, request, charge, run)


def _checked(
    schema: GraphQLSchema,
    document: DocumentNode,
    request: dict[str, Any],
    charge: Charger,
    run: Runner,
) -> Answer:
    operation = get_operation_ast(document, request.get("operationName"))
    if operation is None:
        return Answer(_errors([{"message": "An operation name is required"}]))
    variables = get_variable_values(
        schema, operation.variable_definitions or [], request.get("variables") or {}
    )
    if isinstance(variables, list):
        return Answer(_errors([_error(e) for e in variables]))
    try:
        cost = cost_of(schema, operation, _fragments(document), variables)
    except GraphQLError as exc:
        return Answer(_errors([_error(exc)]))
    charged = charge(cost.points)
    if not charged.allowed:
        return Answer(_errors([_rate_limited()]), 0, charged)
    return Answer(
        _run(schema, document, operation, request, cost, charged, run), cost.points, charged
    )


def _run(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    request: dict[str, Any],
    cost: Cost,
    charged: Charge,
    run: Runner,
) -> dict[str, Any]:
    rate = {
        "cost": cost.points,
        "limit": charged.limit,
        "nodeCount": cost.nodes,
        "remaining": max(0, charged.limit - charged.used),
        "used": charged.used,
        "resetAt": datetime.fromtimestamp(charged.reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    root, context = run(rate)
    result = execute(
        schema,
        document,
        root_value=root,
        context_value=context,
        variable_values=request.get("variables") or {},
        operation_name=operation.name.value if operation.name else None,
    )
    assert isinstance(result, ExecutionResult)  # every resolver is synchronous
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [_error(e) for e in result.errors]
    return body


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _error(exc: GraphQLError) -> dict[str, Any]:
    """An error as GitHub writes it: message, locations, path, and its `type` at the top."""
    formatted: dict[str, Any] = dict(exc.formatted)
    extensions = formatted.pop("extensions", None) or {}
    if "type" in extensions:
        formatted = {"type": extensions["type"], **formatted}
    return formatted


def _rate_limited() -> dict[str, Any]:
    return {"type": "RATE_LIMITED", "message": "API rate limit exceeded for this token."}


def _errors(errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"errors": errors}
