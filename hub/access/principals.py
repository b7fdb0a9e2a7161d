"""Who is acting: a principal is a token's role and agency, anonymous, or the local operator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.access.models import Role


@dataclass(frozen=True)
class Principal:
    """The subject of a request or a command.

    `token_id` is set for token holders; `client` names anonymous callers by address, so the
    audit log and the rate limit still tell them apart. `local` is the operator at the
    console (`hub load`, `hub demo load`): the CLI has the database itself, so it has every
    right and needs no token.
    """

    role: Role | None = None
    agency: str | None = None  # the agency code, for reporters and reviewers
    token_id: int | None = None
    token_name: str | None = None
    expires_at: datetime | None = None
    client: str | None = None
    local: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.role is None and not self.local

    @property
    def actor(self) -> str:
        """The audit log's name for this principal: `token:<id>:<name>`, `anonymous@<ip>`."""
        if self.local:
            return "local"
        if self.token_id is not None:
            return f"token:{self.token_id}:{self.token_name}"[:200]
        return f"anonymous@{self.client}" if self.client else "anonymous"

    @property
    def description(self) -> str:
        """How refusals name the principal: `role reporter of agency UBND-01`."""
        if self.local:
            return "the local operator"
        if self.role is None:
            return "an anonymous caller"
        if self.agency is not None:
            return f"role {self.role.value} of agency {self.agency}"
        return f"role {self.role.value}"

    def has_role(self, *roles: Role) -> bool:
        return self.local or self.role in roles


LOCAL_OPERATOR = Principal(local=True)


def anonymous(client: str | None = None) -> Principal:
    return Principal(client=client)
