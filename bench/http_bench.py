"""Measurements over HTTP: latency of /search against the /_floor route, and requests/s."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
from queries import BenchQuery
from stats import summary

FLOOR = "/_floor"


@dataclass
class LatencySamples:
    """Seconds per request, by kind of request."""

    floor: list[float] = field(default_factory=list)
    cold: list[float] = field(default_factory=list)
    repeated: list[float] = field(default_factory=list)
    conditional: list[float] = field(default_factory=list)
    not_modified: int = 0
    with_etag: int = 0
    errors: list[str] = field(default_factory=list)
    queries: int = 0
    stopped_early: bool = False
    ok_paths: list[str] = field(default_factory=list)  # searches that answered 200


def warm_up(base_url: str, queries: list[BenchQuery], connections: int = 4) -> int:
    """Send each query once, spread over a few fresh connections (so every worker of a
    multi-worker server sees some); returns how many answered 200."""
    ok = 0
    per_connection = max(1, -(-len(queries) // connections))
    for start in range(0, len(queries), per_connection):
        with httpx.Client(base_url=base_url, timeout=60) as client:
            for query in queries[start : start + per_connection]:
                try:
                    ok += client.get(query.path()).status_code == 200
                    client.get(FLOOR)
                except httpx.HTTPError:
                    continue
    return ok


def measure(client: httpx.Client, samples: LatencySamples, bucket: list[float], path: str,
            headers: dict[str, str] | None = None,
            expected: tuple[int, ...] = (200,)) -> httpx.Response | None:
    """One timed request; its seconds go to `bucket` when the status is as expected, else it
    is counted as an error (a timeout or a refused connection too)."""
    started = time.perf_counter()
    try:
        response = client.get(path, headers=headers)
    except httpx.HTTPError as error:
        samples.errors.append(f"{type(error).__name__} {path}")
        return None
    seconds = time.perf_counter() - started
    if response.status_code in expected:
        bucket.append(seconds)
    else:
        samples.errors.append(f"{response.status_code} {path}")
    return response


def latency_pass(base_url: str, queries: list[BenchQuery], budget_seconds: float) -> LatencySamples:
    """For each query, on one keep-alive connection: floor, first request (cold), floor, the
    same request again (repeated), and, when an ETag came back, floor and the request with
    If-None-Match. Stops at the time budget."""
    samples = LatencySamples()
    deadline = time.monotonic() + budget_seconds
    with httpx.Client(base_url=base_url, timeout=60) as client:
        for query in queries:
            if time.monotonic() > deadline:
                samples.stopped_early = True
                break
            path = query.path()
            measure(client, samples, samples.floor, FLOOR)
            first = measure(client, samples, samples.cold, path)
            if first is not None and first.status_code == 200:
                samples.ok_paths.append(path)
            measure(client, samples, samples.floor, FLOOR)
            again = measure(client, samples, samples.repeated, path)
            etag = next((r.headers["etag"] for r in (again, first)
                         if r is not None and "etag" in r.headers), None)
            if etag:
                samples.with_etag += 1
                measure(client, samples, samples.floor, FLOOR)
                response = measure(client, samples, samples.conditional, path,
                                   {"If-None-Match": etag}, (200, 304))
                samples.not_modified += response is not None and response.status_code == 304
            samples.queries += 1
    return samples


def latency_summary(samples: LatencySamples) -> dict:
    floor = summary(samples.floor)
    out = {"floor": floor, "cold": summary(samples.cold), "repeated": summary(samples.repeated),
           "conditional": summary(samples.conditional), "queries": samples.queries,
           "with_etag": samples.with_etag, "not_modified": samples.not_modified,
           "errors": len(samples.errors), "error_examples": samples.errors[:5],
           "stopped_early": samples.stopped_early, "ok_paths": samples.ok_paths}
    for name in ("cold", "repeated", "conditional"):
        if out[name]["n"] and floor["n"] and floor["p50_ms"]:
            out[f"{name}_over_floor_p50"] = out[name]["p50_ms"] / floor["p50_ms"]
    return out


def load(base_url: str, next_path: Callable[[], str], clients: int, seconds: float) -> dict:
    """`clients` threads, each with its own keep-alive connection, sending requests for
    `seconds`; returns requests/s and how many failed."""
    done = [0] * clients
    failed = [0] * clients
    stop_at = time.monotonic() + seconds

    def run(slot: int) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            while time.monotonic() < stop_at:
                try:
                    ok = client.get(next_path()).status_code == 200
                except httpx.HTTPError:
                    ok = False
                done[slot] += ok
                failed[slot] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.perf_counter() - started
    return {"rps": sum(done) / elapsed, "requests": sum(done), "failed": sum(failed),
            "seconds": elapsed, "clients": clients}


def cycling(paths: list[str]) -> Callable[[], str]:
    """A thread-safe supplier of paths, round and round."""
    lock = threading.Lock()
    source: Iterator[str] = itertools.cycle(paths)

    def next_path() -> str:
        with lock:
            return next(source)

    return next_path
