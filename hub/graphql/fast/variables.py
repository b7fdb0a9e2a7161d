"""A plan's variables coerced as graphql-core coerces them, without its per-value walk where
every variable is a built-in scalar or a list of them.

graphql-core coerces each value through its type, item by item, and first walks the value
for its depth: for Q3 of the bench (86 area codes) 142 us of the request's ~2 ms of
Python. Variables of String, ID, Int, Float or Boolean, alone or in one list, are checked
here by the type of each value (what the scalar's coercion accepts unchanged) and taken as
they are. Anything else (input objects, enums, custom scalars, nested lists, default values,
a value graphql-core would convert or refuse) goes to graphql-core's `get_variable_values`,
whose answer, errors included, stays the one that counts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from math import isfinite
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    Undefined,
    VariableDefinitionNode,
    get_variable_values,
)
from graphql.execution.get_variable_signature import (
    GraphQLVariableSignature,
    get_variable_signature,
)
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.type.scalars import GRAPHQL_MAX_INT, GRAPHQL_MIN_INT, GraphQLString

# Per built-in scalar, which values its coercion returns as they are.
_TAKEN_AS_IS: dict[Any, Callable[[Any], bool]] = {
    GraphQLString: lambda value: type(value) is str,
    GraphQLID: lambda value: type(value) is str,
    GraphQLBoolean: lambda value: type(value) is bool,
    GraphQLInt: lambda value: type(value) is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT,
    GraphQLFloat: lambda value: type(value) is float and isfinite(value),
}


@dataclass(frozen=True)
class _Simple:
    """A variable of a built-in scalar (`taken`), or of a list of one (`listed`)."""

    signature: GraphQLVariableSignature
    required: bool
    listed: bool
    item_required: bool
    taken: Callable[[Any], bool]


Coerce = Callable[[dict[str, Any]], VariableValues | list[Any]]


def variables_coercion(
    schema: GraphQLSchema, definitions: Collection[VariableDefinitionNode], max_errors: int
) -> Coerce:
    """How a plan's variables are coerced: as `get_variable_values` with these arguments
    would, by the shortcut when every variable has a simple type."""

    def standard(inputs: dict[str, Any]) -> VariableValues | list[Any]:
        return get_variable_values(schema, definitions, inputs, max_errors)

    simple = []
    for definition in definitions:
        variable = _simple(schema, definition)
        if variable is None:
            return standard
        simple.append(variable)
    variables = tuple(simple)

    def coerce(inputs: dict[str, Any]) -> VariableValues | list[Any]:
        taken = _taken(variables, inputs)
        return standard(inputs) if taken is None else taken

    return coerce


def _simple(schema: GraphQLSchema, definition: VariableDefinitionNode) -> _Simple | None:
    if definition.default_value is not None:
        return None
    signature = get_variable_signature(schema, definition)
    if not isinstance(signature, GraphQLVariableSignature):
        return None
    kind: Any = signature.type
    required = isinstance(kind, GraphQLNonNull)
    kind = kind.of_type if required else kind
    listed = isinstance(kind, GraphQLList)
    kind = kind.of_type if listed else kind
    item_required = listed and isinstance(kind, GraphQLNonNull)
    kind = kind.of_type if item_required else kind
    taken = _TAKEN_AS_IS.get(kind)
    if taken is None:
        return None
    return _Simple(signature, required, listed, item_required, taken)


def _taken(variables: tuple[_Simple, ...], inputs: dict[str, Any]) -> VariableValues | None:
    """The variables as graphql-core coerces them, or None where it has more to do."""
    sources: dict[str, VariableValueSource] = {}
    coerced: dict[str, Any] = {}
    for variable in variables:
        name = variable.signature.name
        value = inputs.get(name, Undefined)
        if value is Undefined:
            if variable.required:
                return None
            sources[name] = VariableValueSource(variable.signature)
            continue
        sources[name] = VariableValueSource(variable.signature, value)
        if value is None:
            if variable.required:
                return None
            coerced[name] = None
        elif not variable.listed:
            if not variable.taken(value):
                return None
            coerced[name] = value
        else:
            if type(value) is not list:  # a single value is a list of one: graphql-core's
                return None
            taken = variable.taken
            for item in value:
                if item is None:
                    if variable.item_required:
                        return None
                elif not taken(item):
                    return None
            coerced[name] = list(value)
    return VariableValues(sources, coerced)
