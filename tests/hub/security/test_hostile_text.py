"""Hostile text in every String and ID argument a client can send, through the real app.

One case per argument of the schema (`hostile.py` runs them): every hostile value (injection
strings, quotes and backslashes, Vietnamese, emoji, RTL marks, control characters, a value
longer than any column, and NUL) is kept verbatim and read back, or refused with its exact
path and code, with nothing written; a NUL is refused wherever it is, the same on both
databases. `test_every_text_argument_has_a_case` fails when the schema gains a String or ID
argument without a case: add one to CASES.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import (
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLType,
)
from rdflib import Graph, Literal

from hub.graphql.schema import build_schema
from hub.metadata.crosswalks import Crosswalk
from hub.observations.models import ObservationRevision
from hub.reporting.report_models import ReportVersion
from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME
from tests.hub.security.conftest import Hub
from tests.hub.security.hostile import (
    FEW,
    HOSTILE,
    NUL_TEXT,
    Accepted,
    Answered,
    Case,
    Expect,
    Expectation,
    Failure,
    Kept,
    Names,
    Problems,
    Read,
    Refused,
    X,
    always,
    fill,
    kept,
    payload,
    problem,
    run_case,
    serial,
)
from tests.hub.security.test_hostile_subscriptions import SUBSCRIPTIONS

# Documents ------------------------------------------------------------------------------------

SUBMIT_SDMX_CSV = """
mutation Load($input: SubmitSdmxCsvInput!) {
  submitSdmxCsv(input: $input) { errors { path code message } report { id } }
}
"""
SDMX_CSV = (
    "INDICATOR,REF_AREA,SEX,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\nPOP,P01,T,2025-M03,SERIAL,PERSON\n"
)
AGGREGATE = """
query Q($indicator: String!, $areas: [String!], $byDimensions: [String!],
        $dimensions: [DimensionCodeInput!], $from: String, $to: String) {
  aggregate(indicator: $indicator, groupBy: [AREA], areas: $areas, byDimensions: $byDimensions,
            dimensions: $dimensions, from: $from, to: $to) { groups { areaCode } }
}
"""
AVAILABILITY = """
query Q($indicator: String!, $areas: [String!], $dimensions: [DimensionCodeInput!],
        $from: String, $to: String) {
  availability(indicator: $indicator, areas: $areas, dimensions: $dimensions, from: $from,
               to: $to) { count }
}
"""

SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) {
    errors { path code message } report { id } version { sections { code text } }
  }
}
"""
REVIEW = """
mutation Review($input: ReviewReportInput!) {
  %s(input: $input) { errors { path code message } report { currentVersion { reviewComment } } }
}
"""
CROSSWALK = """
mutation Crosswalk($input: RegisterCrosswalkInput!) {
  registerCrosswalk(input: $input) { errors { path code message } created }
}
"""
CREATE_TOKEN = """
mutation Token($input: CreateTokenInput!) {
  createToken(input: $input) { errors { path code message } token { name } }
}
"""
REGISTER_KEY = """
mutation Key($input: RegisterAgencyKeyInput!) {
  registerAgencyKey(input: $input) { errors { path code message } key { keyId } }
}
"""
REVOKE_KEY = """
mutation Revoke($keyId: String!) {
  revokeAgencyKey(keyId: $keyId) { errors { path code message } key { keyId } }
}
"""
CURATE = """
mutation Curate($input: %s!) {
  %s(input: $input) { errors { path code message } version { version comment turtle } }
}
"""
UPDATE_INDICATOR = CURATE % ("UpdateIndicatorInput", "updateIndicator")
UPDATE_UNIT = CURATE % ("UpdateUnitInput", "updateUnit")
EDIT = CURATE % ("EditEntityInput", "editEntity")
RETIRE = CURATE % ("RetireEntityInput", "retireEntity")
VERSIONS = """
query Versions($kind: EntityKind!, $code: String!) {
  catalogVersions(kind: $kind, code: $code) { version status turtle }
}
"""
INDICATORS = """
query Q($search: String, $filter: IndicatorFilter) {
  indicators(search: $search, filter: $filter) { edges { node { code } } }
}
"""
OBLIGATIONS = """
query Q($regime: String!, $period: String!, $agency: String) {
  obligations(regime: $regime, period: $period, agency: $agency) { status }
}
"""
COMPLIANCE = """
query Q($regime: String!, $period: String!) {
  compliance(regime: $regime, period: $period) { expected }
}
"""
REPORTS = """
query Q($regime: String, $period: String, $agency: String) {
  reports(regime: $regime, period: $period, agency: $agency) { id }
}
"""
OBSERVATIONS = "query Q($f: ObservationFilter) { observations(filter: $f) { edges { cursor } } }"
SERIES = """
query Q($indicator: String!, $areas: [String!], $dimensions: [DimensionCodeInput!],
        $from: String, $to: String) {
  series(indicator: $indicator, areas: $areas, dimensions: $dimensions, from: $from, to: $to) {
    areaCode
  }
}
"""

