"""Load test for `letters serve`: N concurrent clients download PDFs for a fixed time.

Bounded and local: it starts the real server (waitress + PDF worker processes) on 127.0.0.1 with a
free port, runs at most 64 clients for at most 120 s, and reports PDFs/second, p50/p95 latency,
errors, and the memory (RSS) of the server and its workers after warm-up and at the end.

    .venv/bin/python benchmarks/bench_serve.py                 # 8 clients, 20 s
    .venv/bin/python benchmarks/bench_serve.py --clients 16 --seconds 30 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
FORM = {
    "name": "Heather Lim",
    "street1": "10234 82 Avenue NW",
    "city": "Edmonton",
    "province": "AB",
    "postal_code": "T6E 1Z8",
    "riding": "Edmonton Strathcona",
    "note": "I have written to you before about this.",
    "to": "pm",
    "signature_mode": "typed",
    "action": "download",
    "demand": ["export-permits", "field-offices", "safe-third-country"],
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc), in MB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status)[1])
        except (OSError, TypeError):
            pass
        todo += children.get(current, [])
    return total / 1024


def client(base: str, lang: str, stop: float, latencies: list, errors: list) -> None:
    session = requests.Session()
    page = session.get(f"{base}/{lang}/", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    form = {**FORM, "csrf_token": token, "letter_lang": lang}
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            response = session.post(f"{base}/{lang}/", data=form, timeout=60)
            ok = response.status_code == 200 and response.content.startswith(b"%PDF")
        except requests.RequestException:
            ok = False
        elapsed = time.perf_counter() - started
        (latencies if ok else errors).append(elapsed)


def load(
    base: str, clients: int, seconds: float, latencies: list, errors: list, pid: int = 0
) -> list[float]:
    """Run the clients until the time is up; sample the server's memory once a second."""
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client, args=(base, ("en", "fr")[i % 2], stop, latencies, errors))
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    samples = []
    while any(t.is_alive() for t in threads):
        if pid:
            samples.append(tree_rss_mb(pid))
        time.sleep(1)
    return samples


def run(clients: int, seconds: float, workers: int, threads: int) -> dict:
    clients, seconds = min(clients, 64), min(seconds, 120)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "letters", "serve", "--port", str(port), "--pdfs-per-minute", "0",
         "--workers", str(workers), "--threads", str(threads), "--no-lookup"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/en/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        load(base, clients, 5, [], [])  # spawn and warm every PDF worker and thread first
        rss_start = tree_rss_mb(server.pid)
        latencies: list[float] = []
        errors: list[float] = []
        began = time.monotonic()
        samples = load(base, clients, seconds, latencies, errors, server.pid)
        wall = time.monotonic() - began
        rss_end = tree_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=20)
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "pdf_workers": workers,
        "cpus": os.cpu_count(),
        "pdfs": len(latencies),
        "pdfs_per_second": round(len(latencies) / wall, 2),
        "p50_ms": round(statistics.median(ordered) * 1000) if ordered else None,
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000) if ordered else None,
        "max_ms": round(ordered[-1] * 1000) if ordered else None,
        "errors": len(errors),
        "rss_mb_after_warmup": round(rss_start, 1),
        "rss_mb_peak": round(max(samples, default=rss_end), 1),
        "rss_mb_end": round(rss_end, 1),
        "rss_mb_by_quarter": [round(samples[len(samples) * q // 4], 1) for q in range(4)]
        if samples
        else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="PDF worker processes")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(args.clients, args.seconds, args.workers, args.threads)
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:>22}: {value}")


if __name__ == "__main__":
    main()
