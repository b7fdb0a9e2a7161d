from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.model import CutoffKind, CutoffRule, DeadlineKind, DeadlineRule, Frequency
from catalog.periods import (
    MAX_YEAR,
    MIN_YEAR,
    Period,
    PeriodError,
    WorkingCalendar,
    cutoff_window,
    deadline,
    parse_period,
    period_containing,
    period_frequency,
    periods_between,
    periods_in,
    periods_per_year,
)

MONTH_BASED = (Frequency.ANNUAL, Frequency.SEMIANNUAL, Frequency.QUARTERLY, Frequency.MONTHLY)
DECREE09 = CutoffRule()
BHXH = CutoffRule(day=25)  # Vietnam Social Security closes its months on the 25th
CALENDAR_CUTOFF = CutoffRule(kind=CutoffKind.CALENDAR)


@pytest.fixture(scope="module")
def vietnam() -> WorkingCalendar:
    return WorkingCalendar()


def day(text: str) -> date:
    return date.fromisoformat(text)


@st.composite
def periods(
    draw: st.DrawFn,
    frequencies: tuple[Frequency, ...] = tuple(Frequency),
    years: tuple[int, int] = (MIN_YEAR, MAX_YEAR - 1),  # room for next()
) -> Period:
    frequency = draw(st.sampled_from(frequencies))
    year = draw(st.integers(*years))
    index = draw(st.integers(1, periods_per_year(frequency, year)))
    return Period(frequency, year, index)


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "start", "end"),
    [
        ("2024", "2024", "2024-01-01", "2024-12-31"),
        ("2024-A1", "2024", "2024-01-01", "2024-12-31"),
        ("2024-S1", "2024-S1", "2024-01-01", "2024-06-30"),
        ("2024-S2", "2024-S2", "2024-07-01", "2024-12-31"),
        ("2024-Q1", "2024-Q1", "2024-01-01", "2024-03-31"),
        ("2024-Q4", "2024-Q4", "2024-10-01", "2024-12-31"),
        ("2024-M02", "2024-M02", "2024-02-01", "2024-02-29"),
        ("2023-02", "2023-M02", "2023-02-01", "2023-02-28"),
        ("2024-W05", "2024-W05", "2024-01-29", "2024-02-04"),
        ("2020-W53", "2020-W53", "2020-12-28", "2021-01-03"),
        ("2025-W01", "2025-W01", "2024-12-30", "2025-01-05"),
        ("2024-03-15", "2024-03-15", "2024-03-15", "2024-03-15"),
        ("2024-q3", "2024-Q3", "2024-07-01", "2024-09-30"),
    ],
)
def test_parse_period_gives_code_and_dates(text: str, code: str, start: str, end: str) -> None:
    period = parse_period(text)
    assert str(period) == period.code == code
    assert (period.start, period.end) == (day(start), day(end))


def test_month_forms_name_the_same_period() -> None:
    assert parse_period("2024-03") == parse_period("2024-M03") == Period(Frequency.MONTHLY, 2024, 3)


def test_weeks_belong_to_their_iso_year() -> None:
    assert parse_period("2025-W01").year == 2025
    assert period_containing(Frequency.WEEKLY, day("2024-12-30")) == parse_period("2025-W01")
    assert period_containing(Frequency.WEEKLY, day("2021-01-03")) == parse_period("2020-W53")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-Q5", "'2024-Q5': quarter must be 1..4"),
        ("2024-q0", "'2024-q0': quarter must be 1..4"),
        ("2024-S3", "'2024-S3': half-year must be 1 or 2"),
        ("2024-M13", "'2024-M13': month must be 1..12"),
        ("2024-00", "'2024-00': month must be 1..12"),
        ("2024-A2", "'2024-A2': an annual period's index must be 1"),
        ("2021-W53", "'2021-W53': ISO week must be 1..52 in 2021"),
        ("2020-W54", "'2020-W54': ISO week must be 1..53 in 2020"),
        ("2023-02-29", "'2023-02-29': not a date (day is out of range for month)"),
        ("1899", "'1899': year must be 1900..2999"),
        ("24-Q1", "'24-Q1': year must have four digits"),
        ("20240", "'20240': year must have four digits"),
    ],
)
def test_parse_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert str(raised.value) == message
    assert raised.value.text == text


