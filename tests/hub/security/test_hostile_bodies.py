"""Hostile requests through the real app, on SQLite and PostgreSQL: malformed bodies, NUL,
numbers no statistic has, negative zero, huge bodies, deep and wide documents, batches.

Every case asserts the exact status, the error's code and message, and, for writes, that
nothing was written. Decisions (README, Security model): NUL is refused everywhere; -0 is
stored as 0 with the scale sent (-0.0 reads back 0.0); batches are refused with a 400.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa

from hub.app import create_app
from hub.graphql.http_errors import BATCH_REFUSED
from hub.nul import REASON
from hub.observations.models import ObservationRevision
from tests.hub.reporting.catalog_fixture import PERIOD, PROVINCE, REGIME
from tests.hub.security.conftest import Hub
from tests.hub.security.hostile import serial

ME = "{ me { role } }"
JSON = {"content-type": "application/json"}
SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } report { id } }
}
"""
UPDATE_UNIT = """
mutation Update($input: UpdateUnitInput!) {
  updateUnit(input: $input) { errors { path code message } version { version } }
}
"""


def bad_request(message: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}


def report(value: Any = "1000", **observation: Any) -> dict[str, Any]:
    values = {
        "indicator": "POP",
        "area": "P01",
        "period": PERIOD,
        "dimensions": [{"dimension": "SEX", "code": "T"}],
        "value": value,
        "unit": "PERSON",
        **observation,
    }
    return {"regime": REGIME, "period": PERIOD, "agency": PROVINCE, "observations": [values]}


def body(query: str, variables: str = "{}") -> bytes:
    return f'{{"query": "{query}", "variables": {variables}}}'.encode()


# Bodies the endpoint cannot read: a 400 with a JSON error saying why ---------------------------

UNREADABLE: list[tuple[str, bytes, dict[str, str], str]] = [
    ("empty body", b"", JSON, "not valid JSON: Input is a zero-length, empty document"),
    (
        "invalid UTF-8",
        b'{"query": "{ me { role } }", "variables": {"a": "\xff\xfe"}}',
        JSON,
        "not valid JSON: str is not valid UTF-8",
    ),
    (
        "a lone surrogate",
        body(ME, '{"a": "\\ud800"}'),
        JSON,
        "not valid JSON: no low surrogate in string",
    ),
    ("NaN", body(ME, '{"a": NaN}'), JSON, "not valid JSON: unexpected character"),
    ("Infinity", body(ME, '{"a": Infinity}'), JSON, "not valid JSON: unexpected character"),
    ("-Infinity", body(ME, '{"a": -Infinity}'), JSON, "not valid JSON: no digit after sign"),
    ("1e400", body(ME, '{"a": 1e400}'), JSON, "not valid JSON: number is infinity"),
    (
        "a 400-digit integer",
        body(ME, '{"a": %s}' % ("9" * 400)),
        JSON,
        "not valid JSON: number is infinity",
    ),
    (
        "variables nested 5,000 deep",
        body(ME, '{"a": ' + "[" * 5000 + "]" * 5000 + "}"),
        JSON,
        "not valid JSON: depth limit exceeded",
    ),
    ("a JSON number", b"42", JSON, "expected a JSON object, got a number"),
    ("a JSON string", b'"{ me { role } }"', JSON, "expected a JSON object, got a string"),
    ("JSON null", b"null", JSON, "expected a JSON object, got null"),
    (
        "a batch",
        b'[{"query": "{ me { role } }"}, {"query": "{ me { role } }"}]',
        JSON,
        BATCH_REFUSED,
    ),
    ("an empty batch", b"[]", JSON, BATCH_REFUSED),
    ("no query", b'{"variables": {}}', JSON, "No GraphQL query found in the request"),
    (
        "a query that is a number",
        b'{"query": 5}',
        JSON,
        "The GraphQL operation's `query` must be a string or null, if provided.",
    ),
    (
        "variables that are a list",
        b'{"query": "{ me { role } }", "variables": [1]}',
        JSON,
        "The GraphQL operation's `variables` must be an object or null, if provided.",
    ),
    (
        "an unknown operation name",
        b'{"query": "{ me { role } }", "operationName": "Nope"}',
        JSON,
        'Unknown operation named "Nope".',
    ),
    *(
        (
            f"content type {kind!r}",
            body(ME),
            {"content-type": kind} if kind else {},
            "unsupported content type: POST application/json, or GET with ?query=",
        )
        for kind in (
            "",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/graphql",
        )
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "headers", "message"), UNREADABLE, ids=[c[0] for c in UNREADABLE]
)
async def test_an_unreadable_body_is_a_400_with_a_json_error(
    hostile_hub: Hub, name: str, content: bytes, headers: dict[str, str], message: str
) -> None:
    response = await hostile_hub.client.post("/graphql", content=content, headers=headers)

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert error["message"].startswith(message), error


