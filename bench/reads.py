"""Q1-Q3 over HTTP: the hub, the floor and the peer, each asked once for its answer (which must
be the floor's), then loaded by wrk at each concurrency, one after the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from bench.load import Load, run_load
from bench.queries import FLOOR, HUB, PEER, GraphQLQuery

QUERIES = tuple(FLOOR)
WARM_UP_S = 1.0

Answer = list[tuple[Any, ...]]


@dataclass
class Target:
    """A server under test and, per query, where to POST what (None: not available, why)."""

    name: str
    requests: dict[str, tuple[str, dict[str, Any]] | None]
    unavailable: dict[str, str] = field(default_factory=dict)


CACHED = "hub cached"  # the hub keeping answers (--cache), measured apart


def hub_target(base: str, name: str = "hub") -> Target:
    fields = _query_fields(base + "/graphql")
    target = Target(name, {})
    for name, query in HUB.items():
        if name == "q3" and "aggregate" not in fields:
            target.requests[name] = None
            target.unavailable[name] = "not available: the schema has no `aggregate` query yet"
        else:
            target.requests[name] = (base + "/graphql", query.body())
    return target


def floor_target(base: str) -> Target:
    return Target("floor", {name: (f"{base}/{name}", HUB[name].body()) for name in QUERIES})


def peer_target(url: str) -> Target:
    return Target("peer", {name: (url, query.body()) for name, query in PEER.items()})


def _query_fields(url: str) -> set[str]:
    body = GraphQLQuery('{ __type(name: "Query") { fields { name } } }').body()
    answer = httpx.post(url, json=body, timeout=60).json()
    return {f["name"] for f in answer["data"]["__type"]["fields"]}


def answer_of(target: str, query: str, body: dict[str, Any]) -> Answer:
    """The rows an answer carries, in a form all three targets share."""
    data = body["data"]
    if target == "peer":
        nodes = data["allObservationValues"]
        if query == "q1":
            return [(n["period"], Decimal(n["value"])) for n in nodes["nodes"]]
        if query == "q2":
            return [
                (
                    n["period"],
                    Decimal(n["value"]),
                    n["indicator"]["code"],
                    n["area"]["code"],
                    n["dimensionKey"],
                )
                for n in nodes["nodes"]
            ]
        return [
            (g["keys"][0], Decimal(g["sum"]["value"]), int(g["distinctCount"]["rowId"]))
            for g in nodes["groupedAggregates"]
        ]
    if query == "q1":
        return [(p["period"], Decimal(p["value"])) for s in data["series"] for p in s["points"]]
    if query == "q2":
        return [
            (
                n["period"],
                Decimal(n["value"]),
                n["indicator"]["code"],
                n["area"]["code"],
                ";".join(f"{d['dimension']}={d['code']}" for d in n["dimensions"]),
            )
            for n in (e["node"] for e in data["observations"]["edges"])
        ]
    return [
        (g["period"], Decimal(g["value"]), int(g["count"])) for g in data["aggregate"]["groups"]
    ]


def ask(target: Target, query: str) -> Answer | str:
    """The target's answer to `query`, or why there is none."""
    request = target.requests.get(query)
    if request is None:
        return target.unavailable.get(query, "not available")
    url, body = request
    response = httpx.post(url, json=body, timeout=120)
    answer = response.json()
    if response.status_code != 200 or answer.get("errors"):
        return f"error: {str(answer.get('errors') or response.text)[:300]}"
    return answer_of(target.name, query, answer)


@dataclass
class QueryResult:
    """One query at one concurrency on one target."""

    target: str
    query: str
    concurrency: int
    load: Load | None
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "target": self.target,
            "query": self.query,
            "concurrency": self.concurrency,
            "note": self.note,
        }
        if self.load is not None:
            found.update(self.load.as_dict())
        return found


def measure(
    targets: list[Target],
    *,
    concurrencies: tuple[int, ...],
    duration_s: float,
    queries: tuple[str, ...] = QUERIES,
) -> tuple[list[QueryResult], dict[str, dict[str, str]]]:
    """Every query on every target at every concurrency; and per query, whether each
    target's answer is the floor's (`same`, `DIFFERENT: ...`, or why it was not asked)."""
    results: list[QueryResult] = []
    checks: dict[str, dict[str, str]] = {}
    for query in queries:
        answers = {t.name: ask(t, query) for t in targets}
        floor = answers.get("floor")
        checks[query] = {}
        for target in targets:
            answer = answers[target.name]
            if isinstance(answer, str):
                checks[query][target.name] = answer
            elif floor is None or isinstance(floor, str):
                checks[query][target.name] = f"{len(answer)} rows"
            elif sorted(answer) == sorted(floor):
                checks[query][target.name] = f"same as the floor ({len(answer)} rows)"
            else:
                checks[query][target.name] = (
                    f"DIFFERENT from the floor: {len(answer)} rows against {len(floor)}; "
                    f"first {answer[:1]} against {floor[:1]}"
                )
        for concurrency in concurrencies:
            for target in targets:
                request = target.requests.get(query)
                answer = answers[target.name]
                if request is None or isinstance(answer, str):
                    note = answer if isinstance(answer, str) else "not available"
                    results.append(QueryResult(target.name, query, concurrency, None, note))
                    continue
                url, body = request
                # At concurrency 1: a slow server must not still be busy with the warm-up's
                # requests when the measured run starts.
                run_load(url, body, concurrency=1, duration_s=WARM_UP_S)
                load = run_load(url, body, concurrency=concurrency, duration_s=duration_s)
                results.append(QueryResult(target.name, query, concurrency, load))
    return results, checks
