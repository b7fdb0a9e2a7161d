"""Reporting periods in SDMX form and the regime calendar: cut-off windows, deadlines."""

from __future__ import annotations

import calendar as gregorian
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache, total_ordering

import holidays

from catalog.model import CutoffKind, CutoffRule, DeadlineKind, DeadlineRule, Frequency

# Wider than any reporting data needs; a year outside is a typo ("0224", "2204" passes anyway).
MIN_YEAR = 1900
MAX_YEAR = 2999

# Months each period spans, for the frequencies made of whole months.
_MONTHS = {
    Frequency.ANNUAL: 12,
    Frequency.SEMIANNUAL: 6,
    Frequency.QUARTERLY: 3,
    Frequency.MONTHLY: 1,
}
_INDEX_NAMES = {
    Frequency.ANNUAL: "an annual period's index",
    Frequency.SEMIANNUAL: "half-year",
    Frequency.QUARTERLY: "quarter",
    Frequency.MONTHLY: "month",
    Frequency.WEEKLY: "ISO week",
    Frequency.DAILY: "day of the year",
}
_EXPECTED = "expected one of 2024, 2024-S1, 2024-Q1, 2024-M03, 2024-03, 2024-W05, 2024-03-15"
_YEAR_PART = re.compile(r"(\d+)(?:-|$)", re.ASCII)
_PERIOD = re.compile(
    r"(?P<year>\d{4})"
    r"(?:-(?:(?P<letter>[ASQMW])(?P<number>\d{1,2})|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?",
    re.ASCII | re.IGNORECASE,
)
_LETTERS = {
    "A": Frequency.ANNUAL,
    "S": Frequency.SEMIANNUAL,
    "Q": Frequency.QUARTERLY,
    "M": Frequency.MONTHLY,
    "W": Frequency.WEEKLY,
}


class PeriodError(ValueError):
    """`text` is not a valid period (or pair of periods); `reason` says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r}: {reason}")
        self.text = text
        self.reason = reason


def periods_per_year(frequency: Frequency, year: int | None = None) -> int:
    """How many periods of `frequency` a year has; weeks (52 or 53) and days need the year."""
    if frequency in _MONTHS:
        return 12 // _MONTHS[frequency]
    if year is None:
        raise ValueError(f"the number of {frequency.name.lower()} periods depends on the year")
    if frequency is Frequency.WEEKLY:
        return date(year, 12, 28).isocalendar().week  # 28 Dec is always in the last ISO week
    return 366 if gregorian.isleap(year) else 365


def _add_months(day: date, months: int) -> date:
    """`day` moved by `months`, clamped to the length of the month it lands in."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    length = gregorian.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, length))


@total_ordering
@dataclass(frozen=True)
class Period:
    """One period of a frequency: `index` is the half, quarter, month, ISO week or day of the year.

    Weekly periods belong to their ISO year (`2025-W01` starts on 30 Dec 2024); annual ones have
    index 1. `start` and `end` (inclusive) follow from the rest; periods order by start.
    """

    frequency: Frequency
    year: int
    index: int
    start: date = field(init=False, compare=False, repr=False)
    end: date = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise PeriodError(self._draft_code(), f"year must be {MIN_YEAR}..{MAX_YEAR}")
        count = periods_per_year(self.frequency, self.year)
        if not 1 <= self.index <= count:
            allowed = {1: "1", 2: "1 or 2"}.get(count, f"1..{count}")
            in_year = f" in {self.year}" if self.frequency not in _MONTHS else ""
            name = _INDEX_NAMES[self.frequency]
            raise PeriodError(self._draft_code(), f"{name} must be {allowed}{in_year}")
        if self.frequency in _MONTHS:
            span = _MONTHS[self.frequency]
            start = date(self.year, (self.index - 1) * span + 1, 1)
            end = _add_months(start, span) - timedelta(days=1)
        elif self.frequency is Frequency.WEEKLY:
            start = date.fromisocalendar(self.year, self.index, 1)
            end = start + timedelta(days=6)
        else:
            start = end = date(self.year, 1, 1) + timedelta(days=self.index - 1)
        # Derived fields of a frozen dataclass can only be set this way.
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def _draft_code(self) -> str:
        """The code for error messages, before start and end are known."""
        if self.frequency is Frequency.DAILY:
            return f"{self.year:04d}-D{self.index}"
        return _format_code(self.frequency, self.year, self.index)

    @cached_property  # read for every value of a report; a period is immutable
    def code(self) -> str:
        """The canonical SDMX form: 2024, 2024-S1, 2024-Q1, 2024-M03, 2024-W05, 2024-03-15."""
        if self.frequency is Frequency.DAILY:
            return self.start.isoformat()
        return _format_code(self.frequency, self.year, self.index)

    def __str__(self) -> str:
        return self.code

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        # Ties on start (2024-M01 and 2024-Q1) go to the shorter period; the frequency code
        # only keeps the order total, it never decides between real periods.
        return (self.start, self.end, self.frequency.value) < (
            other.start,
            other.end,
            other.frequency.value,
        )

    def contains(self, day: date) -> bool:
        """Whether `day` falls within the period."""
        return self.start <= day <= self.end

    def next(self) -> Period:
        """The period of the same frequency that follows this one."""
        if self.index < periods_per_year(self.frequency, self.year):
            return Period(self.frequency, self.year, self.index + 1)
        return Period(self.frequency, self.year + 1, 1)

    def previous(self) -> Period:
        """The period of the same frequency that precedes this one."""
        if self.index > 1:
            return Period(self.frequency, self.year, self.index - 1)
        year = self.year - 1
        return Period(self.frequency, year, periods_per_year(self.frequency, year))


