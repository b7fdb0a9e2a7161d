"""Digital signatures of reports: agency keys, the canonical content, verification.

Decree 09/2019 Art. 8(4): an electronic report carries the digital signature of the competent
person. The hub verifies a *detached* signature over the report's canonical content:

    canonical_content(draft) = RFC 8785 (JCS) serialisation of
    {"regime": ..., "period": ..., "agency": ..., "system": ... | null,
     "sections": [{"code": ..., "text": ...}, ...],                     # in the order sent
     "observations": [{"indicator", "area", "period", "value", "unit",
                       "dimensions": [{"dimension", "code"}, ...],       # in the order sent
                       "status": "NORMAL" | ... | null, "comment": ... | null}, ...]}

Every string exactly as sent (codes as typed, `value` as its decimal text); optional fields
absent are null. A client builds the same object from the input it sends and signs its UTF-8
bytes (any RFC 8785 library: `rfc8785` in Python, `canonicalize` in JavaScript, ...).

The hub keeps the signature, the key's fingerprint and algorithm, the SHA-256 of the content
and the canonical content itself with the report version, so `verify_stored` re-checks it byte
for byte later: the stored observations are normalised (shared codes, converted units) and
could not give back what was signed.

Keys: Ed25519 as base64 of the raw 32 bytes; ECDSA (P-256, P-384) and RSA as an X.509
certificate (PEM), whose validity bounds the key's. The certificate's chain is not checked
against a CA: the hub trusts what the agency registered, and registration is the privileged
step.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import rfc8785
import sqlalchemy as sa
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.model import Catalog
from hub.access import rules
from hub.access.audit import record_event
from hub.access.key_models import AgencyKey, SignatureAlgorithm
from hub.access.principals import LOCAL_OPERATOR, Principal
from hub.db import utcnow
from hub.errors import InvalidInputError, NotFoundError
from hub.metadata import models as m
from hub.reporting.drafts import SubmissionDraft
from hub.reporting.problems import Problem, ProblemCode
from hub.reporting.report_models import Report, ReportVersion

MAX_SIGNATURE_BYTES = 2048  # RSA-8192 is 1,024 bytes
MAX_PUBLIC_KEY_CHARS = 20_000  # a PEM certificate is a few kB

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey


class SignaturePolicy(enum.Enum):
    """When `submit_report` requires a signature (a given one is always verified)."""

    REGIME = "regime"  # when the regime requires one (the default)
    ALWAYS = "always"  # the deployment requires one (HUB_REQUIRE_SIGNATURES=true)
    NEVER = "never"  # operator loads on the hub's own machine (demo data, Decree 09 fallback)


@dataclass(frozen=True)
class DetachedSignature:
    """A signature as sent with a report: the key's id, the algorithm, the base64 value."""

    key_id: str
    algorithm: str
    value: str


@dataclass(frozen=True)
class SignedContent:
    """A verified signature, to be kept with the report version."""

    key_id: str
    algorithm: SignatureAlgorithm
    signature: str
    digest: str
    content: str


@dataclass(frozen=True)
class Verification:
    """Result of `verify_stored`: `code` is None when the stored signature still holds."""

    signed: bool
    valid: bool
    code: str | None
    message: str
    key_id: str | None = None
    algorithm: str | None = None
    digest: str | None = None


