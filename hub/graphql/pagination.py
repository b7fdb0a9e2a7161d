"""Relay-style connections: opaque keyset cursors, page sizes bounded by the settings."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from hub.errors import InvalidInputError, LimitExceededError
from hub.nul import NUL
from hub.settings import Limits

T = TypeVar("T")


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item; pass it as `after` for the next page."
    )


@strawberry.type(description="An item of a page with its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    # The cursor is made when selected: a page of 1,000 rows rarely shows more than one.
    key: strawberry.Private[Any]
    encode: strawberry.Private[Callable[[Any], str]]

    @strawberry.field(description="Opaque position of this item.")
    def cursor(self) -> str:
        return self.encode(self.key)


@strawberry.type(description="A page of a list.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Position of the page in the list.")
    total_count: int = strawberry.field(
        description="Number of items in the whole list (counted only when selected)."
    )


def encode_cursor(kind: str, key: str) -> str:
    """An opaque cursor for the item whose sort key is `key` in a list of `kind`."""
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> str:
    """The sort key inside `cursor`; a cursor of another list or garbage is a clear error."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidInputError(f"{cursor!r} is not a valid cursor", field="after") from None
    if NUL in text:
        raise InvalidInputError(f"{cursor!r} is not a valid cursor", field="after")
    prefix, sep, key = text.partition(":")
    if not sep or prefix != kind:
        raise InvalidInputError(f"{cursor!r} is not a cursor of this list ({kind})", field="after")
    return key


@dataclass(frozen=True)
class PageRequest:
    """A validated `first`/`after` pair."""

    first: int
    after: str | None


def page_request(
    kind: str, first: int | None, after: str | None, limits: Limits, *, decode: bool = True
) -> PageRequest:
    """Check `first` against the configured page size and decode `after`; with
    `decode=False` the service owns the cursor format and `after` is passed through."""
    size = limits.default_page_size if first is None else first
    if size < 0:
        raise InvalidInputError(f"first must not be negative (got {size})", field="first")
    if size > limits.max_page_size:
        raise LimitExceededError(
            f"first={size} exceeds the maximum page size {limits.max_page_size}", field="first"
        )
    if after is None or not decode:
        return PageRequest(size, after)
    return PageRequest(size, decode_cursor(kind, after))


def build_connection(
    kind: str,
    nodes: list[T],
    keys: Sequence[Any],
    *,
    request: PageRequest,
    total: int,
    cursor: Callable[[Any], str] | None = None,
) -> Connection[T]:
    """A connection from one page fetched with `request.first + 1` rows (the extra row tells
    whether a next page exists); `keys` are the rows' sort keys, whose cursors `cursor`
    makes when the service encodes its own (else `encode_cursor`)."""
    has_next = len(nodes) > request.first
    nodes, keys = nodes[: request.first], keys[: request.first]
    encode = cursor or partial(encode_cursor, kind)
    edges = [Edge(node=n, key=k, encode=encode) for n, k in zip(nodes, keys, strict=True)]
    return Connection(
        edges=edges,
        page_info=page_info(request, keys, has_next=has_next, encode=encode),
        total_count=total,
    )


def page_info(
    request: PageRequest, keys: Sequence[Any], *, has_next: bool, encode: Callable[[Any], str]
) -> PageInfo:
    """Where a page whose items have the sort keys `keys` sits in the whole list."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=request.after is not None,
        start_cursor=encode(keys[0]) if keys else None,
        end_cursor=encode(keys[-1]) if keys else None,
    )


M = TypeVar("M")


async def paginate(
    kind: str,
    first: int | None,
    after: str | None,
    limits: Limits,
    fetch: Callable[[str | None, int], Awaitable[tuple[Sequence[M], int]]],
    convert: Callable[[M], T],
    key: Callable[[T], str],
) -> Connection[T]:
    """A keyset page: `fetch(after_key, limit)` returns up to `limit` items and the total;
    one extra item is asked for to tell whether a next page exists."""
    page = page_request(kind, first, after, limits)
    items, total = await fetch(page.after, page.first + 1)
    nodes = [convert(item) for item in items]
    return build_connection(kind, nodes, [key(n) for n in nodes], request=page, total=total)


def selects_total(selected: Sequence[Selection]) -> bool:
    """Whether `selected` (`info.selected_fields` of the connection being resolved) asks for
    `totalCount` (counting can cost more than the page itself on a large table, so it is only
    done when asked); through fragments too."""
    return any(
        f.name == "totalCount" for field in _fields(selected) for f in _fields(field.selections)
    )


def node_fields(selected: Sequence[Selection]) -> frozenset[str]:
    """The names of the fields `selected` (`info.selected_fields` of the connection being
    resolved) selects on its nodes (`edges { node { ... } }`, through fragments, whatever
    their @skip/@include), so that a resolver reads only what they show."""
    found: set[str] = set()
    for field in _fields(selected):
        for edges in _fields(field.selections):
            if edges.name == "edges":
                for node in _fields(edges.selections):
                    if node.name == "node":
                        found.update(f.name for f in _fields(node.selections))
    return frozenset(found)


def _fields(selections: Sequence[Selection]) -> Iterator[SelectedField]:
    """The fields among `selections`, those of fragments included."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:  # a fragment spread or an inline fragment
            yield from _fields(selection.selections)
