"""Global object identification: opaque ids `base64(Type:code)` resolved by `node(id)`."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import strawberry

from hub.errors import InvalidInputError
from hub.nul import NUL


@strawberry.interface(description="An object with a global id, fetchable with `node(id)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global, opaque identifier.")


def global_id(type_name: str, key: str) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode())


def parse_global_id(value: str, field: str = "id") -> tuple[str, str]:
    """(type name, key) inside a global id; garbage is a clear error naming the argument."""
    try:
        text = base64.urlsafe_b64decode(value.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidInputError(f"{value!r} is not a valid id", field=field) from None
    type_name, sep, key = text.partition(":")
    if not sep or not type_name or not key or NUL in text:
        raise InvalidInputError(f"{value!r} is not a valid id", field=field)
    return type_name, key


# Any: each domain fetches its own type; the registry only routes by type name.
NodeFetcher = Callable[[Any, str], Awaitable[Node | None]]
NodeFetchers = Mapping[str, NodeFetcher]


def id_key(value: str, type_name: str) -> str:
    """The key inside a global id of `type_name`; an id of another type is a clear error."""
    kind, key = parse_global_id(value)
    if kind != type_name:
        raise InvalidInputError(f"{value!r} is not an id of a {type_name}", field="id")
    return key
