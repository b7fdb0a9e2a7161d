"""The GraphQL input of a report's detached signature (kept apart: the reporting inputs use it)."""

from __future__ import annotations

import strawberry

from hub.access.signatures import DetachedSignature


@strawberry.input(
    description="A detached signature over the report's canonical content: the RFC 8785 "
    "JSON of {regime, period, agency, system, sections, observations} exactly as sent "
    "(README, Signatures)."
)
class SignatureInput:
    key_id: str = strawberry.field(description="Fingerprint of a key the agency registered.")
    algorithm: str = strawberry.field(description="ED25519, ES256, ES384, RS256 or PS256.")
    value: str = strawberry.field(description="The signature, base64.")

    def to_signature(self) -> DetachedSignature:
        return DetachedSignature(self.key_id, self.algorithm, self.value)
