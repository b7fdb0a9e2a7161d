"""Tables of submitted reports: one `report` per regime, agency and period, and its versions.

A report is never edited in place: every submission adds a `report_version` (the sections as
sent, who sent it and when, the deadline it was held to), and a review only fills that
version's review fields. `report.current_version_id` points at the latest version.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, enum_type, utcnow

PERIOD_LENGTH = 16  # the longest canonical period code is a day, 2024-03-15
ACTOR_LENGTH = 200
IDEMPOTENCY_KEY_LENGTH = 200


class ReportStatus(enum.Enum):
    """Where a report stands: the status of its current version, named for the workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"


class ReportVersionStatus(enum.Enum):
    """A version is submitted, then accepted or returned by the recipient office."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class Report(Base):
    """One agency's report for one regime and period; its content lives in its versions."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    regime_id: Mapped[int] = mapped_column(sa.ForeignKey("regime.id"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(PERIOD_LENGTH))  # canonical, e.g. 2025-M03
    period_start: Mapped[date] = mapped_column(sa.Date)
    period_end: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ReportStatus] = mapped_column(enum_type(ReportStatus, "report_status"))
    # use_alter: report and report_version refer to each other.
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("report_version.id", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("regime_id", "agency_id", "period"),
        # Obligation boards list a regime's reports by period.
        sa.Index("ix_report_regime_period", "regime_id", "period_start"),
    )


class ReportVersion(Base):
    """One submission of a report, kept for ever; reviews fill only the review fields."""

    __tablename__ = "report_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("report.id"))
    version: Mapped[int]
    status: Mapped[ReportVersionStatus] = mapped_column(
        enum_type(ReportVersionStatus, "report_version_status")
    )
    # [{"code": ..., "text": ...}] in the order sent.
    sections: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str] = mapped_column(sa.String(ACTOR_LENGTH))
    deadline: Mapped[date] = mapped_column(sa.Date)
    on_time: Mapped[bool]
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(ACTOR_LENGTH))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
    idempotency_key: Mapped[str | None] = mapped_column(
        sa.String(IDEMPOTENCY_KEY_LENGTH), unique=True
    )
    observation_count: Mapped[int] = mapped_column(default=0)
    # What this submission did to the stored observations, so a replay can answer the same.
    created_count: Mapped[int] = mapped_column(default=0)
    revised_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    # A signed submission (`hub.access.signatures`): the detached signature (base64), the
    # fingerprint of the agency key and its algorithm, the hex SHA-256 of the canonical
    # content, and that canonical content itself (RFC 8785 JSON), so `verifyReport` can check
    # it again byte for byte. All null when unsigned.
    signature: Mapped[str | None] = mapped_column(sa.Text)
    signature_key_id: Mapped[str | None] = mapped_column(sa.String(64))
    signature_algorithm: Mapped[str | None] = mapped_column(sa.String(16))
    content_digest: Mapped[str | None] = mapped_column(sa.String(64))
    signed_content: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("report_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        # Who submitted when: the late/on-time board reads versions by submission time.
        sa.Index("ix_report_version_submitted_at", "submitted_at"),
    )
