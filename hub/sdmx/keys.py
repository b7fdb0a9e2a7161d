"""SDMX REST series keys: `M.POP+RATE.P01..` against a regime's DSD.

Positions are the DSD's key dimensions in order (TIME_PERIOD excluded), separated by `.`;
`+` separates alternatives; an empty position matches every code; the key `all` (or no key)
matches everything. A malformed key is a `KeySyntaxError` (HTTP 400); a well-formed key
naming codes that do not exist simply matches nothing (HTTP 404 "no results").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from hub.errors import InvalidInputError, LimitExceededError
from hub.sdmx.structure import DataStructure

MAX_KEY_LENGTH = 4000  # characters; longer is HTTP 414 (ask with fewer alternatives)
_SDMX_ID = re.compile(r"^[A-Za-z0-9_@$\-]+$")


class KeySyntaxError(InvalidInputError):
    """The key is not a series key of the flow's DSD (HTTP 400)."""

    code = "BAD_KEY"


class KeyTooLongError(LimitExceededError):
    """The key is longer than `MAX_KEY_LENGTH` (HTTP 414)."""


@dataclass(frozen=True)
class KeyFilter:
    """Per key dimension, in DSD order: the codes asked for, or None for any."""

    dimension_ids: tuple[str, ...]
    positions: tuple[frozenset[str] | None, ...]

    def codes(self, dimension_id: str) -> frozenset[str] | None:
        return self.positions[self.dimension_ids.index(dimension_id)]

    def matches(self, key: Sequence[str]) -> bool:
        return all(
            allowed is None or code in allowed
            for code, allowed in zip(key, self.positions, strict=True)
        )


def parse_key(text: str | None, structure: DataStructure) -> KeyFilter:
    """The filter `text` spells for `structure`'s key dimensions."""
    ids = tuple(d.id for d in structure.key_dimensions)
    if text is None or text in ("", "all", "ALL"):
        return KeyFilter(ids, (None,) * len(ids))
    if len(text) > MAX_KEY_LENGTH:
        raise KeyTooLongError(
            f"the key has {len(text)} characters; at most {MAX_KEY_LENGTH} are accepted",
            field="key",
        )
    parts = text.split(".")
    if len(parts) != len(ids):
        raise KeySyntaxError(
            f"the key {text!r} has {len(parts)} positions but {structure.id} has "
            f"{len(ids)} key dimensions: {'.'.join(ids)} (leave a position empty for all codes)",
            field="key",
        )
    positions: list[frozenset[str] | None] = []
    for dimension_id, part in zip(ids, parts, strict=True):
        if part == "":
            positions.append(None)
            continue
        codes = part.split("+")
        bad = [code for code in codes if not _SDMX_ID.match(code)]
        if bad:
            raise KeySyntaxError(
                f"position {dimension_id} of the key: {bad[0]!r} is not a code "
                "(letters, digits, '_', '@', '$', '-'; alternatives joined by '+')",
                field="key",
            )
        positions.append(frozenset(codes))
    return KeyFilter(ids, tuple(positions))
