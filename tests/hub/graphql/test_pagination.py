"""Cursors and page sizes: opaque, checked, bounded."""

import pytest

from hub.errors import InvalidInputError, LimitExceededError
from hub.graphql.pagination import build_connection, decode_cursor, encode_cursor, page_request
from hub.settings import Limits


def test_cursor_round_trips_any_key() -> None:
    for key in ("0101", "HUB-SRB", "Dân số", "a:b:c"):
        assert decode_cursor("indicator", encode_cursor("indicator", key)) == key


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWEtY3Vyc29y", "", encode_cursor("unit", "PCT")])
def test_bad_or_foreign_cursor_is_a_clear_error(cursor: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        decode_cursor("indicator", cursor)
    assert raised.value.field == "after"
    assert "cursor" in raised.value.message


def test_page_size_is_bounded_by_the_settings() -> None:
    limits = Limits(max_page_size=10, default_page_size=3)
    assert page_request("area", None, None, limits).first == 3
    with pytest.raises(LimitExceededError, match="maximum page size 10"):
        page_request("area", 11, None, limits)
    with pytest.raises(InvalidInputError, match="negative"):
        page_request("area", -1, None, limits)


def test_connection_uses_the_extra_row_to_tell_a_next_page() -> None:
    request = page_request("area", 2, None, Limits())
    page = build_connection("area", ["a", "b", "c"], ["01", "02", "04"], request=request, total=9)
    assert [e.node for e in page.edges] == ["a", "b"]
    assert page.page_info.has_next_page
    assert not page.page_info.has_previous_page
    assert decode_cursor("area", page.page_info.end_cursor or "") == "02"
    last = build_connection("area", ["c"], ["04"], request=request, total=9)
    assert not last.page_info.has_next_page