# Inputs ---------------------------------------------------------------------------------------

OBS = "observations[0]"
REVIEWED = {"regime": REGIME, "agency": PROVINCE, "period": PERIOD}
SERIES_ARGS = {"indicator": "POP", "areas": ["P01"], "dimensions": None, "from": None, "to": None}


def observation(**changes: Any) -> dict[str, Any]:
    # A fresh value each time: every stored observation is a new revision with its comment.
    return {
        "indicator": "POP",
        "area": "P01",
        "period": PERIOD,
        "dimensions": [{"dimension": "SEX", "code": "T"}],
        "value": "SERIAL",
        "unit": "PERSON",
        **changes,
    }


def report(**changes: Any) -> dict[str, Any]:
    sections = [{"code": "S1", "text": "Tình hình ổn định."}]
    return {
        "input": {
            **REVIEWED,
            "sections": sections,
            "observations": [observation()],
            **changes,
        }
    }


def global_id(type_name: str) -> Any:
    """Sends an id that decodes fine and carries the value as its key."""
    return lambda value: base64.urlsafe_b64encode(f"{type_name}:{value}".encode()).decode()


# Setups and read-backs ------------------------------------------------------------------------


async def _versions(hub: Hub, kind: str, code: str) -> list[dict[str, Any]]:
    body = (await hub.graphql(VERSIONS, {"kind": kind, "code": code}, "curator")).json()
    found: list[dict[str, Any]] = body["data"]["catalogVersions"]
    return found


def copy_of(kind: str, code: str, *, publish: bool = False) -> Any:
    """A setup: a new entity `C<n>` made from `code`'s published Turtle, as a draft (or
    published); its code is CODE, and `latest` gives its version as BASE."""

    async def setup(hub: Hub) -> Names:
        [published] = [v for v in await _versions(hub, kind, code) if v["status"] == "PUBLISHED"]
        copy = f"C{serial()}"
        turtle = published["turtle"].replace(code, copy)
        edit = {"kind": kind, "code": copy, "baseVersion": 0, "turtle": turtle}
        body = (await hub.graphql(EDIT, {"input": edit}, "curator")).json()
        assert payload(body)["errors"] == [], body
        if publish:
            draft = {"kind": kind, "code": copy, "version": payload(body)["version"]["version"]}
            body = (
                await hub.graphql(
                    CURATE % ("DraftInput", "publishDraft"), {"input": draft}, "curator"
                )
            ).json()
            assert payload(body)["errors"] == [], body
        return {"CODE": copy, "TURTLE": turtle, "KIND": kind}

    return setup


async def latest(hub: Hub, names: Names) -> Names:
    versions = await _versions(hub, names["KIND"], names["CODE"])
    return {"BASE": max(v["version"] for v in versions)}


async def fresh_unit(hub: Hub, names: Names) -> Names:
    """A new unit's code and Turtle (the copy's, renamed), for creating with editEntity."""
    code = f"U{serial()}"
    return {"NEW": code, "NEW_TURTLE": names["TURTLE"].replace(names["CODE"], code)}


async def submitted(hub: Hub, names: Names) -> Names:
    """A fresh submitted version of the province's report, for a review."""
    body = (await hub.graphql(SUBMIT, fill(report(), "", {}), "reporter")).json()
    assert payload(body)["errors"] == [], body
    return {}


async def section_text(hub: Hub, body: dict[str, Any]) -> Any:
    return payload(body)["version"]["sections"][0]["text"]


async def review_comment(hub: Hub, body: dict[str, Any]) -> Any:
    return payload(body)["report"]["currentVersion"]["reviewComment"]


async def token_name(hub: Hub, body: dict[str, Any]) -> Any:
    return payload(body)["token"]["name"]


async def version_comment(hub: Hub, body: dict[str, Any]) -> Any:
    return payload(body)["version"]["comment"]


