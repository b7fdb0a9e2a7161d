"""Registering a connected system's local codes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.models import AuditEvent
from hub.errors import InvalidInputError
from hub.metadata.crosswalks import (
    Crosswalk,
    CrosswalkConflictError,
    CrosswalkEntry,
    UnknownSharedCodeError,
    load_crosswalk,
    register_crosswalk,
)
from tests.hub.reporting.catalog_fixture import store_catalog

SYSTEM = "HN-SYS"


@pytest.fixture
async def hub(session: AsyncSession) -> AsyncSession:
    await store_catalog(session)
    return session


async def rows(session: AsyncSession) -> int:
    return await session.scalar(sa.select(sa.func.count()).select_from(Crosswalk)) or 0


async def test_registered_codes_are_loaded_by_kind(hub: AsyncSession) -> None:
    # when
    outcome = await register_crosswalk(
        SYSTEM, "indicator", [("DS", "POP"), ("TN", "REV")], session=hub, actor="integrator"
    )
    await register_crosswalk(SYSTEM, "area", [("HN", "P01")], session=hub, actor="integrator")
    await register_crosswalk(SYSTEM, "unit", [("ty", "BVND")], session=hub, actor="integrator")
    await register_crosswalk(
        SYSTEM,
        "code",
        [CrosswalkEntry("nam", "M", "SEX"), ("nu", "F", "SEX"), ("tt", "U", "URBAN")],
        session=hub,
        actor="integrator",
    )

    # then
    assert (outcome.created, outcome.unchanged) == (2, 0)
    found = await load_crosswalk(SYSTEM, session=hub)
    assert dict(found.indicators) == {"DS": "POP", "TN": "REV"}
    assert dict(found.areas) == {"HN": "P01"}
    assert dict(found.units) == {"ty": "BVND"}
    assert dict(found.codes) == {("SEX", "nam"): "M", ("SEX", "nu"): "F", ("URBAN", "tt"): "U"}
    assert (await load_crosswalk("OTHER", session=hub)).indicators == {}
    assert (
        await hub.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action == "crosswalk.register")
        )
        == 4
    )


async def test_registering_the_same_mapping_again_changes_nothing(hub: AsyncSession) -> None:
    await register_crosswalk(SYSTEM, "area", [("HN", "P01")], session=hub, actor="integrator")
    before = await rows(hub)

    outcome = await register_crosswalk(
        SYSTEM, "area", [("HN", "P01"), ("HN", "P01")], session=hub, actor="integrator"
    )

    assert (outcome.created, outcome.unchanged) == (0, 2)
    assert await rows(hub) == before


async def test_a_conflicting_mapping_is_refused(hub: AsyncSession) -> None:
    await register_crosswalk(SYSTEM, "area", [("HN", "P01")], session=hub, actor="integrator")

    with pytest.raises(CrosswalkConflictError) as stored:
        await register_crosswalk(SYSTEM, "area", [("HN", "P02")], session=hub, actor="x")
    with pytest.raises(CrosswalkConflictError) as within:
        await register_crosswalk(
            SYSTEM, "area", [("HP", "P01"), ("HP", "P02")], session=hub, actor="x"
        )

    assert (
        stored.value.code == "CROSSWALK_CONFLICT" and stored.value.field == "entries[0].sharedCode"
    )
    assert "'P01'" in stored.value.message and "'P02'" in stored.value.message
    assert within.value.field == "entries[1].sharedCode"
    assert await rows(hub) == 1


async def test_the_same_local_code_may_mean_different_things_per_kind(hub: AsyncSession) -> None:
    await register_crosswalk(SYSTEM, "area", [("01", "P01")], session=hub, actor="x")
    await register_crosswalk(SYSTEM, "code", [("01", "M", "SEX")], session=hub, actor="x")
    await register_crosswalk(SYSTEM, "code", [("01", "U", "URBAN")], session=hub, actor="x")
    await register_crosswalk("OTHER", "area", [("01", "P02")], session=hub, actor="x")
    assert await rows(hub) == 4


@pytest.mark.parametrize(
    ("kind", "entry", "error", "field"),
    [
        ("indicator", ("DS", "NOPE"), UnknownSharedCodeError, "entries[0].sharedCode"),
        ("area", ("HN", "POP"), UnknownSharedCodeError, "entries[0].sharedCode"),
        ("code", ("nam", "U", "SEX"), UnknownSharedCodeError, "entries[0].sharedCode"),
        ("code", ("nam", "M"), InvalidInputError, "entries[0].codelist"),
        ("area", ("HN", "P01", "SEX"), InvalidInputError, "entries[0].codelist"),
        ("area", ("", "P01"), InvalidInputError, "entries[0].localCode"),
        ("colour", ("HN", "P01"), InvalidInputError, "kind"),
    ],
)
async def test_bad_entries_are_refused_and_nothing_is_written(
    hub: AsyncSession, kind: str, entry: tuple[str, ...], error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as raised:
        await register_crosswalk(SYSTEM, kind, [entry], session=hub, actor="x")  # type: ignore[list-item]
    assert raised.value.field == field  # type: ignore[attr-defined]
    assert await rows(hub) == 0
