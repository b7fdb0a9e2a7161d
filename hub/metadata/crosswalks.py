"""Crosswalks: the local codes a connected system uses, mapped once to shared codes.

A system registers `local -> shared` per kind (indicator, area, unit, or a codelist's code);
submissions naming the system may then use local codes, which the validator maps on the way
in. Entries are never changed: registering the same mapping again is a no-op, a different
shared code for a registered local code is refused.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from catalog.model import CODE_PATTERN
from hub.access import rules
from hub.access.audit import record_event
from hub.access.principals import LOCAL_OPERATOR, Principal
from hub.db import CODE_LENGTH, Base, UTCDateTime, enum_type, utcnow
from hub.errors import HubError, InvalidInputError
from hub.metadata import models as m

# Local codes are whatever the connected system uses; allow more than a shared code.
LOCAL_CODE_LENGTH = 200


class CrosswalkKind(enum.Enum):
    """What a local code stands for."""

    INDICATOR = "indicator"
    AREA = "area"
    UNIT = "unit"
    CODE = "code"  # a code of a codelist; the entry names the codelist


class Crosswalk(Base):
    """One local code of a connected system and the shared code it means."""

    __tablename__ = "crosswalk"

    id: Mapped[int] = mapped_column(primary_key=True)
    system: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    kind: Mapped[CrosswalkKind] = mapped_column(enum_type(CrosswalkKind, "crosswalk_kind"))
    codelist: Mapped[str | None] = mapped_column(sa.String(CODE_LENGTH))  # kind=code only
    local_code: Mapped[str] = mapped_column(sa.String(LOCAL_CODE_LENGTH))
    shared_code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("system", "kind", "codelist", "local_code"),
        # NULLs are distinct in unique constraints on both databases, so the entries without
        # a codelist need their own unique index.
        sa.Index(
            "uq_crosswalk_without_codelist",
            "system",
            "kind",
            "local_code",
            unique=True,
            sqlite_where=sa.text("codelist IS NULL"),
            postgresql_where=sa.text("codelist IS NULL"),
        ),
        sa.CheckConstraint("(kind = 'code') = (codelist IS NOT NULL)", name="codelist_for_codes"),
    )


@dataclass(frozen=True)
class CrosswalkMap:
    """One system's registered local codes -> shared codes, as the validator reads them."""

    system: str
    indicators: Mapping[str, str] = field(default_factory=dict)
    areas: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[tuple[str, str], str] = field(default_factory=dict)  # (codelist, local)


@dataclass(frozen=True)
class CrosswalkEntry:
    """A mapping to register; `codelist` names the shared codelist for kind=code."""

    local: str
    shared: str
    codelist: str | None = None


@dataclass(frozen=True)
class RegisterOutcome:
    """What `register_crosswalk` did."""

    created: int
    unchanged: int


class UnknownSharedCodeError(HubError):
    """A crosswalk entry maps to a shared code the catalog does not have."""

    code = "UNKNOWN_SHARED_CODE"


class CrosswalkConflictError(HubError):
    """A local code is already mapped (or mapped twice in one call) to another shared code."""

    code = "CROSSWALK_CONFLICT"


async def load_crosswalk(system: str, *, session: AsyncSession) -> CrosswalkMap:
    """Every local code `system` has registered, by kind."""
    rows = (
        await session.execute(
            sa.select(
                Crosswalk.kind, Crosswalk.codelist, Crosswalk.local_code, Crosswalk.shared_code
            ).where(Crosswalk.system == system)
        )
    ).all()
    by_kind: dict[CrosswalkKind, dict[str, str]] = {kind: {} for kind in CrosswalkKind}
    codes: dict[tuple[str, str], str] = {}
    for kind, codelist, local, shared in rows:
        if codelist is not None:
            codes[(codelist, local)] = shared
        else:
            by_kind[kind][local] = shared
    return CrosswalkMap(
        system=system,
        indicators=by_kind[CrosswalkKind.INDICATOR],
        areas=by_kind[CrosswalkKind.AREA],
        units=by_kind[CrosswalkKind.UNIT],
        codes=codes,
    )


async def _shared_codes(
    session: AsyncSession, kind: CrosswalkKind, entries: Sequence[CrosswalkEntry]
) -> set[tuple[str | None, str]]:
    """The (codelist, shared code) pairs among `entries` that the catalog has."""
    wanted = sorted({entry.shared for entry in entries})
    if kind is CrosswalkKind.CODE:
        statement = (
            sa.select(m.Codelist.code, m.Code.code)
            .join(m.Code, m.Code.codelist_id == m.Codelist.id)
            .where(m.Code.code.in_(wanted), m.Code.withdrawn_at.is_(None))
        )
        return {(codelist, code) for codelist, code in (await session.execute(statement)).all()}
    table = {
        CrosswalkKind.INDICATOR: m.Indicator.code,
        CrosswalkKind.AREA: m.Area.code,
        CrosswalkKind.UNIT: m.Unit.code,
    }[kind]
    found = (await session.scalars(sa.select(table).where(table.in_(wanted)))).all()
    return {(None, code) for code in found}


