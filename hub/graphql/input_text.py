"""Refuses a GraphQL request with U+0000 (NUL) in any string it sends (`hub.nul` says why).

Checked before execution, for variables and for string literals of the document alike, so
every argument of every operation, present and future, is covered and nothing is read or
written: the answer is one error naming where the NUL is, `INVALID_INPUT`.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectFieldNode,
    StringValueNode,
)
from strawberry.extensions import SchemaExtension

from hub.nul import NUL, REASON, nul_path


def _nul_literal(node: Node, where: str) -> str | None:
    """Where the first string literal holding NUL is below `node`, or None."""
    if isinstance(node, StringValueNode):
        return where if NUL in node.value else None
    if isinstance(node, FieldNode):
        where = node.name.value
    elif isinstance(node, ArgumentNode):
        where = f"{where}({node.name.value})"
    elif isinstance(node, ObjectFieldNode):
        where = f"{where}.{node.name.value}"
    if isinstance(node, ListValueNode):
        for index, item in enumerate(node.values):
            found = _nul_literal(item, f"{where}[{index}]")
            if found is not None:
                return found
        return None
    for child in _children(node):
        found = _nul_literal(child, where)
        if found is not None:
            return found
    return None


def _children(node: Node) -> Iterator[Node]:
    for key in node.keys:
        value = getattr(node, key, None)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, tuple | list):
            yield from (item for item in value if isinstance(item, Node))


def nul_in_request(
    variables: dict[str, object] | None, document: DocumentNode | None, query: str | None
) -> str | None:
    """Where a NUL is in the request's variables or string literals, or None."""
    for name, value in (variables or {}).items():
        found = nul_path(value, f"${name}")
        if found is not None:
            return found
    # A literal spells NUL only as an escape (a raw NUL does not even parse): look for one first.
    if document is not None and query is not None and "\\u" in query:
        return _nul_literal(document, "")
    return None


class RefuseNul(SchemaExtension):
    """Answers a request holding NUL with an `INVALID_INPUT` error instead of executing it
    (queries, mutations and subscriptions alike)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        where = nul_in_request(context.variables, context.graphql_document, context.query)
        if where is not None:
            # Raised, not set as the result: a subscription would run its resolver anyway.
            raise GraphQLError(
                f"{where} {REASON}", extensions={"code": "INVALID_INPUT", "field": where}
            )
        yield