async def test_a_batch_of_writes_is_refused_and_writes_nothing(hostile_hub: Hub) -> None:
    submit = {"query": SUBMIT, "variables": {"input": report()}}
    before = await hostile_hub.row_counts()

    response = await hostile_hub.client.post(
        "/graphql", json=[submit, submit], headers=hostile_hub.tokens["reporter"]
    )

    assert (response.status_code, response.json()) == (400, bad_request(BATCH_REFUSED))
    assert await hostile_hub.row_counts() == before


GETS: list[tuple[str, int, str]] = [
    ("?query=%7Bme%7Brole%7D%7D", 200, ""),
    ("?query={me{role}}&variables=%7Bx", 400, "not valid JSON: unexpected character"),
    ("?query={me{role}}&variables=5", 400, "expected a JSON object, got a number"),
    ("?query={me{role}}&variables=%5B1%5D", 400, BATCH_REFUSED),
    ("?query=%ff%fe", 200, "Syntax Error: Unexpected character: U+FFFD."),
    ("?query=" + "{" * 3000, 200, "Syntax Error: Expected Name, found '{'."),
    (
        "?query=mutation{revokeToken(input:{id:1}){token{id}}}",
        405,
        "mutations are not allowed over GET (GraphQL over HTTP): send them with POST",
    ),
]


@pytest.mark.parametrize(("query", "status", "message"), GETS)
async def test_get_with_a_bad_query_string_is_a_clear_error(
    hostile_hub: Hub, query: str, status: int, message: str
) -> None:
    response = await hostile_hub.client.get(
        f"/graphql{query}", headers={"accept": "application/json"}
    )

    assert response.status_code == status, response.text
    answer = response.json()
    if not message:
        assert answer == {"data": {"me": None}}
    elif status in (400, 405):
        [error] = answer["errors"]
        code = "BAD_REQUEST" if status == 400 else "METHOD_NOT_ALLOWED"
        assert error["extensions"] == {"code": code} and error["message"].startswith(message)
    else:
        assert answer["data"] is None and answer["errors"][0]["message"] == message


# NUL ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ('{ indicator(code: "P\\u0000OP") { code } }', "indicator(code)"),
        ('{ indicators(search: "a\\u{0}b") { edges { cursor } } }', "indicators(search)"),
        (
            '{ observations(filter: {areas: ["P01", "\\u0000"]}) { edges { cursor } } }',
            "observations(filter).areas[1]",
        ),
        (
            'mutation { createToken(input: {name: "x\\u0000", role: READER}) { secret } }',
            "createToken(input).name",
        ),
    ],
)
async def test_a_nul_in_a_string_literal_is_refused_naming_where(
    hostile_hub: Hub, document: str, where: str
) -> None:
    before = await hostile_hub.row_counts()

    response = await hostile_hub.graphql(document, role="admin")

    assert response.status_code == 200
    error = {
        "message": f"{where} {REASON}",
        "extensions": {"code": "INVALID_INPUT", "field": where},
    }
    assert response.json() == {"data": None, "errors": [error]}
    assert await hostile_hub.row_counts() == before


