"""Curation services: drafts, publication through the catalog validation, concurrency, history."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import Text
from hub.metadata import curation
from hub.metadata.curation import CatalogInvalidError, ContentInvalidError, StaleVersionError
from hub.metadata.store import import_catalog, load_catalog
from hub.metadata.version_models import CatalogVersionStatus, EntityKind
from hub.metadata.versions import entity_turtle
from tests.hub.metadata.test_store import small_catalog

IND = EntityKind.INDICATOR
UNIT = EntityKind.UNIT


@pytest.fixture
async def stored(session: AsyncSession) -> AsyncSession:
    await import_catalog(small_catalog(), session=session)
    return session


async def test_an_edit_makes_a_draft_and_readers_keep_the_published_definition(
    stored: AsyncSession,
) -> None:
    draft = await curation.update_draft(
        IND,
        "0101",
        {"name": Text("Tên mới", "New name")},
        base_version=1,
        session=stored,
        actor="curator-a",
        comment="clearer name",
    )

    assert (draft.version, draft.status, draft.based_on) == (2, CatalogVersionStatus.DRAFT, 1)
    assert (await load_catalog(session=stored)).indicators[
        "0101"
    ].name == small_catalog().indicators["0101"].name
    rows = await curation.history(IND, "0101", session=stored)
    assert [(r.version, r.status.value, r.created_by) for r in rows] == [
        (1, "published", curation.IMPORTED_BY),
        (2, "draft", "curator-a"),
    ]
    diff = curation.records(rows)[1].diff
    changed = [line for line in diff.splitlines()[2:] if line[:1] in "+-"]
    old_name = small_catalog().indicators["0101"].name
    assert f'"{old_name.vi}"@vi' in "".join(c for c in changed if c.startswith("-"))
    assert '"Tên mới"@vi' in "".join(c for c in changed if c.startswith("+"))
    assert '"New name"@en' in "".join(c for c in changed if c.startswith("+"))


async def test_publish_makes_the_draft_current_and_retires_the_previous(
    stored: AsyncSession,
) -> None:
    draft = await curation.update_draft(
        IND, "0101", {"name": Text("Tên mới")}, base_version=1, session=stored, actor="a"
    )

    published = await curation.publish_draft(IND, "0101", draft.version, session=stored, actor="b")

    assert published.status is CatalogVersionStatus.PUBLISHED
    assert published.published_by == "b"
    assert (await load_catalog(session=stored)).indicators["0101"].name == Text("Tên mới")
    rows = await curation.history(IND, "0101", session=stored)
    assert [(r.version, r.status.value) for r in rows] == [(1, "retired"), (2, "published")]


async def test_a_stale_edit_is_refused_naming_the_newer_version(stored: AsyncSession) -> None:
    await curation.update_draft(
        UNIT, "PS", {"symbol": "ng."}, base_version=1, session=stored, actor="first"
    )

    with pytest.raises(StaleVersionError) as refused:
        await curation.update_draft(
            UNIT, "PS", {"symbol": "ng"}, base_version=1, session=stored, actor="second"
        )

    assert refused.value.latest == 2
    assert "version 2 (draft, by first" in refused.value.message
    assert refused.value.field == "baseVersion"


async def test_a_unit_that_does_not_exist_cannot_be_published(stored: AsyncSession) -> None:
    draft = await curation.update_draft(
        IND, "0101", {"unit": "NO_SUCH_UNIT"}, base_version=1, session=stored, actor="a"
    )

    with pytest.raises(CatalogInvalidError) as refused:
        await curation.publish_draft(IND, "0101", draft.version, session=stored, actor="a")

    assert [(i.focus, i.path) for i in refused.value.issues] == [("indicator 0101", "unit")]
    assert (await load_catalog(session=stored)).indicators["0101"].unit != "NO_SUCH_UNIT"
    rows = await curation.history(IND, "0101", session=stored)
    assert [r.status.value for r in rows] == ["published", "draft"]


async def test_a_shacl_violation_cannot_be_published(stored: AsyncSession) -> None:
    unit = small_catalog().units["VND"]
    turtle = entity_turtle(UNIT, unit).replace(
        "skos:exactMatch unit:VND", "skos:exactMatch <https://example.org/not-qudt/VND>"
    )
    draft = await curation.save_draft_turtle(
        UNIT,
        "VND",
        turtle,
        base_version=1,
        base_iri=curation.SOURCE_BASE_IRI,
        session=stored,
        actor="a",
    )

    with pytest.raises(CatalogInvalidError) as refused:
        await curation.publish_draft(UNIT, "VND", draft.version, session=stored, actor="a")

    assert any("not-qudt" in i.message for i in refused.value.issues)


async def test_removing_the_vietnamese_name_is_refused_naming_the_property(
    stored: AsyncSession,
) -> None:
    unit = small_catalog().units["BN_VND"]
    turtle = entity_turtle(UNIT, unit).replace('"tỷ đồng"@vi', '"tỷ đồng"@fr')

    with pytest.raises(ContentInvalidError) as refused:
        await curation.save_draft_turtle(
            UNIT,
            "BN_VND",
            turtle,
            base_version=1,
            base_iri=curation.SOURCE_BASE_IRI,
            session=stored,
            actor="a",
        )

    assert refused.value.problems  # nothing stored: the entity must have a Vietnamese name
    assert "prefLabel" in str(refused.value.problems)
