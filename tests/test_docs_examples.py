"""Every example in `docs/*.md` runs, so a guide cannot rot.

GraphQL: every fenced ```graphql block is POSTed to a test hub (the real ASGI app through
httpx) and fails the test on any GraphQL error or any non-empty payload `errors` list. A
```json block right after it holds its variables (readers see them too). An HTML comment on
the line before the block declares what else it needs:

    <!-- example: as=reporter:UBND-01 expect=UNKNOWN_UNIT,VALUE_NOT_A_NUMBER -->

- `as=ROLE[:AGENCY]`: sent with `Authorization: Bearer` of a token of that role (and agency),
  issued through the access service once per role and agency;
- `expect=CODE[,CODE...]`: the example demonstrates errors; the set of error codes it gets
  (payload `errors[].code` and GraphQL `errors[].extensions.code`) must be exactly this;
- `subscription`: the example is a subscription, which runs over WebSocket: it is validated
  against the hub's schema instead of POSTed (tests/hub/graphql/test_subscriptions.py runs
  subscriptions for real).

Shell: a ```sh line that calls `hub ...` is checked against the CLI (the command exists and
knows every `--option` the line uses) without running it; a block marked
`<!-- example: run -->` is also run in-process (only cheap commands that touch no database).
Every other shell line (curl, pg_dump ...) is shown, not run.

Python and JavaScript: every ```python block is compiled (`compile()`) and every ```js block
is checked by `node --check` (syntax only: the npm packages it imports are not resolved), and
each must carry exactly one of these directives, so that no new block goes unexamined:

- `signs` (python): the block is run with `r` bound to the `input` variables of the next
  GraphQL example less their `signature`, and `KEY_ID` to that signature's `keyId`; the
  signature it puts in `r["signature"]` must be the one that example sends, and `r` itself
  (without its `idempotencyKey`, with `validateOnly: true`) is submitted to the hub as a
  reporter of its agency and must come back without errors;
- `websocket` (python, with `as=ROLE:AGENCY`): the block defines `async def follow(token)`;
  it is run against a uvicorn server on 127.0.0.1 serving the test hub's database, with
  `wss://hub.example.gov.vn` replaced by that server's address, `print` collecting what it
  prints and the token of `as=`; the test then submits a signed report of that agency
  through the server, and the block must print that report's `SUBMITTED` event;
- `illustration`: the block is shown, not run (it needs a third-party service or a browser).

The hub: one database per backend and test run, migrated, holding the seed catalog and the
demo reports as they stood on 2025-09-30 (Vietnam time). Examples are read from `docs/*.md`
(sorted), then README.md, and run in that order and the order of the blocks in them, on that
one hub: a later example may read what an earlier one wrote (submit, then accept; README's
signed example verifies with the key the integrators' guide registered). The Python blocks
run after every GraphQL example (their tests come later in this module).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import graphql as graphql_core
import httpx
import pytest
import typer
from starlette.applications import Starlette
from typer.testing import CliRunner

from catalog.mapping import load_source_catalog
from hub.app import create_app
from hub.cli import app as cli_app
from hub.db import create_engine, create_session_factory, run_migrations
from hub.demo import load_demo
from hub.graphql.schema import build_schema
from hub.metadata.store import import_catalog
from hub.settings import Settings
from tests.conftest import fresh_database, postgres_server
from tests.hub.graphql.live_servers import WAIT, serve_in_process
from tests.hub.security.keys import canonical, make_key

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SOURCES = [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]
DEMO_AS_OF = datetime(2025, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
_FENCE = re.compile(r"^```(\w*)\s*$")
_DIRECTIVE = re.compile(r"^<!--\s*example:(.*?)-->\s*$")


@dataclass
class Example:
    """One fenced block of a guide and what its directive asks for."""

    where: str  # docs/file.md:line of the opening fence
    language: str
    text: str
    options: dict[str, str] = field(default_factory=dict)
    variables: dict[str, Any] = field(default_factory=dict)


def _directive(line: str) -> dict[str, str]:
    match = _DIRECTIVE.match(line.strip())
    if not match:
        return {}
    options: dict[str, str] = {}
    for word in match.group(1).split():
        key, _, value = word.partition("=")
        options[key] = value
    return options


def read_examples(paths: list[Path] = SOURCES) -> list[Example]:
    """The graphql, sh, python and js blocks of every guide, in file and document order."""
    examples: list[Example] = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        index = 0
        graphql_closed_at = -10  # line index of the closing fence of the last graphql block
        while index < len(lines):
            fence = _FENCE.match(lines[index])
            if not fence:
                index += 1
                continue
            start = index
            index += 1
            body: list[str] = []
            while index < len(lines) and not lines[index].startswith("```"):
                body.append(lines[index])
                index += 1
            language = fence.group(1)
            between = lines[graphql_closed_at + 1 : start]
            if (
                language == "json"
                and graphql_closed_at >= 0
                and not any(s.strip() for s in between)
            ):
                examples[-1].variables = json.loads("\n".join(body))
            elif language in ("graphql", "sh", "python", "js"):
                where = f"{path.relative_to(ROOT)}:{start + 1}"
                options = _directive(lines[start - 1]) if start > 0 else {}
                examples.append(Example(where, language, "\n".join(body), options))
            graphql_closed_at = index if language == "graphql" else -10
            index += 1
    return examples


EXAMPLES = read_examples()
GRAPHQL = [e for e in EXAMPLES if e.language == "graphql"]
SHELL = [e for e in EXAMPLES if e.language == "sh"]


def test_the_guides_have_examples() -> None:
    assert len(GRAPHQL) >= 10, "the guides lost their GraphQL examples"


# --- GraphQL -------------------------------------------------------------------------------


@dataclass
class DocsHub:
    app: Starlette
    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)

    async def token(self, spec: str) -> str:
        """The secret of a token of `role[:agency]`, issued once per test run."""
        if spec not in self.tokens:
            from hub.access.tokens import create_token

            role, _, agency = spec.partition(":")
            async with self.app.state.session_factory() as session:
                issued = await create_token(
                    session=session,
                    role=role,
                    agency=agency or None,
                    name=f"docs-{spec}",
                    actor="docs-test",
                )
                await session.commit()
            self.tokens[spec] = issued.secret
        return self.tokens[spec]

    async def post(self, query: str, variables: dict[str, Any], spec: str | None) -> Any:
        """POST a GraphQL document to the app, with the token of `spec` if given."""
        headers = {"authorization": f"Bearer {await self.token(spec)}"} if spec else {}
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        assert response.status_code < 500, response.text
        return response.json()


@pytest.fixture(scope="session")
async def docs_hub(
    database_backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DocsHub]:
    """A hub with the seed catalog and the demo reports of up to 2025-09-30."""
    url, name = await fresh_database(database_backend, tmp_path_factory.mktemp("docs"))
    await asyncio.to_thread(run_migrations, url)
    settings = Settings().with_database(url)
    engine = create_engine(settings)
    async with create_session_factory(engine)() as session:
        await import_catalog(load_source_catalog(), session=session)
        await load_demo(session=session, now=DEMO_AS_OF)
        await session.commit()
    await engine.dispose()
    app = create_app(settings)
    yield DocsHub(app, settings)
    await app.state.engine.dispose()
    if name is not None:
        await postgres_server().drop(name)


def _error_codes(value: Any) -> set[str]:
    """Codes of every payload `errors` list (InputError) anywhere in `data`."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "errors" and isinstance(item, list):
                found |= {e["code"] for e in item if isinstance(e, dict) and "code" in e}
            else:
                found |= _error_codes(item)
    elif isinstance(value, list):
        for item in value:
            found |= _error_codes(item)
    return found


