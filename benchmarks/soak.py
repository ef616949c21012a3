"""Soak test: the load test's mix at low concurrency for a long time, watching the server's memory.

    python benchmarks/soak.py --start                       # start app.py, 4 users, 10 minutes
    python benchmarks/soak.py --start --duration 180        # a shortened run
    python benchmarks/soak.py --url http://127.0.0.1:7860/ --pid 12345   # a running app (pid for its memory)

Samples the server's resident memory (psutil if installed, else /proc/PID/status) at the start, every 30 s and
at the end, and prints the load test's table plus the samples, then the same as JSON.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_test import report, run_load, start_app, stop_app  # noqa: E402


def rss_mb(pid: int) -> float | None:
    try:
        import psutil

        return round(psutil.Process(pid).memory_info().rss / 1e6, 1)
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - the process may be gone
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) * 1024 / 1e6, 1)
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:7860/")
    ap.add_argument("--start", action="store_true", help="start `python app.py` on a free loopback port")
    ap.add_argument("--pid", type=int, help="the server's process id, for its memory (implied by --start)")
    ap.add_argument("--users", type=int, default=4)
    ap.add_argument("--duration", type=float, default=600.0, help="seconds (default %(default)s)")
    ap.add_argument("--interval", type=float, default=30.0, help="seconds between memory samples")
    ap.add_argument("--max-requests", type=int, default=100_000, help="per user, a bound on the loop")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    proc, url, pid = None, args.url, args.pid
    if args.start:
        proc, url = start_app()
        pid = proc.pid
        print(f"started app.py (pid {pid}) at {url}", flush=True)
    samples: list[tuple[float, float | None]] = []
    stop = threading.Event()
    t0 = time.monotonic()

    def sample() -> None:
        while True:
            if pid:
                samples.append((round(time.monotonic() - t0, 1), rss_mb(pid)))
            if stop.wait(args.interval):
                break

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = run_load(url, args.users, args.duration, args.max_requests)
    finally:
        stop.set()
        sampler.join(timeout=5)
        if pid:
            samples.append((round(time.monotonic() - t0, 1), rss_mb(pid)))
        if proc is not None:
            stop_app(proc)
    if samples:
        result["rss_mb_start"], result["rss_mb_end"] = samples[0][1], samples[-1][1]
        result["rss_mb_samples"] = samples
    rss = ("RSS (MB) at t seconds: " + ", ".join(f"{t:.0f}s {mb}" for t, mb in samples),) if samples else ()
    return report(result, args.json, rss)


if __name__ == "__main__":
    sys.exit(main())
