"""The public keys agencies register to sign their reports (`hub.access.signatures`)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime, enum_type, utcnow

FINGERPRINT_LENGTH = 64  # hex SHA-256
ALGORITHM_LENGTH = 16


class SignatureAlgorithm(enum.Enum):
    """How a report is signed; a key is registered for exactly one of these.

    Names follow JOSE (RFC 7518) where it has one: ES256 is ECDSA on P-256 with SHA-256,
    ES384 ECDSA on P-384 with SHA-384, RS256 RSA PKCS#1 v1.5 with SHA-256, PS256 RSA-PSS with
    SHA-256 (MGF1 SHA-256, 32-byte salt); ED25519 is pure Ed25519 (RFC 8032).
    """

    ED25519 = "ED25519"
    ES256 = "ES256"
    ES384 = "ES384"
    RS256 = "RS256"
    PS256 = "PS256"


class AgencyKey(Base):
    """One public key of an agency: raw Ed25519 or an X.509 certificate (PEM), never a secret."""

    __tablename__ = "agency_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The key id clients quote in a signature: hex SHA-256 of the DER SubjectPublicKeyInfo.
    fingerprint: Mapped[str] = mapped_column(sa.String(FINGERPRINT_LENGTH), unique=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    algorithm: Mapped[SignatureAlgorithm] = mapped_column(
        enum_type(SignatureAlgorithm, "signature_algorithm")
    )
    # The key as registered: base64 of the raw 32 bytes (Ed25519) or the certificate's PEM.
    public_key: Mapped[str] = mapped_column(sa.Text)
    certificate_subject: Mapped[str | None] = mapped_column(sa.Text)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    registered_by: Mapped[str] = mapped_column(sa.String(200))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by: Mapped[str | None] = mapped_column(sa.String(200))
