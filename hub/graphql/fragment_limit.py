"""Bounds what a document becomes once its fragments are expanded, before it is validated.

Fragments spread into fragments multiply: 20 fragments each spreading the next twice are a
document of 200 tokens that expands to a million selections. The depth and alias limiters
(strawberry's) walk that expansion spread by spread, so such a document cost seconds of CPU
per request in validation alone. Here the expanded size is computed once per fragment, in
linear time, and a document over the limit is refused before any validation rule runs.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
)
from strawberry.extensions import SchemaExtension


def _own_selections(definition: Node) -> tuple[int, list[str]]:
    """Fields and inline fragments of `definition` (not through spreads), and its spreads."""
    count, spreads = 0, []
    pending: list[Node] = [definition]
    while pending:
        node = pending.pop()
        selection_set = getattr(node, "selection_set", None)
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                spreads.append(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode):
                count += 1
                pending.append(selection)
    return count, spreads


def expanded_size(document: DocumentNode, cap: int) -> int:
    """The selections of the document's operations with every fragment spread expanded
    (counted up to `cap` + 1). Unknown or cyclic fragments count nothing here: validation
    reports them."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    own = {name: _own_selections(d) for name, d in fragments.items()}
    sizes: dict[str, int] = {}
    for start in fragments:
        # Iterative post-order: a chain of a thousand fragments needs no deep recursion.
        stack: list[tuple[str, bool]] = [(start, False)]
        visiting: set[str] = set()
        while stack:
            name, children_done = stack.pop()
            if name in sizes:
                continue
            if children_done:
                count, spreads = own[name]
                total = count + sum(sizes.get(s, 0) for s in spreads)
                sizes[name] = min(total, cap + 1)
                visiting.discard(name)
                continue
            if name in visiting:
                continue  # a cycle: NoFragmentCyclesRule reports it
            visiting.add(name)
            stack.append((name, True))
            stack.extend((s, False) for s in own[name][1] if s in own and s not in sizes)
    total = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            count, spreads = _own_selections(definition)
            total += count + sum(sizes.get(s, 0) for s in spreads)
    return min(total, cap + 1)


class FragmentExpansionLimiter(SchemaExtension):
    """Refuses a document expanding to more than `max_selections` selections."""

    def __init__(self, *, max_selections: int) -> None:
        super().__init__()
        self.max_selections = max_selections

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None and expanded_size(document, self.max_selections) > (
            self.max_selections
        ):
            raise GraphQLError(
                f"the document expands (fragments spread into fragments) to more than "
                f"{self.max_selections} selections (HUB_MAX_QUERY_TOKENS)",
                extensions={"code": "LIMIT_EXCEEDED"},
            )
        yield
