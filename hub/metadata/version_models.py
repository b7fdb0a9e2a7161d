"""The table of catalog versions: every definition a curator drafted, published or retired.

The live catalog tables hold the *published* state, so every read, validator and submission
works on them unchanged; a draft lives only here until it is published. `content` is the
entity as canonical Turtle (written alone by `catalog.mapping`, under `SOURCE_BASE_IRI`),
which makes the diff between two versions a readable line diff.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, enum_type, utcnow


class EntityKind(enum.Enum):
    """The kinds of catalog entity a curator edits (their IRI path segment as value)."""

    AGENCY = "agency"
    AREA = "area"
    UNIT = "unit"
    CODELIST = "codelist"
    INDICATOR_GROUP = "indicator-group"
    INDICATOR = "indicator"
    REGIME = "regime"


class CatalogVersionStatus(enum.Enum):
    """A draft is published (the previous published one is then retired) or discarded."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"
    DISCARDED = "discarded"


class CatalogVersion(Base):
    """One version of one catalog entity, numbered 1, 2, ... per (kind, code)."""

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntityKind] = mapped_column(enum_type(EntityKind, "entity_kind"))
    code: Mapped[str] = mapped_column(sa.String(64))
    version: Mapped[int]
    status: Mapped[CatalogVersionStatus] = mapped_column(
        enum_type(CatalogVersionStatus, "catalog_version_status")
    )
    content: Mapped[str] = mapped_column(sa.Text)
    based_on: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by: Mapped[str | None] = mapped_column(sa.String(200))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        sa.UniqueConstraint("kind", "code", "version"),
        # One open draft per entity: a second edit supersedes the first (checked per statement).
        sa.Index(
            "uq_catalog_version_draft",
            "kind",
            "code",
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )
