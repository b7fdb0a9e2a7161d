"""The validator: every problem code from a crafted draft, with its path; conversions; speed."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.periods import WorkingCalendar
from hub.metadata.crosswalks import CrosswalkMap
from hub.observations.models import StatusFlag
from hub.reporting.problems import ProblemCode as P
from hub.reporting.validation import (
    SubmissionDraft,
    ValidationContext,
    parse_value,
    validate_submission,
)
from tests.hub.reporting.catalog_fixture import (
    MINISTRY,
    NOT_OBLIGED,
    NOW,
    VN,
    draft,
    observation,
    submission_catalog,
)

CATALOG = submission_catalog(communes=3)
CALENDAR = WorkingCalendar()
SYSTEM = "HN-SYS"
CROSSWALK = CrosswalkMap(
    system=SYSTEM,
    indicators={"DS": "POP", "GHOST": "NO-SUCH"},
    areas={"HN": "P01"},
    units={"nguoi": "PERSON"},
    codes={("SEX", "tong"): "T"},
)


def context(**changes: object) -> ValidationContext:
    ctx = ValidationContext(catalog=CATALOG, now=NOW, calendar=CALENDAR)
    return replace(ctx, **changes)  # type: ignore[arg-type]


def obs0(field: str) -> str:
    return f"observations[0].{field}"


# (id, draft, context changes, expected path, expected code): each draft has exactly one fault.
CASES: list[tuple[str, SubmissionDraft, dict[str, object], str, P]] = [
    ("unknown regime", draft(regime="NOPE"), {}, "regime", P.UNKNOWN_REGIME),
    ("unknown agency", draft(agency="NOPE"), {}, "agency", P.UNKNOWN_AGENCY),
    ("agency not obliged", draft(agency=NOT_OBLIGED), {}, "agency", P.AGENCY_NOT_OBLIGED),
    ("period malformed", draft(period="2025-13"), {}, "period", P.PERIOD_MALFORMED),
    (
        "period not of the regime's frequency",
        draft(period="2025-Q1"),
        {},
        "period",
        P.PERIOD_FREQUENCY_MISMATCH,
    ),
    (
        "cut-off window not open",
        draft(observation(period="2025-M05"), period="2025-M05"),
        {},
        "period",
        P.PERIOD_NOT_OPEN,
    ),
    (
        "regime not in force",
        draft(observation(period="2019-M12"), period="2019-M12"),
        {},
        "period",
        P.REGIME_NOT_IN_FORCE,
    ),
    ("unknown section", draft(sections=(("S9", "x"),)), {}, "sections[0].code", P.UNKNOWN_SECTION),
    (
        "NUL in a section's text",
        draft(sections=(("S1", "ổn\x00định"),)),
        {},
        "sections[0].text",
        P.TEXT_HAS_NUL,
    ),
    (
        "NUL in a comment",
        draft(observation(comment="\x00")),
        {},
        "observations[0].comment",
        P.TEXT_HAS_NUL,
    ),
    (
        "section twice",
        draft(sections=(("S1", "a"), ("S1", "b"))),
        {},
        "sections[1].code",
        P.DUPLICATE_SECTION,
    ),
    (
        "too many observations",
        draft(observation(), observation(area="P01-C1"), observation(area="P01-C2")),
        {"max_observations": 2},
        "observations",
        P.TOO_MANY_OBSERVATIONS,
    ),
    (
        "unknown indicator",
        draft(observation(indicator="NOPE")),
        {},
        obs0("indicator"),
        P.UNKNOWN_INDICATOR,
    ),
    ("unknown area", draft(observation(area="NOPE")), {}, obs0("area"), P.UNKNOWN_AREA),
    ("unknown unit", draft(observation(unit="NOPE")), {}, obs0("unit"), P.UNKNOWN_UNIT),
    (
        "unknown dimension",
        draft(observation(dimensions=(("SEX", "T"), ("COLOR", "RED")))),
        {},
        "observations[0].dimensions[1].dimension",
        P.UNKNOWN_DIMENSION,
    ),
    (
        "unknown code",
        draft(observation(dimensions=(("SEX", "Z"),))),
        {},
        "observations[0].dimensions[0].code",
        P.UNKNOWN_CODE,
    ),
    (
        "code of another codelist",
        draft(observation(dimensions=(("SEX", "U"),))),
        {},
        "observations[0].dimensions[0].code",
        P.CODE_NOT_IN_CODELIST,
    ),
    (
        "unmapped local code",
        draft(observation(indicator="DS", area="XX"), system=SYSTEM),
        {"crosswalk": CROSSWALK},
        obs0("area"),
        P.UNMAPPED_CODE,
    ),
    (
        "crosswalk to a code the catalog lacks",
        draft(observation(indicator="GHOST"), system=SYSTEM),
        {"crosswalk": CROSSWALK},
        obs0("indicator"),
        P.UNKNOWN_INDICATOR,
    ),
    (
        "indicator not in the form",
        draft(observation(indicator="GDP", dimensions=(), unit="BVND")),
        {},
        obs0("indicator"),
        P.INDICATOR_NOT_IN_FORM,
    ),
    (
        "required disaggregation missing",
        draft(observation(dimensions=(("URBAN", "T"),))),
        {},
        "observations[0].dimensions",
        P.MISSING_DISAGGREGATION,
    ),
    (
        "dimension not allowed",
        draft(observation(indicator="REV", dimensions=(("SEX", "T"),), unit="BVND")),
        {},
        "observations[0].dimensions[0].dimension",
        P.DIMENSION_NOT_ALLOWED,
    ),
    (
        "dimension twice",
        draft(observation(dimensions=(("SEX", "T"), ("SEX", "M")))),
        {},
        "observations[0].dimensions[1].dimension",
        P.DUPLICATE_DIMENSION,
    ),
    ("unit incompatible", draft(observation(unit="BVND")), {}, obs0("unit"), P.UNIT_INCOMPATIBLE),
    (
        "observation period malformed",
        draft(observation(period="2025-M3x")),
        {},
        obs0("period"),
        P.OBSERVATION_PERIOD_MALFORMED,
    ),
    (
        "observation period not of the indicator's frequencies",
        draft(observation(period="2025-03-15")),
        {},
        obs0("period"),
        P.OBSERVATION_PERIOD_FREQUENCY,
    ),
    (
        "observation period outside the report",
        draft(observation(period="2025-M02")),
        {},
        obs0("period"),
        P.OBSERVATION_PERIOD_OUTSIDE_REPORT,
    ),
    (
        "area not valid yet",
        draft(observation(area="P34-05"), agency=MINISTRY),
        {},
        obs0("area"),
        P.AREA_NOT_VALID_IN_PERIOD,
    ),
    (
        "area outside the jurisdiction",
        draft(observation(area="P02")),
        {},
        obs0("area"),
        P.AREA_OUTSIDE_JURISDICTION,
    ),
    (
        "duplicate observation",
        draft(observation(), observation(period="2025-03")),
        {},
        "observations[1]",
        P.DUPLICATE_OBSERVATION,
    ),
    ("value NaN", draft(observation(value="NaN")), {}, obs0("value"), P.VALUE_NOT_A_NUMBER),
    (
        "value Infinity",
        draft(observation(value="-Infinity")),
        {},
        obs0("value"),
        P.VALUE_NOT_A_NUMBER,
    ),
    ("value empty", draft(observation(value="")), {}, obs0("value"), P.VALUE_NOT_A_NUMBER),
    ("value comma", draft(observation(value="1,5")), {}, obs0("value"), P.VALUE_NOT_A_NUMBER),
    ("value overflow", draft(observation(value="1e400")), {}, obs0("value"), P.VALUE_NOT_A_NUMBER),
    ("value text", draft(observation(value="abc")), {}, obs0("value"), P.VALUE_NOT_A_NUMBER),
    ("value negative", draft(observation(value="-1")), {}, obs0("value"), P.VALUE_OUT_OF_RANGE),
    (
        "rate above 100",
        draft(observation(indicator="RATE", value="100.5", unit="PCT")),
        {},
        obs0("value"),
        P.VALUE_OUT_OF_RANGE,
    ),
    (
        "unknown status flag",
        draft(observation(status="final")),
        {},
        obs0("status"),
        P.INVALID_STATUS_FLAG,
    ),
]


@pytest.mark.parametrize(
    ("submission", "changes", "path", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_fault_is_reported_with_its_path_and_code(
    submission: SubmissionDraft, changes: dict[str, object], path: str, code: P
) -> None:
    # when
    result = validate_submission(submission, context(**changes))

    # then exactly that problem, with a message naming something
    assert [(p.path, p.code) for p in result.problems] == [(path, code)]
    assert result.problems[0].message
    assert not result.ok and result.observations == ()


def test_every_problem_code_but_the_idempotency_one_has_a_case() -> None:
    covered = {case[4] for case in CASES}
    covered.add(P.INDICATOR_NOT_RESPONSIBLE)  # a rule of the principal: tests/hub/access
    # Signature codes come from hub.access.signatures: tests/hub/security/test_signatures.py.
    covered |= {
        P.SIGNATURE_REQUIRED,
        P.SIGNATURE_INVALID,
        P.KEY_UNKNOWN,
        P.KEY_REVOKED,
        P.KEY_NOT_VALID,
        P.KEY_NOT_OF_AGENCY,
        P.ALGORITHM_MISMATCH,
    }
    assert set(P) - covered == {P.IDEMPOTENCY_KEY_REUSED}


def test_all_problems_come_at_once_with_their_indices() -> None:
    # given thirteen observations with faults in 0, 2 and 12, and a bad section
    observations = [
        observation(area=area, dimensions=(("SEX", sex),))
        for area in ("P01", "P01-C1", "P01-C2", "P01-C3")
        for sex in ("T", "M", "F")
    ]
    observations.append(observation(dimensions=(("SEX", "T"), ("URBAN", "U"))))
    observations[0] = observation(unit="NOPE")
    observations[2] = observation(value="x", dimensions=(("SEX", "F"),))
    observations[12] = observation(
        unit="BVND", area="P01", dimensions=(("SEX", "T"), ("URBAN", "U"))
    )
    submission = draft(*observations, sections=(("S9", "?"),))

    # when
    result = validate_submission(submission, context())

    # then
    assert [(p.path, p.code) for p in result.problems] == [
        ("sections[0].code", P.UNKNOWN_SECTION),
        ("observations[0].unit", P.UNKNOWN_UNIT),
        ("observations[2].value", P.VALUE_NOT_A_NUMBER),
        ("observations[12].unit", P.UNIT_INCOMPATIBLE),
    ]


def test_messages_name_the_value_and_the_reason() -> None:
    result = validate_submission(
        draft(
            observation(unit="BVND"),
            observation(area="P02", value="1,5", dimensions=(("SEX", "M"),)),
        ),
        context(),
    )
    messages = {p.path: p.message for p in result.problems}
    assert "'BVND'" in messages["observations[0].unit"]
    assert "'POP'" in messages["observations[0].unit"]
    assert (
        "'P02'" in messages["observations[1].area"]
        and "UBND-01" in messages["observations[1].area"]
    )
    assert (
        "'1,5'" in messages["observations[1].value"] and "'.'" in messages["observations[1].value"]
    )


def test_an_area_merged_away_points_to_its_successor_and_back() -> None:
    # given the old province reported after the merger, and the new one before it
    late = context(now=datetime(2025, 10, 1, tzinfo=VN))
    after = validate_submission(
        draft(observation(area="P63-08", period="2025-M09"), period="2025-M09", agency=MINISTRY),
        late,
    )
    before = validate_submission(draft(observation(area="P34-05"), agency=MINISTRY), context())

    # then each says which code is valid in that period
    assert "use 'P34-05'" in after.problems[0].message
    assert "2025-06-30" in after.problems[0].message
    assert "use 'P63-08'" in before.problems[0].message


def test_a_duplicate_points_to_the_first_one() -> None:
    result = validate_submission(
        draft(
            observation(), observation(dimensions=(("SEX", "M"),)), observation(period="2025-03")
        ),
        context(),
    )
    assert [(p.path, p.code) for p in result.problems] == [
        ("observations[2]", P.DUPLICATE_OBSERVATION)
    ]
    assert "observations[0]" in result.problems[0].message


def test_valid_report_is_normalised() -> None:
    # given local codes, a non-canonical period, compatible units and unsorted dimensions
    submission = draft(
        observation(
            indicator="DS",
            area="HN",
            period="2025-03",
            unit="nguoi",
            dimensions=(("URBAN", "U"), ("SEX", "tong")),
            value="12345678901234567890.123456789",
        ),
        observation(indicator="REV", dimensions=(), value="1500", unit="MVND", status="ESTIMATED"),
        observation(indicator="POP", dimensions=(("SEX", "M"),), value="1.5", unit="KPERSON"),
        observation(
            indicator="RATE", unit="PCT", value="4.50", comment="sơ bộ", status="provisional"
        ),
        system=SYSTEM,
    )

    # when
    result = validate_submission(submission, context(crosswalk=CROSSWALK))

    # then
    assert result.ok, result.problems
    first, revenue, thousands, rate = result.observations
    assert (first.indicator, first.area, first.period.code) == ("POP", "P01", "2025-M03")
    assert first.dimensions == (("SEX", "T"), ("URBAN", "U"))
    assert first.dimension_key == "SEX=T;URBAN=U"
    assert str(first.value) == "12345678901234567890.123456789"
    assert (revenue.value, revenue.reported_value, revenue.reported_unit) == (
        Decimal("1.5"),
        Decimal("1500"),
        "MVND",
    )
    assert revenue.status is StatusFlag.ESTIMATED and revenue.dimension_key == ""
    assert thousands.value == Decimal(1500)
    assert str(rate.value) == "4.50" and rate.comment == "sơ bộ"
    assert rate.status is StatusFlag.PROVISIONAL
    assert result.period is not None and result.period.code == "2025-M03"


def test_without_a_system_local_codes_are_unknown() -> None:
    result = validate_submission(draft(observation(indicator="DS")), context())
    assert [p.code for p in result.problems] == [P.UNKNOWN_INDICATOR]


def test_a_mapping_wins_over_a_shared_code_and_shared_codes_still_pass() -> None:
    # given P02 mapped to P01 by the system, and P01 given as a shared code too
    crosswalk = CrosswalkMap(system=SYSTEM, areas={"P02": "P01"})
    submission = draft(observation(area="P02"), observation(area="P01"), system=SYSTEM)

    # when
    result = validate_submission(submission, context(crosswalk=crosswalk))

    # then both mean P01 (so they are one observation twice), and neither is out of jurisdiction
    assert [(p.path, p.code) for p in result.problems] == [
        ("observations[1]", P.DUPLICATE_OBSERVATION)
    ]


def test_the_window_opens_on_its_first_day_in_vietnam() -> None:
    # 2025-M04's window opens on 15 March: 00:00 in Vietnam is still 14 March in UTC
    submission = draft(observation(period="2025-M04"), period="2025-M04")
    opening = datetime(2025, 3, 15, 0, 0, tzinfo=VN)
    assert validate_submission(submission, context(now=opening)).ok
    just_before = datetime(2025, 3, 14, 23, 59, 59, tzinfo=VN)
    problems = validate_submission(submission, context(now=just_before)).problems
    assert [p.code for p in problems] == [P.PERIOD_NOT_OPEN]


def test_ten_thousand_observations_validate_quickly() -> None:
    catalog = submission_catalog(communes=1200)
    sexes, urban = ("T", "M", "F"), ("T", "U", "R")
    observations = [
        observation(area=f"P01-C{n}", dimensions=(("SEX", s), ("URBAN", u)), value=f"{n}.{len(s)}")
        for n in range(1, 1201)
        for s in sexes
        for u in urban
    ][:10_000]
    submission = draft(*observations)

    started = time.perf_counter()
    result = validate_submission(submission, context(catalog=catalog))
    elapsed = time.perf_counter() - started

    assert result.ok and len(result.observations) == 10_000
    print(f"\nvalidated 10,000 observations in {elapsed:.3f} s")


@given(
    st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda d: len(d.as_tuple().digits) <= 100 and (d.is_zero() or abs(d.adjusted()) <= 100)
    )
)
def test_every_finite_decimal_reads_back_exactly(number: Decimal) -> None:
    for text in (str(number), format(number, "f")):
        parsed = parse_value(text)
        assert (parsed == number and str(parsed) == text.strip()) or parsed == number


@pytest.mark.parametrize(
    "text",
    [
        "nan",
        "NaN",
        "sNaN",
        "Infinity",
        "-inf",
        "",
        " ",
        "1,5",
        "1.000,5",
        "1e400",
        "0x10",
        "1_000",
        "١٢",
    ],
)
def test_non_numbers_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_value(text)
