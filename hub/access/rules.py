"""Who may do what, in one place: the services call these checks before they write.

A whole-operation refusal raises `AccessDenied` naming the principal and the missing right;
refusals that concern single observations are submission problems with their paths. The
caller rolls its transaction back and then records the refusal (`record_refusal`,
`record_refused_problems`) in a transaction of its own, so the audit survives the rollback.

Rules (README, "Security model"):
- submitting: a reporter for its own agency only (or the local operator); its areas must lie
  in the agency's jurisdiction (the validator's AREA_OUTSIDE_JURISDICTION), and a ministry
  without a jurisdiction reports only the indicators it is responsible for;
- reviewing: a reviewer of the regime's recipient agency;
- registering crosswalks: an admin, or any reporter (the system's integrator);
- reading reports (their versions, sections and reviews): an accepted report by anyone, like
  its values; any other by the reporters of its agency, the reviewers of its regime's
  recipient, and admins (`report_audience`); obligations and compliance are public;
- managing an agency's signing keys: an admin, or a reporter of that agency (a key lets its
  holder sign for the agency);
- managing tokens: an admin; editing the catalog, and reading its drafts: a curator or an
  admin (others read published and retired versions);
- live events (subscriptions): who reads a report sees its events; an acceptance and the
  values it made public are public, like the values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import Catalog
from hub.access.audit import record_event
from hub.access.models import Role
from hub.access.principals import Principal
from hub.errors import PermissionDeniedError
from hub.metadata import models as m
from hub.reporting.models import Regime
from hub.reporting.problems import Problem, ProblemCode

if TYPE_CHECKING:  # hub.reporting.validation imports hub.metadata.crosswalks, which checks here
    from hub.reporting.validation import SubmissionDraft, ValidationResult

ACCESS_PROBLEMS = (ProblemCode.AREA_OUTSIDE_JURISDICTION, ProblemCode.INDICATOR_NOT_RESPONSIBLE)

CROSSWALK_ROLES = (Role.ADMIN, Role.REPORTER)
TOKEN_ROLES = (Role.ADMIN,)
CATALOG_ROLES = (Role.CURATOR, Role.ADMIN)


class AccessDenied(PermissionDeniedError):
    """`principal` lacks `right` for `target` (an operation refused as a whole)."""

    def __init__(self, principal: Principal, right: str, target: str, *, field: str) -> None:
        super().__init__(f"{principal.description} may not {right}", field=field)
        self.principal = principal
        self.right = right
        self.target = target


def require_role(principal: Principal, roles: Sequence[Role], right: str, target: str) -> None:
    """Refuse unless the principal has one of `roles` (the local operator has them all)."""
    if not principal.has_role(*roles):
        needed = " or ".join(r.value for r in roles)
        raise AccessDenied(principal, f"{right} (needs role {needed})", target, field="input")


@dataclass(frozen=True)
class ReportAudience:
    """Which reports a principal reads besides accepted ones: every one, those of `agency`,
    or those sent to `recipient` (a reviewer's office)."""

    everything: bool = False
    agency: str | None = None
    recipient: str | None = None

    def admits(self, *, agency: str, recipient: str | None, accepted: bool) -> bool:
        return (
            accepted
            or self.everything
            or (self.agency is not None and self.agency == agency)
            or (self.recipient is not None and self.recipient == recipient)
        )


def report_audience(principal: Principal) -> ReportAudience:
    """What `principal` may read of reports that are not accepted."""
    if principal.has_role(Role.ADMIN):
        return ReportAudience(everything=True)
    if principal.role is Role.REPORTER:
        return ReportAudience(agency=principal.agency)
    if principal.role is Role.REVIEWER:
        return ReportAudience(recipient=principal.agency)
    return ReportAudience()


def may_read_drafts(principal: Principal) -> bool:
    """Catalog drafts (and discarded versions) are the curators' work, not the catalog yet."""
    return principal.has_role(*CATALOG_ROLES)


def check_manage_keys(principal: Principal, agency: str) -> None:
    """An agency's signing keys are registered and revoked by admins and its own reporters."""
    if principal.has_role(Role.ADMIN):
        return
    if principal.role is Role.REPORTER and principal.agency == agency:
        return
    raise AccessDenied(
        principal,
        f"manage the signing keys of agency {agency} (needs role admin, or reporter of {agency})",
        agency,
        field="agency",
    )


def check_submit(principal: Principal, agency: str) -> None:
    """A report for `agency` may be submitted by a reporter of that agency only."""
    if principal.local:
        return
    if principal.role is not Role.REPORTER:
        raise AccessDenied(
            principal,
            f"submit reports (needs role reporter of agency {agency})",
            agency,
            field="agency",
        )
    if principal.agency != agency:
        raise AccessDenied(principal, f"submit for {agency}", agency, field="agency")


def responsibility_problems(
    principal: Principal, catalog: Catalog, draft: SubmissionDraft, result: ValidationResult
) -> list[Problem]:
    """A ministry (an agency without a jurisdiction area) reports only the indicators it is
    responsible for. Checked on the validated observations (shared codes); when validation
    failed, on the draft's codes that name catalog indicators."""
    if principal.local or principal.agency is None:
        return []
    agency = catalog.agencies.get(principal.agency)
    if agency is None or agency.jurisdiction is not None:
        return []  # provinces are bounded by area instead (AREA_OUTSIDE_JURISDICTION)
    indicators = [(o.index, o.indicator) for o in result.observations] or [
        (i, o.indicator) for i, o in enumerate(draft.observations)
    ]
    problems = []
    for index, code in indicators:
        indicator = catalog.indicators.get(code)
        if indicator is not None and indicator.agency != agency.code:
            problems.append(
                Problem(
                    f"observations[{index}].indicator",
                    ProblemCode.INDICATOR_NOT_RESPONSIBLE,
                    f"{principal.description} may not report indicator {code!r}: its "
                    f"responsible agency is {indicator.agency}",
                )
            )
    return problems


def may_see_report_event(
    principal: Principal, *, agency: str, recipient: str | None, accepted: bool
) -> bool:
    """Whether `principal` sees an event of a report of `agency` (to `recipient`): whoever
    may read the report (`report_audience`)."""
    return report_audience(principal).admits(agency=agency, recipient=recipient, accepted=accepted)


async def check_review(
    principal: Principal, regime_id: int, report: str, *, session: AsyncSession
) -> None:
    """A report may be accepted or returned by a reviewer of its regime's recipient agency."""
    if principal.local:
        return
    recipient = await session.scalar(
        sa.select(m.Agency.code)
        .join(Regime, Regime.recipient_id == m.Agency.id)
        .where(Regime.id == regime_id)
    )
    if principal.role is not Role.REVIEWER:
        raise AccessDenied(
            principal,
            f"review report {report} (needs role reviewer of agency {recipient})",
            report,
            field="report",
        )
    if principal.agency != recipient:
        raise AccessDenied(
            principal,
            f"review report {report}: its recipient is {recipient}",
            report,
            field="report",
        )


async def record_refusal(error: AccessDenied, *, session: AsyncSession) -> None:
    """Audit a refusal as `access.denied`: who, the missing right, the target."""
    await record_event(
        session=session,
        actor=error.principal.actor,
        token_id=error.principal.token_id,
        action="access.denied",
        entity_kind="access",
        entity_code=error.target[:400],
        details={"right": error.right, "message": error.message},
    )


async def record_refused_problems(
    principal: Principal, target: str, problems: Iterable[Problem], *, session: AsyncSession
) -> bool:
    """Audit the access problems among `problems` as one `access.denied`; whether there were."""
    refused = [p for p in problems if p.code in ACCESS_PROBLEMS]
    if not refused:
        return False
    await record_event(
        session=session,
        actor=principal.actor,
        token_id=principal.token_id,
        action="access.denied",
        entity_kind="access",
        entity_code=target[:400],
        details={
            "right": "submit these observations",
            "problems": [{"path": p.path, "code": p.code.value} for p in refused[:100]],
        },
    )
    return True


async def abandon(session: AsyncSession, error: Exception) -> None:
    """The failure path of a write: roll back, then audit a refusal in its own commit."""
    await session.rollback()
    if isinstance(error, AccessDenied):
        await record_refusal(error, session=session)
        await session.commit()


async def abandon_problems(
    session: AsyncSession, principal: Principal, target: str, problems: Iterable[Problem]
) -> None:
    """The failure path of a submission with problems: roll back, audit access problems."""
    await session.rollback()
    if await record_refused_problems(principal, target, problems, session=session):
        await session.commit()
