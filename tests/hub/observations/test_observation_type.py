"""`Observation.from_row` sets every field, as the dataclass constructor would."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from catalog.model import Frequency
from hub.observations.models import StatusFlag
from hub.observations.records import ObservationRow
from hub.observations.types import DimensionCode, Observation

ACCEPTED = datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)


def _row(*, derived: bool) -> ObservationRow:
    return ObservationRow(
        id=7,
        indicator="HUB-EXPORTS",
        indicator_name_vi="Xuất khẩu",
        indicator_name_en="Exports",
        area="01",
        area_name_vi="Hà Nội",
        area_name_en="Ha Noi",
        period="2025-M01",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 1, 31),
        frequency=Frequency.MONTHLY,
        dimension_key="OWNERSHIP=T",
        dimensions=(("OWNERSHIP", "T"),),
        value=Decimal("12.50"),
        unit="USD-M",
        status_flag=StatusFlag.PROVISIONAL,
        comment="first",
        revision=2,
        report_version_id=11,
        definition_version=3,
        recorded_at=ACCEPTED,
        accepted_at=ACCEPTED,
        position=(1, 2, date(2025, 1, 1), "2025-M01", "OWNERSHIP=T"),
        derived=derived,
        sources=("01", "P63-01") if derived else (),
    )


@pytest.mark.parametrize("derived", [False, True])
def test_from_row_sets_what_the_constructor_would(derived: bool) -> None:
    row = _row(derived=derived)
    made = Observation.from_row(row)
    constructed = Observation(
        indicator_code="HUB-EXPORTS",
        area_code="01",
        period="2025-M01",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 1, 31),
        frequency=Frequency.MONTHLY,
        dimensions=[DimensionCode(dimension="OWNERSHIP", code="T")],
        value=Decimal("12.50"),
        unit_code="USD-M",
        status=StatusFlag.PROVISIONAL,
        comment="first",
        revision=None if derived else 2,
        definition_version=3,
        recorded_at=ACCEPTED,
        accepted_at=ACCEPTED,
        derived=derived,
        source_areas=["01", "P63-01"] if derived else ["01"],
        observation_id=7,
        dimension_key="OWNERSHIP=T",
        indicator_names=("Xuất khẩu", "Exports"),
        area_names=("Hà Nội", "Ha Noi"),
    )

    assert vars(made) == vars(constructed)
    assert set(vars(made)) == {f.name for f in dataclasses.fields(Observation) if f.init}