def latest_row(column: Any, order: Any) -> Read:
    """The column of the newest row, read from the database."""

    async def read(hub: Hub, body: dict[str, Any]) -> Any:
        return await hub.scalar(sa.select(column).order_by(order.desc()).limit(1))

    return read


def turtle_literals(lang: str | None) -> Read:
    """Every literal (in `lang`) of the written version's Turtle, parsed back."""

    async def read(hub: Hub, body: dict[str, Any]) -> Any:
        graph = Graph().parse(data=payload(body)["version"]["turtle"], format="turtle")
        literals = (o for o in graph.objects() if isinstance(o, Literal))
        return {str(o) for o in literals if lang is None or o.language == lang}

    return read


async def retirement_note(hub: Hub, body: dict[str, Any]) -> Any:
    """The curator's words in a retirement's note, `[retired by ACTOR: WORDS]`."""
    note: str = payload(body)["version"]["comment"]
    head = "[retired by token:4:test-curator-any: "
    assert note.startswith(head) and note.endswith("]"), note
    return note[len(head) : -1]


# Expectations of reads ------------------------------------------------------------------------

ANSWERED = always(Answered())


def not_found(field: str = "code") -> Expect:
    return always(Failure("NOT_FOUND", field))


def invalid(field: str) -> Expect:
    return always(Failure("INVALID_INPUT", field))


def not_found_id(value: str) -> Expectation:
    """An id of the right form: unknown, or no id at all when its key holds NUL."""
    return Failure("INVALID_INPUT" if "\x00" in value else "NOT_FOUND", "id")


def lookup(field: str) -> Case:
    document = f"query Q($v: String!) {{ {field}(code: $v) {{ code }} }}"
    return Case(f"Query.{field}(code)", None, document, {"v": X}, not_found())


def after(field: str) -> Case:
    document = f"query Q($v: String) {{ {field}(after: $v) {{ edges {{ cursor }} }} }}"
    return Case(f"Query.{field}(after)", None, document, {"v": X}, invalid("after"))


# The table ------------------------------------------------------------------------------------

SUBMIT_CASES = (
    Case(
        "Mutation.submitReport(input).regime",
        "reporter",
        SUBMIT,
        report(regime=X),
        always(problem("regime", "UNKNOWN_REGIME")),
    ),
    Case(
        "Mutation.submitReport(input).period",
        "reporter",
        SUBMIT,
        report(period=X),
        always(problem("period", "PERIOD_MALFORMED")),
    ),
    Case(
        "Mutation.submitReport(input).agency",
        "reporter",
        SUBMIT,
        report(agency=X),
        always(Problems((("agency", "PERMISSION_DENIED"),), audited=True)),
    ),
    # A system without a registered crosswalk: its reports use shared codes only.
    Case(
        "Mutation.submitReport(input).system",
        "reporter",
        SUBMIT,
        report(system=X),
        always(Accepted()),
    ),
    Case(
        "Mutation.submitReport(input).idempotencyKey",
        "reporter",
        SUBMIT,
        report(idempotencyKey=X),
        kept(
            latest_row(ReportVersion.idempotency_key, ReportVersion.id),
            200,
            problem("idempotencyKey", "INVALID_INPUT"),
        ),
        values=HOSTILE,
    ),
    Case(
        "Mutation.submitReport(input).sections.code",
        "reporter",
        SUBMIT,
        report(sections=[{"code": X, "text": "Ổn định."}]),
        always(problem("sections[0].code", "UNKNOWN_SECTION")),
    ),
    Case(
        "Mutation.submitReport(input).sections.text",
        "reporter",
        SUBMIT,
        report(sections=[{"code": "S1", "text": X}]),
        kept(section_text),
        values=HOSTILE,
    ),
    *(
        Case(
            f"Mutation.submitReport(input).observations.{name}",
            "reporter",
            SUBMIT,
            report(observations=[observation(**{name: X})]),
            always(problem(f"{OBS}.{name}", code)),
        )
        for name, code in (
            ("indicator", "UNKNOWN_INDICATOR"),
            ("area", "UNKNOWN_AREA"),
            ("period", "OBSERVATION_PERIOD_MALFORMED"),
            ("value", "VALUE_NOT_A_NUMBER"),
            ("unit", "UNKNOWN_UNIT"),
        )
    ),
    Case(
        "Mutation.submitReport(input).observations.comment",
        "reporter",
        SUBMIT,
        report(observations=[observation(comment=X)]),
        kept(latest_row(ObservationRevision.comment, ObservationRevision.id)),
        values=HOSTILE,
    ),
    Case(
        "Mutation.submitReport(input).observations.dimensions.dimension",
        "reporter",
        SUBMIT,
        report(observations=[observation(dimensions=[{"dimension": X, "code": "T"}])]),
        always(
            problem(
                f"{OBS}.dimensions[0].dimension",
                "UNKNOWN_DIMENSION",
                (f"{OBS}.dimensions", "MISSING_DISAGGREGATION"),
            )
        ),
    ),
    Case(
        "Mutation.submitReport(input).observations.dimensions.code",
        "reporter",
        SUBMIT,
        report(observations=[observation(dimensions=[{"dimension": "SEX", "code": X}])]),
        always(problem(f"{OBS}.dimensions[0].code", "UNKNOWN_CODE")),
    ),
    *(
        Case(
            f"Mutation.submitReport(input).signature.{name}",
            "reporter",
            SUBMIT,
            report(signature={"keyId": "KEY_ID", "algorithm": "ED25519", "value": "AAAA", name: X}),
            always(problem(path, code)),
        )
        for name, path, code in (
            ("keyId", "signature.keyId", "KEY_UNKNOWN"),
            ("algorithm", "signature.algorithm", "ALGORITHM_MISMATCH"),
            ("value", "signature", "SIGNATURE_INVALID"),
        )
    ),
)


