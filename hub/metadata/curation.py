"""Curation of the catalog: drafts, publication, retirement, history (issue 7).

Every edit makes a new draft version in `catalog_version`; the live catalog tables keep the
published state, so readers and submissions see nothing of a draft. Publishing rebuilds the
catalog with the draft in place, runs the catalog validation (`catalog.validation`: SHACL and
rules), and writes the entity through the store (`import_catalog`), which also gives an
indicator its new definition version while values keep theirs. Every edit names the version
it started from; a stale one is refused, naming the newer version.

Services take the session keyword-only and never commit; a refusal raises before any write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import model
from catalog.mapping import catalog_to_graph
from catalog.namespaces import SOURCE_BASE_IRI
from catalog.validation import Issue, validate_graph
from hub.db import utcnow
from hub.errors import HubError, InvalidInputError, NotFoundError
from hub.metadata import indicator_models as im
from hub.metadata.store import import_catalog, load_catalog
from hub.metadata.version_models import CatalogVersion, CatalogVersionStatus, EntityKind
from hub.metadata.versions import (
    Entity,
    EntityContentError,
    entities,
    entity_turtle,
    label,
    only,
    read_entity,
    turtle_diff,
    with_entity,
)

Status = CatalogVersionStatus
IMPORTED_BY = "catalog import"
_HEAD = (Status.DRAFT, Status.PUBLISHED)


class StaleVersionError(HubError):
    """An edit started from a version that is no longer the latest."""

    code = "STALE_VERSION"

    def __init__(self, message: str, *, latest: int) -> None:
        super().__init__(message, field="baseVersion")
        self.latest = latest


class CatalogInvalidError(HubError):
    """The catalog with the change in place breaks the SHACL shapes or the rules."""

    code = "CATALOG_INVALID"

    def __init__(self, where: str, issues: Sequence[Issue]) -> None:
        super().__init__(f"{where} cannot be published: {len(issues)} violation(s)")
        self.issues = list(issues)


class ContentInvalidError(HubError):
    """The new content does not read as the entity (bad Turtle, a broken invariant)."""

    code = "INVALID_CONTENT"

    def __init__(self, error: EntityContentError) -> None:
        super().__init__(str(error), field="content")
        self.problems = error.problems


@dataclass(frozen=True)
class VersionRecord:
    """A version as the API shows it, with the diff against the version before it."""

    kind: EntityKind
    code: str
    version: int
    status: Status
    content: str
    based_on: int | None
    comment: str | None
    created_by: str
    created_at: datetime
    published_by: str | None
    published_at: datetime | None
    diff: str


async def _rows(session: AsyncSession, kind: EntityKind, code: str) -> list[CatalogVersion]:
    result = await session.execute(
        sa.select(CatalogVersion)
        .where(CatalogVersion.kind == kind, CatalogVersion.code == code)
        .order_by(CatalogVersion.version)
    )
    return list(result.scalars())


def _head(rows: Sequence[CatalogVersion]) -> CatalogVersion | None:
    """The version an edit must start from: the open draft, else the published one."""
    for status in _HEAD:
        found = [r for r in rows if r.status is status]
        if found:
            return found[-1]
    return None


def _published(rows: Sequence[CatalogVersion]) -> CatalogVersion | None:
    return next((r for r in reversed(rows) if r.status is Status.PUBLISHED), None)


async def history(
    kind: EntityKind, code: str, *, session: AsyncSession, catalog: model.Catalog | None = None
) -> list[CatalogVersion]:
    """The versions of an entity, oldest first, after recording its live state.

    An entity first stored by `hub catalog import` (or changed by it since) has no version
    for that state yet: it is recorded here as a published version, so history and
    concurrency checks always start from what readers see.
    """
    catalog = catalog if catalog is not None else await load_catalog(session=session)
    rows = await _rows(session, kind, code)
    live = entities(catalog, kind).get(code)
    if live is None:
        return rows
    content = entity_turtle(kind, live)
    published = _published(rows)
    if published is not None and published.content == content:
        return rows
    now = utcnow()
    if published is not None:
        published.status = Status.RETIRED
        await session.flush()
    row = CatalogVersion(
        kind=kind,
        code=code,
        version=(rows[-1].version + 1) if rows else 1,
        status=Status.PUBLISHED,
        content=content,
        based_on=published.version if published else None,
        comment="as stored by the catalog import",
        created_by=IMPORTED_BY,
        created_at=now,
        published_by=IMPORTED_BY,
        published_at=now,
    )
    session.add(row)
    await session.flush()
    return [*rows, row]


def records(rows: Sequence[CatalogVersion]) -> list[VersionRecord]:
    """`rows` (one entity, oldest first) with each one's diff against the version before."""
    found: list[VersionRecord] = []
    previous: CatalogVersion | None = None
    for row in rows:
        before = f"{row.kind.value}/{row.code} v{previous.version}" if previous else "/dev/null"
        after = f"{row.kind.value}/{row.code} v{row.version}"
        diff = turtle_diff(previous.content if previous else None, row.content, before, after)
        found.append(
            VersionRecord(
                kind=row.kind,
                code=row.code,
                version=row.version,
                status=row.status,
                content=row.content,
                based_on=row.based_on,
                comment=row.comment,
                created_by=row.created_by,
                created_at=row.created_at,
                published_by=row.published_by,
                published_at=row.published_at,
                diff=diff,
            )
        )
        if row.status is not Status.DISCARDED:
            previous = row
    return found


