"""Running hostile-text cases: where a value goes, what must come back, and the checks.

A `Case` is one String or ID argument of the schema (`Mutation.submitReport(input).agency`):
the operation sending it, its variables with `X` where the value goes, and the expectation
for a value. `run_case` sends a value and asserts the exact answer; a NUL anywhere is refused
before execution with one error naming where (`hub.graphql.input_text`), for every case.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from hub.access.models import AuditEvent
from hub.nul import NUL, REASON
from tests.hub.security.conftest import Hub

HOSTILE = (
    "'; DROP TABLE report;--",
    '" OR 1=1 -- \\ \\\' \\" \\\\u0000 \\x00',  # quotes, backslashes, escapes that are no NUL
    "{ __schema { types { name } } } $var ${x} %s %n {0} query { me { role } }",
    "Tình hình ổn định – Đắk Lắk 📈 👩‍👩‍👧 🇻🇳 \u202eevil\u202c \u200fمرحبا\u200e",
    "line\nbreak\r\ttab <script>alert(1)</script> \u2028\ufeff",
    "x" * 5000,  # longer than any code or name column
)
NUL_TEXT = "before\x00after"
# For cases that cost a catalog round trip each: every hostile feature in one value, and length.
FEW = (" ".join(HOSTILE[:-1]), HOSTILE[-1])

X = object()  # where the hostile value goes in a case's variables
_serial = itertools.count(1)


def serial() -> str:
    """A fresh number per call, for values and codes that must differ from case to case."""
    return str(next(_serial))


Read = Callable[[Hub, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True)
class Kept:
    """Stored: no errors, and `read` (from the answer or the database) gives the value back as
    sent, or a set holding it."""

    read: Read


@dataclass(frozen=True)
class Problems:
    """Refused in the payload with exactly these (path, code) and nothing written, but the
    audit of an access refusal when `audited`."""

    problems: tuple[tuple[str, str], ...]
    audited: bool = False


@dataclass(frozen=True)
class Refused:
    """Refused in the payload, every problem with one of `codes` (their number and paths
    depend on the value: a file's lines, say); nothing written."""

    codes: frozenset[str]


@dataclass(frozen=True)
class Failure:
    """A top-level error with this code and field; the field is null."""

    code: str
    field: str


@dataclass(frozen=True)
class Accepted:
    """A write that succeeds with the value used, not stored (a system without crosswalk)."""


@dataclass(frozen=True)
class Answered:
    """A read answered without error (a search that finds nothing, a filter matching none)."""


Expectation = Kept | Problems | Refused | Failure | Accepted | Answered
Expect = Callable[[str], Expectation]
Names = dict[str, Any]


def problem(path: str, code: str, *more: tuple[str, str]) -> Problems:
    return Problems(((path, code), *more))


def always(expectation: Expectation) -> Expect:
    return lambda value: expectation


def kept(read: Read, limit: int | None = None, too_long: Expectation | None = None) -> Expect:
    """Kept verbatim; a value over `limit` characters gets `too_long` instead."""
    return lambda value: too_long if limit and too_long and len(value) > limit else Kept(read)


@dataclass(frozen=True)
class Case:
    """One argument. `setup` runs once per case and `prepare` before each value; both return
    names that placeholders in `variables` stand for (`"BASE"`: a version known at run time).
    `encode` turns the value into what is sent (an id carrying it)."""

    key: str  # `Type.field(argument).input.field`, as the schema names it
    role: str | None
    document: str
    variables: dict[str, Any]
    expect: Expect
    encode: Callable[[str], str] = field(default=lambda value: value)
    setup: Callable[[Hub], Awaitable[Names]] | None = None
    prepare: Callable[[Hub, Names], Awaitable[Names]] | None = None
    values: tuple[str, ...] = FEW


def fill(template: Any, value: str, names: Names) -> Any:
    """`template` with X replaced by `value`, `SERIAL` (in a string) by a fresh number and
    every name by its value."""
    if template is X:
        return value
    if isinstance(template, str):
        if "SERIAL" in template:
            return template.replace("SERIAL", serial())
        return names.get(template, template)
    if isinstance(template, dict):
        return {k: fill(v, value, names) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, value, names) for v in template]
    return template


def where_of(template: Any, path: str = "") -> str | None:
    """The variable path of X in `template`, as the NUL refusal names it: `$input.agency`."""
    if template is X:
        return path
    items: Iterator[tuple[str, Any]] = iter(())
    if isinstance(template, dict):
        items = ((f"{path}.{k}" if path else f"${k}", v) for k, v in template.items())
    elif isinstance(template, list):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(template))
    for where, item in items:
        found = where_of(item, where)
        if found is not None:
            return found
    return None


def _named(path: str, names: Names) -> str:
    """`indicator CODE` with the code the case's setup made."""
    return " ".join(str(names.get(word, word)) for word in path.split(" "))


def payload(body: dict[str, Any]) -> dict[str, Any]:
    """The one root field's value of an answer."""
    [value] = body["data"].values()
    result: dict[str, Any] = value
    return result


async def run_case(hub: Hub, case: Case, value: str, names: Names) -> None:
    """Send `value` through `case` and assert the exact answer and what was written."""
    if case.prepare is not None:
        names = {**names, **await case.prepare(hub, names)}
    sent = case.encode(value)
    writes = case.document.lstrip().startswith("mutation")
    before = await hub.row_counts() if writes else {}
    response = await hub.graphql(case.document, fill(case.variables, sent, names), case.role)
    after = await hub.row_counts() if writes else {}
    assert response.status_code == 200, response.text
    body = response.json()
    if NUL in sent:
        where = where_of(case.variables)
        error = {
            "message": f"{where} {REASON}",
            "extensions": {"code": "INVALID_INPUT", "field": where},
        }
        assert body == {"data": None, "errors": [error]}, body
        assert after == before
        return
    expectation = case.expect(value)
    if isinstance(expectation, Kept):
        assert "errors" not in body and payload(body)["errors"] == [], body
        found = await expectation.read(hub, body)
        assert sent == found or (isinstance(found, set) and sent in found), (sent, found)
    elif isinstance(expectation, Problems):
        assert "errors" not in body, body
        got = tuple((e["path"], e["code"]) for e in payload(body)["errors"])
        wanted = tuple((_named(path, names), code) for path, code in expectation.problems)
        assert got == wanted, payload(body)["errors"]
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        if expectation.audited:
            # The audit row, and the change-feed row every committed write adds.
            audits, changes = before["audit_event"], before["data_change"]
            assert changed == {
                "audit_event": (audits, audits + 1),
                "data_change": (changes, changes + 1),
            }, changed
            denial = await hub.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()))
            assert denial.action == "access.denied" and denial.entity_code == value[:400]
        else:
            assert changed == {}, changed
    elif isinstance(expectation, Refused):
        assert "errors" not in body, body
        codes = {e["code"] for e in payload(body)["errors"]}
        assert codes and codes <= expectation.codes, payload(body)["errors"]
        assert after == before
    elif isinstance(expectation, Failure):
        [error] = body["errors"]
        assert error["extensions"]["code"] == expectation.code, error
        assert error["extensions"].get("field") == expectation.field, error
        assert body["data"] is None or None in body["data"].values(), body
        assert after == before
    elif isinstance(expectation, Accepted):
        assert "errors" not in body and payload(body)["errors"] == [], body
    else:
        assert "errors" not in body, body