def sdmx_csv(**changes: Any) -> dict[str, Any]:
    return {"input": {**REVIEWED, "content": SDMX_CSV, **changes}}


SDMX_CSV_CASES = (
    Case(
        "Mutation.submitSdmxCsv(input).regime",
        "reporter",
        SUBMIT_SDMX_CSV,
        sdmx_csv(regime=X),
        always(problem("regime", "NOT_FOUND")),
    ),
    Case(
        "Mutation.submitSdmxCsv(input).period",
        "reporter",
        SUBMIT_SDMX_CSV,
        sdmx_csv(period=X),
        always(problem("period", "PERIOD_MALFORMED")),
    ),
    Case(
        "Mutation.submitSdmxCsv(input).agency",
        "reporter",
        SUBMIT_SDMX_CSV,
        sdmx_csv(agency=X),
        always(Problems((("agency", "PERMISSION_DENIED"),), audited=True)),
    ),
    Case(
        "Mutation.submitSdmxCsv(input).content",
        "reporter",
        SUBMIT_SDMX_CSV,
        sdmx_csv(content=X),
        always(Refused(frozenset({"BAD_HEADER", "CSV_SYNTAX", "EMPTY_FILE"}))),
        values=HOSTILE,
    ),
    Case(
        "Mutation.submitSdmxCsv(input).system",
        "reporter",
        SUBMIT_SDMX_CSV,
        sdmx_csv(system=X),
        always(Accepted()),
    ),
    Case(
        "Mutation.submitSdmxCsv(input).idempotencyKey",
        "reporter",
        SUBMIT_SDMX_CSV,
        sdmx_csv(idempotencyKey=X),
        kept(
            latest_row(ReportVersion.idempotency_key, ReportVersion.id),
            200,
            problem("idempotencyKey", "INVALID_INPUT"),
        ),
        # Not the keys submitReport's case used: a key seen before replays its report.
        encode=lambda value: f"sdmx {value}",
        values=HOSTILE,
    ),
    *(
        Case(
            f"Mutation.submitSdmxCsv(input).signature.{name}",
            "reporter",
            SUBMIT_SDMX_CSV,
            sdmx_csv(
                signature={"keyId": "KEY_ID", "algorithm": "ED25519", "value": "AAAA", name: X}
            ),
            always(problem(path, code)),
        )
        for name, path, code in (
            ("keyId", "signature.keyId", "KEY_UNKNOWN"),
            ("algorithm", "signature.algorithm", "ALGORITHM_MISMATCH"),
            ("value", "signature", "SIGNATURE_INVALID"),
        )
    ),
)

