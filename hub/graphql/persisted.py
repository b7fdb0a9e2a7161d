"""Persisted queries: Apollo's automatic persisted queries (APQ) and an optional allowlist.

A request whose `extensions` hold `persistedQuery: {version: 1, sha256Hash}`:
- with `query`: the hash must be the hex SHA-256 of the query text; the query is remembered
  under it and executed (a mismatch is refused, HTTP 400, and nothing is remembered);
- without `query`: a known hash executes its query; an unknown one gets Apollo's answer
  `{"errors":[{"message":"PersistedQueryNotFound","extensions":{"code":
  "PERSISTED_QUERY_NOT_FOUND"}}]}` (HTTP 200, not cached) and the client sends it again with
  the query.

Remembered queries live in an LRU in each worker (`HUB_MAX_PERSISTED_QUERIES`, and at most
`MAX_BYTES` of text): enough for APQ, since a client resends the query whenever a hash is
unknown, so a restart, another worker or an eviction costs one round trip, never an error.

The allowlist (`HUB_PERSISTED_QUERIES_FILE`: `{"<sha256>": "<query>", ...}` or an Apollo
persisted query manifest) is known from start-up in every worker. With
`HUB_PERSISTED_QUERIES_ONLY=true` only its queries run: any other text is refused
(HTTP 403, `PERSISTED_QUERY_NOT_IN_LIST`) and APQ remembers nothing new.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from hub.settings import Settings, SettingsError

MAX_BYTES = 16 * 1024 * 1024
_HASH = re.compile(r"[0-9a-f]{64}")
# Apollo Server sends this with PersistedQueryNotFound, so that no cache keeps the miss.
NOT_FOUND_CACHE_CONTROL = "private, no-cache, must-revalidate"


class PersistedQueryError(Exception):
    """A persisted-query request that cannot run; answered as `errors` with `status`."""

    def __init__(
        self, status: int, message: str, code: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})


def not_found() -> PersistedQueryError:
    return PersistedQueryError(
        200,
        "PersistedQueryNotFound",
        "PERSISTED_QUERY_NOT_FOUND",
        {"Cache-Control": NOT_FOUND_CACHE_CONTROL},
    )


def query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


class PersistedQueries:
    """The queries known by hash: the allowlist, then those clients registered (LRU)."""

    def __init__(
        self,
        *,
        size: int,
        allowlist: Mapping[str, str] | None = None,
        only_allowlisted: bool = False,
    ) -> None:
        self.size = size
        self.allowlist = dict(allowlist or {})
        self.allowed_texts = frozenset(self.allowlist.values())
        self.only_allowlisted = only_allowlisted
        self._registered: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> PersistedQueries:
        path = settings.persisted_queries_file
        return cls(
            size=settings.limits.max_persisted_queries,
            allowlist=read_allowlist(path) if path else None,
            only_allowlisted=settings.persisted_queries_only,
        )

    def resolve(self, query: str | None, extensions: Mapping[str, Any] | None) -> str | None:
        """The query text a request runs; raises `PersistedQueryError` for a request that
        cannot run (unknown hash, mismatch, a query not on the allowlist)."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            if query is not None:
                self.check_allowed(query)
            return query
        sha = _check_extension(persisted)
        if query is None:
            known = self.allowlist.get(sha) or self._recall(sha)
            if known is None:
                raise not_found()
            return known
        if query_hash(query) != sha:
            raise PersistedQueryError(
                400,
                "provided sha does not match query: extensions.persistedQuery.sha256Hash must "
                "be the lowercase hex SHA-256 of the UTF-8 query text",
                "PERSISTED_QUERY_HASH_MISMATCH",
            )
        if sha not in self.allowlist:
            self.check_allowed(query)
            self._remember(sha, query)
        return query

    def check_allowed(self, query: str) -> None:
        """Refuse a query text that is not on the allowlist when only those may run."""
        if self.only_allowlisted and query not in self.allowed_texts:
            raise PersistedQueryError(
                403,
                "this hub runs only its persisted queries (HUB_PERSISTED_QUERIES_ONLY): send "
                "the sha256Hash of one of them in extensions.persistedQuery",
                "PERSISTED_QUERY_NOT_IN_LIST",
            )

    def _recall(self, sha: str) -> str | None:
        query = self._registered.get(sha)
        if query is not None:
            self._registered.move_to_end(sha)
        return query

    def _remember(self, sha: str, query: str) -> None:
        if sha in self._registered:
            self._registered.move_to_end(sha)
            return
        self._registered[sha] = query
        self._bytes += len(query)
        while len(self._registered) > self.size or self._bytes > MAX_BYTES:
            _, dropped = self._registered.popitem(last=False)
            self._bytes -= len(dropped)


def _check_extension(persisted: object) -> str:
    if not isinstance(persisted, dict):
        raise PersistedQueryError(
            400,
            "extensions.persistedQuery must be an object {version: 1, sha256Hash}",
            "BAD_REQUEST",
        )
    if persisted.get("version") != 1:
        raise PersistedQueryError(
            400,
            f"unsupported persisted query version {persisted.get('version')!r}: only 1 is "
            "supported",
            "PERSISTED_QUERY_NOT_SUPPORTED",
        )
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not _HASH.fullmatch(sha):
        raise PersistedQueryError(
            400,
            "extensions.persistedQuery.sha256Hash must be 64 lowercase hex digits",
            "BAD_REQUEST",
        )
    return sha


def read_allowlist(path: Path) -> dict[str, str]:
    """The queries of an allowlist file by hash; raises `SettingsError` naming what is wrong
    (each hash must be the SHA-256 of its query)."""
    where = f"HUB_PERSISTED_QUERIES_FILE={path}"
    try:
        data = orjson.loads(path.read_bytes())
    except OSError as error:
        raise SettingsError(f"{where}: cannot read it ({error.strerror})") from None
    except orjson.JSONDecodeError as error:
        raise SettingsError(f"{where}: not JSON ({error})") from None
    if isinstance(data, dict) and data.get("format") == "apollo-persisted-query-manifest":
        operations = data.get("operations")
        if not isinstance(operations, list):
            raise SettingsError(f"{where}: a manifest needs a list of operations")
        pairs = [(o.get("id"), o.get("body")) for o in operations if isinstance(o, dict)]
        if len(pairs) != len(operations):
            raise SettingsError(f"{where}: every operation must be an object {{id, body}}")
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise SettingsError(f"{where}: expected an object of hash -> query, or a manifest")
    queries: dict[str, str] = {}
    for sha, query in pairs:
        if not isinstance(sha, str) or not isinstance(query, str):
            raise SettingsError(f"{where}: entry {sha!r} must map a hash to a query text")
        if query_hash(query) != sha:
            raise SettingsError(
                f"{where}: entry {sha!r} is not the SHA-256 of its query ({query_hash(query)})"
            )
        queries[sha] = query
    return queries
