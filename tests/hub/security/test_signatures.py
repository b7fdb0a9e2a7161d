"""Report signatures through the submission service: every algorithm, every refusal."""

from __future__ import annotations

import base64
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.key_models import AgencyKey, SignatureAlgorithm
from hub.access.signatures import (
    DetachedSignature,
    SignaturePolicy,
    canonical_content,
    register_key,
    revoke_key,
    verify_stored,
)
from hub.db import utcnow
from hub.errors import InvalidInputError
from hub.reporting.models import Regime
from hub.reporting.report_models import ReportVersion
from hub.reporting.submission import submit_report
from tests.hub.reporting.catalog_fixture import (
    NOW,
    OTHER_PROVINCE,
    PROVINCE,
    REGIME,
    draft,
    observation,
    store_catalog,
)
from tests.hub.security.keys import SigningKey, make_key

ALGORITHMS = ["ED25519", "ES256", "ES384", "RS256", "PS256"]


async def _register(session: AsyncSession, key: SigningKey, agency: str = PROVINCE) -> str:
    row = await register_key(
        session=session,
        agency=agency,
        public_key=key.public,
        algorithm=SignatureAlgorithm(key.algorithm),
        actor="test",
    )
    return row.fingerprint


async def _versions(session: AsyncSession) -> int:
    return await session.scalar(sa.select(sa.func.count()).select_from(ReportVersion)) or 0


@pytest.mark.parametrize("algorithm", ALGORITHMS)
async def test_a_report_signed_with_each_algorithm_is_stored_and_verifies(
    session: AsyncSession, algorithm: str
) -> None:
    await store_catalog(session)
    key = make_key(algorithm)
    key_id = await _register(session, key)
    report = draft(observation(comment="ghi chú"))

    outcome = await submit_report(
        report,
        session=session,
        actor="test",
        now=NOW,
        signature=key.detached(key_id, canonical_content(report)),
    )
    assert outcome.problems == ()
    assert outcome.version is not None and outcome.report is not None
    assert outcome.version.signature_key_id == key_id
    assert outcome.version.signature_algorithm == algorithm
    assert outcome.version.signed_content == canonical_content(report).decode()
    verified = await verify_stored(session=session, report_id=outcome.report.id)
    assert (verified.signed, verified.valid, verified.code) == (True, True, None)


async def test_ecdsa_signature_as_raw_r_and_s_is_accepted(session: AsyncSession) -> None:
    await store_catalog(session)
    key = make_key("ES256")
    key_id = await _register(session, key)
    report = draft()
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    r, s = decode_dss_signature(key.sign(canonical_content(report)))
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    signature = DetachedSignature(key_id, "ES256", base64.b64encode(raw).decode())

    outcome = await submit_report(report, session=session, actor="t", now=NOW, signature=signature)
    assert outcome.problems == ()


async def _refused(
    session: AsyncSession, report: object, signature: DetachedSignature | None, **kw: object
) -> tuple[str, str]:
    before = await _versions(session)
    outcome = await submit_report(
        report,  # type: ignore[arg-type]
        session=session,
        actor="test",
        now=NOW,
        signature=signature,
        **kw,  # type: ignore[arg-type]
    )
    assert await _versions(session) == before, "a refused signature wrote a version"
    assert outcome.version is None and len(outcome.problems) == 1, outcome.problems
    return outcome.problems[0].path, outcome.problems[0].code.value


async def test_a_tampered_report_is_refused(session: AsyncSession) -> None:
    await store_catalog(session)
    key = make_key("ED25519")
    key_id = await _register(session, key)
    signed = key.detached(key_id, canonical_content(draft(observation(value="1000"))))

    refused = await _refused(session, draft(observation(value="1001")), signed)
    assert refused == ("signature", "SIGNATURE_INVALID")


