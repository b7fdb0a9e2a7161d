"""Crosswalks: the local codes a connected system uses, mapped once to shared codes."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import CODE_LENGTH, Base, UTCDateTime, enum_type, utcnow

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
