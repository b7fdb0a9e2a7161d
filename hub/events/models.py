"""Tables of data changes: the data version and the outbox of committed changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime

DATA_VERSION_ROW = 1


class DataVersion(Base):
    """One row counting committed write transactions, bumped at the end of each.

    Writers take its row lock last, just before COMMIT, so versions follow commit order: a
    reader that sees version N sees every write numbered N or less. `changed_at` makes a
    (version, changed_at) pair unique even after a restored backup counts up again.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(sa.BigInteger)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (sa.CheckConstraint(f"id = {DATA_VERSION_ROW}", name="one_row"),)


class DataChange(Base):
    """One committed write transaction: the tables it wrote and the events it published.

    The outbox every process's change feed reads in version order: notifications only say
    "read from N on", so a listener that lost its connection catches up from here. Only the
    newest `hub.events.changes.RETAINED_CHANGES` rows are kept.
    """

    __tablename__ = "data_change"

    version: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    tables: Mapped[list[str]] = mapped_column(sa.JSON)
    # Any: each event is a JSON object whose `kind` says what the other keys are.
    events: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
