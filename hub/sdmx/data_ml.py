"""SDMX-ML 2.1 data messages: GenericData and StructureSpecificData of a dataflow's series.

`dimension_at_observation` is TIME_PERIOD (series with observations by period) or
`AllDimensions` (a flat list of observations, each with its whole key). `detail` is
`full` (values and attributes), `dataonly` (no attributes), `serieskeysonly` or `nodata`
(series keys without observations; attributes here sit on observations).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hub.decimals import decimal_text
from hub.sdmx.data import Point, SeriesData
from hub.sdmx.sdmxml import COMMON, GENERIC, MESSAGE, SPECIFIC, XSI, attr, header, ref
from hub.sdmx.structure import (
    MAINTENANCE_AGENCY,
    OBS_STATUS,
    UNIT_MEASURE,
    VERSION,
    Dataflow,
)

ALL_DIMENSIONS = "AllDimensions"


def _structure_header(flow: Dataflow, at_observation: str, namespace: str | None) -> str:
    dsd = flow.structure
    extra = f" namespace={attr(namespace)}" if namespace else ""
    return (
        f"<message:Structure structureID={attr(dsd.id)}{extra} "
        f"dimensionAtObservation={attr(at_observation)}>"
        "<common:Structure>"
        + ref(dsd.id, package="datastructure", cls="DataStructure")
        + "</common:Structure></message:Structure>"
    )


def _with_observations(detail: str) -> bool:
    return detail in ("full", "dataonly")


def write_generic(
    flow: Dataflow, series: Sequence[SeriesData], *, at_observation: str, detail: str
) -> Iterator[str]:
    """A GenericData message, in chunks."""
    dsd = flow.structure
    ids = [d.id for d in dsd.key_dimensions]
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<message:GenericData xmlns:message={attr(MESSAGE)} xmlns:generic={attr(GENERIC)} "
        f"xmlns:common={attr(COMMON)} xmlns:xsi={attr(XSI)}>"
        + header(_structure_header(flow, at_observation, None))
        + f'<message:DataSet structureRef={attr(dsd.id)} action="Information">'
    )
    attributes = detail == "full"
    if at_observation == ALL_DIMENSIONS:
        for one in series:
            values = "".join(
                f"<generic:Value id={attr(i)} value={attr(c)}/>"
                for i, c in zip(ids, one.key, strict=True)
            )
            for point in one.points:
                time = f'<generic:Value id="TIME_PERIOD" value={attr(point.period)}/>'
                yield (
                    f"<generic:Obs><generic:ObsKey>{values}{time}</generic:ObsKey>"
                    + _generic_value(point, attributes)
                    + "</generic:Obs>"
                )
    else:
        for one in series:
            key = "".join(
                f"<generic:Value id={attr(i)} value={attr(c)}/>"
                for i, c in zip(ids, one.key, strict=True)
            )
            chunk = [f"<generic:Series><generic:SeriesKey>{key}</generic:SeriesKey>"]
            if _with_observations(detail):
                for point in one.points:
                    chunk.append(
                        "<generic:Obs>"
                        f"<generic:ObsDimension value={attr(point.period)}/>"
                        + _generic_value(point, attributes)
                        + "</generic:Obs>"
                    )
            chunk.append("</generic:Series>")
            yield "".join(chunk)
    yield "</message:DataSet></message:GenericData>"


def _generic_value(point: Point, attributes: bool) -> str:
    out = f"<generic:ObsValue value={attr(decimal_text(point.value))}/>"
    if attributes:
        out += (
            "<generic:Attributes>"
            f"<generic:Value id={attr(UNIT_MEASURE)} value={attr(point.unit)}/>"
            f"<generic:Value id={attr(OBS_STATUS)} value={attr(point.status)}/>"
            "</generic:Attributes>"
        )
    return out


def write_structure_specific(
    flow: Dataflow, series: Sequence[SeriesData], *, at_observation: str, detail: str
) -> Iterator[str]:
    """A StructureSpecificData message, in chunks."""
    dsd = flow.structure
    ids = [d.id for d in dsd.key_dimensions]
    level = (
        "ObsLevelDim:AllDimensions"
        if at_observation == ALL_DIMENSIONS
        else (f"ObsLevelDim:{at_observation}")
    )
    namespace = (
        f"urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure="
        f"{MAINTENANCE_AGENCY}:{dsd.id}({VERSION}):{level}"
    )
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<message:StructureSpecificData xmlns:message={attr(MESSAGE)} "
        f"xmlns:ss={attr(SPECIFIC)} xmlns:ns1={attr(namespace)} "
        f"xmlns:common={attr(COMMON)} xmlns:xsi={attr(XSI)}>"
        + header(_structure_header(flow, at_observation, namespace))
        + f'<message:DataSet ss:structureRef={attr(dsd.id)} xsi:type="ns1:DataSetType" '
        'ss:dataScope="DataStructure" action="Information">'
    )
    attributes = detail == "full"
    for one in series:
        key = " ".join(f"{i}={attr(c)}" for i, c in zip(ids, one.key, strict=True))
        if at_observation == ALL_DIMENSIONS:
            for point in one.points:
                yield f"<Obs {key} {_specific_obs(point, attributes)}/>"
            continue
        chunk = [f"<Series {key}>"]
        if _with_observations(detail):
            chunk.extend(f"<Obs {_specific_obs(point, attributes)}/>" for point in one.points)
        chunk.append("</Series>")
        yield "".join(chunk)
    yield "</message:DataSet></message:StructureSpecificData>"


def _specific_obs(point: Point, attributes: bool) -> str:
    out = f"TIME_PERIOD={attr(point.period)} OBS_VALUE={attr(decimal_text(point.value))}"
    if attributes:
        out += f" {UNIT_MEASURE}={attr(point.unit)} {OBS_STATUS}={attr(point.status)}"
    return out
