"""`hub.nul.nul_path` names where the first NUL of a JSON value is, key or string."""

from __future__ import annotations

import pytest

from hub.nul import nul_path


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ("a\x00", "$v"),
        (["a", "b", "c\x00"], "$v[2]"),
        ({"a": [1, {"b": "x\x00"}]}, "$v.a[1].b"),
        ({"a": [1, {"b\x00": 2}]}, "$v.a[1].'b\\x00'"),
        ({"a": {"b": [["q", "\x00"]]}}, "$v.a.b[0][1]"),
        # The first in document order, whatever the depth of the later ones.
        ([["\x00"], "\x00"], "$v[0][0]"),
        ({"a": "ok", "b": ["\x00"], "c": "\x00"}, "$v.b[0]"),
        ({"a": "ok", "b": [1, 2.5, None, True]}, None),
        ([], None),
    ],
)
def test_the_first_nul_is_named_by_its_path(value: object, where: str | None) -> None:
    assert nul_path(value, "$v") == where
