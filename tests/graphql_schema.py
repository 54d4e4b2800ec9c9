"""GitHub's published GraphQL schema (npm package @octokit/graphql-schema), for contract tests.

Fetched once through the npm registry with `npm pack` into `.venv/graphql-schema/VERSION/`
(`make graphql-schema` does the same), then cached. `conforms` checks a GraphQL answer against
it: the answer's data is executed again through the published schema, field by field (each
value read back by its response key), so a wrong type, a bad enum value or a null where the
schema promises a value is an error, and what comes out must equal what went in.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLAbstractType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    build_schema,
    execute,
    parse,
    validate,
)

VERSION = "15.26.1"
PACKAGE = "@octokit/graphql-schema"
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".venv" / "graphql-schema" / VERSION / "schema.graphql"


def schema_file() -> Path:
    """The published schema.graphql, fetched with npm on first use."""
    if CACHE.is_file():
        return CACHE
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm is needed once to fetch {PACKAGE}@{VERSION} (make graphql-schema)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent"], cwd=tmp, check=True, timeout=300
        )
        [tarball] = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/schema.graphql")
            assert member is not None
            data = member.read()
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_bytes(data)
    return CACHE


@cache
def published() -> GraphQLSchema:
    """GitHub's schema as published (it defines two fields twice: read as GitHub serves it)."""
    return build_schema(schema_file().read_text(encoding="utf-8"), assume_valid_sdl=True)


def query_errors(query: str) -> list[str]:
    """What the published schema finds wrong with `query` (empty: a valid query)."""
    return [e.message for e in validate(published(), parse(query))]


def _by_key(source: Any, info: GraphQLResolveInfo, **_: Any) -> Any:
    return source.get(info.path.key) if isinstance(source, dict) else None


def _which(value: Any, info: GraphQLResolveInfo, abstract: GraphQLAbstractType) -> str | None:
    if isinstance(value, dict) and "__typename" in value:
        return str(value["__typename"])
    keys = set(value) if isinstance(value, dict) else set()
    named = [
        info.schema.get_type(selection.type_condition.name.value)
        for node in info.field_nodes
        for selection in (node.selection_set.selections if node.selection_set else ())
        if isinstance(selection, InlineFragmentNode) and selection.type_condition
    ]
    for candidate in [*named, *info.schema.get_possible_types(abstract)]:
        if isinstance(candidate, GraphQLObjectType) and keys <= set(candidate.fields):
            return candidate.name
    return None


def conforms(query: str, variables: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """Why `body` (a GraphQL answer to `query`) breaks the published schema; empty if it fits."""
    data = body.get("data")
    if data is None:  # nothing was answered (the query was refused): nothing to check
        return []
    problems = query_errors(query)
    if problems:
        return problems
    result = execute(
        published(),
        parse(query),
        root_value=data,
        variable_values=variables,
        field_resolver=_by_key,
        type_resolver=_which,
    )
    assert isinstance(result, ExecutionResult)
    failed = {tuple(e.get("path") or ()) for e in body.get("errors") or []}
    found = [e.message for e in result.errors or [] if tuple(e.path or ()) not in failed]
    if result.data != data:
        found.append("the answer changes when read back through the published schema")
    return found
