"""Domain exceptions raised by services; GraphQL and HTTP routes map them to answers."""

from __future__ import annotations


class HubError(Exception):
    """An expected failure with a stable code, a message and, where known, the field at fault."""

    code = "ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFoundError(HubError):
    """A code or id names nothing in the catalog or the data."""

    code = "NOT_FOUND"

    def __init__(self, kind: str, key: str, *, field: str | None = None) -> None:
        super().__init__(f"no {kind} with code {key!r}", field=field)
        self.kind = kind
        self.key = key


class InvalidInputError(HubError):
    """An argument is malformed: a bad cursor, a bad period, an unknown language."""

    code = "INVALID_INPUT"


class LimitExceededError(HubError):
    """A configured limit (page size, depth, body size ...) was exceeded."""

    code = "LIMIT_EXCEEDED"


class PermissionDeniedError(HubError):
    """The principal lacks the right the operation needs."""

    code = "PERMISSION_DENIED"


class NotAggregableError(HubError):
    """An indicator's aggregation rule forbids combining its values as asked."""

    code = "NOT_AGGREGABLE"