class SignatureError(Exception):
    """A signature that does not hold, with its stable code (a `ProblemCode` member)."""

    def __init__(self, code: ProblemCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def canonical_content(draft: SubmissionDraft) -> bytes:
    """The RFC 8785 bytes a report's signature covers (module docstring: the exact object)."""
    content: dict[str, Any] = {
        "regime": draft.regime,
        "period": draft.period,
        "agency": draft.agency,
        "system": draft.system,
        "sections": [{"code": code, "text": text} for code, text in draft.sections],
        "observations": [
            {
                "indicator": o.indicator,
                "area": o.area,
                "period": o.period,
                "value": o.value,
                "unit": o.unit,
                "dimensions": [{"dimension": d, "code": c} for d, c in o.dimensions],
                "status": o.status.upper() if o.status is not None else None,
                "comment": o.comment,
            }
            for o in draft.observations
        ],
    }
    return rfc8785.dumps(content)


def content_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- keys -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedKey:
    key: PublicKey
    fingerprint: str
    algorithms: frozenset[SignatureAlgorithm]
    subject: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None


def _fingerprint(key: PublicKey) -> str:
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def parse_public_key(text: str) -> ParsedKey:
    """An Ed25519 key (base64 of the raw 32 bytes) or an X.509 certificate (PEM).

    Raises `InvalidInputError` (field `publicKey`) naming what is wrong.
    """
    if len(text) > MAX_PUBLIC_KEY_CHARS:
        raise InvalidInputError(
            f"a public key has at most {MAX_PUBLIC_KEY_CHARS} characters", field="publicKey"
        )
    stripped = text.strip()
    if stripped.startswith("-----BEGIN CERTIFICATE-----"):
        return _parse_certificate(stripped)
    if stripped.startswith("-----BEGIN"):
        raise InvalidInputError(
            "register an X.509 certificate (-----BEGIN CERTIFICATE-----) for ECDSA and RSA "
            "keys, or an Ed25519 key as base64 of its raw 32 bytes",
            field="publicKey",
        )
    raw = _base64(stripped, "publicKey")
    if len(raw) != 32:
        raise InvalidInputError(
            f"an Ed25519 public key is 32 raw bytes, not {len(raw)}", field="publicKey"
        )
    key = ed25519.Ed25519PublicKey.from_public_bytes(raw)
    return ParsedKey(key, _fingerprint(key), frozenset({SignatureAlgorithm.ED25519}))


def _parse_certificate(pem: str) -> ParsedKey:
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
        key = certificate.public_key()
    except (ValueError, UnicodeEncodeError) as error:
        raise InvalidInputError(
            f"not a readable X.509 certificate: {error}", field="publicKey"
        ) from None
    if isinstance(key, ec.EllipticCurvePublicKey):
        curves = {"secp256r1": SignatureAlgorithm.ES256, "secp384r1": SignatureAlgorithm.ES384}
        algorithm = curves.get(key.curve.name)
        if algorithm is None:
            raise InvalidInputError(
                f"ECDSA curve {key.curve.name} is not supported (P-256 or P-384)",
                field="publicKey",
            )
        algorithms = frozenset({algorithm})
    elif isinstance(key, rsa.RSAPublicKey):
        if key.key_size < 2048:
            raise InvalidInputError(
                f"an RSA key of {key.key_size} bits is too weak (2048 at least)",
                field="publicKey",
            )
        algorithms = frozenset({SignatureAlgorithm.RS256, SignatureAlgorithm.PS256})
    elif isinstance(key, ed25519.Ed25519PublicKey):
        algorithms = frozenset({SignatureAlgorithm.ED25519})
    else:
        raise InvalidInputError(
            f"a {type(key).__name__} certificate key is not supported (ECDSA, RSA, Ed25519)",
            field="publicKey",
        )
    return ParsedKey(
        key,
        _fingerprint(key),
        algorithms,
        subject=certificate.subject.rfc4514_string(),
        valid_from=certificate.not_valid_before_utc,
        valid_to=certificate.not_valid_after_utc,
    )


def _base64(text: str, field: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise InvalidInputError(f"{field} is not base64", field=field) from None


async def register_key(
    *,
    session: AsyncSession,
    agency: str,
    public_key: str,
    algorithm: SignatureAlgorithm | None,
    actor: str,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    now: datetime | None = None,
    principal: Principal = LOCAL_OPERATOR,
) -> AgencyKey:
    """Register `public_key` for `agency`; the algorithm may be left out unless the key is RSA
    (RS256 or PS256). A certificate's validity is its own. `AccessDenied` unless `principal`
    may manage the agency's keys (`hub.access.rules`). Audited; never commits."""
    now = now or utcnow()
    rules.check_manage_keys(principal, agency)
    agency_id = await session.scalar(sa.select(m.Agency.id).where(m.Agency.code == agency))
    if agency_id is None:
        raise NotFoundError("agency", agency, field="agency")
    parsed = parse_public_key(public_key)
    if algorithm is None:
        if len(parsed.algorithms) != 1:
            names = ", ".join(sorted(a.value for a in parsed.algorithms))
            raise InvalidInputError(
                f"this key signs with one of {names}: name the algorithm", field="algorithm"
            )
        (algorithm,) = parsed.algorithms
    elif algorithm not in parsed.algorithms:
        names = ", ".join(sorted(a.value for a in parsed.algorithms))
        raise InvalidInputError(
            f"this key cannot sign with {algorithm.value} (it can: {names})", field="algorithm"
        )
    if parsed.subject is not None:
        valid_from, valid_to = parsed.valid_from, parsed.valid_to
    if valid_from is not None and valid_to is not None and valid_to <= valid_from:
        raise InvalidInputError("validTo must be after validFrom", field="validTo")
    existing = await session.scalar(
        sa.select(AgencyKey).where(AgencyKey.fingerprint == parsed.fingerprint)
    )
    if existing is not None:
        raise InvalidInputError(
            f"key {parsed.fingerprint} is registered already", field="publicKey"
        )
    key = AgencyKey(
        fingerprint=parsed.fingerprint,
        agency_id=agency_id,
        algorithm=algorithm,
        public_key=public_key.strip(),
        certificate_subject=parsed.subject,
        valid_from=valid_from,
        valid_to=valid_to,
        registered_at=now,
        registered_by=actor,
    )
    session.add(key)
    await session.flush()
    await record_event(
        session=session,
        actor=actor,
        action="key.register",
        entity_kind="agency_key",
        entity_code=parsed.fingerprint,
        details={"agency": agency, "algorithm": algorithm.value},
        at=now,
    )
    return key


async def find_key(*, session: AsyncSession, key_id: str) -> AgencyKey:
    """The key of fingerprint `key_id`; `NotFoundError` (field `keyId`) when none."""
    key = await session.scalar(sa.select(AgencyKey).where(AgencyKey.fingerprint == key_id))
    if key is None:
        raise NotFoundError("agency key", key_id, field="keyId")
    return key


async def revoke_key(
    *,
    session: AsyncSession,
    key_id: str,
    actor: str,
    now: datetime | None = None,
    principal: Principal = LOCAL_OPERATOR,
) -> AgencyKey:
    """Revoke a key from `now` on: later signatures with it are refused. `AccessDenied`
    unless `principal` may manage the keys of the key's agency. Never commits."""
    now = now or utcnow()
    key = await find_key(session=session, key_id=key_id)
    rules.check_manage_keys(principal, await agency_code_of(session, key))
    if key.revoked_at is None:
        key.revoked_at = now
        key.revoked_by = actor
        await session.flush()
        await record_event(
            session=session,
            actor=actor,
            action="key.revoke",
            entity_kind="agency_key",
            entity_code=key_id,
            at=now,
        )
    return key


async def agency_code_of(session: AsyncSession, key: AgencyKey) -> str:
    code = await session.scalar(sa.select(m.Agency.code).where(m.Agency.id == key.agency_id))
    return code or ""


# --- verification ---------------------------------------------------------------------------


def _verify_bytes(
    key: PublicKey, algorithm: SignatureAlgorithm, signature: bytes, content: bytes
) -> None:
    """Raises `InvalidSignature` unless `signature` is `key`'s over `content`."""
    if algorithm is SignatureAlgorithm.ED25519:
        assert isinstance(key, ed25519.Ed25519PublicKey)
        key.verify(signature, content)
    elif algorithm in (SignatureAlgorithm.ES256, SignatureAlgorithm.ES384):
        assert isinstance(key, ec.EllipticCurvePublicKey)
        size = (key.curve.key_size + 7) // 8
        if len(signature) == 2 * size:  # raw r||s (JOSE, PKCS#11 tokens); else DER
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            signature = encode_dss_signature(r, s)
        digest = hashes.SHA256() if algorithm is SignatureAlgorithm.ES256 else hashes.SHA384()
        key.verify(signature, content, ec.ECDSA(digest))
    elif algorithm is SignatureAlgorithm.RS256:
        assert isinstance(key, rsa.RSAPublicKey)
        key.verify(signature, content, padding.PKCS1v15(), hashes.SHA256())
    else:
        assert isinstance(key, rsa.RSAPublicKey)
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        key.verify(signature, content, pss, hashes.SHA256())


def _check(
    key: AgencyKey, algorithm: str, value: str, content: bytes, *, at: datetime | None
) -> None:
    """Raise `SignatureError` unless `value` is a valid signature of `key` over `content`.

    `at`: the moment the key must be valid at (None: the signature's moment is not checked,
    as when re-verifying a stored report: the key was valid when it was accepted)."""
    if key.algorithm.value != algorithm:
        raise SignatureError(
            ProblemCode.ALGORITHM_MISMATCH,
            f"key {key.fingerprint} signs with {key.algorithm.value}, not {algorithm}",
        )
    if at is not None:
        if key.revoked_at is not None and key.revoked_at <= at:
            raise SignatureError(
                ProblemCode.KEY_REVOKED,
                f"key {key.fingerprint} was revoked at {key.revoked_at.isoformat()}",
            )
        if (key.valid_from is not None and at < key.valid_from) or (
            key.valid_to is not None and at >= key.valid_to
        ):
            raise SignatureError(
                ProblemCode.KEY_NOT_VALID,
                f"key {key.fingerprint} is valid from {key.valid_from} to {key.valid_to}, "
                f"not at {at.isoformat()}",
            )
    if len(value) > MAX_SIGNATURE_BYTES * 2:
        raise SignatureError(ProblemCode.SIGNATURE_INVALID, "the signature is too long")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise SignatureError(
            ProblemCode.SIGNATURE_INVALID, "the signature value is not base64"
        ) from None
    parsed = parse_public_key(key.public_key)
    try:
        _verify_bytes(parsed.key, key.algorithm, raw, content)
    except (InvalidSignature, ValueError):
        raise SignatureError(
            ProblemCode.SIGNATURE_INVALID,
            f"the signature does not match the report's canonical content (SHA-256 "
            f"{content_digest(content)}) under key {key.fingerprint}",
        ) from None


async def verify_submission(
    draft: SubmissionDraft,
    signature: DetachedSignature | None,
    *,
    session: AsyncSession,
    catalog: Catalog,
    policy: SignaturePolicy,
    now: datetime,
) -> tuple[Problem | None, SignedContent | None]:
    """Check a submission's signature: a problem at path `signature`, or what to store.

    Required by `policy` (the regime's `requires_signature`, or always, or never); a given
    signature is always verified: by a key of the draft's agency, not revoked, valid `now`,
    of the algorithm named, over `canonical_content(draft)`.
    """
    if signature is None:
        regime = catalog.regimes.get(draft.regime)
        required = policy is SignaturePolicy.ALWAYS or (
            policy is SignaturePolicy.REGIME and regime is not None and regime.requires_signature
        )
        if not required:
            return None, None
        why = "this deployment" if policy is SignaturePolicy.ALWAYS else f"regime {draft.regime}"
        return (
            Problem(
                "signature",
                ProblemCode.SIGNATURE_REQUIRED,
                f"{why} requires a digital signature over the report's canonical content",
            ),
            None,
        )
    key = await session.scalar(
        sa.select(AgencyKey).where(AgencyKey.fingerprint == signature.key_id[:128])
    )
    if key is None:
        return (
            Problem(
                "signature.keyId",
                ProblemCode.KEY_UNKNOWN,
                f"no registered key {signature.key_id[:128]!r}",
            ),
            None,
        )
    owner = await agency_code_of(session, key)
    if owner != draft.agency:
        return (
            Problem(
                "signature.keyId",
                ProblemCode.KEY_NOT_OF_AGENCY,
                f"key {key.fingerprint} belongs to agency {owner}, not {draft.agency}",
            ),
            None,
        )
    content = canonical_content(draft)
    try:
        _check(key, signature.algorithm, signature.value, content, at=now)
    except SignatureError as error:
        path = (
            "signature.algorithm" if error.code is ProblemCode.ALGORITHM_MISMATCH else "signature"
        )
        return Problem(path, error.code, error.message), None
    return None, SignedContent(
        key_id=key.fingerprint,
        algorithm=key.algorithm,
        signature=signature.value,
        digest=content_digest(content),
        content=content.decode("utf-8"),
    )


async def verify_stored(*, session: AsyncSession, report_id: int) -> Verification:
    """Re-verify the current version of a stored report from what was stored with it.

    Checks that the stored canonical content hashes to the stored digest, names the report's
    agency, the version's sections and its number of observations, and that the stored
    signature holds for it under the stored key (revocation after the submission does not
    void it; the key's algorithm must still match). Raises `NotFoundError` for an unknown id.
    """
    row = (
        await session.execute(
            sa.select(ReportVersion, Report)
            .join(Report, Report.current_version_id == ReportVersion.id)
            .where(Report.id == report_id)
            .execution_options(populate_existing=True)
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError("report", str(report_id), field="id")
    version, report = row
    if version.signature is None:
        return Verification(False, False, "NOT_SIGNED", "this report version carries no signature")
    base = {
        "key_id": version.signature_key_id,
        "algorithm": version.signature_algorithm,
        "digest": version.content_digest,
    }
    content = (version.signed_content or "").encode("utf-8")
    if content_digest(content) != version.content_digest:
        return Verification(
            True,
            False,
            ProblemCode.SIGNATURE_INVALID.value,
            "the stored content does not hash to the stored digest",
            **base,
        )
    mismatch = await _content_mismatch(session, content, version, report)
    if mismatch is not None:
        return Verification(True, False, ProblemCode.SIGNATURE_INVALID.value, mismatch, **base)
    key = await session.scalar(
        sa.select(AgencyKey).where(AgencyKey.fingerprint == version.signature_key_id)
    )
    if key is None:
        return Verification(
            True, False, ProblemCode.KEY_UNKNOWN.value, "the signing key is gone", **base
        )
    try:
        _check(key, version.signature_algorithm or "", version.signature, content, at=None)
    except SignatureError as error:
        return Verification(True, False, error.code.value, error.message, **base)
    return Verification(True, True, None, "the signature holds", **base)


async def _content_mismatch(
    session: AsyncSession, content: bytes, version: ReportVersion, report: Report
) -> str | None:
    try:
        signed = orjson.loads(content)
    except orjson.JSONDecodeError:
        return "the stored content is not JSON"
    agency = await session.scalar(sa.select(m.Agency.code).where(m.Agency.id == report.agency_id))
    if not isinstance(signed, dict) or signed.get("agency") != agency:
        return "the signed content names another agency than the stored report"
    sections = [{"code": s["code"], "text": s["text"]} for s in version.sections]
    if signed.get("sections") != sections:
        return "the signed sections differ from the stored ones"
    observations = signed.get("observations")
    if not isinstance(observations, list) or len(observations) != version.observation_count:
        return "the signed content has another number of observations than the stored version"
    return None


def keep_signature(version: ReportVersion, signed: SignedContent) -> None:
    """Record a verified signature on the report version it signs."""
    version.signature = signed.signature
    version.signature_key_id = signed.key_id
    version.signature_algorithm = signed.algorithm.value
    version.content_digest = signed.digest
    version.signed_content = signed.content
