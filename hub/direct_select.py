"""A query's SELECT of columns on PostgreSQL, run by asyncpg from SQLAlchemy's compiled form.

SQLAlchemy Core spends about 0.7 ms of CPU on a statement beyond the driver's own work: a
Connection and its execution context, the transaction wrapper, the DBAPI cursor adapter over
asyncpg, the cursor result's metadata (Q1 of the bench: a fifth of the request). For a read
of columns none of that does anything: no ORM, no transaction (queries read in autocommit),
no events. Here such a statement is compiled as Core compiles it (its compiled cache, its
bind processors, expanding IN lists), runs as a prepared statement of the dialect's own
adapter (its per-connection cache of prepared statements) on a connection of the engine's
pool (checkout, ping when idle, reset, invalidation on a disconnect), and its rows come back
as Core's: a `Result` of `Row`s with the result processors Core would apply (enums, time
zones), keyed by name and by column; or, for a caller that reads them by position, as the
driver's records with those processors beside them (`DirectResult`). Errors are Core's
too: `sqlalchemy.exc.DBAPIError` wrapping the dialect's translation of asyncpg's exception.

`select` returns None where it does not apply, and the caller executes the standard way:
other dialects, statements with execution options or a schema translation, engines with
cursor-execution listeners (they see every statement Core runs: tests count statements so),
and a pool that cannot give a connection (Core's attempt raises Core's error).

It reads SQLAlchemy 2.1's internals (`_compile_w_cache`, the compiled form's positional
parameters and result columns, the asyncpg adapter's `_prepare`); the pin in pyproject.toml
keeps that release line, and the suite's queries on PostgreSQL read through here.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect, Result
from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import greenlet_spawn

# Per result column, its result processor (None where it has none).
Processors = tuple[Callable[[Any], Any] | None, ...]


@dataclass
class _Compiled:
    """What every run of one compiled statement shares."""

    keys: list[str]
    # Per result column, what else keys it in a row (the column objects, as Core's rows).
    extra: list[Sequence[Any]]
    # Rows' metadata (names, result processors) and the processors, by the columns'
    # PostgreSQL types, which the first run tells.
    metadata: dict[tuple[int, ...], tuple[SimpleResultMetaData, Processors]] = field(
        default_factory=dict
    )


@dataclass(frozen=True)
class _Bound:
    """A statement ready to run: its SQL and arguments, for one dialect."""

    dialect: Dialect
    compiled: SQLCompiler
    shared: _Compiled
    sql: str
    arguments: list[Any]


_COMPILED: weakref.WeakKeyDictionary[SQLCompiler, _Compiled] = weakref.WeakKeyDictionary()
# By statement object: the hot reads keep theirs (an lru_cache over their criteria), so
# they bind once instead of at each run (the compiled cache's lookup hashes the whole
# statement's key). A statement is immutable; one made per request leaves with it.
_BOUND: weakref.WeakKeyDictionary[sa.Select[Any], _Bound] = weakref.WeakKeyDictionary()


async def select(engine: AsyncEngine, statement: sa.Select[Any]) -> Result[Any] | None:
    """The buffered result of `statement` on a connection of `engine`'s pool, given back
    before this returns; or None where the standard execution must run it."""
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect
    if dialect.driver != "asyncpg" or statement._execution_options:
        return None
    if sync_engine.dispatch.before_cursor_execute or sync_engine.dispatch.after_cursor_execute:
        return None
    bound = _BOUND.get(statement)
    if bound is None or bound.dialect is not dialect:
        bound = _bind(statement, sync_engine)
        if bound is None:
            return None
        _BOUND[statement] = bound
    sql, arguments, shared = bound.sql, bound.arguments, bound.shared
    try:
        fairy = await greenlet_spawn(sync_engine.pool.connect)
    except Exception:  # no connection: the standard execution tries and raises its own error
        return None
    try:
        adapter: Any = fairy.dbapi_connection  # the dialect's AsyncAdapt_asyncpg_connection
        try:
            prepared, attributes = await adapter._prepare(
                sql,
                dialect._invalidate_schema_cache_asof,  # type: ignore[attr-defined]
            )
            if len(attributes) != len(shared.keys):
                return None  # a statement whose columns Core would match by name
            records = await prepared.fetch(*arguments)
        except Exception as error:
            raise _dbapi_error(error, sql, arguments, fairy, sync_engine.pool, dialect) from error
    finally:
        await greenlet_spawn(fairy.close)
    types = tuple(attribute.type.oid for attribute in attributes)
    known = shared.metadata.get(types)
    if known is None:
        processors = tuple(
            column.type._cached_result_processor(dialect, oid)
            for column, oid in zip(bound.compiled._result_columns, types, strict=True)
        )
        metadata = SimpleResultMetaData(
            shared.keys, extra=shared.extra, _processors=list(processors)
        )
        known = shared.metadata[types] = (metadata, processors)
    return DirectResult(*known, records)


class DirectResult(IteratorResult[Any]):
    """Core's result of the driver's records, which also hands them over as they are with
    each column's result processor (None where it has none), for a caller that reads them
    by position (`hub.observations.row_reading`) instead of through Core's rows."""

    def __init__(
        self, metadata: SimpleResultMetaData, processors: Processors, records: list[Any]
    ) -> None:
        super().__init__(metadata, iter(records))
        self.records = records
        self.processors = processors