@pytest.mark.parametrize("example", GRAPHQL, ids=[e.where for e in GRAPHQL])
async def test_graphql_example(docs_hub: DocsHub, example: Example) -> None:
    if "subscription" in example.options:
        document = graphql_core.parse(example.text)
        errors = graphql_core.validate(build_schema(docs_hub.settings)._schema, document)
        assert errors == [], f"{example.where}: {errors}"
        operation = graphql_core.get_operation_ast(document)
        assert operation is not None and operation.operation.value == "subscription"
        return
    body = await docs_hub.post(example.text, example.variables, example.options.get("as"))
    graphql_codes = {
        (e.get("extensions") or {}).get("code", "GRAPHQL_ERROR") for e in body.get("errors", [])
    }
    codes = graphql_codes | _error_codes(body.get("data"))
    expected = {c for c in example.options.get("expect", "").split(",") if c}
    assert codes == expected, f"{example.where}: {json.dumps(body, ensure_ascii=False)[:3000]}"
    if not expected:
        assert body.get("data"), body


# --- shell ---------------------------------------------------------------------------------


def _hub_calls(text: str) -> list[list[str]]:
    """The argument lists of the `hub` calls of a shell block (continuations joined)."""
    calls: list[list[str]] = []
    for line in text.replace("\\\n", " ").splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line)
        while words and "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]  # VAR=value prefixes
        if words and words[0] in ("hub", ".venv/bin/hub"):
            calls.append(words[1:])
    return calls


