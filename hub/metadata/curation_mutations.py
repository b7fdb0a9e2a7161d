# mypy: disallow-untyped-decorators=False
# (strawberry.field's decorator overloads are opaque to mypy, as for hub.*.mutations)
"""GraphQL curation of the catalog (curator role): drafts, publication, retirement, history.

Typed edits exist for indicators (`updateIndicator`) and units (`updateUnit`); every kind,
including new entities (baseVersion 0), is edited as Turtle with `editEntity`. Expected
failures come back in `errors` with nothing written; the resolver owns the transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from catalog import model
from hub.access import rules
from hub.access.models import Role
from hub.access.rules import require_role
from hub.errors import HubError, InvalidInputError
from hub.metadata import curation, curation_impact
from hub.metadata.curation import CatalogInvalidError, ContentInvalidError, VersionRecord
from hub.metadata.types import Info
from hub.metadata.version_models import CatalogVersion as CatalogVersionRow
from hub.metadata.version_models import CatalogVersionStatus, EntityKind
from hub.reporting.mutations import InputError

CURATORS = (Role.CURATOR, Role.ADMIN)

strawberry.enum(EntityKind, description="A kind of catalog entity.")
strawberry.enum(
    CatalogVersionStatus,
    description="A catalog version: draft, published (current), retired or discarded.",
)


@strawberry.type(description="One version of a catalog entity, with who, when and what changed.")
class CatalogVersion:
    kind: EntityKind = strawberry.field(description="Kind of the entity.")
    code: str = strawberry.field(description="Code of the entity.")
    version: int = strawberry.field(description="1, 2, ... per entity; name it as baseVersion.")
    status: CatalogVersionStatus = strawberry.field(description="Draft, published, retired ...")
    based_on: int | None = strawberry.field(
        description="The published version this one was edited from."
    )
    comment: str | None = strawberry.field(description="The curator's note on the change.")
    created_by: str = strawberry.field(description="Who made this version.")
    created_at: datetime = strawberry.field(description="When it was made.")
    published_by: str | None = strawberry.field(description="Who published it.")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    turtle: str = strawberry.field(description="The entity as stable, sorted Turtle.")
    diff: str = strawberry.field(
        description="Unified diff of the Turtle against the previous (not discarded) version."
    )

    @classmethod
    def from_record(cls, r: VersionRecord) -> CatalogVersion:
        return cls(
            kind=r.kind,
            code=r.code,
            version=r.version,
            status=r.status,
            based_on=r.based_on,
            comment=r.comment,
            created_by=r.created_by,
            created_at=r.created_at,
            published_by=r.published_by,
            published_at=r.published_at,
            turtle=r.content,
            diff=r.diff,
        )


@strawberry.type(description="Result of every curation mutation.")
class CatalogVersionPayload:
    errors: list[InputError] = strawberry.field(
        description="Every problem (SHACL and rule violations each with its path); empty on "
        "success, and then nothing else was written."
    )
    version: CatalogVersion | None = strawberry.field(description="The version written.")


@strawberry.type(description="What depends on a catalog entity: read it before a change.")
class Impact:
    kind: EntityKind = strawberry.field(description="Kind of the entity.")
    code: str = strawberry.field(description="Code of the entity.")
    regimes: list[str] = strawberry.field(description="Codes of regimes whose forms use it.")
    forms: list[str] = strawberry.field(
        description="Data tables using it, as `REGIME/TABLE` (or the regime's own tables)."
    )
    indicators: list[str] = strawberry.field(
        description="Indicators using it: its unit, codelist, group, agency, or derived from "
        "it (formula, weight, broader)."
    )
    value_count: int = strawberry.field(
        description="Stored values (observation revisions) that depend on it."
    )


@strawberry.input(description="A typed edit of an indicator; fields left out keep their value.")
class UpdateIndicatorInput:
    code: str = strawberry.field(description="Indicator code.")
    base_version: int = strawberry.field(description="The version the edit starts from.")
    name_vi: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    definition_vi: str | None = strawberry.UNSET
    definition_en: str | None = strawberry.UNSET
    method_vi: str | None = strawberry.UNSET
    method_en: str | None = strawberry.UNSET
    unit: str | None = strawberry.field(default=strawberry.UNSET, description="Unit code.")
    frequencies: list[model.Frequency] | None = strawberry.UNSET
    dimensions: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Codes of the codelists it is disaggregated by."
    )
    aggregation: model.AggregationRule | None = strawberry.UNSET
    weight_indicator: str | None = strawberry.UNSET
    legal_basis: str | None = strawberry.UNSET
    formula: str | None = strawberry.UNSET
    comment: str | None = strawberry.field(default=None, description="Why the change.")


@strawberry.input(description="A typed edit of a unit; fields left out keep their value.")
class UpdateUnitInput:
    code: str = strawberry.field(description="Unit code.")
    base_version: int = strawberry.field(description="The version the edit starts from.")
    name_vi: str | None = strawberry.UNSET
    name_en: str | None = strawberry.UNSET
    symbol: str | None = strawberry.UNSET
    quantity_kind: str | None = strawberry.UNSET
    base: str | None = strawberry.field(default=strawberry.UNSET, description="Base unit code.")
    multiplier: Decimal | None = strawberry.UNSET
    comment: str | None = strawberry.field(default=None, description="Why the change.")


@strawberry.input(description="Any entity as Turtle (as `hub catalog export` writes it).")
class EditEntityInput:
    kind: EntityKind = strawberry.field(description="Kind of the entity.")
    code: str = strawberry.field(description="Code of the entity.")
    base_version: int = strawberry.field(
        description="The version the edit starts from; 0 creates a new entity."
    )
    turtle: str = strawberry.field(description="The whole entity, and nothing else, as Turtle.")
    comment: str | None = strawberry.field(default=None, description="Why the change.")


@strawberry.input(description="Names one draft version.")
class DraftInput:
    kind: EntityKind
    code: str
    version: int


@strawberry.input(description="Ends an entity (agencies, areas, regimes on validTo; indicators).")
class RetireEntityInput:
    kind: EntityKind
    code: str
    base_version: int
    valid_to: date | None = strawberry.field(
        default=None, description="Last valid day (agencies, areas, regimes); default today."
    )
    comment: str | None = None


def _errors(error: HubError) -> list[InputError]:
    if isinstance(error, CatalogInvalidError):
        return [
            InputError(
                path=f"{issue.focus} {issue.path}".strip(),
                code="SHACL_VIOLATION" if issue.focus.startswith("http") else "RULE_VIOLATION",
                message=issue.message,
            )
            for issue in error.issues
        ]
    if isinstance(error, ContentInvalidError):
        return [InputError(path=p.path, code=error.code, message=p.message) for p in error.problems]
    return [InputError(path=error.field or "input", code=error.code, message=error.message)]


def _require_curator(info: Info) -> None:
    require_role(info.context.principal, CURATORS, "edit the catalog", "catalog")


async def _run(
    info: Info, write: Callable[[], Awaitable[CatalogVersionRow]]
) -> CatalogVersionPayload:
    session = info.context.session
    try:
        _require_curator(info)
        row = await write()
        rows = await curation.history(row.kind, row.code, session=session)
    except HubError as error:
        await rules.abandon(session, error)  # an access refusal is audited
        return CatalogVersionPayload(errors=_errors(error), version=None)
    record = next(r for r in curation.records(rows) if r.version == row.version)
    await session.commit()
    return CatalogVersionPayload(errors=[], version=CatalogVersion.from_record(record))


def _changes(input: Any, mapping: dict[str, str]) -> dict[str, Any]:
    return {
        target: getattr(input, name)
        for name, target in mapping.items()
        if getattr(input, name) is not strawberry.UNSET
    }


def _text_changes(current: Any, input: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for field in fields:
        vi, en = getattr(input, f"{field}_vi"), getattr(input, f"{field}_en")
        if vi is strawberry.UNSET and en is strawberry.UNSET:
            continue
        old: model.Text | None = getattr(current, field)
        new_vi = (old.vi if old else "") if vi is strawberry.UNSET else (vi or "")
        new_en = (old.en if old else None) if en is strawberry.UNSET else en
        if not new_vi.strip() and field not in ("name", "definition") and new_en is None:
            found[field] = None
            continue
        try:
            found[field] = model.Text(new_vi, new_en)
        except model.CatalogError as error:
            raise InvalidInputError(error.message, field=f"{field}Vi") from None
    return found


_INDICATOR_FIELDS = {
    "unit": "unit",
    "dimensions": "dimensions",
    "aggregation": "aggregation",
    "weight_indicator": "weight_indicator",
    "legal_basis": "legal_basis",
    "formula": "formula",
}


@strawberry.type
class CurationMutation:
    @strawberry.mutation(
        description="Edit an indicator as a new draft version (readers still see the "
        "published one). Stale baseVersion is refused."
    )
    async def update_indicator(
        self, info: Info, input: UpdateIndicatorInput
    ) -> CatalogVersionPayload:
        async def write() -> CatalogVersionRow:
            session = info.context.session
            kind = EntityKind.INDICATOR
            current, _ = await curation.current_entity(kind, input.code, session=session)
            changes = _changes(input, _INDICATOR_FIELDS)
            for name in ("dimensions",):
                if name in changes:
                    changes[name] = tuple(changes[name] or ())
            if input.frequencies is not strawberry.UNSET:
                changes["frequencies"] = tuple(input.frequencies or ())
            changes.update(_text_changes(current, input, ("name", "definition", "method")))
            return await curation.update_draft(
                kind,
                input.code,
                changes,
                base_version=input.base_version,
                session=session,
                actor=info.context.actor,
                comment=input.comment,
            )

        return await _run(info, write)

    @strawberry.mutation(description="Edit a unit as a new draft version.")
    async def update_unit(self, info: Info, input: UpdateUnitInput) -> CatalogVersionPayload:
        async def write() -> CatalogVersionRow:
            session = info.context.session
            kind = EntityKind.UNIT
            current, _ = await curation.current_entity(kind, input.code, session=session)
            changes = _changes(
                input,
                {
                    "symbol": "symbol",
                    "quantity_kind": "quantity_kind",
                    "base": "base",
                    "multiplier": "multiplier",
                },
            )
            changes.update(_text_changes(current, input, ("name",)))
            return await curation.update_draft(
                kind,
                input.code,
                changes,
                base_version=input.base_version,
                session=session,
                actor=info.context.actor,
                comment=input.comment,
            )

        return await _run(info, write)

    @strawberry.mutation(
        description="Create (baseVersion 0) or edit any entity as Turtle; makes a draft version."
    )
    async def edit_entity(self, info: Info, input: EditEntityInput) -> CatalogVersionPayload:
        return await _run(
            info,
            lambda: curation.save_draft_turtle(
                input.kind,
                input.code,
                input.turtle,
                base_version=input.base_version,
                base_iri=info.context.settings.base_iri,
                session=info.context.session,
                actor=info.context.actor,
                comment=input.comment,
            ),
        )

    @strawberry.mutation(
        description="Publish a draft: the catalog with it in place must pass the SHACL shapes "
        "and rules of `hub catalog validate`; then it is current and the previous is retired."
    )
    async def publish_draft(self, info: Info, input: DraftInput) -> CatalogVersionPayload:
        return await _run(
            info,
            lambda: curation.publish_draft(
                input.kind,
                input.code,
                input.version,
                session=info.context.session,
                actor=info.context.actor,
            ),
        )

    @strawberry.mutation(description="Discard a draft (kept in the history as discarded).")
    async def discard_draft(self, info: Info, input: DraftInput) -> CatalogVersionPayload:
        return await _run(
            info,
            lambda: curation.discard_draft(
                input.kind,
                input.code,
                input.version,
                session=info.context.session,
                actor=info.context.actor,
            ),
        )

    @strawberry.mutation(
        description="End an entity: agencies, areas and regimes get validTo; an indicator's "
        "definition is retired. Nothing values refer to is deleted."
    )
    async def retire_entity(self, info: Info, input: RetireEntityInput) -> CatalogVersionPayload:
        return await _run(
            info,
            lambda: curation.retire_entity(
                input.kind,
                input.code,
                base_version=input.base_version,
                valid_to=input.valid_to,
                comment=input.comment,
                session=info.context.session,
                actor=info.context.actor,
            ),
        )


@strawberry.type
class CurationQuery:
    @strawberry.field(
        description="Every version of a catalog entity, oldest first, each with who, when and "
        "a diff against the version before; drafts only for curators and admins."
    )
    async def catalog_versions(
        self, info: Info, kind: EntityKind, code: str
    ) -> list[CatalogVersion]:
        rows = await curation.history(kind, code, session=info.context.session)
        records = curation.records(rows)
        if not rules.may_read_drafts(info.context.principal):
            public = (CatalogVersionStatus.PUBLISHED, CatalogVersionStatus.RETIRED)
            records = [r for r in records if r.status in public]
        return [CatalogVersion.from_record(r) for r in records]

    @strawberry.field(
        description="What depends on an entity: regimes, forms, indicators, stored values."
    )
    async def impact(self, info: Info, kind: EntityKind, code: str) -> Impact:
        found = await curation_impact.impact_of(kind, code, session=info.context.session)
        return Impact(
            kind=kind,
            code=code,
            regimes=list(found.regimes),
            forms=list(found.forms),
            indicators=list(found.indicators),
            value_count=found.value_count,
        )
