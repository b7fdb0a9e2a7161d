"""SDMX-CSV 1.0 data: one row per observation, the layout `hub load --format sdmx-csv` reads.

    DATAFLOW,FREQ,INDICATOR,REF_AREA,SEX,URBAN,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS
    RH:BC-M(1.0),M,POP,P01,F,_Z,2025-M03,1000,PERSON,A

DATAFLOW is `agency:id(version)`; the dimension columns follow the DSD order.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from hub.decimals import decimal_text
from hub.sdmx.data import SeriesData
from hub.sdmx.structure import (
    MAINTENANCE_AGENCY,
    OBS_STATUS,
    OBS_VALUE,
    TIME_PERIOD,
    UNIT_MEASURE,
    VERSION,
    Dataflow,
)


def header(flow: Dataflow, *, attributes: bool = True) -> list[str]:
    """The column names of `flow`'s SDMX-CSV."""
    columns = ["DATAFLOW", *(d.id for d in flow.structure.key_dimensions), TIME_PERIOD, OBS_VALUE]
    return [*columns, UNIT_MEASURE, OBS_STATUS] if attributes else columns


def flow_reference(flow: Dataflow) -> str:
    return f"{MAINTENANCE_AGENCY}:{flow.id}({VERSION})"


def write_csv(flow: Dataflow, series: Sequence[SeriesData], *, detail: str) -> Iterator[str]:
    """The SDMX-CSV text of `series`, in chunks of rows."""
    attributes = detail == "full"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(flow, attributes=attributes))
    reference = flow_reference(flow)
    for one in series:
        for point in one.points:
            row = [reference, *one.key, point.period, decimal_text(point.value)]
            writer.writerow([*row, point.unit, point.status] if attributes else row)
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