def _bind(statement: sa.Select[Any], engine: sa.Engine) -> _Bound | None:
    """`statement` compiled through the engine's compiled cache and bound, as Core does."""
    dialect = engine.dialect
    compiled, extracted, collected, _ = statement._compile_w_cache(
        dialect,
        compiled_cache=engine._compiled_cache,
        column_keys=[],
        schema_translate_map=None,
    )
    if not isinstance(compiled, SQLCompiler) or compiled.schema_translate_map:
        return None
    parameters = compiled.construct_params(
        extracted_parameters=extracted, escape_names=False, _collected_params=collected
    )
    sql, arguments = _bound(compiled, parameters)
    shared = _COMPILED.get(compiled)
    if shared is None:
        shared = _COMPILED[compiled] = _Compiled(
            [column.keyname for column in compiled._result_columns],
            [column.objects for column in compiled._result_columns],
        )
    return _Bound(dialect, compiled, shared, sql, arguments)


def _bound(compiled: SQLCompiler, parameters: MutableMapping[str, Any]) -> tuple[str, list[Any]]:
    """The SQL and its positional arguments, as Core's execution context makes them
    (`DefaultExecutionContext._init_compiled`): expanding IN lists rendered, each value
    through its type's bind processor."""
    processors: Any = compiled._bind_processors
    sql: str = compiled.string
    order: Sequence[str] | None = compiled.positiontup
    if compiled.literal_execute_params or compiled.post_compile_params:
        expanded = compiled._process_parameters_for_postcompile(parameters)
        sql, order = expanded.statement, expanded.positiontup
        processors = {**processors, **expanded.processors}
    assert order is not None  # the asyncpg dialect's parameters are positional
    arguments = [
        processors[key](parameters[key]) if key in processors else parameters[key] for key in order
    ]
    return sql, arguments


def _dbapi_error(
    error: Exception,
    sql: str,
    arguments: list[Any],
    fairy: Any,
    pool: sa.pool.Pool,
    dialect: Dialect,
) -> sa.exc.DBAPIError:
    """`error` as Core raises it: the dialect's translation in a `DBAPIError`; on a lost
    connection, the connection and the pool invalidated, as Core does."""
    try:
        fairy.dbapi_connection._handle_exception(error)
    except Exception as translated:
        dbapi_error = translated
    else:  # pragma: no cover - the adapter always raises
        dbapi_error = error
    lost = isinstance(dbapi_error, dialect.loaded_dbapi.Error) and dialect.is_disconnect(
        dbapi_error, fairy.dbapi_connection, None
    )
    if lost:  # this connection, and every other one as old (Core's default)
        pool._invalidate(fairy, dbapi_error)
    wrapped = sa.exc.DBAPIError.instance(
        sql,
        arguments,
        dbapi_error,
        dialect.loaded_dbapi.Error,
        connection_invalidated=lost,
        dialect=dialect,
    )
    assert isinstance(wrapped, sa.exc.DBAPIError)
    return wrapped
