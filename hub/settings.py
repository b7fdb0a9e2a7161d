"""Settings read once from the environment (HUB_*) and passed down; never read at import."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DATABASE_PATH = Path("var") / "hub.sqlite3"


class SettingsError(ValueError):
    """An environment variable holds a value the hub cannot use."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not an integer") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r} must be positive")
    return value


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    """Like `_int`, zero allowed."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.strip() == "0":
        return 0
    return _int(env, name, default)


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r} is not a boolean (true/false)")


@dataclass(frozen=True)
class Limits:
    """Explicit limits (DESIGN.md §5); exceeding one is a clear error."""

    max_page_size: int = 500
    default_page_size: int = 50
    max_query_depth: int = 12
    max_query_tokens: int = 5000
    max_query_aliases: int = 30
    max_body_bytes: int = 32 * 1024 * 1024
    max_observations_per_report: int = 200_000
    sparql_timeout_s: int = 10  # a SPARQL query answers within this or gets a 503
    sparql_max_rows: int = 10_000  # result rows (or triples) a SPARQL answer holds at most
    # Per token, or per client address for anonymous callers, per worker process.
    requests_per_minute: int = 600
    # PostgreSQL `statement_timeout`; SQLite has none (its busy timeout is fixed in hub.db).
    statement_timeout_ms: int = 30_000
    # Live updates (graphql-transport-ws), per worker process like the rate limit.
    max_subscriptions_per_connection: int = 20
    max_connections_per_principal: int = 10  # per token, or per address for anonymous callers
    max_pending_events: int = 1000  # unread events a subscription may hold before it is ended
    # Automatic persisted queries remembered (an LRU; a forgotten one is sent again).
    max_persisted_queries: int = 2000


@dataclass(frozen=True)
class Settings:
    """Everything the hub needs to know about its deployment."""

    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_DATABASE_PATH}"
    # A read replica of `database_url` that reads are routed to (`hub.read_routing`); None:
    # everything goes to `database_url`.
    read_database_url: str | None = None
    base_iri: str = "http://127.0.0.1:8000/id"
    host: str = "127.0.0.1"
    port: int = 8000
    introspection: bool = True
    debug: bool = False
    # Every submitted report must carry a valid signature, whatever its regime says.
    require_signatures: bool = False
    # HTTP caching of GET /graphql: `Cache-Control: public, max-age` of anonymous answers.
    cache_max_age_s: int = 10
    # A JSON file of persisted queries (hash -> query, or an Apollo persisted query manifest),
    # known from start-up; with `persisted_queries_only` no other query is executed.
    persisted_queries_file: Path | None = None
    persisted_queries_only: bool = False
    # How often each worker reads the outbox of changes even without a notification: the way
    # it learns of other processes' writes on SQLite (PostgreSQL notifies at once).
    events_poll_ms: int = 1000
    # Database connections each worker keeps open, and how many more it may open at a peak
    # (SQLAlchemy's pool_size and max_overflow, for the primary and for a replica each).
    # A GraphQL query holds one only while a statement runs (`hub.graphql.context`). The
    # pool keeps as many as the requests a worker serves at once: SQLAlchemy closes a
    # connection beyond `pool_size` when it comes back, so a smaller pool opened and closed
    # one per statement at peaks (Q1 of the bench at concurrency 16: 230 req/s with 5,
    # 490 with 20).
    db_pool_size: int = 20
    db_max_overflow: int = 10
    # Answers of GraphQL queries each worker keeps for the next identical request, in bytes
    # (`hub.graphql.response_cache`); 0: none kept.
    response_cache_bytes: int = 0
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read HUB_* variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        defaults = cls()
        base_limits = Limits()
        limits = Limits(
            max_page_size=_int(env, "HUB_MAX_PAGE_SIZE", base_limits.max_page_size),
            default_page_size=_int(env, "HUB_DEFAULT_PAGE_SIZE", base_limits.default_page_size),
            max_query_depth=_int(env, "HUB_MAX_QUERY_DEPTH", base_limits.max_query_depth),
            max_query_tokens=_int(env, "HUB_MAX_QUERY_TOKENS", base_limits.max_query_tokens),
            max_query_aliases=_int(env, "HUB_MAX_QUERY_ALIASES", base_limits.max_query_aliases),
            max_body_bytes=_int(env, "HUB_MAX_BODY_BYTES", base_limits.max_body_bytes),
            max_observations_per_report=_int(
                env, "HUB_MAX_OBSERVATIONS_PER_REPORT", base_limits.max_observations_per_report
            ),
            sparql_timeout_s=_int(env, "HUB_SPARQL_TIMEOUT_S", base_limits.sparql_timeout_s),
            sparql_max_rows=_int(env, "HUB_SPARQL_MAX_ROWS", base_limits.sparql_max_rows),
            requests_per_minute=_int(
                env, "HUB_REQUESTS_PER_MINUTE", base_limits.requests_per_minute
            ),
            statement_timeout_ms=_int(
                env, "HUB_STATEMENT_TIMEOUT_MS", base_limits.statement_timeout_ms
            ),
            max_subscriptions_per_connection=_int(
                env,
                "HUB_MAX_SUBSCRIPTIONS_PER_CONNECTION",
                base_limits.max_subscriptions_per_connection,
            ),
            max_connections_per_principal=_int(
                env, "HUB_MAX_CONNECTIONS_PER_PRINCIPAL", base_limits.max_connections_per_principal
            ),
            max_pending_events=_int(env, "HUB_MAX_PENDING_EVENTS", base_limits.max_pending_events),
            max_persisted_queries=_int(
                env, "HUB_MAX_PERSISTED_QUERIES", base_limits.max_persisted_queries
            ),
        )
        if limits.default_page_size > limits.max_page_size:
            raise SettingsError("HUB_DEFAULT_PAGE_SIZE must not exceed HUB_MAX_PAGE_SIZE")
        queries_file = env.get("HUB_PERSISTED_QUERIES_FILE") or None
        only_persisted = _bool(env, "HUB_PERSISTED_QUERIES_ONLY", defaults.persisted_queries_only)
        if only_persisted and queries_file is None:
            raise SettingsError(
                "HUB_PERSISTED_QUERIES_ONLY=true needs HUB_PERSISTED_QUERIES_FILE, the queries "
                "to allow"
            )
        return cls(
            database_url=env.get("HUB_DATABASE_URL") or defaults.database_url,
            read_database_url=env.get("HUB_READ_DATABASE_URL") or None,
            base_iri=(env.get("HUB_BASE_IRI") or defaults.base_iri).rstrip("/"),
            host=env.get("HUB_HOST") or defaults.host,
            port=_int(env, "HUB_PORT", defaults.port),
            introspection=_bool(env, "HUB_INTROSPECTION", defaults.introspection),
            debug=_bool(env, "HUB_DEBUG", defaults.debug),
            require_signatures=_bool(env, "HUB_REQUIRE_SIGNATURES", defaults.require_signatures),
            cache_max_age_s=_int(env, "HUB_CACHE_MAX_AGE_S", defaults.cache_max_age_s),
            persisted_queries_file=Path(queries_file) if queries_file else None,
            persisted_queries_only=only_persisted,
            events_poll_ms=_int(env, "HUB_EVENTS_POLL_MS", defaults.events_poll_ms),
            db_pool_size=_int(env, "HUB_DB_POOL_SIZE", defaults.db_pool_size),
            db_max_overflow=_count(env, "HUB_DB_MAX_OVERFLOW", defaults.db_max_overflow),
            response_cache_bytes=_count(
                env, "HUB_RESPONSE_CACHE_BYTES", defaults.response_cache_bytes
            ),
            limits=limits,
        )

    def with_database(self, url: str) -> Settings:
        return replace(self, database_url=url)
