"""The one validator of report submissions, whatever way they come in (GraphQL, CSV, Excel ...).

Pure: a draft and the catalog in, every problem found (or the normalised report) out; no SQL,
so callers load the catalog and crosswalks once and `validateOnly` runs the very same code.
Each problem has a path (`observations[12].unit`), a stable code (`ProblemCode`) and a message
naming the value and the reason. The catalog is indexed once per draft and each observation
is checked in constant time (`observation_checks.py`), so 10,000 observations take a fraction
of a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from catalog.model import Agency, Catalog, Regime
from catalog.periods import Period, PeriodError, WorkingCalendar, cutoff_window, parse_period
from hub.metadata.crosswalks import CrosswalkMap
from hub.nul import NUL, REASON
from hub.reporting.catalog_index import CatalogIndex
from hub.reporting.drafts import (
    NormalisedObservation,
    ObservationDraft,
    SubmissionDraft,
    dimension_key,
    parse_value,
)
from hub.reporting.observation_checks import ObservationChecker
from hub.reporting.problems import Problem, ProblemCode

# Vietnam keeps UTC+7 all year (no daylight saving); windows and deadlines are Vietnamese dates.
VIETNAM = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True)
class ValidationContext:
    """What a draft is checked against: the published catalog, as `load_catalog` returns it."""

    catalog: Catalog
    now: datetime
    calendar: WorkingCalendar
    crosswalk: CrosswalkMap | None = None  # the draft's system's, when the draft names one
    max_observations: int = 200_000


@dataclass(frozen=True)
class ValidationResult:
    """Every problem found; when there is none, the normalised report."""

    problems: tuple[Problem, ...]
    regime: Regime | None = None
    agency: Agency | None = None
    period: Period | None = None
    sections: tuple[tuple[str, str], ...] = ()
    observations: tuple[NormalisedObservation, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether the draft may be stored."""
        return not self.problems


def vietnam_date(moment: datetime) -> date:
    """The calendar date in Vietnam at `moment` (an aware datetime)."""
    return moment.astimezone(VIETNAM).date()


def validate_submission(draft: SubmissionDraft, ctx: ValidationContext) -> ValidationResult:
    """Check `draft` against `ctx.catalog`, returning every problem at once.

    Without problems the result carries the observations with shared codes, canonical periods
    and values converted to each indicator's unit, in the draft's order.
    """
    problems = text_problems(draft)
    if problems:
        return ValidationResult(tuple(problems))
    catalog = ctx.catalog
    regime = catalog.regimes.get(draft.regime)
    if regime is None:
        problems.append(
            Problem("regime", ProblemCode.UNKNOWN_REGIME, f"no regime {draft.regime!r}")
        )
    agency = catalog.agencies.get(draft.agency)
    if agency is None:
        problems.append(
            Problem("agency", ProblemCode.UNKNOWN_AGENCY, f"no agency {draft.agency!r}")
        )
    elif regime is not None and agency.code not in regime.reporting_agencies:
        problems.append(
            Problem(
                "agency",
                ProblemCode.AGENCY_NOT_OBLIGED,
                f"agency {agency.code!r} is not a reporting agency of regime {regime.code!r}",
            )
        )
    period = _check_report_period(draft.period, regime, ctx.now, problems)
    problems.extend(_check_sections(draft.sections, regime))
    if len(draft.observations) > ctx.max_observations:
        # Checking 10 million rows to say there are too many would be its own denial of service.
        problems.append(
            Problem(
                "observations",
                ProblemCode.TOO_MANY_OBSERVATIONS,
                f"{len(draft.observations)} observations; a report may carry at most "
                f"{ctx.max_observations}",
            )
        )
        return ValidationResult(tuple(problems), regime, agency, period)

    checker = ObservationChecker(
        CatalogIndex(catalog, regime),
        regime=regime,
        agency=agency,
        report_period=period,
        crosswalk=ctx.crosswalk,
    )
    observations = [
        normalised
        for position, observation in enumerate(draft.observations)
        if (normalised := checker.check(position, observation, problems)) is not None
    ]
    if problems:
        return ValidationResult(tuple(problems), regime, agency, period)
    return ValidationResult((), regime, agency, period, draft.sections, tuple(observations))