def _format_code(frequency: Frequency, year: int, index: int) -> str:
    if frequency is Frequency.ANNUAL:
        return f"{year:04d}"
    width = 2 if frequency in (Frequency.MONTHLY, Frequency.WEEKLY) else 1
    return f"{year:04d}-{frequency.value}{index:0{width}d}"


def parse_period(text: str) -> Period:
    """The period an SDMX period code names; `2024-03` and `2024-M03` are the same month.

    Accepts 2024 (or 2024-A1), 2024-S1, 2024-Q1, 2024-M03, 2024-03, 2024-W05 (ISO week) and
    2024-03-15, letters in either case; raises `PeriodError` saying what is wrong otherwise.
    """
    matched = _PERIOD.fullmatch(text)
    if matched is None:
        year_part = _YEAR_PART.match(text)
        if year_part and len(year_part.group(1)) != 4:
            raise PeriodError(text, "year must have four digits")
        raise PeriodError(text, f"not a period; {_EXPECTED}")
    year = int(matched["year"])
    try:
        if matched["day"] is not None:
            try:
                day = date(year, int(matched["month"]), int(matched["day"]))
            except ValueError as error:
                raise PeriodError(text, f"not a date ({error})") from None
            return period_containing(Frequency.DAILY, day)
        if matched["month"] is not None:
            return Period(Frequency.MONTHLY, year, int(matched["month"]))
        if matched["letter"] is not None:
            return Period(_LETTERS[matched["letter"].upper()], year, int(matched["number"]))
        return Period(Frequency.ANNUAL, year, 1)
    except PeriodError as error:
        # Name the text as given (2024-q5), not the normalised code the check saw.
        raise PeriodError(text, error.reason) from None


def period_frequency(text: str) -> Frequency:
    """The frequency of a period code (`2024-Q1` is quarterly); raises `PeriodError`."""
    return parse_period(text).frequency


