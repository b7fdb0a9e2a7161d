"""Which period a regime's compliance board shows, and the periods beside it."""

from __future__ import annotations

from datetime import date

from catalog import model
from catalog.periods import Period, WorkingCalendar, parse_period, period_containing
from hub.errors import InvalidInputError
from hub.reporting.obligations import period_schedule

# How far back the default board looks for a period that is already due (a regime's periods
# are due within months; this only bounds the loop).
MAX_PERIODS_BACK = 400


def board_period(regime: model.Regime, requested: str | None, today: date) -> Period:
    """The period asked for (of the regime's frequency), or by default the latest period whose
    deadline has passed by `today`: the first whose board is complete.

    Raises PeriodError for a malformed period, InvalidInputError for another frequency.
    """
    if requested:
        period = parse_period(requested)
        if period.frequency is not regime.frequency:
            raise InvalidInputError(
                f"period {period.code} is {period.frequency.name.lower()}; regime "
                f"{regime.code} is reported {regime.frequency.name.lower()}",
                field="period",
            )
        return period
    calendar = WorkingCalendar()
    current = period = period_containing(regime.frequency, today)
    for _ in range(MAX_PERIODS_BACK):
        if _before_regime(regime, period):
            return current
        if period_schedule(period, regime.deadline, regime.cutoff, calendar).deadline < today:
            return period
        period = period.previous()
    return current


def neighbours(regime: model.Regime, period: Period) -> tuple[Period | None, Period | None]:
    """The periods before and after `period` within the regime's validity."""
    previous, following = period.previous(), period.next()
    return (
        None if _before_regime(regime, previous) else previous,
        None if regime.valid_to is not None and following.start > regime.valid_to else following,
    )


def _before_regime(regime: model.Regime, period: Period) -> bool:
    return regime.valid_from is not None and period.end < regime.valid_from
