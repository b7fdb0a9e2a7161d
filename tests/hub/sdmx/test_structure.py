"""The DSD of a regime derived from the catalog: order, codelists, `_Z` for "not applicable"."""

from __future__ import annotations

import pytest

from catalog.model import Frequency
from hub.errors import NotFoundError
from hub.sdmx import structure as s
from tests.hub.reporting.catalog_fixture import REGIME, submission_catalog


def test_a_regime_is_a_dataflow_with_its_form_as_the_structure() -> None:
    flow = s.dataflow(submission_catalog(), REGIME)
    dsd = flow.structure
    assert flow.id == REGIME and flow.indicators == ("POP", "REV", "RATE")
    assert [d.id for d in dsd.dimensions] == [
        "FREQ",
        "INDICATOR",
        "REF_AREA",
        "SEX",
        "URBAN",
        "TIME_PERIOD",
    ]
    assert [d.position for d in dsd.dimensions] == [1, 2, 3, 4, 5, 6]
    assert [a.id for a in dsd.attributes] == ["UNIT_MEASURE", "OBS_STATUS"]
    indicators = dsd.codelists["CL_INDICATOR_BC-M"]
    assert [c.id for c in indicators.codes] == ["POP", "REV", "RATE"]  # GDP is not on the form
    assert [c.id for c in dsd.codelists["CL_SEX"].codes] == ["T", "M", "F", "_Z"]
    assert {"CL_FREQ", "CL_AREA", "CL_UNIT", "CL_OBS_STATUS"} <= set(dsd.codelists)


def test_observation_key_uses_not_applicable_for_a_missing_disaggregation() -> None:
    dsd = s.dataflow(submission_catalog(), REGIME).structure
    key = s.observation_key(
        dsd, frequency=Frequency.MONTHLY, indicator="POP", area="P01", dimensions=[("SEX", "F")]
    )
    assert key == ("M", "POP", "P01", "F", "_Z")
    outside = s.observation_key(
        dsd, frequency=Frequency.MONTHLY, indicator="POP", area="P01", dimensions=[("AGE", "X")]
    )
    assert outside is None


def test_unknown_regime_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        s.dataflow(submission_catalog(), "NOPE")
    assert [f.id for f in s.dataflows(submission_catalog())] == [REGIME]
