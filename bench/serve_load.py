"""Load on the service: photo checks per second and latency, 8 clients, 2 workers, loopback.

Starts ``mynacard serve --workers 2`` on a free loopback port, waits until every worker has
loaded its models, then lets 8 concurrent clients (threads, one keep-alive connection each)
post 1350 px JPEGs from ``../shared/data/faces/frl/neutral_front`` to ``/v1/photo/check``.
Prints checks per second and p50/p95/p99 latency. Targets (issue 7): at least 20 checks/s,
p95 under 500 ms.

The clients run on the same machine as the server and take CPU from it; the load average
before the run is printed because other work on the machine changes the figures.

    .venv/bin/python bench/serve_load.py [--workers 2] [--clients 8] [--requests 240] [--photos 40]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The `shared` folder beside the repository (or beside a folder holding this worktree).
SHARED = next((p / "shared" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared")
FACES = SHARED / "data" / "faces" / "frl" / "neutral_front"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def multipart(data: bytes, name: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def start_server(workers: int, log_path: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [sys.executable, "-m", "mynacard", "serve", "--port", str(port), "--workers", str(workers),
           "--log-level", "1"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("server exited:\n" + log_path.read_text("utf-8", "replace"))
        # one server process; its start-up completes once every model process has loaded its models
        if "Application startup complete" in log_path.read_text("utf-8", "replace"):
            return proc, port
        time.sleep(0.2)
    proc.kill()
    sys.exit("server did not start in 180 s:\n" + log_path.read_text("utf-8", "replace"))


def post(conn: http.client.HTTPConnection, body: bytes, ctype: str) -> tuple[int, float]:
    t = time.perf_counter()
    conn.request("POST", "/v1/photo/check", body=body, headers={"Content-Type": ctype})
    resp = conn.getresponse()
    payload = resp.read()
    elapsed = time.perf_counter() - t
    if resp.status == 200:
        json.loads(payload)  # a whole report came back
    return resp.status, elapsed


def run(port: int, bodies: list[tuple[bytes, str]], clients: int, total: int) -> tuple[list[float], dict, float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                status, elapsed = post(conn, *bodies[i % len(bodies)])
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, time.perf_counter() - t0


def library_alone(datas: list[bytes]) -> tuple[float, float]:
    """(p50 wall s, CPU s per check) of ``photo.check`` in this process: the service's floor."""
    import photo

    photo.warm_up()
    for d in datas[:2]:
        photo.check(d)
    walls = []
    cpu0 = time.process_time()
    for d in datas:
        t = time.perf_counter()
        photo.check(d)
        walls.append(time.perf_counter() - t)
    return statistics.median(walls), (time.process_time() - cpu0) / len(datas)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=240)
    ap.add_argument("--photos", type=int, default=40)
    args = ap.parse_args()
    if not FACES.is_dir():
        sys.exit(f"bench/serve_load.py needs the shared face photos at {FACES} (the `shared` folder beside "
                 "the repository); they are not part of the repository")
    files = sorted(FACES.glob("*.jpg"))[: args.photos]
    bodies = [multipart(f.read_bytes(), f.name) for f in files]
    mean_kb = statistics.mean(len(b) for b, _ in bodies) / 1024

    # measure the library as a service worker runs it: one core, single-threaded native pools
    from photo.models import one_core_per_process_env

    one_core_per_process_env()
    import cv2

    cv2.setNumThreads(1)
    alone_wall, alone_cpu = library_alone([f.read_bytes() for f in files[:12]])

    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "serve.log"
        load_before = os.getloadavg()
        t = time.perf_counter()
        proc, port = start_server(args.workers, log_path)
        start_s = time.perf_counter() - t
        try:
            # warm every connection path once, then one client alone for the unloaded latency
            run(port, bodies, args.clients, args.clients)
            single, _, _ = run(port, bodies, 1, 20)
            latencies, statuses, wall = run(port, bodies, args.clients, args.requests)
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    ok = statuses.get(200, 0)
    print(f"mynacard serve --workers {args.workers}: {args.clients} clients on loopback, {args.requests} "
          f"checks of {len(files)} JPEGs (1350x1350, mean {mean_kb:.0f} KiB) from {FACES.name}/")
    print(f"machine: {os.cpu_count()} cores, load average before start {load_before[0]:.2f} "
          f"(shared with other work); server start with model warm-up {start_s:.1f} s")
    print(f"statuses: {statuses}")
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| checks/s ({args.clients} clients) | {ok / wall:.1f} | >= 20 |")
    print(f"| p50 latency | {pct(latencies, 50) * 1000:.0f} ms | |")
    print(f"| p95 latency | {pct(latencies, 95) * 1000:.0f} ms | < 500 ms |")
    print(f"| p99 latency | {pct(latencies, 99) * 1000:.0f} ms | |")
    print(f"| one client alone, p50 | {pct(single, 50) * 1000:.0f} ms | |")
    print(f"| photo.check in-process (one thread), p50 / CPU per check | {alone_wall * 1000:.0f} ms / "
          f"{alone_cpu * 1000:.0f} ms | |")
    print()
    print(f"ceiling from the library alone: {os.cpu_count()} cores / {alone_cpu * 1000:.0f} ms CPU per check = "
          f"{(os.cpu_count() or 1) / alone_cpu:.1f} checks/s if nothing else ran on the machine")
    if ok != args.requests:
        sys.exit(f"{args.requests - ok} requests failed")


if __name__ == "__main__":
    main()