def _check_base(kind: EntityKind, code: str, head: CatalogVersion | None, base: int) -> None:
    where = f"{label(kind)} {code}"
    if head is None:
        if base != 0:
            raise StaleVersionError(
                f"{where} has no version yet: create it with baseVersion 0", latest=0
            )
        return
    if base != head.version:
        raise StaleVersionError(
            f"baseVersion {base} of {where} is stale: version {head.version} "
            f"({head.status.value}, by {head.created_by} at {head.created_at:%Y-%m-%d %H:%M} UTC) "
            "is newer; start from it",
            latest=head.version,
        )


async def current_entity(
    kind: EntityKind, code: str, *, session: AsyncSession
) -> tuple[Entity, int]:
    """The entity as an edit starts from it (its open draft, else the published version),
    with that version's number."""
    catalog = await load_catalog(session=session)
    rows = await history(kind, code, session=session, catalog=catalog)
    head = _head(rows)
    if head is None:
        raise NotFoundError(label(kind), code, field="code")
    try:
        return read_entity(kind, code, head.content, catalog), head.version
    except EntityContentError as error:  # stored content no longer reads: say so plainly
        raise ContentInvalidError(error) from None


async def save_draft(
    kind: EntityKind,
    code: str,
    entity: Entity,
    *,
    base_version: int,
    session: AsyncSession,
    actor: str,
    comment: str | None = None,
    catalog: model.Catalog | None = None,
) -> CatalogVersion:
    """Store `entity` as the new draft of (kind, code), started from `base_version`.

    baseVersion 0 creates an entity. An open draft is superseded (marked discarded) by the
    new one. Raises `StaleVersionError` unless `base_version` is the latest version.
    """
    if entity.code != code:
        raise InvalidInputError(
            f"the content describes {label(kind)} {entity.code}, not {code}", field="code"
        )
    catalog = catalog if catalog is not None else await load_catalog(session=session)
    rows = await history(kind, code, session=session, catalog=catalog)
    head = _head(rows)
    if head is None and rows:
        raise InvalidInputError(
            f"{label(kind)} {code} is retired; a retired entity is not edited", field="code"
        )
    _check_base(kind, code, head, base_version)
    content = entity_turtle(kind, entity)
    if head is not None and head.content == content:
        raise InvalidInputError(
            f"the edit changes nothing in version {head.version} of {label(kind)} {code}",
            field="content",
        )
    if head is not None and head.status is Status.DRAFT:
        head.status = Status.DISCARDED
        await session.flush()
    published = _published(rows)
    row = CatalogVersion(
        kind=kind,
        code=code,
        version=(rows[-1].version + 1) if rows else 1,
        status=Status.DRAFT,
        content=content,
        based_on=published.version if published else None,
        comment=comment,
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    return row


async def save_draft_turtle(
    kind: EntityKind,
    code: str,
    turtle: str,
    *,
    base_version: int,
    base_iri: str,
    session: AsyncSession,
    actor: str,
    comment: str | None = None,
) -> CatalogVersion:
    """`save_draft` of the entity described by `turtle` (IRIs under `base_iri`)."""
    catalog = await load_catalog(session=session)
    try:
        entity = read_entity(kind, code, turtle, catalog, base_iri)
    except EntityContentError as error:
        raise ContentInvalidError(error) from None
    return await save_draft(
        kind,
        code,
        entity,
        base_version=base_version,
        session=session,
        actor=actor,
        comment=comment,
        catalog=catalog,
    )


async def update_draft(
    kind: EntityKind,
    code: str,
    changes: dict[str, Any],
    *,
    base_version: int,
    session: AsyncSession,
    actor: str,
    comment: str | None = None,
) -> CatalogVersion:
    """A new draft with `changes` (model field -> value) applied to the latest version."""
    current, _ = await current_entity(kind, code, session=session)
    try:
        # Any: the fields differ by kind; the model's invariants check the result.
        entity: Any = dataclasses.replace(current, **changes)
    except model.CatalogError as error:
        raise InvalidInputError(error.message, field=error.path) from None
    return await save_draft(
        kind, code, entity, base_version=base_version, session=session, actor=actor, comment=comment
    )


def violations(catalog: model.Catalog) -> set[Issue]:
    """The violations (not warnings) of the shapes and rules in `catalog`."""
    issues = validate_graph(catalog_to_graph(catalog, SOURCE_BASE_IRI))
    return {i for i in issues if i.severity == "violation"}


def check_change(before: model.Catalog, after: model.Catalog, where: str) -> None:
    """Refuse a change that brings a violation the published catalog did not have.

    Violations already there (say, from an older import) are not the change's doing and
    do not block it; `hub catalog validate` reports them.
    """
    new = violations(after) - violations(before)
    if new:
        raise CatalogInvalidError(where, sorted(new))


def _draft(
    rows: Sequence[CatalogVersion], kind: EntityKind, code: str, version: int
) -> CatalogVersion:
    row = next((r for r in rows if r.version == version), None)
    where = f"{label(kind)} {code}"
    if row is None:
        raise NotFoundError(f"version of {where}", str(version), field="version")
    if row.status is not Status.DRAFT:
        raise InvalidInputError(
            f"version {version} of {where} is {row.status.value}, not a draft", field="version"
        )
    return row


async def publish_draft(
    kind: EntityKind, code: str, version: int, *, session: AsyncSession, actor: str
) -> CatalogVersion:
    """Make draft `version` current: validated in the whole catalog, then stored."""
    catalog = await load_catalog(session=session)
    rows = await history(kind, code, session=session, catalog=catalog)
    draft = _draft(rows, kind, code, version)
    published = _published(rows)
    current = published.version if published else None
    where = f"{label(kind)} {code}"
    if draft.based_on != current:
        raise StaleVersionError(
            f"draft {version} of {where} started from version {draft.based_on}, but version "
            f"{current} has been published since; edit version {current} again",
            latest=current or 0,
        )
    try:
        entity = read_entity(kind, code, draft.content, catalog)
    except EntityContentError as error:
        raise ContentInvalidError(error) from None
    check_change(catalog, with_entity(catalog, kind, entity, code), f"version {version} of {where}")
    await import_catalog(only(kind, entity), session=session)
    now = utcnow()
    if published is not None:
        published.status = Status.RETIRED
        await session.flush()
    draft.status = Status.PUBLISHED
    draft.published_by = actor
    draft.published_at = now
    await session.flush()
    return draft


async def discard_draft(
    kind: EntityKind, code: str, version: int, *, session: AsyncSession, actor: str
) -> CatalogVersion:
    """Drop draft `version`; it stays in the history as discarded."""
    rows = await _rows(session, kind, code)
    draft = _draft(rows, kind, code, version)
    draft.status = Status.DISCARDED
    draft.comment = f"{draft.comment or ''} [discarded by {actor}]".strip()
    await session.flush()
    return draft


_VALIDITY = (EntityKind.AGENCY, EntityKind.AREA, EntityKind.REGIME)


async def retire_entity(
    kind: EntityKind,
    code: str,
    *,
    base_version: int,
    session: AsyncSession,
    actor: str,
    valid_to: date | None = None,
    comment: str | None = None,
) -> CatalogVersion:
    """End an entity without deleting anything values refer to.

    Agencies, areas and regimes end on `valid_to` (default today): a new version, published
    at once through the same validation. An indicator's published definition is retired
    (values keep it), refused while other entities still refer to the indicator.
    """
    where = f"{label(kind)} {code}"
    if kind in _VALIDITY:
        changes = {"valid_to": valid_to or utcnow().date()}
        draft = await update_draft(
            kind,
            code,
            changes,
            base_version=base_version,
            session=session,
            actor=actor,
            comment=comment or "retired",
        )
        return await publish_draft(kind, code, draft.version, session=session, actor=actor)
    if kind is not EntityKind.INDICATOR:
        raise InvalidInputError(
            f"a {label(kind)} has no validity to end; change the entities that use it instead",
            field="kind",
        )
    catalog = await load_catalog(session=session)
    rows = await history(kind, code, session=session, catalog=catalog)
    head = _head(rows)
    if head is None:
        raise NotFoundError(label(kind), code, field="code")
    _check_base(kind, code, head, base_version)
    published = _published(rows)
    if head.status is Status.DRAFT or published is None:
        raise InvalidInputError(f"{where} has an open draft: publish or discard it first")
    check_change(catalog, with_entity(catalog, kind, None, code), f"the retirement of {where}")
    await session.execute(
        sa.update(im.IndicatorVersion)
        .where(
            im.IndicatorVersion.status == im.VersionStatus.PUBLISHED,
            im.IndicatorVersion.indicator_id.in_(
                sa.select(im.Indicator.id).where(im.Indicator.code == code)
            ),
        )
        .values(status=im.VersionStatus.RETIRED)
        .execution_options(synchronize_session=False)
    )
    published.status = Status.RETIRED
    published.comment = f"{published.comment or ''} [retired by {actor}: {comment or ''}]".strip()
    await session.flush()
    return published


@dataclass(frozen=True)
class PlannedChange:
    """One entity an imported file changes: a new entity (`base_version` 0) or an edit."""

    kind: EntityKind
    code: str
    base_version: int
    entity: Entity
    diff: str


async def import_as_drafts(
    incoming: model.Catalog,
    *,
    session: AsyncSession,
    actor: str,
    dry_run: bool,
    comment: str | None = None,
) -> list[PlannedChange]:
    """Each entity of `incoming` that differs from its latest version becomes a new draft
    (nothing is written on a dry run); entities equal to it are left alone.

    The file as a whole must pass the catalog validation first (the caller runs it, as
    `hub catalog import` does); publication validates each draft again in context.
    """
    catalog = await load_catalog(session=session)
    result = await session.execute(
        sa.select(CatalogVersion.kind, CatalogVersion.code).where(
            CatalogVersion.status == Status.DRAFT
        )
    )
    drafts = {(kind, code) for kind, code in result}
    changes: list[PlannedChange] = []
    for kind in EntityKind:
        live = entities(catalog, kind)
        for code, entity in sorted(entities(incoming, kind).items()):
            if (kind, code) not in drafts and live.get(code) == entity:
                continue  # equal to the published state: no Turtle to write or compare
            rows = await history(kind, code, session=session, catalog=catalog)
            head = _head(rows)
            content = entity_turtle(kind, entity)
            if head is not None and head.content == content:
                continue
            name = f"{kind.value}/{code}"
            before = f"{name} v{head.version}" if head else "/dev/null"
            diff = turtle_diff(head.content if head else None, content, before, f"{name} (file)")
            base = head.version if head else 0
            changes.append(PlannedChange(kind, code, base, entity, diff))
    if not dry_run:
        for change in changes:
            await save_draft(
                change.kind,
                change.code,
                change.entity,
                base_version=change.base_version,
                session=session,
                actor=actor,
                comment=comment or "imported from Turtle",
                catalog=catalog,
            )
    return changes
