"""What a GraphQL query costs, computed as GitHub documents it, and its connection limits.

GitHub's rule ("Rate limits and query limits for the GraphQL API"): every connection needs a
`first` or `last` of 1 to 100; a connection is assumed to return that many nodes; the
requests a query needs are, for each connection, the product of its ancestors' `first`/`last`
(a connection at the top costs one request, one under `repositories(first: 100)` costs 100);
their sum divided by 100, rounded, at least 1, is the query's cost in points. The nodes it may
return (each connection's `first` times its ancestors') are capped at 500,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_argument_values

MAX_PAGE = 100
MAX_NODES = 500_000


@dataclass
class Cost:
    """A query's requests (GitHub's unit before dividing by 100) and the nodes it may return."""

    requests: int = 0
    nodes: int = 0

    @property
    def points(self) -> int:
        return max(1, round(self.requests / 100))


@dataclass(frozen=True)
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]


def cost_of(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> Cost:
    """The cost of `operation`; a GraphQLError for a connection without a valid page size."""
    root = schema.query_type
    assert root is not None  # the sandbox's schema has a Query type
    cost = Cost()
    _selections(_Walk(schema, fragments, variables), operation.selection_set, root, 1, cost)
    if cost.nodes > MAX_NODES:
        raise GraphQLError(
            f"This query requests up to {cost.nodes:,} possible nodes which exceeds the "
            f"maximum limit of {MAX_NODES:,}."
        )
    return cost


def _selections(
    walk: _Walk, selections: SelectionSetNode, parent: GraphQLNamedType, factor: int, cost: Cost
) -> None:
    for node in selections.selections:
        if isinstance(node, FieldNode):
            _field(walk, node, parent, factor, cost)
        elif isinstance(node, InlineFragmentNode):
            kind = node.type_condition
            target = walk.schema.get_type(kind.name.value) if kind else parent
            _selections(walk, node.selection_set, target or parent, factor, cost)
        elif isinstance(node, FragmentSpreadNode):
            fragment = walk.fragments[node.name.value]
            target = walk.schema.get_type(fragment.type_condition.name.value) or parent
            _selections(walk, fragment.selection_set, target, factor, cost)


def _field(walk: _Walk, node: FieldNode, parent: GraphQLNamedType, factor: int, cost: Cost) -> None:
    if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        return
    definition = parent.fields.get(node.name.value)
    if definition is None or node.selection_set is None:
        return
    returned = get_named_type(definition.type)
    if returned.name.endswith("Connection"):
        page = _page_size(node, get_argument_values(definition, node, walk.variables))
        cost.requests += factor
        factor *= page
        cost.nodes += factor
    _selections(walk, node.selection_set, returned, factor, cost)


def _page_size(node: FieldNode, args: dict[str, Any]) -> int:
    name = node.name.value
    size = args.get("first", args.get("last"))
    if size is None:
        raise GraphQLError(
            f"You must provide a `first` or `last` value to properly paginate the `{name}` "
            "connection.",
            node,
        )
    which = "first" if "first" in args else "last"
    if not 1 <= int(size) <= MAX_PAGE:
        raise GraphQLError(
            f"Requesting {size} records on the `{name}` connection exceeds the `{which}` "
            f"limit of {MAX_PAGE} records.",
            node,
        )
    return int(size)