@pytest.mark.parametrize(
    "text", ["", "2024Q1", "2024-Q", "2024-3", "2024-X1", "2024-M03 ", " 2024", "2024-03-5", "Q1"]
)
def test_unrecognised_forms_list_the_accepted_ones(text: str) -> None:
    with pytest.raises(PeriodError, match="not a period; expected one of 2024, 2024-S1"):
        parse_period(text)


def test_period_error_is_a_value_error() -> None:
    assert issubclass(PeriodError, ValueError)
    with pytest.raises(PeriodError, match=r"month must be 1\.\.12"):
        Period(Frequency.MONTHLY, 2024, 13)


@given(periods())
def test_every_period_code_round_trips(period: Period) -> None:
    assert parse_period(str(period)) == period
    assert period_frequency(period.code) is period.frequency


@given(periods(frequencies=(Frequency.MONTHLY,)))
def test_iso_month_form_parses_to_the_sdmx_month(period: Period) -> None:
    iso = period.start.strftime("%Y-%m")
    assert parse_period(iso) == period
    assert str(parse_period(iso)) == f"{period.year}-M{period.index:02d}"


# --- frequencies and sequences -------------------------------------------------------------


def test_periods_per_year() -> None:
    assert [periods_per_year(f) for f in MONTH_BASED] == [1, 2, 4, 12]
    assert periods_per_year(Frequency.WEEKLY, 2020) == 53
    assert periods_per_year(Frequency.WEEKLY, 2024) == 52
    assert periods_per_year(Frequency.DAILY, 2024) == 366
    assert periods_per_year(Frequency.DAILY, 2023) == 365
    with pytest.raises(ValueError, match="depends on the year"):
        periods_per_year(Frequency.WEEKLY)


def test_next_and_previous_cross_year_ends() -> None:
    assert parse_period("2024-M12").next() == parse_period("2025-M01")
    assert parse_period("2024-Q1").previous() == parse_period("2023-Q4")
    assert parse_period("2020-W52").next() == parse_period("2020-W53")
    assert parse_period("2021-W01").previous() == parse_period("2020-W53")
    assert parse_period("2024-12-31").next() == parse_period("2025-01-01")
    assert parse_period("2024-03-01").previous() == parse_period("2024-02-29")


def test_periods_order_by_start_then_by_length() -> None:
    codes = ["2024-Q2", "2024", "2024-M01", "2023-W52", "2024-Q1", "2024-01-01"]
    assert [str(p) for p in sorted(map(parse_period, codes))] == [
        "2023-W52",
        "2024-01-01",
        "2024-M01",
        "2024-Q1",
        "2024",
        "2024-Q2",
    ]


def test_periods_between_is_inclusive() -> None:
    first, last = parse_period("2023-Q3"), parse_period("2024-Q2")
    assert [str(p) for p in periods_between(first, last)] == [
        "2023-Q3",
        "2023-Q4",
        "2024-Q1",
        "2024-Q2",
    ]
    assert periods_between(first, first) == [first]
    assert periods_between(last, first) == []


def test_periods_between_refuses_mixed_frequencies() -> None:
    with pytest.raises(PeriodError, match="from a quarterly to a monthly period"):
        periods_between(parse_period("2024-Q1"), parse_period("2024-M06"))


def test_periods_in_a_date_range_overlapping_or_whole() -> None:
    overlapping = periods_in(Frequency.QUARTERLY, day("2024-02-15"), day("2024-07-01"))
    assert [str(p) for p in overlapping] == ["2024-Q1", "2024-Q2", "2024-Q3"]
    whole = periods_in(Frequency.QUARTERLY, day("2024-02-15"), day("2024-07-01"), whole=True)
    assert [str(p) for p in whole] == ["2024-Q2"]
    assert periods_in(Frequency.MONTHLY, day("2024-05-01"), day("2024-04-30")) == []