@pytest.mark.parametrize(
    "url",
    [
        "/graphql?query=%7Bindicator(code:%22%00%22)%7Bcode%7D%7D",
        "/export/observations.csv?indicator=P%00OP",
        "/sdmx/2.1/data/BC-M?startPeriod=2025%00",
        "/id/indicator/P%00OP",
    ],
)
async def test_a_nul_in_a_url_is_a_400_before_any_route(hostile_hub: Hub, url: str) -> None:
    response = await hostile_hub.client.get(url)

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": f"the URL {REASON}",
                "extensions": {"code": "INVALID_INPUT", "field": "url"},
            }
        ]
    }


# Numbers --------------------------------------------------------------------------------------

NOT_NUMBERS = [
    ("NaN", "not a finite decimal number"),
    ("nan", "not a finite decimal number"),
    ("sNaN", "not a finite decimal number"),
    ("Infinity", "not a finite decimal number"),
    ("-Infinity", "not a finite decimal number"),
    ("inf", "not a finite decimal number"),
    ("1e400", "its magnitude is beyond 1E±100"),
    ("-1e-400", "its magnitude is beyond 1E±100"),
    ("9" * 400, "more than 100 significant digits"),
    ("0." + "1" * 400, "more than 100 significant digits"),
    ("0E+400", "its exponent is beyond 1E±100"),
    ("0E-99999", "its exponent is beyond 1E±100"),
    ("1,5", "use '.' as the decimal separator and no thousands separator"),
    ("0x10", "not a finite decimal number"),
    ("", "the value is empty"),
]


@pytest.mark.parametrize(("value", "reason"), NOT_NUMBERS)
async def test_a_value_that_is_no_finite_decimal_is_refused_and_writes_nothing(
    hostile_hub: Hub, value: str, reason: str
) -> None:
    before = await hostile_hub.row_counts()

    answer = (await hostile_hub.graphql(SUBMIT, {"input": report(value)}, "reporter")).json()

    [error] = answer["data"]["submitReport"]["errors"]
    assert (error["path"], error["code"]) == ("observations[0].value", "VALUE_NOT_A_NUMBER")
    assert error["message"] == f"{value!r} is not a number: {reason}"
    assert await hostile_hub.row_counts() == before


# Stored as sent, but for the sign of zero: NUMERIC has none, so neither has SQLite's text.
STORED = [
    ("-0", "0"),
    ("-0.0", "0.0"),
    ("-0.000", "0.000"),
    ("+0", "0"),
    ("-0E+3", "0"),
    ("0E-150", "0." + "0" * 150),
    ("1.50", "1.50"),
    ("1.2E+3", "1200"),
    ("-7.25", "-7.25"),
    ("1E-100", "0." + "0" * 99 + "1"),
    ("9" * 100, "9" * 100),
    (" 12 ", "12"),
]


@pytest.mark.parametrize(("sent", "stored"), STORED)
async def test_a_value_is_stored_exactly_and_negative_zero_as_zero(
    hostile_hub: Hub, sent: str, stored: str
) -> None:
    # RATE has no lower bound problem for these (POP has min 0: -7.25 is for REV).
    indicator, unit = ("REV", "BVND") if sent.startswith("-7") else ("POP", "PERSON")
    changes = {"indicator": indicator, "unit": unit}
    if indicator == "REV":
        changes["dimensions"] = []

    answer = (
        await hostile_hub.graphql(SUBMIT, {"input": report(sent, **changes)}, "reporter")
    ).json()

    assert answer["data"]["submitReport"]["errors"] == [], answer
    value = await hostile_hub.scalar(
        sa.select(ObservationRevision.reported_value).order_by(ObservationRevision.id.desc())
    )
    assert format(value, "f") == stored


ACCEPT = """
mutation { acceptReport(input: {regime: "BC-M", agency: "UBND-01", period: "2025-M03"}) {
  errors { code } } }
"""
COMMUNE_VALUES = """
{ observations(filter: {areas: ["P01-C1"]}) {
    edges { node { value revisions { reportedValue } } } } }
"""


