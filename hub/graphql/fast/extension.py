"""The fast path as a strawberry extension: queries its plans cover skip graphql-core.

It runs last of the `on_execute` hooks, so everything before execution has happened the
standard way: parsing (cached), validation with every limit (depth, aliases, tokens,
fragment expansion), the request's context (principal, read routing, settings) and the
checks of the other extensions. For a query whose plan exists (`plan.compile_operation`,
once per document text and operation name, kept in a bounded LRU per schema), the plan
runs (`execute.execute`) and its data becomes the result: graphql-core does not run. If the
plan does not cover the document, or anything at all goes wrong while it runs, its work is
discarded (the request's loaders and transaction are reset) and the standard executor runs
as if the fast path did not exist, so errors, codes, paths and masking are the standard ones.

`stats` counts what happened. With differential mode on (`set_differential(True)`, which
the test suite does for its whole run) both paths run for every covered query: the
standard result is the response, the plan's data must be byte for byte the same (JSON,
key order included), and each difference is recorded for `differences()`. The plan's run
is then a shadow: `in_shadow_run()` is true inside it, for tests that count statements.
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from functools import partial
from typing import Any

import orjson
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from hub.graphql.fast.execute import execute
from hub.graphql.fast.plan import OperationPlan, Unsupported, compile_operation

log = logging.getLogger("hub.graphql.fast")

PLANS_KEPT = 1024

stats: Counter[str] = Counter()
_differential = False
_differences: list[str] = []
_shadow: ContextVar[bool] = ContextVar("hub_graphql_fast_shadow", default=False)


def set_differential(on: bool) -> None:
    """Run both paths for every covered query and compare (tests; never in production)."""
    global _differential
    _differential = on


def differences() -> list[str]:
    """Differences found by differential mode since the last `clear_differences()`."""
    return list(_differences)


def clear_differences() -> None:
    _differences.clear()


def is_differential() -> bool:
    return _differential


def in_shadow_run() -> bool:
    """Whether the code running is the plan's shadow run of differential mode."""
    return _shadow.get()


@contextmanager
def shadow() -> Iterator[None]:
    """Marks what runs inside as a shadow run (`in_shadow_run`)."""
    token = _shadow.set(True)
    try:
        yield
    finally:
        _shadow.reset(token)


class PlanCache:
    """Plans of one schema by (document text, operation name), least recently used out;
    a document the plans do not cover is remembered too (as the reason)."""

    def __init__(self, maxsize: int = PLANS_KEPT) -> None:
        self.maxsize = maxsize
        self._plans: OrderedDict[tuple[str, str | None], OperationPlan | str] = OrderedDict()
        self._schema_reason: dict[int, str | None] = {}

    def get(self, schema: Any, document: Any, query: str, name: str | None) -> OperationPlan | str:
        key = (query, name)
        found = self._plans.get(key)
        if found is not None:
            self._plans.move_to_end(key)
            return found
        reason = self._unsupported_schema(schema)
        if reason is None:
            try:
                found = compile_operation(schema._schema, document, name)
            except Unsupported as error:
                found = str(error)
        else:
            found = reason
        self._plans[key] = found
        if len(self._plans) > self.maxsize:
            self._plans.popitem(last=False)
        return found

    def peek(self, query: str, name: str | None) -> OperationPlan | None:
        """The plan made for this document and operation, if any (nothing is compiled)."""
        found = self._plans.get((query, name))
        return found if isinstance(found, OperationPlan) else None

    def _unsupported_schema(self, schema: Any) -> str | None:
        """Why no plan can run on `schema` at all (resolver middleware ...), or None."""
        if id(schema) not in self._schema_reason:
            self._schema_reason[id(schema)] = _schema_reason(schema)
        return self._schema_reason[id(schema)]

    def __len__(self) -> int:
        return len(self._plans)


def _schema_reason(schema: Any) -> str | None:
    for extension in schema.extensions:
        cls = extension.func if isinstance(extension, partial) else extension
        cls = cls if isinstance(cls, type) else type(cls)
        if getattr(cls, "resolve", SchemaExtension.resolve) is not SchemaExtension.resolve:
            return f"the {cls.__name__} extension wraps every resolver"
    if schema.directives:
        return "the schema has directives of its own (strawberry resolves them per field)"
    if getattr(schema.schema_converter, "_exception_handler_specs", None):
        return "the schema has exception handlers"
    if schema.config.default_resolver is not getattr:
        return "the schema has a default resolver of its own"
    return None


class FastExecution(SchemaExtension):
    """Answers covered queries from their plans (see the module's docstring)."""

    def __init__(self, *, plans: PlanCache) -> None:
        super().__init__()
        self.plans = plans

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override,unused-ignore]
        context = self.execution_context
        data = await self._fast(context)
        if data is not None and not _differential:
            context.result = GraphQLExecutionResult(data=data, errors=None)
        yield
        if data is not None and _differential:
            _compare(context, data)

    async def _fast(self, context: Any) -> dict[str, Any] | None:
        document, query = context.graphql_document, context.query
        if document is None or query is None or context.pre_execution_errors:
            return None
        try:
            if context.operation_type is not OperationType.QUERY:
                return None
        except RuntimeError:  # no such operation: the standard executor says so
            return None
        # Keyed by the name as the request gave it (None for a document's one operation),
        # as the fast lane looks plans up before anything is parsed.
        name = getattr(context, "_provided_operation_name", context.operation_name)
        plan = self.plans.get(context.schema, document, query, name)
        if isinstance(plan, str):
            stats["fallback"] += 1
            stats[f"unsupported: {plan}"] += 1
            return None
        try:
            with shadow() if _differential else nullcontext():
                data = await execute(
                    plan,
                    schema=context.schema,
                    context=context.context,
                    root_value=context.root_value,
                    variable_values=context.variables,
                    operation_extensions=context.operation_extensions,
                )
        except Exception as error:
            stats["fallback"] += 1
            stats[f"failed: {type(error).__name__}"] += 1
            await _reset(context.context)
            return None
        stats["fast"] += 1
        if _differential:
            await _reset(context.context)
        return data


async def _reset(context: Any) -> None:
    """Forget what a run loaded, so the next one starts as the first would have."""
    reset = getattr(context, "reset", None)
    if reset is not None:
        await reset()


def _compare(context: Any, data: dict[str, Any]) -> None:
    result = context.result
    where = f"{context.operation_name or 'query'} {context.query!r} {context.variables!r}"
    if result is None or result.errors:
        errors = [str(e) for e in (result.errors or [])] if result is not None else "no result"
        record_difference(f"{where}: the plan answered, the standard executor failed: {errors}")
        return
    fast, standard = orjson.dumps(data), orjson.dumps(result.data)
    if fast != standard:
        at = next((i for i, (a, b) in enumerate(zip(fast, standard, strict=False)) if a != b), 0)
        record_difference(
            f"{where}: the plan answered {fast[max(0, at - 80) : at + 200]!r}, the standard "
            f"executor {standard[max(0, at - 80) : at + 200]!r}"
        )


def record_difference(message: str) -> None:
    log.error("fast path differs: %s", message)
    _differences.append(message)
