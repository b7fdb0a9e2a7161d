"""A plan's variables (`hub.graphql.fast.variables`) coerce exactly as graphql-core's
`get_variable_values` coerces them: the same values of the same types, the same errors.

Every variable type the shortcut takes is tried with values it takes and values it must leave
to graphql-core (converted, refused, missing, null); each answer is compared with
graphql-core's. Other tests check that the shortcut is taken at all, so that a coercion that
always left the work to graphql-core could not pass.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from graphql import build_schema, get_variable_values, parse
from graphql.execution.values import VariableValues

from bench.queries import HUB
from hub.graphql.fast import variables as module
from hub.graphql.fast.variables import variables_coercion
from hub.graphql.schema import build_schema as build_hub_schema

SCHEMA = build_schema(
    """
    enum Colour { RED GREEN }
    input Window { from: String!, to: Int }
    type Query { echo(s: String, i: Int, f: Float, b: Boolean, d: ID): String }
    """
)

TYPES = [
    *("String", "String!", "[String]", "[String!]", "[String]!", "[String!]!"),
    *("Int", "Int!", "[Int!]", "Float", "Float!", "[Float]", "Boolean", "[Boolean!]!"),
    *("ID", "ID!", "[ID!]", "Colour", "[Colour!]", "Window", "[[String]]"),
]
MISSING = object()
VALUES: list[Any] = [
    *("a", "", "x\u00e9", 0, 1, -1, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1),
    *(1.0, 1.5, -0.0, math.inf, math.nan, True, False, None, "RED", MISSING),
    *([], ["a"], ["a", None], ["a", "b"], [1, 2], [1.5], [True, False], [None]),
    *([["a"]], ("a",), {"from": "a"}, {"from": "a", "to": 3}, ["RED"]),
]


def _normal(found: VariableValues | list[Any]) -> Any:
    """A comparable form: graphql-core builds new wrapping types for each signature."""
    if isinstance(found, list):
        return [error.message for error in found]
    sources = {
        name: (s.signature.name, str(s.signature.type), s.signature.default, repr(s.value))
        for name, s in found.sources.items()
    }
    # repr: the values' types too (1 and 1.0 and True are equal), and NaN as itself.
    return sources, {name: repr(value) for name, value in found.coerced.items()}


@pytest.mark.parametrize("kind", TYPES)
def test_every_value_coerces_as_graphql_core_coerces_it(kind: str) -> None:
    definitions = parse(f"query($v: {kind}, $w: String) {{ echo(s: $w) }}").definitions
    operation: Any = definitions[0]
    coerce = variables_coercion(SCHEMA, operation.variable_definitions, 50)
    for value in VALUES:
        inputs = {"w": "x"} if value is MISSING else {"v": value, "w": "x"}
        expected = get_variable_values(SCHEMA, operation.variable_definitions, inputs, 50)
        assert _normal(coerce(inputs)) == _normal(expected), (kind, value)


def _calls_of_graphql_core(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def counted(schema: Any, definitions: Any, inputs: dict[str, Any], *args: Any) -> Any:
        calls.append(inputs)
        return get_variable_values(schema, definitions, inputs, *args)

    monkeypatch.setattr(module, "get_variable_values", counted)
    return calls


def test_scalars_and_lists_of_them_are_taken_without_graphql_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _calls_of_graphql_core(monkeypatch)
    text = "query($s: String!, $l: [String!], $i: Int, $f: Float, $b: Boolean!) { echo }"
    operation: Any = parse(text).definitions[0]
    coerce = variables_coercion(SCHEMA, operation.variable_definitions, 50)
    taken = coerce({"s": "a", "l": ["01", "79"], "i": 7, "b": True})
    assert not calls
    assert isinstance(taken, VariableValues)
    assert taken.coerced == {"s": "a", "l": ["01", "79"], "i": 7, "b": True}
    assert "f" in taken.sources and "f" not in taken.coerced  # omitted, as graphql-core does
    # A value graphql-core converts or refuses is its to coerce.
    assert isinstance(coerce({"s": "a", "i": 7.0, "b": True}), VariableValues)
    assert isinstance(coerce({"s": 5, "b": True}), list)
    assert len(calls) == 2


def test_a_type_the_shortcut_does_not_know_leaves_every_variable_to_graphql_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _calls_of_graphql_core(monkeypatch)
    operation: Any = parse("query($s: String!, $c: Colour) { echo }").definitions[0]
    coerce = variables_coercion(SCHEMA, operation.variable_definitions, 50)
    assert isinstance(coerce({"s": "a", "c": "RED"}), VariableValues)
    assert len(calls) == 1


@pytest.mark.parametrize("name", ["q1", "q3"])
def test_the_bench_series_and_aggregate_take_the_shortcut_on_the_hub_schema(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _calls_of_graphql_core(monkeypatch)
    schema = build_hub_schema()._schema
    query = HUB[name]
    operation: Any = parse(query.text).definitions[0]
    coerce = variables_coercion(schema, operation.variable_definitions, 50)
    taken = coerce(query.variables)
    expected = get_variable_values(schema, operation.variable_definitions, query.variables, 50)
    assert not calls
    assert _normal(taken) == _normal(expected)
