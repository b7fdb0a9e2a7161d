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
differential mode of the test suite checks it, byte for byte.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from hub.graphql.fast.execute import Complete, Leaf, Run
    from hub.graphql.fast.plan import FieldPlan, Output

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
