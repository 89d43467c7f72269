"""Load on the web workspace: 20 signed-in users for 60 s on loopback, p95 latency and the 5xx count.

The server runs as `oligoboard serve --demo` in its own process on a free 127.0.0.1 port (loopback only;
every request loop is bounded in count and time and stops by itself). Each user signs in, then cycles
through the case list, one case's assessment page and the API list. The baseline is one user alone,
measured first in the same run; the figure is p95 under load and its ratio to that baseline.
Exit 1 when any request answered 5xx.

    .venv/bin/python benchmarks/web_load.py [--users 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MAX_REQUESTS_PER_USER = 100_000  # a bound on top of the time limit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sign_in(client: httpx.Client) -> None:
    page = client.get("/login").text
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    answer = client.post(
        "/login", data={"username": "demo", "password": "demo-oligoboard", "csrf_token": match[1]}
    )
    assert answer.status_code == 200, answer.status_code


def user(base: str, seconds: float, latencies: list[float], statuses: list[int]) -> None:
    paths = ["/cases", "/cases/demo-02-sync-two-bone-on-induction", "/api/v1/cases?limit=10"]
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as client:
        sign_in(client)
        end = time.monotonic() + seconds
        for i in range(MAX_REQUESTS_PER_USER):
            if time.monotonic() >= end:
                break
            start = time.perf_counter()
            response = client.get(paths[i % len(paths)])
            latencies.append((time.perf_counter() - start) * 1000)
            statuses.append(response.status_code)


def run(base: str, users: int, seconds: float) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    threads = [threading.Thread(target=user, args=(base, seconds, latencies, statuses)) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return latencies, statuses


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "OLIGOBOARD_INSECURE_COOKIES": "1"}  # plain-HTTP client; cookies stay HttpOnly
        env.pop("DATABASE_URL", None)
        server = subprocess.Popen(
            [str(BIN / "oligoboard"), "serve", "--demo", "--db", f"{tmp}/load.db", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            for _ in range(600):  # bounded wait for start-up (demo cases are assessed first)
                try:
                    httpx.get(f"{base}/login", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            alone, alone_status = run(base, 1, min(10.0, args.seconds))
            loaded, loaded_status = run(base, args.users, args.seconds)
        finally:
            server.terminate()
            _out, err = server.communicate(timeout=30)
    errors = sum(1 for s in alone_status + loaded_status if s >= 500)
    print(
        f"baseline, 1 user:  {len(alone)} requests, p50 {statistics.median(alone):.1f} ms, p95 {p95(alone):.1f} ms"
    )
    print(
        f"{args.users} users, {args.seconds:.0f} s: {len(loaded)} requests "
        f"({len(loaded) / args.seconds:.1f}/s), p50 {statistics.median(loaded):.1f} ms, p95 {p95(loaded):.1f} ms "
        f"= {p95(loaded) / p95(alone):.1f}x the single-user p95; 5xx: {errors}"
    )
    if "demo-02" in err or "sync-two-bone" in err:
        print("server log names a case: check what is logged", file=sys.stderr)
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