def text_problems(draft: SubmissionDraft) -> list[Problem]:
    """A `TEXT_HAS_NUL` problem for every field of `draft` holding U+0000 (see `hub.nul`).

    Checked first and alone: such a draft is refused before anything is looked up with it.
    """
    found: list[str] = []

    def check(path: str, text: str | None) -> None:
        if text is not None and NUL in text:
            found.append(path)

    for name in ("regime", "period", "agency", "system"):
        check(name, getattr(draft, name))
    for position, (code, text) in enumerate(draft.sections):
        check(f"sections[{position}].code", code)
        check(f"sections[{position}].text", text)
    for position, o in enumerate(draft.observations):
        # One test per observation first: 10,000 clean observations cost a few milliseconds.
        texts = (o.indicator, o.area, o.period, o.value, o.unit, o.status or "", o.comment or "")
        if not any(NUL in t for t in texts) and not any(
            NUL in d or NUL in c for d, c in o.dimensions
        ):
            continue
        at = f"observations[{position}]"
        for name in ("indicator", "area", "period", "value", "unit", "status", "comment"):
            check(f"{at}.{name}", getattr(o, name))
        for index, (dimension, code) in enumerate(o.dimensions):
            check(f"{at}.dimensions[{index}].dimension", dimension)
            check(f"{at}.dimensions[{index}].code", code)
    return [Problem(path, ProblemCode.TEXT_HAS_NUL, f"{path} {REASON}") for path in found]


def _check_report_period(
    text: str, regime: Regime | None, now: datetime, problems: list[Problem]
) -> Period | None:
    try:
        period = parse_period(text)
    except PeriodError as error:
        problems.append(
            Problem(
                "period", ProblemCode.PERIOD_MALFORMED, f"{text!r} is not a period: {error.reason}"
            )
        )
        return None
    if regime is None:
        return period
    if period.frequency is not regime.frequency:
        problems.append(
            Problem(
                "period",
                ProblemCode.PERIOD_FREQUENCY_MISMATCH,
                f"{period.code} is a {period.frequency.name.lower()} period; regime "
                f"{regime.code!r} reports {regime.frequency.name.lower()}",
            )
        )
        return period
    if (regime.valid_from is not None and period.end < regime.valid_from) or (
        regime.valid_to is not None and regime.valid_to < period.start
    ):
        problems.append(
            Problem(
                "period",
                ProblemCode.REGIME_NOT_IN_FORCE,
                f"regime {regime.code!r} is in force from {regime.valid_from or 'the start'} "
                f"to {regime.valid_to or 'now'}, not in {period.code}",
            )
        )
    opens = cutoff_window(period, regime.cutoff)[0]
    today = vietnam_date(now)
    if today < opens:
        problems.append(
            Problem(
                "period",
                ProblemCode.PERIOD_NOT_OPEN,
                f"the data cut-off window of {period.code} opens on {opens.isoformat()}; "
                f"it is {today.isoformat()} in Vietnam",
            )
        )
    return period


def _check_sections(
    sections: tuple[tuple[str, str], ...], regime: Regime | None
) -> Iterator[Problem]:
    known = [section.code for section in regime.outline] if regime else None
    first: dict[str, int] = {}
    for position, (code, _text) in enumerate(sections):
        path = f"sections[{position}].code"
        if regime is not None and known is not None and code not in known:
            yield Problem(
                path,
                ProblemCode.UNKNOWN_SECTION,
                f"{code!r} is not an outline section of regime {regime.code!r} "
                f"(its sections: {', '.join(known) or 'none'})",
            )
        elif code in first:
            yield Problem(
                path,
                ProblemCode.DUPLICATE_SECTION,
                f"section {code!r} is given twice (also sections[{first[code]}])",
            )
        first.setdefault(code, position)


__all__ = [
    "VIETNAM",
    "NormalisedObservation",
    "ObservationDraft",
    "Problem",
    "ProblemCode",
    "SubmissionDraft",
    "ValidationContext",
    "ValidationResult",
    "dimension_key",
    "parse_value",
    "text_problems",
    "validate_submission",
    "vietnam_date",
]