REVIEW_CASES = tuple(
    case
    for name in ("acceptReport", "returnReport")
    for case in (
        *(
            Case(
                f"Mutation.{name}(input).{argument}",
                "reviewer",
                REVIEW % name,
                {"input": {**REVIEWED, "comment": "Sai.", argument: X}},
                always(problem(path, code)),
            )
            for argument, path, code in (
                ("regime", "report", "NOT_FOUND"),
                ("agency", "report", "NOT_FOUND"),
                ("period", "period", "INVALID_INPUT"),
            )
        ),
        Case(
            f"Mutation.{name}(input).report",
            "reviewer",
            REVIEW % name,
            {"input": {"report": X, "comment": "Sai."}},
            always(problem("report", "INVALID_INPUT")),
            encode=global_id("Report"),
        ),
        Case(
            f"Mutation.{name}(input).comment",
            "reviewer",
            REVIEW % name,
            {"input": {**REVIEWED, "comment": X}},
            kept(review_comment),
            values=HOSTILE,
            prepare=submitted,
        ),
    )
)


def crosswalk(kind: str = "AREA", **entry: Any) -> dict[str, Any]:
    entries = [{"localCode": "L", "sharedCode": "P01", **entry}]
    return {"input": {"system": "SYS", "kind": kind, "entries": entries}}


ACCESS_CASES = (
    Case(
        "Mutation.registerCrosswalk(input).system",
        "reporter",
        CROSSWALK,
        {"input": {**crosswalk()["input"], "system": X}},
        always(problem("system", "INVALID_INPUT")),
    ),
    Case(
        "Mutation.registerCrosswalk(input).entries.localCode",
        "reporter",
        CROSSWALK,
        crosswalk(localCode=X),
        kept(
            latest_row(Crosswalk.local_code, Crosswalk.id),
            200,
            problem("entries[0].localCode", "INVALID_INPUT"),
        ),
        values=HOSTILE,
    ),
    Case(
        "Mutation.registerCrosswalk(input).entries.sharedCode",
        "reporter",
        CROSSWALK,
        crosswalk(sharedCode=X),
        always(problem("entries[0].sharedCode", "UNKNOWN_SHARED_CODE")),
    ),
    Case(
        "Mutation.registerCrosswalk(input).entries.codelist",
        "reporter",
        CROSSWALK,
        crosswalk("CODE", sharedCode="T", codelist=X),
        always(problem("entries[0].sharedCode", "UNKNOWN_SHARED_CODE")),
    ),
    Case(
        "Mutation.createToken(input).name",
        "admin",
        CREATE_TOKEN,
        {"input": {"name": X, "role": "READER"}},
        kept(token_name, 200, problem("name", "INVALID_INPUT")),
        values=HOSTILE,
    ),
    Case(
        "Mutation.createToken(input).agency",
        "admin",
        CREATE_TOKEN,
        {"input": {"name": "t", "role": "REPORTER", "agency": X}},
        always(problem("agency", "NOT_FOUND")),
    ),
    Case(
        "Mutation.registerAgencyKey(input).agency",
        "admin",
        REGISTER_KEY,
        {"input": {"agency": X, "publicKey": "PUBLIC_KEY"}},
        always(problem("agency", "NOT_FOUND")),
    ),
    Case(
        "Mutation.registerAgencyKey(input).publicKey",
        "admin",
        REGISTER_KEY,
        {"input": {"agency": PROVINCE, "publicKey": X}},
        always(problem("publicKey", "INVALID_INPUT")),
    ),
    Case(
        "Mutation.revokeAgencyKey(keyId)",
        "admin",
        REVOKE_KEY,
        {"keyId": X},
        always(problem("keyId", "NOT_FOUND")),
    ),
)

INDICATOR_COPY = copy_of("INDICATOR", "REV")
UNIT_COPY = copy_of("UNIT", "MVND")


def indicator_edit(name: str, changes: dict[str, Any], expect: Expect) -> Case:
    return Case(
        f"Mutation.updateIndicator(input).{name}",
        "curator",
        UPDATE_INDICATOR,
        {"input": {"code": "CODE", "baseVersion": "BASE", **changes}},
        expect,
        setup=INDICATOR_COPY,
        prepare=latest,
    )


def unit_edit(name: str, changes: dict[str, Any], expect: Expect) -> Case:
    return Case(
        f"Mutation.updateUnit(input).{name}",
        "curator",
        UPDATE_UNIT,
        {"input": {"code": "CODE", "baseVersion": "BASE", **changes}},
        expect,
        setup=UNIT_COPY,
        prepare=latest,
    )