def period_containing(frequency: Frequency, day: date) -> Period:
    """The period of `frequency` that `day` falls in (for weeks, the ISO week and its year)."""
    if frequency in _MONTHS:
        return Period(frequency, day.year, (day.month - 1) // _MONTHS[frequency] + 1)
    if frequency is Frequency.WEEKLY:
        iso = day.isocalendar()
        return Period(frequency, iso.year, iso.week)
    return Period(frequency, day.year, day.timetuple().tm_yday)


def periods_between(first: Period, last: Period) -> list[Period]:
    """`first`, `last` and every period between them; empty when `last` comes before `first`."""
    if first.frequency is not last.frequency:
        raise PeriodError(
            f"{first}..{last}",
            f"cannot list periods from a {first.frequency.name.lower()} "
            f"to a {last.frequency.name.lower()} period",
        )
    periods: list[Period] = []
    current = first
    while current <= last:
        periods.append(current)
        if current == last:
            break
        current = current.next()
    return periods


def periods_in(
    frequency: Frequency, start: date, end: date, *, whole: bool = False
) -> list[Period]:
    """The periods of `frequency` overlapping `start`..`end` (inclusive), in order.

    With `whole`, only those lying entirely within the range.
    """
    if end < start:
        return []
    periods = periods_between(
        period_containing(frequency, start), period_containing(frequency, end)
    )
    if whole:
        return [p for p in periods if start <= p.start and p.end <= end]
    return periods


def cutoff_window(period: Period, rule: CutoffRule) -> tuple[date, date]:
    """The first and last day (inclusive) of the data the report for `period` covers.

    Decree 09 Art. 12 runs from day D of the month before the period to the day before day D
    of its last month (D = 15 by default: 15 Dec 2023 to 14 Mar 2024 for 2024-Q1), so the
    windows of consecutive periods tile. `CutoffKind.CALENDAR` is the period's own dates.
    """
    if rule.kind is CutoffKind.CALENDAR or period.frequency not in _MONTHS:
        # Art. 12 sets windows only for periods made of months. A week or a day has no "month
        # before", and moving its ends to day D would make consecutive windows overlap, so
        # weekly and daily reports cover their calendar dates.
        return period.start, period.end
    first = _add_months(period.start, -1).replace(day=rule.day)
    # "Day D-1" read as the day before day D, so that D = 1 ends on the previous month's last
    # day instead of a day 0 that does not exist.
    last = period.end.replace(day=rule.day) - timedelta(days=1)
    return first, last


def deadline(
    period: Period, rule: DeadlineRule, cutoff_rule: CutoffRule, calendar: WorkingCalendar
) -> date:
    """The day the report for `period` is due under `rule`.

    Counted from the end of the cut-off window, or a day of the period's last month shifted by
    `rule.month_offset` (clamped to the month's length); then moved to the next working day
    unless `rule.roll_to_working_day` is off.
    """
    if rule.kind is DeadlineKind.DAY_OF_MONTH:
        month = _add_months(period.end.replace(day=1), rule.month_offset)
        due = month.replace(day=min(rule.day, gregorian.monthrange(month.year, month.month)[1]))
    else:
        cutoff_end = cutoff_window(period, cutoff_rule)[1]
        if rule.kind is DeadlineKind.WORKING_DAYS_AFTER_CUTOFF:
            due = calendar.add_working_days(cutoff_end, rule.days)
        else:
            due = cutoff_end + timedelta(days=rule.days)
    return calendar.next_working_day(due) if rule.roll_to_working_day else due


@lru_cache(maxsize=256)
def _national_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Vietnam's public holidays and make-up working weekend days of `year`."""
    # A swap can cross New Year (the 2 Jan 2015 day off was worked on Saturday 27 Dec 2014) and
    # the library files it under the year of the day off, so load the next year as well.
    national = holidays.country_holidays("VN", years=(year, year + 1))
    days_off = frozenset(day for day in national if day.year == year)
    make_up_days = frozenset(day for day in national.weekend_workdays if day.year == year)
    return days_off, make_up_days


class WorkingCalendar:
    """Vietnam's working days: Monday to Friday except public holidays, with swapped days.

    Holidays, lunar ones included (Tết, Hùng Kings), and the government's day swaps come from
    the `holidays` library for the years it covers (to 2100). `extra_holidays` and
    `extra_working_days` add decisions the library does not know yet and win over it.
    """

    def __init__(
        self, *, extra_holidays: Iterable[date] = (), extra_working_days: Iterable[date] = ()
    ) -> None:
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_working_days = frozenset(extra_working_days)
        clash = sorted(self.extra_holidays & self.extra_working_days)
        if clash:
            days = ", ".join(day.isoformat() for day in clash)
            raise ValueError(f"days given both as holidays and as working days: {days}")

    def is_working_day(self, day: date) -> bool:
        """Whether public offices work on `day`."""
        if day in self.extra_working_days:
            return True
        if day in self.extra_holidays:
            return False
        days_off, make_up_days = _national_days(day.year)
        if day.weekday() >= 5:  # Saturday, Sunday
            return day in make_up_days
        return day not in days_off

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it when negative); `day` if 0.

        `day` itself is not counted, so one working day after Friday is the next Monday.
        """
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day
