"""SDMX-JSON 1.0 data messages: series keyed by value indexes, values as exact decimal text.

Values are strings ("1234.5"), not JSON numbers: JSON numbers become binary floats in most
readers, and the hub's values are exact decimals (DESIGN.md §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson

from catalog.model import Text
from hub.decimals import decimal_text
from hub.sdmx.data import SeriesData
from hub.sdmx.structure import (
    MAINTENANCE_AGENCY,
    OBS_STATUS,
    TIME_PERIOD,
    UNIT_MEASURE,
    Dataflow,
)

ALL_DIMENSIONS = "AllDimensions"


def _value(codes: dict[str, Text], id: str) -> dict[str, str]:
    label = codes.get(id)
    return {"id": id, "name": label.get("en") if label else id}


def write_json(
    flow: Dataflow, series: Sequence[SeriesData], *, at_observation: str, detail: str
) -> bytes:
    """The SDMX-JSON 1.0 data message of `series`."""
    dsd = flow.structure
    key_dims = dsd.key_dimensions
    labels = {
        d.id: {c.id: c.name for c in dsd.codelists[d.codelist].codes}
        for d in key_dims
        if d.codelist is not None
    }
    # Value lists hold only the codes present, in order of first appearance.
    key_values: list[dict[str, int]] = [{} for _ in key_dims]
    periods: dict[str, int] = {}
    units: dict[str, int] = {}
    statuses: dict[str, int] = {}
    attributes = detail == "full"
    with_obs = detail in ("full", "dataonly")

    def index(table: dict[str, int], code: str) -> int:
        return table.setdefault(code, len(table))

    def observation(point: Any) -> list[Any]:
        out: list[Any] = [decimal_text(point.value)]
        if attributes:
            out += [index(units, point.unit), index(statuses, point.status)]
        return out

    data_set: dict[str, Any] = {"action": "Information"}
    if at_observation == ALL_DIMENSIONS:
        observations: dict[str, list[Any]] = {}
        for one in series:
            positions = [index(key_values[i], code) for i, code in enumerate(one.key)]
            for point in one.points:
                position = ":".join(map(str, [*positions, index(periods, point.period)]))
                observations[position] = observation(point)
        data_set["observations"] = observations
    else:
        out_series: dict[str, Any] = {}
        for one in series:
            key = ":".join(str(index(key_values[i], code)) for i, code in enumerate(one.key))
            obs: dict[str, list[Any]] = {}
            if with_obs:
                for point in one.points:
                    obs[str(index(periods, point.period))] = observation(point)
            out_series[key] = {"attributes": [], "observations": obs}
        data_set["series"] = out_series

    dimension_entries = [
        {
            "id": d.id,
            "name": d.id,
            "keyPosition": position,
            "values": [_value(labels[d.id], code) for code in key_values[position]],
        }
        for position, d in enumerate(key_dims)
    ]
    time_entry = {
        "id": TIME_PERIOD,
        "name": "Time period",
        "keyPosition": len(key_dims),
        "role": "time",
        "values": [{"id": p, "name": p} for p in periods],
    }
    if at_observation == ALL_DIMENSIONS:
        dimensions = {"dataset": [], "series": [], "observation": [*dimension_entries, time_entry]}
    else:
        dimensions = {"dataset": [], "series": dimension_entries, "observation": [time_entry]}
    unit_labels = {c.id: c.name for c in dsd.codelists["CL_UNIT"].codes}
    status_labels = {c.id: c.name for c in dsd.codelists["CL_OBS_STATUS"].codes}
    observation_attributes = (
        [
            {
                "id": UNIT_MEASURE,
                "name": "Unit of measure",
                "values": [_value(unit_labels, u) for u in units],
            },
            {
                "id": OBS_STATUS,
                "name": "Observation status",
                "values": [_value(status_labels, s) for s in statuses],
            },
        ]
        if attributes
        else []
    )
    message = {
        "header": {
            "id": f"RH-{flow.id}",
            "test": False,
            "prepared": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sender": {"id": MAINTENANCE_AGENCY},
        },
        "dataSets": [data_set],
        "structure": {
            "name": flow.name.get("en"),
            "dimensions": dimensions,
            "attributes": {"dataset": [], "series": [], "observation": observation_attributes},
        },
    }
    return orjson.dumps(message)
