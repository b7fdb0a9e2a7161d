"""The printed tables (with the issue's targets beside the ratios) and the results JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.queries import NAMES
from bench.reads import CACHED

# Issue 8's targets, as ratios measured in one run.
INGEST_TARGET = 0.25  # hub observations/s over raw COPY's
THROUGHPUT_TARGET = 1.0  # hub req/s at concurrency 16 over the peer's
LATENCY_TARGET = 2.0  # hub p50 at concurrency 1 over the floor's, at most
GROWTH_TARGET = 1.5  # p50 at 10 M over p50 at 1 M, at most


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISS")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def size_label(size: int) -> str:
    return f"{size / 1e6:g} M" if size >= 1_000_000 else f"{size:,}"


def print_ingest(stage: dict[str, Any]) -> None:
    rows = stage.get("ingest") or {}
    if not rows:
        return
    print(
        f"\nBulk ingest through the full validator, {size_label(stage['observations'])} "
        "observations stored (observations/s)"
    )
    print(
        f"{'database':<12}{'reports':>8}{'values':>9}{'hub':>10}{'floor':>10}{'ratio':>8}"
        f"{'target':>9}  floor"
    )
    for database, figures in rows.items():
        ratio = _ratio(figures["hub_per_s"], figures["floor_per_s"])
        ok = None if ratio is None else ratio >= INGEST_TARGET
        print(
            f"{database:<12}{figures['reports']:>8}{figures['observations']:>9,}"
            f"{_fmt(figures['hub_per_s'], 0):>10}{_fmt(figures['floor_per_s'], 0):>10}"
            f"{_fmt(ratio):>8}{'>= 0.25':>9} {_mark(ok):<5}{figures['floor']}"
        )


def print_submit(stage: dict[str, Any]) -> None:
    rows = stage.get("submit") or {}
    if not rows:
        return
    print("\nsubmitReport through GraphQL over HTTP (seconds)")
    print(f"{'database':<12}{'values':>8}{'validate only':>15}{'first':>9}{'resubmit':>10}")
    for database, f in rows.items():
        print(
            f"{database:<12}{int(f['observations']):>8,}{f['validate_only_s']:>15.2f}"
            f"{f['first_submission_s']:>9.2f}{f['resubmission_s']:>10.2f}"
        )


def _by(reads: list[dict[str, Any]], target: str, query: str, concurrency: int) -> dict[str, Any]:
    for row in reads:
        if (row["target"], row["query"], row["concurrency"]) == (target, query, concurrency):
            return row
    return {}


def print_reads(stage: dict[str, Any]) -> None:
    reads = stage.get("reads") or []
    if not reads:
        return
    workers = stage.get("workers", 1)
    label = size_label(stage["observations"])
    print(
        f"\nReads over HTTP at {label} observations, {workers} worker(s) for the hub and the "
        "floor, PostgreSQL"
    )
    print(
        f"{'query':<38}{'c':>3}{'hub':>9}{'floor':>9}{'peer':>9}{'hub/floor':>11}"
        f"{'hub/peer':>10}  target"
    )
    for query in NAMES:
        for concurrency in stage.get("concurrencies", (1, 16)):
            hub, floor, peer = (_by(reads, t, query, concurrency) for t in ("hub", "floor", "peer"))
            rps = [r.get("rps") for r in (hub, floor, peer)]
            to_peer = _ratio(rps[0], rps[2])
            ok = None if to_peer is None or concurrency == 1 else to_peer >= THROUGHPUT_TARGET
            target = "hub/peer >= 1.0 " + _mark(ok) if concurrency != 1 else ""
            print(
                f"{NAMES[query]:<38}{concurrency:>3}{_fmt(rps[0], 0):>9}{_fmt(rps[1], 0):>9}"
                f"{_fmt(rps[2], 0):>9}{_fmt(_ratio(rps[0], rps[1])):>11}{_fmt(to_peer):>10}"
                f"  {target}"
            )
    print(
        f"\n{'latency ms (p50 / p99)':<38}{'c':>3}{'hub':>22}{'floor':>22}{'peer':>22}"
        f"{'hub/floor p50':>15}  target"
    )
    for query in NAMES:
        for concurrency in stage.get("concurrencies", (1, 16)):
            cells = []
            rows = [_by(reads, t, query, concurrency) for t in ("hub", "floor", "peer")]
            for row in rows:
                cells.append(
                    f"{_fmt(row.get('p50_ms'))} / {_fmt(row.get('p99_ms'))}"
                    if row.get("p50_ms") is not None
                    else "-"
                )
            ratio = _ratio(rows[0].get("p50_ms"), rows[1].get("p50_ms"))
            ok = None if ratio is None or concurrency != 1 else ratio <= LATENCY_TARGET
            target = "hub/floor <= 2.0 " + _mark(ok) if concurrency == 1 else ""
            print(
                f"{NAMES[query]:<38}{concurrency:>3}{cells[0]:>22}{cells[1]:>22}{cells[2]:>22}"
                f"{_fmt(ratio):>15}  {target}"
            )
    print_cached(stage)
    for query, checks in (stage.get("answers") or {}).items():
        for target, verdict in checks.items():
            if not verdict.startswith("same"):
                print(f"  {NAMES[query]}, {target}: {verdict}")


def print_cached(stage: dict[str, Any]) -> None:
    """The hub keeping answers (--cache): repeated identical requests, apart from the
    targets, which are about the hub computing each answer."""
    reads = stage.get("reads") or []
    if not any(r["target"] == CACHED for r in reads):
        return
    print(
        f"\nThe hub keeping answers (HUB_RESPONSE_CACHE_BYTES), the same request repeated: "
        f"not the targets' figures\n{'query':<38}{'c':>3}{'req/s':>9}{'p50 / p99 ms':>22}"
        f"{'x uncached':>12}"
    )
    for query in NAMES:
        for concurrency in stage.get("concurrencies", (1, 16)):
            row = _by(reads, CACHED, query, concurrency)
            plain = _by(reads, "hub", query, concurrency)
            latency = f"{_fmt(row.get('p50_ms'))} / {_fmt(row.get('p99_ms'))}"
            print(
                f"{NAMES[query]:<38}{concurrency:>3}{_fmt(row.get('rps'), 0):>9}{latency:>22}"
                f"{_fmt(_ratio(row.get('rps'), plain.get('rps'))):>12}"
            )


def print_growth(stages: list[dict[str, Any]]) -> None:
    with_reads = [s for s in stages if s.get("reads")]
    if len(with_reads) < 2:
        return
    small, large = with_reads[0], with_reads[-1]
    print(
        f"\nGrowth: p50 at concurrency 1, {size_label(small['observations'])} -> "
        f"{size_label(large['observations'])} observations (ms)"
    )
    print(f"{'query':<38}{'target':>7}{'small':>9}{'large':>9}{'ratio':>8}  target")
    for query in NAMES:
        for target in ("hub", "floor", "peer"):
            a = _by(small["reads"], target, query, 1).get("p50_ms")
            b = _by(large["reads"], target, query, 1).get("p50_ms")
            ratio = _ratio(b, a)
            ok = None if ratio is None or target != "hub" else ratio <= GROWTH_TARGET
            mark = f"<= 1.5 {_mark(ok)}" if target == "hub" else ""
            print(f"{NAMES[query]:<38}{target:>7}{_fmt(a):>9}{_fmt(b):>9}{_fmt(ratio):>8}  {mark}")


def print_all(results: dict[str, Any]) -> None:
    print(
        f"\n== bench {results['commit']} {results['started']}, "
        f"{results['machine']['cpus']} CPUs, load average at start "
        f"{results['machine']['load_start']}, at end {results['machine'].get('load_end')}"
    )
    for stage in results["stages"]:
        print(
            f"\n-- {size_label(stage['observations'])} observations (set-up: PostgreSQL "
            f"{_fmt(stage.get('load_postgresql_s'), 0)} s, SQLite "
            f"{_fmt(stage.get('load_sqlite_s'), 0)} s)"
        )
        print_ingest(stage)
        print_submit(stage)
        print_reads(stage)
    print_growth(results["stages"])


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
