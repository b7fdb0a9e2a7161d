"""Content negotiation picks what the client prefers among Turtle, JSON-LD and HTML."""

import pytest

from hub.linked.negotiation import HTML, JSON_LD, TURTLE, negotiate


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, TURTLE),
        ("*/*", TURTLE),
        ("text/turtle", TURTLE),
        ("application/ld+json", JSON_LD),
        ("application/json", JSON_LD),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", HTML),
        ("application/ld+json;q=0.5, text/turtle;q=0.9", TURTLE),
        ("text/turtle;q=0.5, application/ld+json", JSON_LD),
        ("application/pdf, */*;q=0.1", TURTLE),
    ],
)
def test_negotiates_the_preferred_format(accept: str | None, expected: object) -> None:
    assert negotiate(accept) is expected


@pytest.mark.parametrize("accept", ["application/pdf", "image/png, text/csv", "text/turtle;q=0"])
def test_nothing_acceptable_means_406(accept: str) -> None:
    assert negotiate(accept) is None