@given(periods(frequencies=(*MONTH_BASED, Frequency.DAILY)))
def test_periods_of_a_frequency_tile_their_year(period: Period) -> None:
    year = periods_in(period.frequency, date(period.year, 1, 1), date(period.year, 12, 31))
    assert len(year) == periods_per_year(period.frequency, period.year)
    assert year[0].start == date(period.year, 1, 1)
    assert year[-1].end == date(period.year, 12, 31)
    for earlier, later in pairwise(year):
        assert later.start == earlier.end + timedelta(days=1)


@given(periods(frequencies=(Frequency.WEEKLY,)))
def test_iso_weeks_tile_continuously_across_years(period: Period) -> None:
    assert period.start.isoweekday() == 1
    assert period.end - period.start == timedelta(days=6)
    assert period.next().start == period.end + timedelta(days=1)
    weeks = periods_in(Frequency.WEEKLY, date(period.year, 1, 4), date(period.year, 12, 28))
    assert len(weeks) == periods_per_year(Frequency.WEEKLY, period.year)  # 4 Jan: always W01


@given(periods())
def test_next_and_previous_are_inverse_and_ordered(period: Period) -> None:
    assert period.next().previous() == period
    assert period < period.next()
    assert period.next().start == period.end + timedelta(days=1)


@given(st.sampled_from(Frequency), st.dates(date(MIN_YEAR, 1, 8), date(MAX_YEAR, 12, 24)))
def test_period_containing_contains_the_day(frequency: Frequency, when: date) -> None:
    period = period_containing(frequency, when)
    assert period.contains(when)
    assert period.frequency is frequency


# --- cut-off windows -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "first", "last"),
    [
        ("2024-M01", "2023-12-15", "2024-01-14"),
        ("2024-M03", "2024-02-15", "2024-03-14"),
        ("2024-Q1", "2023-12-15", "2024-03-14"),
        ("2024-Q3", "2024-06-15", "2024-09-14"),
        ("2024-S1", "2023-12-15", "2024-06-14"),
        ("2024-S2", "2024-06-15", "2024-12-14"),
        ("2024", "2023-12-15", "2024-12-14"),
    ],
)
def test_decree09_cutoff_windows(code: str, first: str, last: str) -> None:
    assert cutoff_window(parse_period(code), DECREE09) == (day(first), day(last))


def test_cutoff_day_of_the_regime_is_used() -> None:
    assert cutoff_window(parse_period("2024-M03"), BHXH) == (day("2024-02-25"), day("2024-03-24"))
    # Day 1 ends on the last day of the month before.
    assert cutoff_window(parse_period("2024-M03"), CutoffRule(day=1)) == (
        day("2024-02-01"),
        day("2024-02-29"),
    )


def test_calendar_cutoff_is_the_period_itself() -> None:
    quarter = parse_period("2024-Q1")
    assert cutoff_window(quarter, CALENDAR_CUTOFF) == (day("2024-01-01"), day("2024-03-31"))


@pytest.mark.parametrize("code", ["2024-W05", "2024-03-15"])
def test_weekly_and_daily_decree09_cutoffs_use_calendar_dates(code: str) -> None:
    period = parse_period(code)
    assert cutoff_window(period, DECREE09) == (period.start, period.end)


@given(periods(frequencies=MONTH_BASED), st.integers(1, 28))
def test_cutoff_windows_of_consecutive_periods_tile(period: Period, cutoff_day: int) -> None:
    rule = CutoffRule(day=cutoff_day)
    first, last = cutoff_window(period, rule)
    following_first, _ = cutoff_window(period.next(), rule)
    assert following_first == last + timedelta(days=1)
    assert first <= last
    assert first.day == cutoff_day
    assert (last.year, last.month) <= (period.end.year, period.end.month)


@given(st.integers(MIN_YEAR + 1, MAX_YEAR - 1), st.integers(1, 28))
def test_month_windows_of_a_year_make_up_its_annual_window(year: int, cutoff_day: int) -> None:
    rule = CutoffRule(day=cutoff_day)
    months = [Period(Frequency.MONTHLY, year, month) for month in range(1, 13)]
    assert (cutoff_window(months[0], rule)[0], cutoff_window(months[-1], rule)[1]) == (
        cutoff_window(Period(Frequency.ANNUAL, year, 1), rule)
    )


