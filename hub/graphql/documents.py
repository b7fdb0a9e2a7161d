"""What a GraphQL document asks for, decided before it runs (parsed once per text)."""

from __future__ import annotations

from functools import lru_cache

from graphql import GraphQLError, OperationType, get_operation_ast, parse


@lru_cache(maxsize=1024)
def operation_type(query: str, operation_name: str | None, max_tokens: int) -> OperationType | None:
    """The type of the operation `operation_name` names (or the only one) in `query`; None
    when the document does not parse within `max_tokens` or names no such operation: then
    execution answers with the error itself."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return None
    operation = get_operation_ast(document, operation_name)
    return operation.operation if operation is not None else None