def _check_entries(kind: CrosswalkKind, entries: Sequence[CrosswalkEntry]) -> None:
    for index, entry in enumerate(entries):
        path = f"entries[{index}]"
        if not entry.local.strip() or len(entry.local) > LOCAL_CODE_LENGTH:
            raise InvalidInputError(
                f"local code {entry.local!r} must be 1..{LOCAL_CODE_LENGTH} characters",
                field=f"{path}.localCode",
            )
        if (kind is CrosswalkKind.CODE) != (entry.codelist is not None):
            raise InvalidInputError(
                "a codelist is required for kind 'code' and only for it",
                field=f"{path}.codelist",
            )


def _stored_of_kind(
    existing: CrosswalkMap, kind: CrosswalkKind
) -> dict[tuple[str | None, str], str]:
    """Registered entries of `kind`, keyed like new ones: (codelist or None, local code)."""
    if kind is CrosswalkKind.CODE:
        return {(codelist, local): shared for (codelist, local), shared in existing.codes.items()}
    plain = {
        CrosswalkKind.INDICATOR: existing.indicators,
        CrosswalkKind.AREA: existing.areas,
        CrosswalkKind.UNIT: existing.units,
    }[kind]
    return {(None, local): shared for local, shared in plain.items()}


def _plan(
    system: str,
    kind: CrosswalkKind,
    given: Sequence[CrosswalkEntry],
    known: set[tuple[str | None, str]],
    stored: dict[tuple[str | None, str], str],
) -> tuple[list[CrosswalkEntry], int]:
    """The entries to insert and how many are already registered; raises on a bad entry."""
    new: dict[tuple[str | None, str], CrosswalkEntry] = {}
    unchanged = 0
    for index, entry in enumerate(given):
        path = f"entries[{index}]"
        if (entry.codelist, entry.shared) not in known:
            what = (
                f"a code of codelist {entry.codelist!r}"
                if entry.codelist
                else f"a shared {kind.value} code"
            )
            raise UnknownSharedCodeError(
                f"{entry.shared!r} is not {what} in the catalog", field=f"{path}.sharedCode"
            )
        key = (entry.codelist, entry.local)
        previous = stored.get(key) or (new[key].shared if key in new else None)
        if previous is not None and previous != entry.shared:
            raise CrosswalkConflictError(
                f"{system} {kind.value} {entry.local!r} is already mapped to {previous!r}, "
                f"not {entry.shared!r}",
                field=f"{path}.sharedCode",
            )
        if key in stored or key in new:
            unchanged += 1
        else:
            new[key] = entry
    return list(new.values()), unchanged


async def register_crosswalk(
    system: str,
    kind: CrosswalkKind | str,
    entries: Sequence[CrosswalkEntry | tuple[str, str] | tuple[str, str, str | None]],
    *,
    session: AsyncSession,
    actor: str,
    token_id: int | None = None,
    principal: Principal = LOCAL_OPERATOR,
) -> RegisterOutcome:
    """Register `system`'s local codes of `kind` as meaning the given shared codes.

    Every shared code must exist in the catalog (`UnknownSharedCodeError`); a local code
    already mapped to another shared code, or given twice with different ones, raises
    `CrosswalkConflictError`; the same mapping again changes nothing. Raises before writing
    anything; the caller commits. Audited as `crosswalk.register`. `principal` must be an
    admin or a reporter (`hub.access.rules`), else `AccessDenied`.
    """
    rules.require_role(principal, rules.CROSSWALK_ROLES, "register crosswalks", system)
    if not CODE_PATTERN.match(system):
        raise InvalidInputError(f"{system!r} is not a valid system code", field="system")
    try:
        kind = CrosswalkKind(kind)
    except ValueError:
        allowed = ", ".join(k.value for k in CrosswalkKind)
        raise InvalidInputError(f"kind {kind!r} is not one of {allowed}", field="kind") from None
    given = [e if isinstance(e, CrosswalkEntry) else CrosswalkEntry(*e) for e in entries]
    _check_entries(kind, given)
    known = await _shared_codes(session, kind, given)

    for attempt in (1, 2):
        existing = await load_crosswalk(system, session=session)
        new, unchanged = _plan(system, kind, given, known, _stored_of_kind(existing, kind))
        if not new:
            return RegisterOutcome(created=0, unchanged=unchanged)
        try:
            async with session.begin_nested():
                await session.execute(
                    sa.insert(Crosswalk),
                    [
                        {
                            "system": system,
                            "kind": kind,
                            "codelist": entry.codelist,
                            "local_code": entry.local,
                            "shared_code": entry.shared,
                        }
                        for entry in new
                    ],
                )
        except IntegrityError:
            if attempt == 2:
                raise
            # A concurrent registration of one of these local codes committed first: plan
            # again against it (the same mapping is a no-op, another one a conflict).
            continue
        await record_event(
            session=session,
            actor=actor,
            token_id=token_id,
            action="crosswalk.register",
            entity_kind="crosswalk",
            entity_code=f"{system}/{kind.value}",
            details={"created": [[e.codelist, e.local, e.shared] for e in new]},
        )
        return RegisterOutcome(created=len(new), unchanged=unchanged)
    raise AssertionError("unreachable: the second attempt returns or raises")
