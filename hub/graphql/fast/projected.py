"""Fields whose JSON a plan writes straight from their rows: projections.

A page of 1,000 observations made, after its statement, 1,000 records, 1,000 typed objects,
1,000 edges, then completed each of them field by field: about 8 ms of Python per page,
more than the statement itself. `@projected_by(compile)` on a resolver says that a plan of
the fast executor may answer the field another way: `compile(field, completions)` gets the
field's plan once (its whole selection) and returns a function of the request's `Run` and
the resolver's keyword arguments (`info` included, not `self`: for root fields, or resolvers
that do not read their object) that gives the field's JSON; or it raises `Unsupported` for a
selection it does not cover, and the resolver runs as any other. The projection reads what
the resolver reads and must give exactly what completing the resolver's value gives: the
differential mode of the test suite checks it, byte for byte. Projections: a page of
observations (`hub.observations.projection`), a chart's series
(`hub.observations.series_projection`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from hub.graphql.fast.plan import FieldPlan, Output, Selection, Unsupported

if TYPE_CHECKING:
    from hub.graphql.fast.execute import Complete, Leaf, Run

F = TypeVar("F", bound=Callable[..., Any])
MARK = "__hub_projected_by__"

Projected = Callable[["Run", dict[str, Any]], Awaitable[Any]]


class Completions(Protocol):
    """The executor's completions, for the parts of a selection a projection hands back."""

    def complete(self, output: Output) -> Complete: ...

    def leaf(self, output: Output) -> Leaf: ...


Compile = Callable[["FieldPlan", Completions], Projected]


def projected_by(compile: Compile) -> Callable[[F], F]:
    """Marks a resolver as answered, in plans, by what `compile` makes (see above)."""

    def mark(resolver: F) -> F:
        setattr(resolver, MARK, compile)
        return resolver

    return mark


def projection_of(resolver: object) -> Compile | None:
    """The projection a resolver is marked with, if any."""
    found = getattr(resolver, MARK, None)
    return found if callable(found) else None


# What projections share to read a plan and write its JSON.


def name_of(field: FieldPlan) -> str:
    """The field's name in the schema (not its response key)."""
    return field.entries[0].node.name.value


def selection_of(output: Output | None) -> Selection:
    """The selection of an object type's output; anything else is not covered."""
    if output is None or output.selection is None:
        raise Unsupported("not an object")
    return output.selection


def item_of(output: Output | None) -> Output:
    """The items' output of a list of objects; anything else is not covered."""
    if output is None or output.item is None or output.item.item is not None:
        raise Unsupported("not a list of objects")
    return output.item


def attribute_item(
    field: FieldPlan, expression: str, name: str, completions: Completions, env: dict[str, Any]
) -> str:
    """The item of a dict display that gives `field` (an attribute) from `expression`: a
    leaf completed inline (a plain value as it is), anything else by its completion (of
    the display's `run`); what it calls bound in `env` under `name`."""
    assert field.output is not None
    key = repr(field.key)
    if field.output.coerce is None:
        env[name] = completions.complete(field.output)
        return f"{key}: {name}({expression}, run, None)"
    env[name] = leaf = completions.leaf(field.output)
    plain = getattr(leaf, "plain", None)
    if plain is None:
        return f"{key}: {name}({expression})"
    env[f"{name}p"] = plain
    return f"{key}: v if (v := ({expression})).__class__ is {name}p else {name}(v)"
