"""GraphQL of report signatures: agency keys (register, revoke) and `verifyReport`."""

from __future__ import annotations

from datetime import datetime

import strawberry

from hub.access import rules, signatures
from hub.access.key_models import AgencyKey as KeyRow
from hub.access.key_models import SignatureAlgorithm
from hub.errors import HubError, InvalidInputError, NotFoundError
from hub.graphql.context import Context
from hub.graphql.node import parse_global_id
from hub.reporting.mutations import InputError
from hub.reporting.queries import readable_report

strawberry.enum(SignatureAlgorithm, description="How a report is signed (JOSE names).")


@strawberry.type(description="A public key an agency signs its reports with.")
class AgencyKey:
    key_id: str = strawberry.field(description="Hex SHA-256 of the key (SubjectPublicKeyInfo).")
    agency_code: str = strawberry.field(description="The agency the key belongs to.")
    algorithm: SignatureAlgorithm = strawberry.field(description="What it signs with.")
    certificate_subject: str | None = strawberry.field(description="X.509 subject, if any.")
    valid_from: datetime | None = strawberry.field(description="Not valid before.")
    valid_to: datetime | None = strawberry.field(description="Not valid from then on.")
    revoked_at: datetime | None = strawberry.field(description="Revoked from then on.")

    @classmethod
    def from_row(cls, row: KeyRow, agency_code: str) -> AgencyKey:
        return cls(
            key_id=row.fingerprint,
            agency_code=agency_code,
            algorithm=row.algorithm,
            certificate_subject=row.certificate_subject,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            revoked_at=row.revoked_at,
        )


@strawberry.input(description="A public key for an agency's report signatures.")
class RegisterAgencyKeyInput:
    agency: str = strawberry.field(description="Code of the agency.")
    public_key: str = strawberry.field(
        description="Ed25519: base64 of the raw 32 bytes; ECDSA/RSA: an X.509 certificate (PEM)."
    )
    algorithm: SignatureAlgorithm | None = strawberry.field(
        default=None, description="Required for RSA keys (RS256 or PS256)."
    )
    valid_from: datetime | None = strawberry.field(
        default=None, description="Ed25519 only (a certificate brings its own validity)."
    )
    valid_to: datetime | None = strawberry.field(default=None, description="Ed25519 only.")


@strawberry.type(description="Result of registerAgencyKey and revokeAgencyKey.")
class AgencyKeyPayload:
    errors: list[InputError] = strawberry.field(description="Why it was refused; empty on success.")
    key: AgencyKey | None = strawberry.field(description="The key after the change.")


@strawberry.type(description="Whether a stored report's signature still holds.")
class ReportVerification:
    signed: bool = strawberry.field(description="The version carries a signature.")
    valid: bool = strawberry.field(description="It holds for the stored content.")
    code: str | None = strawberry.field(description="Why not: NOT_SIGNED, SIGNATURE_INVALID ...")
    message: str = strawberry.field(description="In words.")
    key_id: str | None = strawberry.field(description="The signing key.")
    algorithm: str | None = strawberry.field(description="The signature's algorithm.")
    digest: str | None = strawberry.field(description="Hex SHA-256 of the canonical content.")


def _error(error: HubError) -> InputError:
    return InputError(path=error.field or "input", code=error.code, message=error.message)


@strawberry.type
class SignatureMutation:
    @strawberry.mutation(description="Register a public key an agency signs its reports with.")
    async def register_agency_key(
        self, info: strawberry.Info[Context, None], input: RegisterAgencyKeyInput
    ) -> AgencyKeyPayload:
        session = info.context.session
        try:
            row = await signatures.register_key(
                session=session,
                agency=input.agency,
                public_key=input.public_key,
                algorithm=input.algorithm,
                actor=info.context.actor,
                valid_from=input.valid_from,
                valid_to=input.valid_to,
                principal=info.context.principal,
            )
        except HubError as error:
            await rules.abandon(session, error)
            return AgencyKeyPayload(errors=[_error(error)], key=None)
        await session.commit()
        return AgencyKeyPayload(errors=[], key=AgencyKey.from_row(row, input.agency))

    @strawberry.mutation(description="Revoke a key: later signatures with it are refused.")
    async def revoke_agency_key(
        self, info: strawberry.Info[Context, None], key_id: str
    ) -> AgencyKeyPayload:
        session = info.context.session
        try:
            row = await signatures.revoke_key(
                session=session,
                key_id=key_id,
                actor=info.context.actor,
                principal=info.context.principal,
            )
            agency = await signatures.agency_code_of(session, row)
        except HubError as error:
            await rules.abandon(session, error)
            return AgencyKeyPayload(errors=[_error(error)], key=None)
        await session.commit()
        return AgencyKeyPayload(errors=[], key=AgencyKey.from_row(row, agency))


@strawberry.type
class SignatureQuery:
    @strawberry.field(
        description="Re-verify the signature of a report's current version from what was stored."
    )
    async def verify_report(
        self, info: strawberry.Info[Context, None], id: strawberry.ID
    ) -> ReportVerification:
        kind, key = parse_global_id(id)
        if kind != "Report" or not key.isdigit():
            raise InvalidInputError(f"{id!r} is not a report id", field="id")
        if await readable_report(info, key) is None:
            raise NotFoundError("report", id, field="id")
        result = await signatures.verify_stored(session=info.context.session, report_id=int(key))
        return ReportVerification(
            signed=result.signed,
            valid=result.valid,
            code=result.code,
            message=result.message,
            key_id=result.key_id,
            algorithm=result.algorithm,
            digest=result.digest,
        )
