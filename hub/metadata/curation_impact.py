"""What depends on a catalog entity: the forms, indicators and stored values a change touches."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from hub.errors import NotFoundError
from hub.metadata import indicator_models as im
from hub.metadata import models as m
from hub.metadata.store import load_catalog
from hub.metadata.version_models import EntityKind
from hub.metadata.versions import entities, label
from hub.observations.models import Observation, ObservationDimension, ObservationRevision
from hub.reporting import report_models as rm
from hub.reporting.models import Regime


@dataclass(frozen=True)
class ImpactRecord:
    """Codes of the regimes, forms (`REGIME/TABLE`) and indicators using an entity, sorted,
    and how many stored values (observation revisions) depend on it."""

    regimes: tuple[str, ...]
    forms: tuple[str, ...]
    indicators: tuple[str, ...]
    value_count: int


def _mentions(formula: str | None, code: str) -> bool:
    if not formula:
        return False
    return (
        re.search(rf"(?<![A-Za-z0-9_.\-]){re.escape(code)}(?![A-Za-z0-9_.\-])", formula) is not None
    )


def _indicators_using(c: model.Catalog, kind: EntityKind, code: str) -> set[str]:
    found: set[str] = set()
    for i in c.indicators.values():
        uses = {
            EntityKind.UNIT: i.unit == code,
            EntityKind.CODELIST: code in i.dimensions,
            EntityKind.INDICATOR_GROUP: i.group == code,
            EntityKind.AGENCY: i.agency == code,
            EntityKind.INDICATOR: i.code != code
            and (
                _mentions(i.formula, code)
                or i.weight_indicator == code
                or code in i.broader
                or code in i.related
            ),
        }.get(kind, False)
        if uses:
            found.add(i.code)
    return found


def _forms_using(
    c: model.Catalog, kind: EntityKind, code: str, indicators: set[str]
) -> set[tuple[str, str]]:
    forms: set[tuple[str, str]] = set()
    for regime in c.regimes.values():
        for table in regime.tables:
            for item in table.items:
                uses = (
                    (kind is EntityKind.INDICATOR and item.indicator == code)
                    or (kind is EntityKind.CODELIST and code in item.dimensions)
                    or (kind is EntityKind.REGIME and regime.code == code)
                    or (
                        kind in (EntityKind.UNIT, EntityKind.INDICATOR_GROUP)
                        and item.indicator in indicators
                    )
                )
                if uses:
                    forms.add((regime.code, table.code))
    return forms


async def _count(session: AsyncSession, kind: EntityKind, code: str) -> int:
    revisions = sa.select(sa.func.count(ObservationRevision.id))
    statement: sa.Select[int]
    if kind is EntityKind.INDICATOR:
        statement = (
            revisions.join(Observation, Observation.id == ObservationRevision.observation_id)
            .join(im.Indicator, im.Indicator.id == Observation.indicator_id)
            .where(im.Indicator.code == code)
        )
    elif kind is EntityKind.UNIT:
        # Values stored in the unit: their definition's unit, or the unit they were sent in.
        unit_id = sa.select(m.Unit.id).where(m.Unit.code == code).scalar_subquery()
        statement = revisions.join(
            im.IndicatorVersion, im.IndicatorVersion.id == ObservationRevision.indicator_version_id
        ).where(
            sa.or_(
                im.IndicatorVersion.unit_id == unit_id,
                ObservationRevision.reported_unit_id == unit_id,
            )
        )
    elif kind is EntityKind.CODELIST:
        statement = (
            revisions.join(
                ObservationDimension,
                ObservationDimension.observation_id == ObservationRevision.observation_id,
            )
            .join(m.Codelist, m.Codelist.id == ObservationDimension.codelist_id)
            .where(m.Codelist.code == code)
        )
    elif kind is EntityKind.AREA:
        statement = (
            revisions.join(Observation, Observation.id == ObservationRevision.observation_id)
            .join(m.Area, m.Area.id == Observation.area_id)
            .where(m.Area.code == code)
        )
    elif kind in (EntityKind.AGENCY, EntityKind.REGIME):
        owner = (
            sa.select(m.Agency.id).where(m.Agency.code == code)
            if kind is EntityKind.AGENCY
            else sa.select(Regime.id).where(Regime.code == code)
        ).scalar_subquery()
        column = rm.Report.agency_id if kind is EntityKind.AGENCY else rm.Report.regime_id
        statement = (
            revisions.join(
                rm.ReportVersion, rm.ReportVersion.id == ObservationRevision.report_version_id
            )
            .join(rm.Report, rm.Report.id == rm.ReportVersion.report_id)
            .where(column == owner)
        )
    else:  # an indicator group: the values of its indicators
        statement = (
            revisions.join(Observation, Observation.id == ObservationRevision.observation_id)
            .join(
                im.IndicatorVersion,
                im.IndicatorVersion.id == ObservationRevision.indicator_version_id,
            )
            .join(m.IndicatorGroup, m.IndicatorGroup.id == im.IndicatorVersion.group_id)
            .where(m.IndicatorGroup.code == code)
        )
    return int(await session.scalar(statement) or 0)


async def impact_of(kind: EntityKind, code: str, *, session: AsyncSession) -> ImpactRecord:
    """What uses the published entity `code` of `kind`; raises NotFoundError for no such one."""
    catalog = await load_catalog(session=session)
    if code not in entities(catalog, kind):
        raise NotFoundError(label(kind), code, field="code")
    indicators = _indicators_using(catalog, kind, code)
    if kind is EntityKind.REGIME:
        indicators = {item.indicator for t in catalog.regimes[code].tables for item in t.items}
    forms = _forms_using(catalog, kind, code, indicators)
    regimes = {regime for regime, _ in forms}
    if kind is EntityKind.AGENCY:
        regimes |= {
            g.code
            for g in catalog.regimes.values()
            if g.recipient == code or code in g.reporting_agencies
        }
    return ImpactRecord(
        regimes=tuple(sorted(regimes)),
        forms=tuple(sorted(f"{r}/{t}" for r, t in forms)),
        indicators=tuple(sorted(indicators)),
        value_count=await _count(session, kind, code),
    )