CURATION_CASES = (
    indicator_edit("code", {"code": X, "nameEn": "x"}, always(problem("code", "NOT_FOUND"))),
    *(
        indicator_edit(name, {name: X}, always(Kept(turtle_literals(lang))))
        for name, lang in (
            ("nameVi", "vi"),
            ("nameEn", "en"),
            ("definitionVi", "vi"),
            ("definitionEn", "en"),
            ("methodVi", "vi"),
            ("legalBasis", None),
            ("formula", None),  # free text until derived indicators parse it
        )
    ),
    *(
        indicator_edit(name, changes, always(problem("indicator CODE", "INVALID_INPUT")))
        for name, changes in (
            ("unit", {"unit": X}),
            ("dimensions", {"dimensions": [X]}),
            ("weightIndicator", {"weightIndicator": X, "aggregation": "WEIGHTED"}),
        )
    ),
    indicator_edit(
        "methodEn",
        {"methodVi": "Phương pháp", "methodEn": X},
        always(Kept(turtle_literals("en"))),
    ),
    indicator_edit("comment", {"nameEn": "SERIAL", "comment": X}, kept(version_comment)),
    unit_edit("code", {"code": X, "nameEn": "x"}, always(problem("code", "NOT_FOUND"))),
    *(
        unit_edit(name, {name: X}, always(Kept(turtle_literals(lang))))
        for name, lang in (
            ("nameVi", "vi"),
            ("nameEn", "en"),
            ("symbol", None),
            ("quantityKind", None),
        )
    ),
    unit_edit("base", {"base": X}, always(problem("unit CODE", "INVALID_INPUT"))),
    unit_edit("comment", {"nameEn": "SERIAL", "comment": X}, kept(version_comment)),
    Case(
        "Mutation.editEntity(input).code",
        "curator",
        EDIT,
        {"input": {"kind": "UNIT", "code": X, "baseVersion": 0, "turtle": "NEW_TURTLE"}},
        always(problem("turtle", "INVALID_CONTENT")),
        setup=UNIT_COPY,
        prepare=fresh_unit,
    ),
    Case(
        "Mutation.editEntity(input).turtle",
        "curator",
        EDIT,
        {"input": {"kind": "UNIT", "code": "NEW", "baseVersion": 0, "turtle": X}},
        always(problem("turtle", "INVALID_CONTENT")),
        setup=UNIT_COPY,
        prepare=fresh_unit,
    ),
    Case(
        "Mutation.editEntity(input).comment",
        "curator",
        EDIT,
        {
            "input": {
                "kind": "UNIT",
                "code": "NEW",
                "baseVersion": 0,
                "turtle": "NEW_TURTLE",
                "comment": X,
            }
        },
        kept(version_comment),
        setup=UNIT_COPY,
        prepare=fresh_unit,
    ),
    *(
        Case(
            f"Mutation.{name}(input).code",
            "curator",
            CURATE % ("DraftInput", name),
            {"input": {"kind": "UNIT", "code": X, "version": 1}},
            always(problem("version", "NOT_FOUND")),
        )
        for name in ("publishDraft", "discardDraft")
    ),
    Case(
        "Mutation.retireEntity(input).code",
        "curator",
        RETIRE,
        {"input": {"kind": "AGENCY", "code": X, "baseVersion": 1}},
        always(problem("code", "NOT_FOUND")),
    ),
    # Each retirement validates the catalog (SHACL): one value with every hostile feature.
    Case(
        "Mutation.retireEntity(input).comment",
        "curator",
        RETIRE,
        {"input": {"kind": "INDICATOR", "code": "CODE", "baseVersion": "BASE", "comment": X}},
        kept(retirement_note),
        setup=copy_of("INDICATOR", "REV", publish=True),
        prepare=latest,
        values=FEW[:1],
    ),
)

