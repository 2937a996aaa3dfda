"""One student hammers the worst valid inputs; does anyone else notice?

Starts the app (harness/st_server.py) and replays, as websocket clients of Streamlit's own protocol
(harness/st_client.py), the inputs that used to stall a class server:
- an upload of 600,000 one-character words over 93 characters (1.2 MB) and of 10 million one-letter words
  (20 MB), both refused (more lines than a list may have); /exercises on 500,000 one-character words over 93
  characters, and on 500,000 words of 39 letters (20 MB: the most lines and bytes a list may have);
- E03's "net, λ" on a 320 KB list of 367 distinct characters;
- /smoothing on a list of 199 distinct characters, the most it trains nets for, and of 500, the most a list may have;
- one 19.9 MB word on the Dataset view.
A first small upload starts the server's worker process (ui/worker.py). Phase 1, alone: each input in a fresh
session (upload, open the view, the click), measuring the CPU seconds of the server and its worker, and their peak
RSS above where the step started. Phase 2, together: the hammering student replays every
input again and again while a bystander on /breakdown types a new word every 0.3 s; the bystander's rerun
latencies are the figure. Targets: ≤ ~2 s of CPU and ≤ ~300 MB per step; the bystander's reruns < 1 s.

    python -m benchmarks.hammer            # both phases (~5 min on 2 cores)
"""

import argparse
import asyncio
import os
import random
import statistics
import sys
import time

from harness.st_client import Session
from harness.st_server import Sampler, app_server, tree

CJK = 0x4E00  # distinct printable characters, one code point each


def chars(n: int) -> list[str]:
    return [chr(CJK + i) for i in range(n)]


