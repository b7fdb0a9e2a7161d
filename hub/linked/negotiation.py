"""HTTP content negotiation between the RDF formats and HTML the hub serves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # rdflib serializer name, or "html"
    media_type: str


TURTLE = Format("turtle", "text/turtle")
JSON_LD = Format("json-ld", "application/ld+json")
HTML = Format("html", "text/html")

# Media types a client may ask for, in our order of preference on ties.
OFFERED: dict[str, Format] = {
    "text/turtle": TURTLE,
    "application/x-turtle": TURTLE,
    "application/ld+json": JSON_LD,
    "application/json": JSON_LD,
    "text/html": HTML,
    "application/xhtml+xml": HTML,
}
BY_SUFFIX: dict[str, Format] = {"ttl": TURTLE, "jsonld": JSON_LD, "html": HTML}


def _quality(params: list[str]) -> float:
    for param in params:
        key, _, value = param.strip().partition("=")
        if key.strip() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


def negotiate(accept: str | None, default: Format = TURTLE) -> Format | None:
    """The best format for an Accept header; None when nothing offered is acceptable (406)."""
    if not accept or not accept.strip():
        return default
    best: tuple[float, int, Format] | None = None
    for position, item in enumerate(accept.split(",")):
        media, *params = item.strip().split(";")
        media = media.strip().lower()
        quality = _quality(params)
        if quality <= 0:
            continue
        if media in OFFERED:
            candidate = OFFERED[media]
        elif media in ("*/*", "text/*", "application/*"):
            candidate = default if media == "*/*" else (TURTLE if media == "text/*" else JSON_LD)
            quality -= 0.001  # an exact media type beats a wildcard of equal weight
        else:
            continue
        if best is None or (quality, -position) > (best[0], -best[1]):
            best = (quality, position, candidate)
    return best[2] if best else None
