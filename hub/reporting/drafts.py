"""What a submission looks like before and after validation: drafts as sent by any way in,
observations normalised to shared codes, and the exact reading of a value."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from catalog.periods import Period
from hub.decimals import parse_decimal
from hub.observations.models import StatusFlag


@dataclass(frozen=True)
class ObservationDraft:
    """One value as sent: codes may be local ones when the draft names its system."""

    indicator: str
    area: str
    period: str
    dimensions: tuple[tuple[str, str], ...]  # (dimension codelist, code) pairs
    value: str  # an exact decimal as text: '12.5', '-3', '1.2E+3'
    unit: str
    status: str | None = None  # normal (the default), estimated, provisional, forecast
    comment: str | None = None


@dataclass(frozen=True)
class SubmissionDraft:
    """A report as sent, before validation; `system` enables its crosswalk of local codes."""

    regime: str
    period: str
    agency: str
    system: str | None = None
    sections: tuple[tuple[str, str], ...] = ()  # (outline section code, text)
    observations: tuple[ObservationDraft, ...] = ()


@dataclass(frozen=True)
class NormalisedObservation:
    """A valid observation: shared codes, a canonical period, its value in the indicator unit."""

    index: int  # position in the draft
    indicator: str
    area: str
    period: Period
    dimensions: tuple[tuple[str, str], ...]  # (codelist, code), sorted by codelist
    value: Decimal  # in the indicator's unit
    reported_value: Decimal  # as sent
    reported_unit: str
    status: StatusFlag
    comment: str | None

    @property
    def dimension_key(self) -> str:
        """`CODELIST=CODE` pairs joined by `;` ("" without disaggregation)."""
        return dimension_key(self.dimensions)


@lru_cache(maxsize=4096)
def dimension_key(dimensions: tuple[tuple[str, str], ...]) -> str:
    """The canonical text of a disaggregation: `SEX=F;URBAN=U`, sorted by codelist.

    Cached: a report has thousands of values and a handful of disaggregations."""
    return ";".join(f"{codelist}={code}" for codelist, code in sorted(dimensions))


def parse_value(text: str) -> Decimal:
    """The exact decimal `text` spells, or `ValueError` saying why it is not one
    (`hub.decimals`: no NaN, infinities, commas, or magnitudes like `1e400`; -0 is 0)."""
    return parse_decimal(text)
