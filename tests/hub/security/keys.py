"""Signing keys for tests: every algorithm the hub verifies, generated fresh, with certificates."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from hub.access.signatures import DetachedSignature

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True)
class SigningKey:
    algorithm: str
    private: PrivateKey
    public: str  # as registered: base64 raw (Ed25519) or PEM certificate

    def sign(self, content: bytes) -> bytes:
        key = self.private
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(content)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            digest = hashes.SHA256() if self.algorithm == "ES256" else hashes.SHA384()
            return key.sign(content, ec.ECDSA(digest))
        if self.algorithm == "RS256":
            return key.sign(content, padding.PKCS1v15(), hashes.SHA256())
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        return key.sign(content, pss, hashes.SHA256())

    def detached(self, key_id: str, content: bytes) -> DetachedSignature:
        value = base64.b64encode(self.sign(content)).decode()
        return DetachedSignature(key_id, self.algorithm, value)


def _certificate(key: PrivateKey, days: int = 365, start: datetime | None = None) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND-01 signer")])
    # Valid from 2024 (the test catalog's moment is March 2025) for ten years.
    start = start or datetime(2024, 1, 1, tzinfo=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .sign(key, None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def make_key(algorithm: str, *, expired: bool = False) -> SigningKey:
    if algorithm == "ED25519":
        private = ed25519.Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return SigningKey(algorithm, private, base64.b64encode(raw).decode())
    key: PrivateKey
    if algorithm == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "ES384":
        key = ec.generate_private_key(ec.SECP384R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = datetime(2020, 1, 1, tzinfo=UTC) if expired else None
    return SigningKey(algorithm, key, _certificate(key, days=30 if expired else 3650, start=start))


def canonical(report: dict[str, object]) -> bytes:
    """What a client signs, built from the GraphQL input it sends (README, Signatures)."""
    observations = []
    for o in report.get("observations", []):  # type: ignore[attr-defined]
        observations.append(
            {
                "indicator": o["indicator"],
                "area": o["area"],
                "period": o["period"],
                "value": o["value"],
                "unit": o["unit"],
                "dimensions": o.get("dimensions", []),
                "status": o.get("status"),
                "comment": o.get("comment"),
            }
        )
    return rfc8785.dumps(
        {
            "regime": report["regime"],
            "period": report["period"],
            "agency": report["agency"],
            "system": report.get("system"),
            "sections": report.get("sections", []),
            "observations": observations,
        }
    )