def lists() -> dict[str, bytes]:
    """The worst valid inputs of a word list, each a word list as bytes."""
    rng = random.Random(0)
    c93 = [chr(c) for c in range(33, 127) if chr(c) != "."]  # 93 printable ASCII characters
    c199, c367, c500 = chars(199), chars(367), chars(500)
    letters = "abcdefghijklmnopqrstuvwxyz"
    return {
        "600,000 one-character words over 93 characters": "\n".join(rng.choice(c93) for _ in range(600_000)).encode(),
        "500,000 one-character words over 93 characters": "\n".join(rng.choice(c93) for _ in range(500_000)).encode(),
        "10 million one-letter words (20 MB)": b"a\n" * 10_000_000,
        "500,000 words of 39 letters (20 MB)": "\n".join(
            "".join(rng.choices(letters, k=39)) for _ in range(500_000)
        ).encode(),
        "320 KB over 367 characters": "\n".join(rng.choice(c367) + rng.choice(c367) for _ in range(36_000)).encode(),
        "199 distinct characters": "\n".join(a + b for a, b in zip(c199, c199[1:] + c199[:1])).encode(),
        "500 distinct characters": "\n".join(a + b for a, b in zip(c500, c500[1:] + c500[:1])).encode(),
        "one 19.9 MB word": b"ab" * (19_900_000 // 2),
    }


# (list, view to open after the upload (None: the upload is refused), what the student does there after opening it)
STEPS = [
    ("600,000 one-character words over 93 characters", None, None),
    ("500,000 one-character words over 93 characters", "exercises", None),
    ("10 million one-letter words (20 MB)", None, None),
    ("500,000 words of 39 letters (20 MB)", "exercises", None),
    ("320 KB over 367 characters", "exercises", ("tune", "net")),
    ("199 distinct characters", "smoothing", None),
    ("500 distinct characters", "smoothing", None),
    ("one 19.9 MB word", "", None),
]


async def measured(server, label: str, action, results: list) -> None:
    """Run `action` and record the server's CPU seconds, wall seconds and peak RSS above the start."""
    cpu, start, rss = server.cpu(), time.perf_counter(), server.rss_mb()
    with Sampler(server, every=0.05) as sampler:
        await action()
    results.append((label, server.cpu() - cpu, time.perf_counter() - start, max(sampler.peak, rss) - rss))


async def hammer_once(
    server, data: dict[str, bytes], results: list | None, timeout: float, now: list[str] | None = None
) -> None:
    """Every step of STEPS in a fresh session; with `results`, each measured; `now[0]` names the step under way."""
    for name, view, act in STEPS:
        async with Session(server.base_url, "/", timeout=timeout) as s:
            steps = [("upload", lambda s=s, name=name: s.upload("upload", "list.txt", data[name]))]
            if view is not None:
                steps.append((f"open /{view}", lambda s=s, view=view: s.navigate(view) if view else s.settle()))
            if act:
                steps.append((f"set {act[0]}", lambda s=s, act=act: s.set(*act)))
            for what, action in steps:
                if now is not None:
                    now[0] = f"{name}: {what}"
                if results is None:
                    await action()
                else:
                    await measured(server, f"{name}: {what}", action, results)
            if s.exceptions:
                raise AssertionError(f"{name}: {s.exceptions[0]}")


async def warm_up(server, results: list, timeout: float) -> None:
    """A first small upload, which starts the server's worker process (ui/worker.py): once per server."""
    async with Session(server.base_url, "/", timeout=timeout) as s:
        await measured(
            server,
            "first upload of the server (starts its worker)",
            lambda: s.upload("upload", "small.txt", b"emma\nolivia\nava\n"),
            results,
        )


async def bystander(server, stop: asyncio.Event, latencies: list, now: list[str], timeout: float) -> None:
    """Type a word every 0.3 s; each rerun's latency with the hammering step it began during."""
    rng = random.Random(1)
    async with Session(server.base_url, "/breakdown", timeout=timeout) as s:
        while not stop.is_set():
            during = now[0]
            latencies.append((await s.set("word", "".join(rng.choice("abcdefghij") for _ in range(6))), during))
            await asyncio.sleep(0.3)


async def together(server, data, rounds: int, timeout: float) -> list[tuple[float, str]]:
    stop, latencies, now = asyncio.Event(), [], ["start"]
    watcher = asyncio.create_task(bystander(server, stop, latencies, now, timeout))
    try:
        for _ in range(rounds):
            await hammer_once(server, data, None, timeout, now)
    finally:
        stop.set()
        await watcher
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2, help="times the hammering student replays every input (2)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds one step may take (120)")
    args = parser.parse_args()
    data = lists()
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with app_server() as server:
        results: list = []
        asyncio.run(warm_up(server, results, args.timeout))
        processes = set(tree(server.pid))
        asyncio.run(hammer_once(server, data, results, args.timeout))
        print(f"{'alone: step':<72} {'CPU s':>6} {'wall s':>7} {'+MB':>6}")
        for label, cpu, wall, mb in results:
            print(f"{label:<72} {cpu:6.2f} {wall:7.2f} {mb:6.0f}")
        reruns = asyncio.run(together(server, data, args.rounds, args.timeout))
        problems = server.log_problems()
        replaced = len(set(tree(server.pid)) - processes)  # a worker that died and was started again
    latencies = [latency for latency, _ in reruns]
    q = statistics.quantiles(latencies, n=20)
    steps = results[1:]  # the worker's start is once per server, not a student's step
    worst_cpu, worst_mb = max(r[1] for r in steps), max(r[3] for r in steps)
    print(
        f"together: bystander reruns {len(latencies)}: p50 {statistics.median(latencies) * 1e3:.0f} ms, "
        f"p95 {q[18] * 1e3:.0f} ms, max {max(latencies) * 1e3:.0f} ms"
    )
    for latency, during in sorted(reruns, reverse=True)[:3]:
        print(f"  {latency * 1e3:.0f} ms, begun during {during}")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"worst step: {worst_cpu:.2f} s CPU, +{worst_mb:.0f} MB; server log problems: {len(problems)}; "
        f"processes started after the warm-up: {replaced}"
    )
    for entry in problems[:5]:
        print(f"SERVER LOG: {entry}")
    ok = max(latencies) < 1.0 and worst_cpu <= 2.5 and worst_mb <= 300 and not problems
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