# --- deadlines -------------------------------------------------------------------------------


def day_of_month(day_: int, month_offset: int = 0, *, roll: bool = True) -> DeadlineRule:
    return DeadlineRule(
        DeadlineKind.DAY_OF_MONTH, day=day_, month_offset=month_offset, roll_to_working_day=roll
    )


@pytest.mark.parametrize(
    ("code", "rule", "due"),
    [
        # MOET Circular 19/2020: the 20th of the quarter's last month; 20 Jun; 20 Dec.
        ("2024-Q1", day_of_month(20), "2024-03-20"),
        ("2024-S1", day_of_month(20), "2024-06-20"),
        ("2024", day_of_month(20), "2024-12-20"),
        # MIC Circular 02/2023: the 15th monthly, the 6th of the quarter's last month, 25 Nov.
        ("2024-M03", day_of_month(15), "2024-03-15"),
        ("2024-Q1", day_of_month(6), "2024-03-06"),
        ("2024", day_of_month(25, -1), "2024-11-25"),
        # 25 Nov 2023 was a Saturday.
        ("2023", day_of_month(25, -1), "2023-11-27"),
        ("2023", day_of_month(25, -1, roll=False), "2023-11-25"),
    ],
)
def test_day_of_month_deadlines(
    vietnam: WorkingCalendar, code: str, rule: DeadlineRule, due: str
) -> None:
    assert deadline(parse_period(code), rule, DECREE09, vietnam) == day(due)


def test_working_days_after_cutoff_khanh_hoa(vietnam: WorkingCalendar) -> None:
    two_working_days = DeadlineRule(DeadlineKind.WORKING_DAYS_AFTER_CUTOFF, days=2)
    # Cut-off Thursday 14 Mar: Friday 15 and Monday 18 are the two working days.
    assert deadline(parse_period("2024-M03"), two_working_days, DECREE09, vietnam) == day(
        "2024-03-18"
    )
    # Cut-off Saturday 14 Dec 2024.
    assert deadline(parse_period("2024"), two_working_days, DECREE09, vietnam) == day("2024-12-17")


def test_working_days_after_cutoff_skip_tet(vietnam: WorkingCalendar) -> None:
    # BHXH-style cut-off Friday 24 Jan 2025; Tết closes 27 Jan - 2 Feb 2025.
    rule = DeadlineRule(DeadlineKind.WORKING_DAYS_AFTER_CUTOFF, days=2)
    assert deadline(parse_period("2025-M01"), rule, BHXH, vietnam) == day("2025-02-04")


def test_days_after_cutoff(vietnam: WorkingCalendar) -> None:
    rule = DeadlineRule(DeadlineKind.DAYS_AFTER_CUTOFF, days=7)
    assert deadline(parse_period("2024-M03"), rule, DECREE09, vietnam) == day("2024-03-21")
    calendar_month = deadline(parse_period("2024-M03"), rule, CALENDAR_CUTOFF, vietnam)
    assert calendar_month == day("2024-04-08")  # 31 Mar + 7 = Sunday 7 Apr, rolled to Monday


def test_deadline_on_tet_rolls_to_the_next_working_day(vietnam: WorkingCalendar) -> None:
    # 29 Jan 2025 is the first day of Tết; offices reopen on Monday 3 Feb.
    january = parse_period("2025-M01")
    assert deadline(january, day_of_month(29), DECREE09, vietnam) == day("2025-02-03")
    assert deadline(january, day_of_month(29, roll=False), DECREE09, vietnam) == day("2025-01-29")


def test_deadline_on_a_weekend_rolls_to_monday(vietnam: WorkingCalendar) -> None:
    assert deadline(parse_period("2024-M06"), day_of_month(15), DECREE09, vietnam) == day(
        "2024-06-17"
    )


