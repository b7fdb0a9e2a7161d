"""The languages labels are served in."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="Language of labels and texts.")
class Language(enum.Enum):
    VI = "vi"
    EN = "en"
