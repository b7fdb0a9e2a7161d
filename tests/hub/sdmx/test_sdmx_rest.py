"""SDMX REST 2.1 read by the real sdmx1 client (unchanged) and by plain HTTP, per format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import sdmx

from tests.hub.sdmx.conftest import EXPECTED, RunningHub

GENERIC = "application/vnd.sdmx.genericdata+xml;version=2.1"
SPECIFIC = "application/vnd.sdmx.structurespecificdata+xml;version=2.1"
JSON = "application/vnd.sdmx.data+json;version=1.0.0"
CSV = "application/vnd.sdmx.data+csv;version=1.0.0"
STRUCTURE = "application/vnd.sdmx.structure+xml;version=2.1"
DIMENSIONS = ("FREQ", "INDICATOR", "REF_AREA", "SEX", "URBAN", "TIME_PERIOD")


@pytest.fixture(scope="module")
def client(running_hub: RunningHub) -> Iterator[sdmx.Client]:
    sdmx.add_source(
        {
            "id": "RH",
            "name": "Reporting hub (test)",
            "url": running_hub.sdmx,
            "supports": {"agencyscheme": True, "conceptscheme": True, "codelist": True},
        },
        override=True,
    )
    yield sdmx.Client("RH")


@pytest.fixture(scope="module")
def http(running_hub: RunningHub) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=running_hub.sdmx, timeout=30) as client:
        yield client


def _expected_by_key() -> dict[tuple[str, ...], Decimal]:
    """EXPECTED as (FREQ, INDICATOR, REF_AREA, SEX, URBAN, TIME_PERIOD) -> value."""
    out: dict[tuple[str, ...], Decimal] = {}
    for (indicator, area, period, dims), (value, _, _) in EXPECTED.items():
        codes = dict(dims)
        key = ("M", indicator, area, codes.get("SEX", "_Z"), codes.get("URBAN", "_Z"), period)
        out[key] = Decimal(value)
    return out


def _series_values(series: Any) -> dict[tuple[str, ...], Decimal]:
    frame = series.reset_index()
    return {
        tuple(str(row[d]) for d in DIMENSIONS): Decimal(str(row["value"]))
        for _, row in frame.iterrows()
    }


def test_sdmx1_reads_the_dataflows(client: sdmx.Client) -> None:
    message = client.dataflow()
    flows = sdmx.to_pandas(message.dataflow)
    assert list(flows.index) == ["BC-M"]
    assert flows["BC-M"] == "Báo cáo tháng"


def test_sdmx1_reads_a_dataflow_with_its_structure_in_one_call(client: sdmx.Client) -> None:
    message = client.dataflow("BC-M")  # references=all: the DSD, codelists, concepts too
    dsd = message.structure["DSD_BC-M"]
    assert [d.id for d in dsd.dimensions] == list(DIMENSIONS)
    assert [a.id for a in dsd.attributes] == ["UNIT_MEASURE", "OBS_STATUS"]
    assert [m.id for m in dsd.measures] == ["OBS_VALUE"]
    indicators = message.codelist["CL_INDICATOR_BC-M"]
    assert [c.id for c in indicators] == ["POP", "REV", "RATE"]
    assert str(message.codelist["CL_SEX"]["F"].name) == "Nữ"
    assert "_Z" in message.codelist["CL_SEX"]
    assert "REF_AREA" in message.concept_scheme["CS_HUB"]
    # The dimension points to its codelist: sdmx1 can check keys against it.
    sex = dsd.dimensions.get("SEX")
    assert sex.local_representation.enumerated.id == "CL_SEX"


def test_sdmx1_reads_a_datastructure_and_codelists(client: sdmx.Client) -> None:
    message = client.datastructure("DSD_BC-M", agency_id="RH")
    assert list(message.structure) == ["DSD_BC-M"]
    assert {"CL_FREQ", "CL_AREA", "CL_UNIT", "CL_OBS_STATUS", "CL_SEX", "CL_URBAN"} <= set(
        message.codelist
    )
    codes = client.codelist("CL_UNIT", agency_id="RH").codelist["CL_UNIT"]
    assert {"PERSON", "BVND", "MVND"} <= {c.id for c in codes}
    assert "INDICATOR" in client.conceptscheme("CS_HUB", agency_id="RH").concept_scheme["CS_HUB"]


def test_sdmx1_reads_all_data_into_pandas_with_the_stored_values(client: sdmx.Client) -> None:
    message = client.data("BC-M")
    assert _series_values(sdmx.to_pandas(message)) == _expected_by_key()


def test_sdmx1_reads_data_by_key_and_period(client: sdmx.Client) -> None:
    message = client.data("BC-M", key="M.POP+REV.P01..", params={"startPeriod": "2025-M03"})
    got = _series_values(sdmx.to_pandas(message))
    expected = {
        k: v
        for k, v in _expected_by_key().items()
        if k[1] in ("POP", "REV") and k[2] == "P01" and k[5] == "2025-M03"
    }
    assert got == expected and len(got) == 4


def test_sdmx1_builds_a_key_from_a_dict_against_the_dsd(client: sdmx.Client) -> None:
    message = client.data("BC-M", key={"REF_AREA": "P02", "URBAN": "U"})
    got = _series_values(sdmx.to_pandas(message))
    assert got == {("M", "POP", "P02", "T", "U", "2025-M03"): Decimal("800")}


def test_sdmx1_reads_sdmx_json(running_hub: RunningHub) -> None:
    sdmx.add_source(
        {"id": "RHJ", "name": "hub JSON", "url": running_hub.sdmx, "data_content_type": "JSON"},
        override=True,
    )
    client = sdmx.Client("RHJ")
    message = client.data("BC-M", key="M.REV.P01..", headers={"Accept": JSON})
    got = _series_values(sdmx.to_pandas(message))
    assert got == {k: v for k, v in _expected_by_key().items() if k[1] == "REV"}


def test_generic_data_over_http(http: httpx.Client) -> None:
    response = http.get("/data/BC-M/M.RATE.P01..")
    assert response.status_code == 200
    assert response.headers["content-type"] == GENERIC
    body = response.text
    assert '<generic:ObsValue value="4.25"/>' in body
    assert '<generic:Value id="OBS_STATUS" value="E"/>' in body
    assert '<generic:Value id="URBAN" value="_Z"/>' in body
    read = sdmx.read_sdmx(io.BytesIO(response.content))
    assert len(read.data[0].obs) == 1


def test_structure_specific_data_by_accept_and_format(http: httpx.Client) -> None:
    by_accept = http.get("/data/BC-M/M.REV.P01..", headers={"Accept": SPECIFIC})
    by_format = http.get("/data/BC-M/M.REV.P01..?format=structurespecificdata")
    for response in (by_accept, by_format):
        assert response.status_code == 200
        assert response.headers["content-type"] == SPECIFIC
        assert 'TIME_PERIOD="2025-M03" OBS_VALUE="12.345"' in response.text


def test_sdmx_json_keeps_values_exact(http: httpx.Client) -> None:
    response = http.get("/data/BC-M/M.POP.P01.F.", headers={"Accept": JSON})
    assert response.headers["content-type"] == JSON
    message = json.loads(response.text)
    (series,) = message["dataSets"][0]["series"].values()
    assert series["observations"] == {"0": ["510.5", 0, 0]}
    observation_dims = message["structure"]["dimensions"]["observation"]
    assert observation_dims[0]["values"] == [{"id": "2025-M03", "name": "2025-M03"}]


def test_sdmx_csv(http: httpx.Client) -> None:
    response = http.get("/data/BC-M/M.POP.P02..", headers={"Accept": CSV})
    assert response.headers["content-type"] == CSV
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["DATAFLOW", *DIMENSIONS, "OBS_VALUE", "UNIT_MEASURE", "OBS_STATUS"]
    assert sorted(rows[1:]) == [
        ["RH:BC-M(1.0)", "M", "POP", "P02", "T", "U", "2025-M03", "800", "PERSON", "A"],
        ["RH:BC-M(1.0)", "M", "POP", "P02", "T", "_Z", "2025-M03", "2000", "PERSON", "A"],
    ]


def test_all_dimensions_last_n_and_series_keys_only(http: httpx.Client) -> None:
    flat = http.get("/data/BC-M/all?dimensionAtObservation=AllDimensions")
    assert flat.status_code == 200 and flat.text.count("<generic:ObsKey>") == len(EXPECTED)
    last = http.get("/data/BC-M/M.POP+REV.P01.T+_Z._Z?lastNObservations=1&format=csvdata")
    periods = {row[6] for row in list(csv.reader(io.StringIO(last.text)))[1:]}
    assert periods == {"2025-M03"}
    keys = http.get("/data/BC-M?detail=serieskeysonly")
    assert "<generic:Obs>" not in keys.text and "<generic:SeriesKey>" in keys.text


@pytest.mark.parametrize(
    ("path", "status", "says"),
    [
        ("/data/BC-M/M.POP", 400, "FREQ.INDICATOR.REF_AREA.SEX.URBAN"),
        ("/data/BC-M/M.P%20OP.P01..", 400, "position INDICATOR"),
        ("/data/BC-M/M.POP.P01..?startPeriod=March", 400, "startPeriod"),
        ("/data/BC-M/M.POP.P01..?detail=everything", 400, "detail"),
        ("/data/BC-M/M.POP.P01..?updatedAfter=yesterday", 400, "updatedAfter"),
        ("/data/NOPE", 404, "NOPE"),
        ("/data/BC-M/M.GDP.P01..", 404, "no data"),
        ("/data/BC-M/A.POP.P01..", 404, "no data"),
        ("/data/BC-M/M." + "+".join(["POP"] * 1500) + ".P01..", 414, "characters"),
        ("/dataflow/OTHER/BC-M/latest", 404, "OTHER"),
        ("/dataflow/RH/NOPE", 404, "NOPE"),
        ("/datastructure/RH/DSD_BC-M/2.0", 404, "2.0"),
        ("/categoryscheme/all/all/latest", 501, "categoryscheme"),
        ("/dataflow/RH/BC-M/latest?references=cousins", 400, "references"),
        ("/data/BC-M/M.POP.P01..?dimensionAtObservation=SEX", 501, "dimensionAtObservation"),
    ],
)
def test_errors_follow_sdmx_rest(http: httpx.Client, path: str, status: int, says: str) -> None:
    response = http.get(path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert says in response.text


def test_an_unanswerable_accept_is_406(http: httpx.Client) -> None:
    response = http.get("/data/BC-M", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert CSV in response.text


def test_structures_are_sdmx_ml_and_references_choose_what_comes(http: httpx.Client) -> None:
    bare = http.get("/dataflow/all/all/latest?references=none")
    assert bare.headers["content-type"] == STRUCTURE
    assert "<structure:Dataflow " in bare.text and "<structure:DataStructure " not in bare.text
    children = http.get("/dataflow/RH/BC-M?references=children")
    assert (
        "<structure:DataStructure " in children.text and "<structure:Codelist " not in children.text
    )
    agencies = http.get("/agencyscheme")
    assert '<structure:Agency id="RH"' in agencies.text
