"""The GraphQL schema: domain root types merged, limits and caches from the settings."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_limit_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from hub.access.mutations import AccessMutation
from hub.access.queries import AccessQuery
from hub.access.signature_api import SignatureMutation, SignatureQuery
from hub.errors import NotFoundError
from hub.graphql.context import Context
from hub.graphql.errors import ErrorContract, contract_errors
from hub.graphql.fast.extension import FastExecution, PlanCache
from hub.graphql.fragment_limit import FragmentExpansionLimiter
from hub.graphql.input_text import RefuseNul
from hub.graphql.node import Node, NodeFetchers, parse_global_id
from hub.graphql.scalars import SCALAR_MAP
from hub.metadata.curation_mutations import CurationMutation, CurationQuery
from hub.metadata.queries import NODE_FETCHERS as METADATA_NODES
from hub.metadata.queries import MetadataQuery
from hub.observations.analytics_queries import AnalyticsQuery
from hub.observations.queries import ObservationQuery
from hub.observations.subscriptions import ObservationSubscription
from hub.reporting.mutations import ReportingMutation
from hub.reporting.queries import NODE_FETCHERS as REPORTING_NODES
from hub.reporting.queries import ReportingQuery
from hub.reporting.subscriptions import ReportingSubscription
from hub.sdmx.mutations import SdmxMutation
from hub.settings import Limits, Settings

NODE_FETCHERS: NodeFetchers = {**METADATA_NODES, **REPORTING_NODES}


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; an unknown id is an error.")
    async def node(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Node | None:
        type_name, key = parse_global_id(id)
        fetch = NODE_FETCHERS.get(type_name)
        found = await fetch(info, key) if fetch else None
        if found is None:
            raise NotFoundError(type_name or "object", key, field="id")
        return found


Query = merge_types(
    "Query",
    (
        MetadataQuery,
        ReportingQuery,
        ObservationQuery,
        AnalyticsQuery,
        NodeQuery,
        AccessQuery,
        SignatureQuery,
        CurationQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (ReportingMutation, SdmxMutation, SignatureMutation, CurationMutation, AccessMutation),
)
Subscription = merge_types("Subscription", (ReportingSubscription, ObservationSubscription))


class HubSchema(strawberry.Schema):
    """Logs nothing itself: `ErrorContract` logs unexpected errors once, with the request id,
    and expected ones (bad input, unknown codes) are the client's business, not the log's.
    `fast_plans`: the plans of its fast path (`hub.graphql.fast`), for the HTTP fast lane."""

    fast_plans: PlanCache | None = None

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        result = await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )
        # An exception raised by an extension (before or after execution) leaves the
        # operation hook, and `ErrorContract` with it, before there is a result: map it here.
        if result.errors:
            request_id = context_value.request_id if isinstance(context_value, Context) else "-"
            result.errors = contract_errors(result.errors, request_id)
        return result


def build_schema(settings: Settings | None = None) -> HubSchema:
    """The schema with the deployment's limits; parse and validation results are cached."""
    limits = settings.limits if settings else Limits()
    # Any: strawberry accepts extension classes and instances alike.
    # Factories, not instances: strawberry builds fresh extensions per request; the parse and
    # validation caches live at module level in strawberry, shared by every request.
    # The depth and alias limits are validation rules made once per schema: strawberry's
    # QueryDepthLimiter and MaxAliasesLimiter make a new rule class per request, and the
    # validation cache keys on the rules, so it never hit (validation ran on every request).
    limit_rules: list[type[ASTValidationRule]] = [
        depth_limit_rule(limits.max_query_depth, None, None),
        alias_limit_rule(limits.max_query_aliases),
    ]
    extensions: list[Any] = [
        ErrorContract,
        RefuseNul,
        partial(ParserCache, maxsize=1024),
        # Before the validation rules: the depth and alias limiters expand fragments naively.
        partial(FragmentExpansionLimiter, max_selections=limits.max_query_tokens),
        partial(ValidationCache, maxsize=1024),
        partial(AddValidationRules, limit_rules),
        partial(MaxTokensLimiter, max_token_count=limits.max_query_tokens),
    ]
    if settings is not None and not settings.introspection:
        extensions.append(DisableIntrospection)
    # Last: its on_execute runs after every other extension's (`hub.graphql.fast`).
    plans = PlanCache()
    extensions.append(partial(FastExecution, plans=plans))
    schema = HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )
    schema.fast_plans = plans
    return schema


def schema_sdl() -> str:
    """The SDL as committed in schema.graphql (strawberry's export adds the final newline)."""
    return build_schema().as_str() + "\n"