def _command(arguments: list[str]) -> tuple[Any, list[str]]:
    """The (click) command a `hub` call names and the arguments left for it."""
    command: Any = typer.main.get_command(cli_app)  # typer vendors its own click
    rest = list(arguments)
    while hasattr(command, "commands") and rest and rest[0] in command.commands:
        command = command.commands[rest.pop(0)]
    return command, rest


HUB_CALLS = [
    pytest.param(e, call, id=f"{e.where}:hub {' '.join(call[:2])}")
    for e in SHELL
    for call in _hub_calls(e.text)
]


@pytest.mark.parametrize(("example", "call"), HUB_CALLS)
def test_hub_command_exists(example: Example, call: list[str]) -> None:
    command, rest = _command(call)
    assert not hasattr(command, "commands"), f"{example.where}: `hub {' '.join(call)}`"
    known = {option for param in command.params for option in param.opts}
    used = {word.split("=", 1)[0] for word in rest if word.startswith("--")}
    assert used <= known, f"{example.where}: unknown options {used - known}"


RUN = [e for e in SHELL if "run" in e.options]


@pytest.mark.parametrize("example", RUN, ids=[e.where for e in RUN])
def test_shell_example_runs(example: Example) -> None:
    for call in _hub_calls(example.text):
        result = CliRunner().invoke(cli_app, call)
        assert result.exit_code == 0, f"{example.where}: hub {' '.join(call)}\n{result.output}"


def test_the_integrators_guide_names_every_problem_code() -> None:
    from hub.reporting.problems import ProblemCode

    guide = (DOCS / "integrators.md").read_text(encoding="utf-8")
    missing = [code.value for code in ProblemCode if f"`{code.value}`" not in guide]
    assert not missing, f"docs/integrators.md does not list {missing}"


# --- Python and JavaScript -----------------------------------------------------------------

CODE = [e for e in EXAMPLES if e.language in ("python", "js")]
HOW = {"python": {"signs", "websocket", "illustration"}, "js": {"illustration"}}


