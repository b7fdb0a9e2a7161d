"""Plain records the metadata service returns: a catalog entity with its stored metadata."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalog import model
from hub.metadata.indicator_models import VersionStatus


@dataclass(frozen=True)
class IndicatorRecord:
    """One stored version of an indicator's definition."""

    indicator: model.Indicator
    version: int
    status: VersionStatus
    published_at: datetime | None
    version_id: int