async def test_negative_zero_reads_back_as_zero_through_the_api(hostile_hub: Hub) -> None:
    # given a report of "-0.0" for a commune, accepted
    submit = {"input": report("-0.0", area="P01-C1")}
    submitted = (await hostile_hub.graphql(SUBMIT, submit, "reporter")).json()
    accepted = (await hostile_hub.graphql(ACCEPT, role="reviewer")).json()
    assert submitted["data"]["submitReport"]["errors"] == []
    assert accepted["data"]["acceptReport"] == {"errors": []}

    answer = (await hostile_hub.graphql(COMMUNE_VALUES)).json()

    [edge] = answer["data"]["observations"]["edges"]
    assert edge["node"]["value"] == "0.0"
    assert edge["node"]["revisions"][-1]["reportedValue"] == "0.0"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (12, "String cannot represent a non string value: 12"),
        (1.5, "String cannot represent a non string value: 1.5"),
        (True, "String cannot represent a non string value: True"),
        (None, "Expected value of non-null type 'String!' not to be None."),
        ({"v": "1"}, "String cannot represent a non string value: {'v': '1'}"),
    ],
)
async def test_a_value_sent_as_a_json_number_is_refused_naming_the_field(
    hostile_hub: Hub, value: Any, message: str
) -> None:
    before = await hostile_hub.row_counts()

    response = await hostile_hub.graphql(SUBMIT, {"input": report(value)}, "reporter")

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert response.json()["data"] is None
    assert (
        error["message"]
        == f"Variable '$input' has invalid value at .observations[0].value: {message}"
    )
    assert await hostile_hub.row_counts() == before


@pytest.mark.parametrize(
    ("multiplier", "reason"),
    [
        ("NaN", "not a finite decimal number"),
        ("Infinity", "not a finite decimal number"),
        ("1e400", "its magnitude is beyond 1E±100"),
        ("1" * 400, "more than 100 significant digits"),
        (1.5, None),
    ],
)
async def test_a_decimal_argument_follows_the_same_rules(
    hostile_hub: Hub, multiplier: Any, reason: str | None
) -> None:
    variables = {"input": {"code": "MVND", "baseVersion": 1, "multiplier": multiplier}}
    literal = UPDATE_UNIT.replace("($input: UpdateUnitInput!)", "").replace(
        "input: $input",
        f'input: {{code: "MVND", baseVersion: 1, multiplier: {orjson.dumps(multiplier).decode()}}}',
    )
    before = await hostile_hub.row_counts()

    sent = await hostile_hub.graphql(UPDATE_UNIT, variables, "curator")
    written = await hostile_hub.graphql(literal, role="curator")

    why = f"{reason}." if reason else 'Give it as a string such as "1234.50".'
    explained = f"Value cannot represent a Decimal: {multiplier!r}. {why}"
    [error] = sent.json()["errors"]
    assert error["message"] == f"Variable '$input' has invalid value at .multiplier: {explained}"
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": "input.multiplier"}
    [error] = written.json()["errors"]  # in the document: a validation error, not a masked one
    assert error["message"] == explained
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert await hostile_hub.row_counts() == before


# Size, depth, width ---------------------------------------------------------------------------