def test_deadline_day_is_clamped_to_the_month(vietnam: WorkingCalendar) -> None:
    assert deadline(parse_period("2024-M02"), day_of_month(31), DECREE09, vietnam) == day(
        "2024-02-29"
    )
    # 30 Apr 2025 and 1 May are holidays, 2 May a swapped day off, then the weekend.
    q1 = parse_period("2025-Q1")
    assert deadline(q1, day_of_month(31, 1, roll=False), DECREE09, vietnam) == day("2025-04-30")
    assert deadline(q1, day_of_month(31, 1), DECREE09, vietnam) == day("2025-05-05")


@given(
    periods(years=(2000, 2040)),
    st.sampled_from(DeadlineKind),
    st.integers(0, 10),
    st.integers(1, 31),
    st.integers(-2, 2),
    st.integers(1, 28),
)
def test_rolled_deadlines_are_working_days_not_before_the_cutoff(
    period: Period, kind: DeadlineKind, days: int, day_: int, offset: int, cutoff_day: int
) -> None:
    vietnam = WorkingCalendar()
    rule = DeadlineRule(kind, days=days, day=day_, month_offset=offset)
    cutoff = CutoffRule(day=cutoff_day)
    due = deadline(period, rule, cutoff, vietnam)
    assert vietnam.is_working_day(due)
    if kind is not DeadlineKind.DAY_OF_MONTH:
        assert due >= cutoff_window(period, cutoff)[1] + timedelta(days=days)


# --- working calendar ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "is_working"),
    [
        ("2024-03-14", True),
        ("2024-03-16", False),  # Saturday
        ("2024-03-17", False),  # Sunday
        ("2024-01-01", False),  # New Year
        ("2024-02-12", False),  # Tết 2024, a Monday
        ("2025-01-29", False),  # Tết 2025, a Wednesday
        ("2024-04-18", False),  # Hùng Kings 2024 (10th of the 3rd lunar month)
        ("2025-04-07", False),  # Hùng Kings 2025
        ("2024-09-03", False),  # National Day's second day
        ("2024-04-29", False),  # day off swapped ...
        ("2024-05-04", True),  # ... for this Saturday
        ("2015-01-02", False),  # a swap across New Year ...
        ("2014-12-27", True),  # ... worked on Saturday 27 Dec 2014
    ],
)
def test_vietnam_working_days(vietnam: WorkingCalendar, when: str, is_working: bool) -> None:
    assert vietnam.is_working_day(day(when)) is is_working


def test_extra_days_override_the_national_calendar() -> None:
    decided = WorkingCalendar(
        extra_holidays=[day("2024-03-14")], extra_working_days=[day("2024-03-16")]
    )
    assert not decided.is_working_day(day("2024-03-14"))
    assert decided.is_working_day(day("2024-03-16"))
    assert decided.next_working_day(day("2024-03-14")) == day("2024-03-15")


def test_a_day_cannot_be_both_holiday_and_working_day() -> None:
    with pytest.raises(ValueError, match="both as holidays and as working days: 2024-03-14"):
        WorkingCalendar(extra_holidays=[day("2024-03-14")], extra_working_days=[day("2024-03-14")])


def test_next_working_day(vietnam: WorkingCalendar) -> None:
    assert vietnam.next_working_day(day("2024-03-14")) == day("2024-03-14")
    assert vietnam.next_working_day(day("2024-02-08")) == day("2024-02-15")  # Tết 2024


def test_add_working_days(vietnam: WorkingCalendar) -> None:
    assert vietnam.add_working_days(day("2024-03-15"), 1) == day("2024-03-18")
    assert vietnam.add_working_days(day("2024-02-07"), 1) == day("2024-02-15")  # over Tết
    assert vietnam.add_working_days(day("2024-02-15"), -1) == day("2024-02-07")
    assert vietnam.add_working_days(day("2024-03-16"), 0) == day("2024-03-16")


@given(st.dates(date(2000, 1, 1), date(2040, 12, 31)), st.integers(0, 30))
def test_adding_working_days_counts_only_working_days(start: date, count: int) -> None:
    vietnam = WorkingCalendar()
    end = vietnam.add_working_days(start, count)
    between = [start + timedelta(days=n) for n in range(1, (end - start).days + 1)]
    assert sum(vietnam.is_working_day(d) for d in between) == count
    if count:
        assert vietnam.is_working_day(end)
