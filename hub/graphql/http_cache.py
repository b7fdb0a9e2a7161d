"""HTTP caching of GraphQL reads over GET: ETag, Cache-Control, Vary, and 304.

The ETag of a GET answer is a digest (`cache_key`) of:
- the data stamp (`hub.metadata.read_cache.stamp_of`), read from the database before the
  query runs: it changes with every committed write, in any worker, so an answer is never
  older than its tag (a write between the read and the query only makes the tag older than
  the answer, and the next request runs again);
- today's date in Vietnam: deadlines turn obligations late or missing at midnight, with no
  write at all;
- who asks: anonymous, or the token (what a token sees may differ from token to token);
- the request: the query text (after persisted-query resolution), variables, operation name.

Anonymous answers are `Cache-Control: public, max-age=HUB_CACHE_MAX_AGE_S` (a CDN or browser
keeps them that long, then revalidates); a token's are `private, no-cache` (kept, always
revalidated); both `Vary: Authorization`. `If-None-Match` with the current tag is answered
304 without running the query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

import orjson

from hub.access.principals import Principal
from hub.events.changes import DataStamp

VARY = "Authorization"


def visibility(principal: Principal) -> str:
    """Whose view of the data an answer is: the token's, or everyone's."""
    if principal.token_id is not None:
        return f"token:{principal.token_id}"
    return "local" if principal.local else "anonymous"


def cache_key(
    stamp: DataStamp,
    today: date,
    principal: Principal,
    query: str,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
) -> str:
    """A digest that changes whenever the answer to this request may change."""
    request = orjson.dumps(
        [stamp.tag, today.isoformat(), visibility(principal), query, variables, operation_name],
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(request).hexdigest()[:32]


def etag(key: str) -> str:
    # Weak: the same answer, not necessarily the same bytes (a proxy may compress it).
    return f'W/"{key}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an `If-None-Match` header names `tag` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    wanted = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


def cache_control(principal: Principal, max_age: int) -> str:
    if principal.token_id is None and not principal.local:
        return f"public, max-age={max_age}"
    return "private, no-cache"