READ_CASES = (
    *(lookup(name) for name in ("indicator", "unit", "codelist", "area", "agency", "regime")),
    *(after(name) for name in ("indicators", "units", "codelists", "areas", "agencies")),
    Case("Query.indicators(search)", None, INDICATORS, {"search": X}, ANSWERED, values=HOSTILE),
    *(
        Case(f"Query.indicators(filter).{name}", None, INDICATORS, {"filter": {name: X}}, ANSWERED)
        for name in ("group", "agency", "disaggregation")
    ),
    Case(
        "Query.areas(parent)",
        None,
        "query Q($v: String) { areas(parent: $v) { edges { cursor } } }",
        {"v": X},
        ANSWERED,
    ),
    Case(
        "Query.catalogVersions(code)",
        None,
        "query Q($v: String!) { catalogVersions(kind: UNIT, code: $v) { version } }",
        {"v": X},
        ANSWERED,
    ),
    Case(
        "Query.impact(code)",
        None,
        "query Q($v: String!) { impact(kind: UNIT, code: $v) { valueCount } }",
        {"v": X},
        not_found(),
    ),
    *(
        Case(f"Query.{query}({name})", None, document, {**REVIEWED, name: X}, expect)
        for query, document in (("obligations", OBLIGATIONS), ("compliance", COMPLIANCE))
        for name, expect in (
            ("regime", not_found("regime")),
            ("period", invalid("period")),
            ("agency", not_found("agency")),
        )
        if query == "obligations" or name != "agency"
    ),
    *(
        Case(f"Query.reports({name})", None, REPORTS, {name: X}, ANSWERED)
        for name in ("regime", "period", "agency")
    ),
    *(
        Case(
            f"Query.{name}(id)",
            None,
            f"query Q($v: ID!) {{ {name}(id: $v) {{ {selection} }} }}",
            {"v": X},
            expect,
            encode=global_id(type_name),
        )
        for name, selection, type_name, expect in (
            ("node", "id", "Indicator", not_found_id),
            ("report", "id", "Report", not_found_id),
            ("verifyReport", "valid", "Report", invalid("id")),
        )
    ),
    *(
        Case(f"Query.observations(filter).{name}", None, OBSERVATIONS, {"f": {name: [X]}}, ANSWERED)
        for name in ("indicators", "areas")
    ),
    *(
        Case(
            f"Query.observations(filter).{name}",
            None,
            OBSERVATIONS,
            {"f": {name: X}},
            invalid(name),
        )
        for name in ("periodFrom", "periodTo")
    ),
    *(
        Case(
            f"Query.{query}(dimensions).{name}".replace(
                "observations(dimensions)", "observations(filter).dimensions"
            ),
            None,
            document,
            {**base, dimensions_key: {"dimensions": [dimension]}}
            if query == "observations"
            else {**base, "dimensions": [dimension]},
            ANSWERED,
        )
        for query, document, base, dimensions_key in (
            ("observations", OBSERVATIONS, {}, "f"),
            ("series", SERIES, SERIES_ARGS, ""),
        )
        for name, dimension in (
            ("dimension", {"dimension": X, "code": "T"}),
            ("code", {"dimension": "SEX", "code": X}),
        )
    ),
    Case(
        "Query.observations(after)",
        None,
        "query Q($v: String) { observations(after: $v) { edges { cursor } } }",
        {"v": X},
        invalid("after"),
    ),
    Case(
        "Query.changes(after)",
        None,
        'query Q($v: String) { changes(since: "2020-01-01T00:00:00Z", after: $v) { hasMore } }',
        {"v": X},
        invalid("after"),
    ),
    Case("Query.series(indicator)", None, SERIES, {**SERIES_ARGS, "indicator": X}, ANSWERED),
    Case("Query.series(areas)", None, SERIES, {**SERIES_ARGS, "areas": [X]}, ANSWERED),
    *(
        Case(f"Query.series({name})", None, SERIES, {**SERIES_ARGS, name: X}, invalid(name))
        for name in ("from", "to")
    ),
    *(
        case
        for query, document in (("aggregate", AGGREGATE), ("availability", AVAILABILITY))
        for case in (
            Case(
                f"Query.{query}(indicator)",
                None,
                document,
                {"indicator": X},
                not_found("indicator"),
            ),
            Case(
                f"Query.{query}(areas)",
                None,
                document,
                {"indicator": "POP", "areas": [X]},
                ANSWERED,
            ),
            *(
                Case(
                    f"Query.{query}(dimensions).{name}",
                    None,
                    document,
                    {"indicator": "POP", "dimensions": [dimension]},
                    ANSWERED,
                )
                for name, dimension in (
                    ("dimension", {"dimension": X, "code": "T"}),
                    ("code", {"dimension": "SEX", "code": X}),
                )
            ),
            *(
                Case(
                    f"Query.{query}({name})",
                    None,
                    document,
                    {"indicator": "POP", name: X},
                    invalid(name),
                )
                for name in ("from", "to")
            ),
        )
    ),
    Case(
        "Query.aggregate(byDimensions)",
        None,
        AGGREGATE,
        {"indicator": "POP", "byDimensions": [X]},
        invalid("byDimensions"),
    ),
)