async def test_unknown_revoked_foreign_and_mismatched_keys_are_refused(
    session: AsyncSession,
) -> None:
    await store_catalog(session)
    report = draft()
    content = canonical_content(report)
    key = make_key("ES256")
    key_id = await _register(session, key)
    foreign = make_key("ED25519")
    foreign_id = await _register(session, foreign, agency=OTHER_PROVINCE)
    unknown = make_key("ED25519")

    assert await _refused(session, report, unknown.detached("ab" * 32, content)) == (
        "signature.keyId",
        "KEY_UNKNOWN",
    )
    assert await _refused(session, report, foreign.detached(foreign_id, content)) == (
        "signature.keyId",
        "KEY_NOT_OF_AGENCY",
    )
    wrong = replace(key.detached(key_id, content), algorithm="ES384")
    assert await _refused(session, report, wrong) == ("signature.algorithm", "ALGORITHM_MISMATCH")
    garbage = replace(key.detached(key_id, content), value="not base64!")
    assert await _refused(session, report, garbage) == ("signature", "SIGNATURE_INVALID")
    await revoke_key(session=session, key_id=key_id, actor="test", now=NOW)
    assert await _refused(session, report, key.detached(key_id, content)) == (
        "signature",
        "KEY_REVOKED",
    )


async def test_an_expired_certificate_is_refused(session: AsyncSession) -> None:
    await store_catalog(session)
    key = make_key("ES256", expired=True)  # valid in January 2020 only
    key_id = await _register(session, key)
    report = draft()

    refused = await _refused(session, report, key.detached(key_id, canonical_content(report)))
    assert refused == ("signature", "KEY_NOT_VALID")


async def test_a_required_signature_that_is_missing_is_refused(session: AsyncSession) -> None:
    await store_catalog(session)
    assert await _refused(session, draft(), None, signature_policy=SignaturePolicy.ALWAYS) == (
        "signature",
        "SIGNATURE_REQUIRED",
    )
    # Not required by this regime: accepted unsigned.
    assert (await submit_report(draft(), session=session, actor="t", now=NOW)).problems == ()
    # Stamped like every catalog edit: the hub's caches of the catalog key on the stamps.
    await session.execute(
        sa.update(Regime)
        .where(Regime.code == REGIME)
        .values(requires_signature=True, updated_at=utcnow())
    )
    assert await _refused(session, draft(observation(value="2")), None) == (
        "signature",
        "SIGNATURE_REQUIRED",
    )


async def test_verify_stored_is_false_after_the_stored_row_is_tampered(
    session: AsyncSession,
) -> None:
    await store_catalog(session)
    key = make_key("ED25519")
    key_id = await _register(session, key)
    report = draft()
    outcome = await submit_report(
        report,
        session=session,
        actor="test",
        now=NOW,
        signature=key.detached(key_id, canonical_content(report)),
    )
    assert outcome.report is not None and outcome.version is not None
    version_id, report_id = outcome.version.id, outcome.report.id

    tampered_content = outcome.version.signed_content.replace("1000", "9999")  # type: ignore[union-attr]
    await session.execute(
        sa.update(ReportVersion)
        .where(ReportVersion.id == version_id)
        .values(signed_content=tampered_content)
    )
    assert (await verify_stored(session=session, report_id=report_id)).valid is False
    # Even with a matching digest, the signature no longer holds.
    import hashlib

    await session.execute(
        sa.update(ReportVersion)
        .where(ReportVersion.id == version_id)
        .values(content_digest=hashlib.sha256(tampered_content.encode()).hexdigest())
    )
    result = await verify_stored(session=session, report_id=report_id)
    assert (result.valid, result.code) == (False, "SIGNATURE_INVALID")


async def test_bad_keys_are_refused_at_registration(session: AsyncSession) -> None:
    await store_catalog(session)
    for text, field in [
        ("not base64!", "publicKey"),
        (base64.b64encode(b"short").decode(), "publicKey"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "publicKey"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "publicKey"),
    ]:
        with pytest.raises(InvalidInputError) as raised:
            await register_key(
                session=session, agency=PROVINCE, public_key=text, algorithm=None, actor="t"
            )
        assert raised.value.field == field
    rsa_key = make_key("RS256")
    with pytest.raises(InvalidInputError, match="name the algorithm"):
        await register_key(
            session=session, agency=PROVINCE, public_key=rsa_key.public, algorithm=None, actor="t"
        )
    assert await session.scalar(sa.select(sa.func.count()).select_from(AgencyKey)) == 0
