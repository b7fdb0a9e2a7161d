"""The expanded size of a document: linear in its text, whatever its fragments multiply to."""

from __future__ import annotations

import graphql
import pytest

from hub.graphql.fragment_limit import expanded_size


@pytest.mark.parametrize(
    ("document", "size"),
    [
        ("{ me { role } }", 2),
        ("{ ...A ...A } fragment A on Query { me { role } }", 4),
        ("{ ... on Query { me { role } } }", 3),
        ("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }", 0),  # a cycle
        ("{ ...Missing me { role } }", 2),
    ],
)
def test_fragments_count_once_per_spread(document: str, size: int) -> None:
    assert expanded_size(graphql.parse(document), cap=5000) == size


def test_a_doubling_chain_is_counted_without_expanding_it() -> None:
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(60))
    document = graphql.parse(f"{{ ...F0 }} {fragments} fragment F60 on Query {{ __typename }}")

    assert expanded_size(document, cap=5000) == 5001  # 2^60, capped


def test_a_chain_of_a_thousand_fragments_needs_no_deep_recursion() -> None:
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(1000))
    document = graphql.parse(
        f"{{ ...F0 }} {fragments} fragment F1000 on Query {{ __typename }}",
        max_tokens=None,
    )

    assert expanded_size(document, cap=5000) == 1