CASES: tuple[Case, ...] = (
    *SUBMIT_CASES,
    *SDMX_CSV_CASES,
    *REVIEW_CASES,
    *ACCESS_CASES,
    *CURATION_CASES,
    *READ_CASES,
)


_SETUPS: dict[tuple[int, Any], Names] = {}


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
async def test_hostile_text_is_kept_verbatim_or_refused_clearly(
    hostile_hub: Hub, case: Case
) -> None:
    names: Names = {"KEY_ID": hostile_hub.key_id, "PUBLIC_KEY": hostile_hub.key.public}
    if case.setup is not None:
        # One copy per entity kind and backend: each costs a catalog round trip.
        key = (id(hostile_hub), case.setup)
        if key not in _SETUPS:
            _SETUPS[key] = await case.setup(hostile_hub)
        names.update(_SETUPS[key])
    for value in (*case.values, NUL_TEXT):
        await run_case(hostile_hub, case, value, names)


# Coverage -------------------------------------------------------------------------------------


def _named(type_: GraphQLType) -> GraphQLNamedType:
    while isinstance(type_, GraphQLList | GraphQLNonNull):
        type_ = type_.of_type
    assert isinstance(type_, GraphQLNamedType)
    return type_


def _text_inputs(prefix: str, type_: GraphQLType, seen: frozenset[str]) -> set[str]:
    named = _named(type_)
    if isinstance(named, GraphQLScalarType):
        return {prefix} if named.name in ("String", "ID") else set()
    if not isinstance(named, GraphQLInputObjectType) or named.name in seen:
        return set()
    return {
        path
        for name, input_field in named.fields.items()
        for path in _text_inputs(f"{prefix}.{name}", input_field.type, seen | {named.name})
    }


def text_arguments() -> set[str]:
    """Every String or ID a client can send: arguments and input fields, by schema path."""
    schema = build_schema()._schema
    return {
        path
        for type_name, type_ in schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not type_name.startswith("__")
        for field_name, field in type_.fields.items()
        for argument_name, argument in field.args.items()
        for path in _text_inputs(
            f"{type_name}.{field_name}({argument_name})", argument.type, frozenset()
        )
    }


def test_every_text_argument_has_a_case() -> None:
    # Subscriptions run over WebSocket: test_hostile_subscriptions.py sends theirs.
    covered = {case.key for case in CASES} | set(SUBSCRIPTIONS)

    missing = text_arguments() - covered
    unknown = covered - text_arguments()

    assert not missing, (
        f"String/ID arguments without a hostile-text case (add them to CASES): {sorted(missing)}"
    )
    assert not unknown, f"cases for arguments the schema does not have: {sorted(unknown)}"
    assert len({case.key for case in CASES}) == len(CASES), "two cases for one argument"


def test_the_hostile_values_are_what_they_claim() -> None:
    assert len(HOSTILE[-1]) == 5000 and "\x00" in NUL_TEXT
    assert all("\x00" not in value for value in HOSTILE)


@pytest.mark.parametrize("pattern", ["%", "_", "%%", "\\", "*", ".*"])
async def test_search_wildcards_are_text_not_patterns(hostile_hub: Hub, pattern: str) -> None:
    body = (await hostile_hub.graphql(INDICATORS, {"search": pattern})).json()

    assert body == {"data": {"indicators": {"edges": []}}}


@pytest.mark.parametrize(("escape", "reason"), [("\\u0000", "U+0000"), ("\\uD800", "Unicode")])
async def test_a_nul_or_surrogate_escaped_in_turtle_is_refused_as_content(
    hostile_hub: Hub, escape: str, reason: str
) -> None:
    # given a new unit whose name spells NUL (or half a surrogate pair) as a Turtle escape
    names = await copy_of("UNIT", "MVND")(hostile_hub)
    turtle = names["TURTLE"].replace('"triệu đồng"@vi', f'"triệu{escape}đồng"@vi')
    assert escape in turtle and "\x00" not in turtle
    edit = {"kind": "UNIT", "code": f"U{serial()}", "baseVersion": 0}
    edit["turtle"] = turtle.replace(names["CODE"], edit["code"])
    before = await hostile_hub.row_counts()

    body = (await hostile_hub.graphql(EDIT, {"input": edit}, "curator")).json()

    [error] = payload(body)["errors"]
    assert error["code"] == "INVALID_CONTENT" and reason in error["message"], error
    assert await hostile_hub.row_counts() == before