@pytest.mark.parametrize("example", CODE, ids=[e.where for e in CODE])
def test_code_example_compiles_and_says_how_it_runs(example: Example, tmp_path: Path) -> None:
    how = HOW[example.language] & example.options.keys()
    assert len(how) == 1 and example.options.keys() <= HOW[example.language] | {"as"}, (
        f"{example.where}: mark the block with one of {sorted(HOW[example.language])}"
    )
    if example.language == "python":
        compile(example.text, example.where, "exec")
        return
    node = shutil.which("node")
    assert node, "node is needed (README: Node.js with npm)"
    script = tmp_path / "example.mjs"  # an ES module: the blocks import
    script.write_text(example.text, encoding="utf-8")
    checked = subprocess.run([node, "--check", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, f"{example.where}: {checked.stderr}"


def _run(example: Example, namespace: dict[str, Any], text: str | None = None) -> None:
    exec(compile(text or example.text, example.where, "exec"), namespace)  # the guide's own code


def _next_graphql(example: Example) -> Example:
    return next(e for e in EXAMPLES[EXAMPLES.index(example) + 1 :] if e.language == "graphql")


SIGNS = [e for e in CODE if "signs" in e.options]
CHECK_SUBMISSION = """
mutation Check($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } validateOnly observationCount }
}
"""


@pytest.mark.parametrize("example", SIGNS, ids=[e.where for e in SIGNS])
async def test_signing_example_signs_what_the_hub_verifies(
    docs_hub: DocsHub, example: Example
) -> None:
    sent = _next_graphql(example).variables.get("input")
    assert sent and "signature" in sent, f"{example.where}: the next example sends no signature"
    r = {key: value for key, value in copy.deepcopy(sent).items() if key != "signature"}

    _run(example, {"r": r, "KEY_ID": sent["signature"]["keyId"]})

    assert r["signature"] == sent["signature"], f"{example.where}: the next example's differs"
    check = {key: value for key, value in r.items() if key != "idempotencyKey"}
    body = await docs_hub.post(
        CHECK_SUBMISSION, {"input": check | {"validateOnly": True}}, f"reporter:{r['agency']}"
    )
    assert "errors" not in body, body
    payload = body["data"]["submitReport"]
    assert payload["errors"] == [], f"{example.where}: {payload}"
    assert payload["validateOnly"] and payload["observationCount"] == len(r["observations"])


WEBSOCKETS = [e for e in CODE if "websocket" in e.options]
PLACEHOLDER = "wss://hub.example.gov.vn"
REGISTER_KEY = """
mutation Key($agency: String!, $key: String!) {
  registerAgencyKey(input: {agency: $agency, publicKey: $key}) { errors { code } key { keyId } }
}
"""
SUBMIT = """
mutation Submit($input: SubmitReportInput!) {
  submitReport(input: $input) { errors { path code message } report { id } }
}
"""


async def _submit_signed(http: httpx.AsyncClient, token: str, agency: str, area: str) -> str:
    """Register a fresh key of `agency` and submit a signed one-value report; its id."""
    auth = {"authorization": f"Bearer {token}"}
    key = make_key("ED25519")
    registered = await http.post(
        "/graphql",
        json={"query": REGISTER_KEY, "variables": {"agency": agency, "key": key.public}},
        headers=auth,
    )
    found = registered.json()["data"]["registerAgencyKey"]
    assert found["errors"] == [], found
    key_id = found["key"]["keyId"]
    report: dict[str, Any] = {
        "regime": "HUB-RR-PROV-SEM-M",
        "period": "2025-M10",
        "agency": agency,
        "sections": [{"code": "I", "text": "Tình hình tháng 10"}],
        "observations": [
            {
                "indicator": "HUB-EXPORTS",
                "area": area,
                "period": "2025-M10",
                "value": "812.5",
                "unit": "USD_MN",
            }
        ],
    }
    signature = key.detached(key_id, canonical(report))
    report["signature"] = {
        "keyId": signature.key_id,
        "algorithm": signature.algorithm,
        "value": signature.value,
    }
    submitted = await http.post(
        "/graphql", json={"query": SUBMIT, "variables": {"input": report}}, headers=auth
    )
    payload = submitted.json()["data"]["submitReport"]
    assert payload["errors"] == [], payload
    report_id: str = payload["report"]["id"]
    return report_id


async def _until(done: Callable[[], bool], task: asyncio.Task[None], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not done():
        if task.done():
            task.result()  # raises why the block stopped
            raise AssertionError(f"the block ended before {what}")
        assert time.monotonic() < deadline, f"no {what} within {WAIT} s"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("example", WEBSOCKETS, ids=[e.where for e in WEBSOCKETS])
async def test_websocket_example_receives_the_event_of_a_submitted_report(
    docs_hub: DocsHub, example: Example
) -> None:
    assert PLACEHOLDER in example.text, f"{example.where}: the block does not use {PLACEHOLDER}"
    spec = example.options["as"]
    agency = spec.partition(":")[2]
    token = await docs_hub.token(spec)
    app = create_app(docs_hub.settings)
    printed: list[Any] = []
    async with serve_in_process(app) as base, httpx.AsyncClient(base_url=base) as http:
        namespace: dict[str, Any] = {"print": printed.append}
        _run(example, namespace, example.text.replace(PLACEHOLDER, "ws" + base[len("http") :]))
        before = app.state.change_feed.subscribers
        task = asyncio.create_task(namespace["follow"](token))
        try:
            await _until(lambda: app.state.change_feed.subscribers > before, task, "subscription")
            # A province's agency UBND-NN reports for its area NN (seed catalog).
            report_id = await _submit_signed(http, token, agency, area=agency.partition("-")[2])
            await _until(lambda: bool(printed), task, "event")
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    await app.state.engine.dispose()

    assert printed[0] == {
        "data": {
            "reportEvents": {
                "kind": "SUBMITTED",
                "reportId": report_id,
                "period": "2025-M10",
                "status": "SUBMITTED",
            }
        }
    }, f"{example.where}: {printed}"
