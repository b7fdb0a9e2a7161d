"""Submitting reports on a real database (SQLite and PostgreSQL): stored exactly, revised
without loss, replayed without writing, and nothing written for a faulty draft."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.models import AuditEvent
from hub.errors import InvalidInputError
from hub.metadata import models as m
from hub.metadata.crosswalks import CrosswalkEntry, register_crosswalk
from hub.observations.models import (
    Observation,
    ObservationDimension,
    ObservationRevision,
    StatusFlag,
)
from hub.reporting.problems import ProblemCode
from hub.reporting.report_models import Report, ReportStatus, ReportVersion, ReportVersionStatus
from hub.reporting.submission import SubmissionOutcome, submit_report
from hub.reporting.validation import SubmissionDraft
from hub.reporting.workflow import accept_report, return_report
from tests.hub.reporting.catalog_fixture import (
    DEADLINE,
    NOW,
    OTHER_PROVINCE,
    PROVINCE,
    VN,
    draft,
    observation,
    store_catalog,
)
from tests.hub.reporting.test_validation import CASES

EXACT = "12345678901234567890.123456789"
WRITTEN = (
    Report,
    ReportVersion,
    Observation,
    ObservationDimension,
    ObservationRevision,
    AuditEvent,
)


@pytest.fixture
async def hub(session: AsyncSession) -> AsyncSession:
    """A session on a database holding the test catalog (rolled back after the test)."""
    await store_catalog(session, communes=3)
    return session


async def count_rows(session: AsyncSession) -> dict[str, int]:
    return {
        table.__tablename__: await session.scalar(sa.select(sa.func.count()).select_from(table))
        or 0
        for table in WRITTEN
    }


async def submit(
    session: AsyncSession, submission: SubmissionDraft, **options: object
) -> SubmissionOutcome:
    options.setdefault("now", NOW)
    return await submit_report(submission, session=session, actor="tester", **options)  # type: ignore[arg-type]


async def revisions(session: AsyncSession) -> list[tuple[str, int, str, str | None, bool]]:
    """(dimension key, revision, value as text, comment, accepted) of every revision."""
    rows = await session.execute(
        sa.select(
            Observation.dimension_key,
            ObservationRevision.revision,
            ObservationRevision.value,
            ObservationRevision.comment,
            ObservationRevision.accepted_at.is_not(None),
        )
        .join(Observation, Observation.id == ObservationRevision.observation_id)
        .order_by(Observation.dimension_key, ObservationRevision.revision)
    )
    return [
        (key, number, str(value), comment, accepted)
        for key, number, value, comment, accepted in rows
    ]


async def test_a_valid_report_is_stored_and_read_back_exactly(hub: AsyncSession) -> None:
    # given a report with a 29-digit value, a converted one and a disaggregated one
    submission = draft(
        observation(value=EXACT, comment="ước tính", status="estimated"),
        observation(indicator="REV", dimensions=(), value="1500", unit="MVND"),
        observation(dimensions=(("URBAN", "U"), ("SEX", "F")), value="0.50"),
        sections=(("S1", "Tình hình ổn định."), ("S2", "Không có kiến nghị.")),
    )

    # when
    outcome = await submit(hub, submission)

    # then the outcome
    assert outcome.ok and not outcome.replayed
    assert (outcome.created, outcome.revised, outcome.unchanged) == (3, 0, 0)
    assert outcome.report is not None and outcome.version is not None
    # and the report and its version, read back from the database
    hub.expunge_all()
    report = (await hub.scalars(sa.select(Report))).one()
    version = (await hub.scalars(sa.select(ReportVersion))).one()
    assert (report.period, report.status, report.current_version_id) == (
        "2025-M03",
        ReportStatus.SUBMITTED,
        version.id,
    )
    assert (version.version, version.status, version.submitted_by) == (
        1,
        ReportVersionStatus.SUBMITTED,
        "tester",
    )
    assert version.sections == [
        {"code": "S1", "text": "Tình hình ổn định."},
        {"code": "S2", "text": "Không có kiến nghị."},
    ]
    assert version.submitted_at == NOW and version.deadline == DEADLINE and version.on_time
    assert version.observation_count == 3
    # and the values, to the digit
    stored = await hub.execute(
        sa.select(
            m.Indicator.code,
            Observation.dimension_key,
            Observation.period,
            ObservationRevision.value,
            ObservationRevision.reported_value,
            m.Unit.code,
            ObservationRevision.status_flag,
            ObservationRevision.comment,
            ObservationRevision.accepted_at,
        )
        .join(Observation, Observation.id == ObservationRevision.observation_id)
        .join(m.Indicator, m.Indicator.id == Observation.indicator_id)
        .join(m.Unit, m.Unit.id == ObservationRevision.reported_unit_id)
        .order_by(m.Indicator.code, Observation.dimension_key)
    )
    assert [(*row[:3], str(row[3]), str(row[4]), *row[5:]) for row in stored] == [
        (
            "POP",
            "SEX=F;URBAN=U",
            "2025-M03",
            "0.50",
            "0.50",
            "PERSON",
            StatusFlag.NORMAL,
            None,
            None,
        ),
        (
            "POP",
            "SEX=T",
            "2025-M03",
            EXACT,
            EXACT,
            "PERSON",
            StatusFlag.ESTIMATED,
            "ước tính",
            None,
        ),
        ("REV", "", "2025-M03", "1.5", "1500", "MVND", StatusFlag.NORMAL, None, None),
    ]
    dimensions = await hub.execute(
        sa.select(m.Codelist.code, m.Code.code)
        .select_from(ObservationDimension)
        .join(m.Codelist, m.Codelist.id == ObservationDimension.codelist_id)
        .join(m.Code, m.Code.id == ObservationDimension.code_id)
        .order_by(m.Codelist.code, m.Code.code)
    )
    assert list(dimensions) == [("SEX", "F"), ("SEX", "T"), ("URBAN", "U")]
    event = (await hub.scalars(sa.select(AuditEvent))).one()
    assert (event.action, event.actor, event.entity_code, event.report_version_id) == (
        "report.submit",
        "tester",
        "BC-M/UBND-01/2025-M03",
        version.id,
    )
    assert event.details["created"] == 3


@pytest.mark.parametrize(
    ("submission", "changes", "path", "code"),
    [
        case[1:]
        for case in CASES
        if "max_observations" not in case[2] and "crosswalk" not in case[2]
    ],
    ids=[
        case[0]
        for case in CASES
        if "max_observations" not in case[2] and "crosswalk" not in case[2]
    ],
)
async def test_a_faulty_draft_writes_nothing(
    hub: AsyncSession,
    submission: SubmissionDraft,
    changes: dict[str, object],
    path: str,
    code: ProblemCode,
) -> None:
    # given
    before = await count_rows(hub)

    # when
    outcome = await submit(hub, submission)

    # then
    assert [(p.path, p.code) for p in outcome.problems] == [(path, code)]
    assert outcome.report is None and outcome.version is None
    assert await count_rows(hub) == before


async def test_too_many_observations_is_a_configured_limit(hub: AsyncSession) -> None:
    from hub.settings import Limits

    submission = draft(observation(), observation(area="P01-C1"))
    outcome = await submit(hub, submission, limits=Limits(max_observations_per_report=1))
    assert [(p.path, p.code) for p in outcome.problems] == [
        ("observations", ProblemCode.TOO_MANY_OBSERVATIONS)
    ]
    assert sum((await count_rows(hub)).values()) == 0


async def test_validate_only_checks_everything_and_writes_nothing(hub: AsyncSession) -> None:
    good = await submit(hub, draft(observation(), observation(area="P01-C1")), validate_only=True)
    bad = await submit(hub, draft(observation(unit="BVND")), validate_only=True)

    assert good.ok and good.observation_count == 2 and good.report is None
    assert [p.code for p in bad.problems] == [ProblemCode.UNIT_INCOMPATIBLE]
    assert sum((await count_rows(hub)).values()) == 0


async def test_a_resubmission_adds_revisions_and_keeps_the_old_values(hub: AsyncSession) -> None:
    # given an accepted first version with three values
    first = draft(
        observation(value="100"),
        observation(dimensions=(("SEX", "M"),), value="40"),
        observation(dimensions=(("SEX", "F"),), value="60"),
    )
    await submit(hub, first)
    await accept_report((("BC-M", PROVINCE, "2025-M03")), session=hub, actor="reviewer", now=NOW)

    # when a second version changes one value, one comment, and repeats one
    second = draft(
        observation(value="101"),
        observation(dimensions=(("SEX", "M"),), value="40.0"),  # the same number
        observation(dimensions=(("SEX", "F"),), value="60", comment="đã rà soát"),
    )
    outcome = await submit(hub, second, now=datetime(2025, 3, 19, tzinfo=VN))

    # then
    assert (outcome.created, outcome.revised, outcome.unchanged) == (0, 2, 1)
    assert outcome.version is not None and outcome.version.version == 2
    assert outcome.report is not None and outcome.report.status is ReportStatus.RESUBMITTED
    assert await revisions(hub) == [
        ("SEX=F", 1, "60", None, True),
        ("SEX=F", 2, "60", "đã rà soát", False),
        ("SEX=M", 1, "40", None, True),
        ("SEX=T", 1, "100", None, True),
        ("SEX=T", 2, "101", None, False),
    ]
    assert await hub.scalar(sa.select(sa.func.count()).select_from(ReportVersion)) == 2


async def test_after_a_return_unchanged_values_are_recorded_again(hub: AsyncSession) -> None:
    # given a returned first version
    await submit(hub, draft(observation(value="100")))
    await return_report(
        ("BC-M", PROVINCE, "2025-M03"), session=hub, actor="reviewer", comment="Thiếu số liệu"
    )

    # when the same value comes back and the new version is accepted
    outcome = await submit(hub, draft(observation(value="100")))
    await accept_report(("BC-M", PROVINCE, "2025-M03"), session=hub, actor="reviewer")

    # then it got a revision of its own, the one that became public
    assert (outcome.created, outcome.revised, outcome.unchanged) == (0, 1, 0)
    assert await revisions(hub) == [
        ("SEX=T", 1, "100", None, False),
        ("SEX=T", 2, "100", None, True),
    ]


async def test_a_replayed_idempotency_key_writes_nothing(hub: AsyncSession) -> None:
    # given a stored submission
    submission = draft(observation(), observation(area="P01-C1"))
    first = await submit(hub, submission, idempotency_key="key-1")
    before = await count_rows(hub)

    # when it is sent again with the same key (even a day later)
    again = await submit(
        hub, submission, idempotency_key="key-1", now=datetime(2025, 3, 19, tzinfo=VN)
    )

    # then
    assert again.replayed and again.ok
    assert again.version is not None and first.version is not None
    assert again.version.id == first.version.id
    assert (again.created, again.revised, again.unchanged) == (2, 0, 0)
    assert await count_rows(hub) == before


async def test_a_replay_may_spell_the_period_differently(hub: AsyncSession) -> None:
    first = await submit(hub, draft(period="2025-M03"), idempotency_key="key-1")
    again = await submit(hub, draft(period="2025-03"), idempotency_key="key-1")
    assert again.replayed and again.version is not None and first.version is not None
    assert again.version.id == first.version.id


async def test_a_key_reused_for_another_report_is_refused(hub: AsyncSession) -> None:
    await submit(hub, draft(), idempotency_key="key-1")
    before = await count_rows(hub)

    outcome = await submit(
        hub, draft(observation(area="P02"), agency=OTHER_PROVINCE), idempotency_key="key-1"
    )

    assert [(p.path, p.code) for p in outcome.problems] == [
        ("idempotencyKey", ProblemCode.IDEMPOTENCY_KEY_REUSED)
    ]
    assert "BC-M/UBND-01/2025-M03" in outcome.problems[0].message
    assert await count_rows(hub) == before


@pytest.mark.parametrize(
    ("submitted_at", "on_time"),
    [
        (datetime(2025, 3, 20, 23, 59, tzinfo=VN), True),
        (datetime(2025, 3, 20, 23, 59, 59, 999999, tzinfo=VN), True),
        (datetime(2025, 3, 21, 0, 0, tzinfo=VN), False),
    ],
)
async def test_on_time_is_judged_by_the_date_in_vietnam(
    hub: AsyncSession, submitted_at: datetime, on_time: bool
) -> None:
    outcome = await submit(
        hub, draft(), now=submitted_at.astimezone(datetime.now().astimezone().tzinfo)
    )
    assert outcome.version is not None
    assert (outcome.version.deadline, outcome.version.on_time) == (DEADLINE, on_time)


async def test_local_codes_are_mapped_through_the_crosswalk(hub: AsyncSession) -> None:
    # given a system's registered codes
    await register_crosswalk(
        "HN-SYS", "indicator", [("DS", "POP")], session=hub, actor="integrator"
    )
    await register_crosswalk("HN-SYS", "area", [("HN", "P01")], session=hub, actor="integrator")
    await register_crosswalk(
        "HN-SYS", "code", [CrosswalkEntry("nam", "M", "SEX")], session=hub, actor="integrator"
    )

    # when it submits in local codes, one of them unmapped
    mapped = observation(indicator="DS", area="HN", dimensions=(("SEX", "nam"),))
    bad = await submit(
        hub, draft(mapped, observation(indicator="DS", area="HN-99"), system="HN-SYS")
    )
    good = await submit(hub, draft(mapped, system="HN-SYS"))

    # then the unmapped code is named, and the mapped report is stored in shared codes
    assert [(p.path, p.code) for p in bad.problems] == [
        ("observations[1].area", ProblemCode.UNMAPPED_CODE)
    ]
    assert "'HN-99'" in bad.problems[0].message
    assert good.ok
    row = (
        await hub.execute(
            sa.select(m.Indicator.code, m.Area.code, Observation.dimension_key)
            .join(m.Indicator, m.Indicator.id == Observation.indicator_id)
            .join(m.Area, m.Area.id == Observation.area_id)
        )
    ).one()
    assert tuple(row) == ("POP", "P01", "SEX=M")


async def test_bad_call_arguments_raise(hub: AsyncSession) -> None:
    with pytest.raises(InvalidInputError):
        await submit_report(draft(), session=hub, actor="", now=NOW)
    with pytest.raises(InvalidInputError):
        await submit_report(draft(), session=hub, actor="x", now=datetime(2025, 3, 18))
    with pytest.raises(InvalidInputError):
        await submit_report(draft(), session=hub, actor="x", now=NOW, idempotency_key="k" * 201)


async def test_a_ten_thousand_observation_report_is_stored(
    session: AsyncSession, database_backend: str
) -> None:
    # given a catalog with 1,200 communes and a national agency's report of 10,000 values
    await store_catalog(session, communes=1200)
    sexes, urban = ("T", "M", "F"), ("T", "U", "R")
    observations = [
        observation(area=f"P01-C{n}", dimensions=(("SEX", s), ("URBAN", u)), value=f"{n}.{len(s)}5")
        for n in range(1, 1201)
        for s in sexes
        for u in urban
    ][:10_000]
    submission = draft(*observations)

    # when it is submitted, then resubmitted unchanged after acceptance
    started = time.perf_counter()
    outcome = await submit(session, submission)
    first = time.perf_counter() - started
    await accept_report(("BC-M", PROVINCE, "2025-M03"), session=session, actor="reviewer")
    started = time.perf_counter()
    again = await submit(session, submission, now=datetime(2025, 3, 19, tzinfo=VN))
    second = time.perf_counter() - started

    # then
    assert outcome.ok and outcome.created == 10_000
    assert again.ok and again.unchanged == 10_000
    assert (
        await session.scalar(sa.select(sa.func.count()).select_from(ObservationRevision)) == 10_000
    )
    print(
        f"\n[{database_backend}] 10,000 observations: first submission {first:.2f} s, "
        f"unchanged resubmission {second:.2f} s"
    )