@pytest.fixture
async def small_hub(hostile_hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """The hostile hub's database behind an app that takes bodies of 1 MB at most."""
    limits = replace(hostile_hub.settings.limits, max_body_bytes=1_000_000)
    app = create_app(replace(hostile_hub.settings, limits=limits))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client
    await app.state.engine.dispose()


TOO_LARGE = {
    "errors": [
        {
            "message": "request body exceeds the limit of 1000000 bytes",
            "extensions": {"code": "LIMIT_EXCEEDED", "field": "body"},
        }
    ]
}


def _ten_megabyte_report() -> dict[str, Any]:
    padding = "x" * (10 * 1024 * 1024)
    return {
        "query": SUBMIT,
        "variables": {"input": {**report(), "sections": [{"code": "S1", "text": padding}]}},
    }


async def test_a_10_mb_body_is_a_413_with_a_json_error_and_writes_nothing(
    hostile_hub: Hub, small_hub: httpx.AsyncClient
) -> None:
    before = await hostile_hub.row_counts()

    response = await small_hub.post(
        "/graphql", json=_ten_megabyte_report(), headers=hostile_hub.tokens["reporter"]
    )

    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert response.headers["content-type"] == "application/json"
    assert await hostile_hub.row_counts() == before


async def test_a_10_mb_body_without_a_length_is_refused_while_streaming(
    hostile_hub: Hub, small_hub: httpx.AsyncClient
) -> None:

    content = orjson.dumps(_ten_megabyte_report())

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(content), 64 * 1024):
            yield content[start : start + 64 * 1024]

    before = await hostile_hub.row_counts()
    headers = {**JSON, **hostile_hub.tokens["reporter"]}

    response = await small_hub.post("/graphql", content=chunks(), headers=headers)

    assert "content-length" not in response.request.headers
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert await hostile_hub.row_counts() == before


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            "{" + "me { " * 500 + "role" + " }" * 501,
            "Syntax Error: Document is nested too deeply. Parsing aborted.",
        ),
        (
            "{ areas { edges { node { " + "parent { " * 20 + "code" + " }" * 20 + " } } } }",
            "'anonymous' exceeds maximum operation depth of 12",
        ),
        (
            "{ " + " ".join(f"a{i}: me {{ role }}" for i in range(1000)) + " }",
            "Syntax Error: Document contains more than 5000 tokens. Parsing aborted.",
        ),
        (
            "{ " + " ".join(f"a{i}: me {{ role }}" for i in range(100)) + " }",
            "100 aliases found. Allowed: 30",
        ),
        (
            "{ me { " + "role " * 6000 + "} }",
            "Syntax Error: Document contains more than 5000 tokens. Parsing aborted.",
        ),
    ],
    ids=["500 levels", "20 levels of parent", "1,000 aliases", "100 aliases", "6,000 fields"],
)
async def test_deep_and_wide_documents_are_clear_errors(
    hostile_hub: Hub, document: str, message: str
) -> None:
    response = await hostile_hub.graphql(document)

    assert response.status_code == 200
    answer = response.json()
    assert answer["data"] is None and answer["errors"][0]["message"] == message


def fragment_bomb(levels: int) -> str:
    """Fragments each spreading the next twice: 2^levels selections once expanded."""
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"query {{ ...F0 }} {fragments} fragment F{levels} on Query {{ me {{ role }} }}"


async def test_a_fragment_bomb_is_refused_before_validation(hostile_hub: Hub) -> None:
    # 200 tokens expanding to 2^20 selections: the depth and alias limiters would walk them all.
    response = await hostile_hub.graphql(fragment_bomb(20))

    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "the document expands (fragments spread into fragments) to more "
                "than 5000 selections (HUB_MAX_QUERY_TOKENS)",
                "extensions": {"code": "LIMIT_EXCEEDED"},
            }
        ],
    }


async def test_fragments_that_expand_within_the_limit_are_answered(hostile_hub: Hub) -> None:
    response = await hostile_hub.graphql(fragment_bomb(10))  # 1,024 selections

    assert (response.status_code, response.json()) == (200, {"data": {"me": None}})


async def test_a_deeply_nested_variable_is_refused_by_its_type(hostile_hub: Hub) -> None:
    nested = "[" * 1000 + '"P01"' + "]" * 1000  # just under orjson's depth limit
    query = (
        "query Q($areas: [String!]) { observations(filter: {areas: $areas}) { edges { cursor } } }"
    )
    content = f'{{"query": "{query}", "variables": {{"areas": {nested}, "unused": {nested}}}}}'

    response = await hostile_hub.client.post("/graphql", content=content, headers=JSON)

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error == {
        "message": "Variable values are nested too deeply.",
        "extensions": {"code": "INVALID_INPUT"},
    }


async def test_the_database_is_intact_after_the_attacks(hostile_hub: Hub) -> None:
    counts = await hostile_hub.row_counts()
    answer = (
        await hostile_hub.graphql('{ indicator(code: "POP") { code } regimes { code } }')
    ).json()

    assert answer == {"data": {"indicator": {"code": "POP"}, "regimes": [{"code": "BC-M"}]}}
    assert counts["report"] >= 1 and counts["indicator"] >= 4 and counts["api_token"] >= 6
    assert serial()  # the shared numbering still runs
