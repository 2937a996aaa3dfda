"""Memory under many page loads: does the server give back what sessions used, and do its caches stay bounded?

Starts the app (harness.browser.serve), opens every view once to warm it up (imports, first-use allocations and
the bundled list's cache entries are not growth), then runs --ops operations (200) one after another:
- page loads (two in three): a fresh websocket session (harness/st_client.py) opens a view's URL, each view
  in turn (/, /counts, /breakdown?word=…, /training, /smoothing, /generator, /exercises); every --upload-every
  th load (4) also uploads a word list of its own (--upload-words distinct words, so every st.cache_data keyed on
  the list's digest gets a new entry) and clicks Step on /training; then the session disconnects;
- reruns with a widget change (one in three), in long-lived sessions, one per view: /breakdown (word, k),
  /generator (how many, prefix), /training (Step), / (word), and the sidebar's seed; these sessions disconnect
  after the last operation.
Printed before, every 50 operations and after: the server's RSS (process tree); what it holds live, from a
probe in the server process (harness/probed_streamlit.py: the bytes in use in malloc and in pymalloc, the
allocators of Python's large and small objects); and Streamlit's own gauges (/_stcore/metrics: bytes held per
st.cache_data cache, uploaded files, media), so that growth can be told apart from the caches filling up.
Also judged: the bytes of uploaded files Streamlit's uploaded-file manager still holds after every session that
uploaded one has ended (the app lets go of an upload once it has parsed it), which must be ~0.

"After" waits for the sessions to be cleaned up. Streamlit keeps a disconnected session
server.disconnectedSessionTTL seconds (120 by default; --set server.disconnectedSessionTTL=5 for a quick run) for
a reconnect, at most 128 of them, and drops an expired one only when its session storage is next written (a
session connecting or leaving): so the script waits TTL + 10 s, then opens and closes one session, then measures.
--set passes any Streamlit config option to the server (as its STREAMLIT_* environment variable), e.g.
runner.postScriptGC=false to compare without a garbage collection after every script run.

The figure judged is live memory, malloc's and pymalloc's bytes in use after a full garbage collection (the probe
measures before and after one: a session Streamlit drops between script runs is freed by the collection after the
next script run, of any session), from the end of pass 1 to the end of the last pass (--passes 3, new word lists
each time), per 100 page loads of the later passes. Pass 1 is left out because first uses (a cache's first entries,
lazily built tables) land in it. Growth above --bound MB (10) per 100 loads makes the exit status 1. Why 10 MB: a
session holds its own copy of its word list (the bundled 32,469 names: about 2.6 MB of Python objects), its net and
its widgets' state, so sessions never freed would add over 170 MB per 100 loads, and one in ten of them 17 MB;
every cache in the app has max_entries (1 to 32 entries, together about 2 MB with these lists), so once full they
cannot grow.

RSS is reported, not judged: it keeps memory the process has freed. glibc keeps freed chunks in its arenas for
reuse, and pymalloc gives a 1 MiB arena back only when every object in it is gone, so one long-lived object
allocated among a session's thousands of words keeps the whole arena. The server caps glibc at 2 arenas
(ui/process.py): without the cap, the second pass's RSS growth ranged from -20 to +67 MB per 100 loads over five
runs, whatever the collector settings.

Usage (from the project root):
    python -m benchmarks.memory                  # 3 x 200 operations, the app's real session TTL (~12 min)
    python -m benchmarks.memory --ops 60 --set server.disconnectedSessionTTL=5       # a quick look
    python -m benchmarks.memory --set runner.postScriptGC=false                       # without a GC per run
"""

import argparse
import asyncio
import random
import sys
import time

from harness.st_client import Session
from harness.st_server import Sampler, Server, app_server, parse_options
from ui import pages

VIEWS = tuple(v.url_path for v in pages.VIEWS)
LETTERS = "abcdefghijklmnopqrstuvwxyz"
TTL = "server.disconnectedSessionTTL"
DEFAULT_TTL = 120  # Streamlit's default for it, which .streamlit/config.toml leaves as it is
STORED_SESSIONS = 128  # at most this many disconnected sessions are kept (runtime/memory_session_storage.py)
UPLOADS = "UploadedFileManager"  # the gauge of the bytes of uploaded files Streamlit holds
UPLOADS_BOUND = 0.1  # MB of uploads still held once every session that made one has ended
METRICS_TTL = 5.5  # /_stcore/metrics computes the caches' sizes at most every 5 s and answers from a copy between
_metrics_read = -METRICS_TTL


def word(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(3, 8)))


def word_list(n: int, seed: int) -> bytes:
    """`n` distinct random words: a list no other load uploads, so every cache keyed on it misses."""
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < n:
        words.add(word(rng))
    return "\n".join(sorted(words)).encode()


def cache_mb(server: Server) -> dict[str, float]:
    """MB held per cache as Streamlit counts it (st.cache_data functions, uploaded files, media, …)."""
    global _metrics_read
    time.sleep(max(0.0, _metrics_read + METRICS_TTL - time.monotonic()))  # else the server answers from its copy
    _metrics_read = time.monotonic()
    out: dict[str, float] = {}
    for name, value in server.metrics().items():
        if name.startswith("cache_memory_bytes"):
            labels = dict(part.split("=", 1) for part in name[name.index("{") + 1 : -1].split(","))
            label = labels.get("cache", '""').strip('"') or labels["cache_type"].strip('"')
            out[label] = out.get(label, 0.0) + value / 2**20
    return out


def line(label: str, server: Server, base: dict[str, float] | None = None) -> dict[str, float]:
    """Print RSS, live memory and the caches' sizes; returns the figures."""
    caches = cache_mb(server)
    probe = server.live()
    now = {"rss": server.rss_mb(), "live": live_mb(probe, "collected_"), "uploads": caches.get(UPLOADS, 0.0)}
    growth = "".join(f" ({now[k] - base[k]:+6.1f})" if base else " " * 9 for k in ("rss", "live"))
    kept = (
        f"before the GC {live_mb(probe):5.1f}; kept free: malloc {probe['collected_malloc_free_mb']:5.1f}, "
        f"pymalloc arenas {probe['collected_pymalloc_arenas_mb']:3.0f} MB"
    )
    print(
        f"{label:>34}: RSS {now['rss']:6.1f} MB, live {now['live']:5.1f} MB{growth}; {kept}; caches "
        f"{sum(caches.values()):4.1f} MB: "
        + " ".join(f"{k.removeprefix('__main__.')} {v:.2f}" for k, v in sorted(caches.items()) if v >= 0.01),
        flush=True,
    )
    return now


def live_mb(snapshot: dict[str, float], prefix: str = "") -> float:
    """What the server holds, in MB: malloc's bytes in use plus pymalloc's."""
    return snapshot[prefix + "malloc_in_use_mb"] + snapshot[prefix + "pymalloc_in_use_mb"]


def check(s: Session, where: str) -> None:
    if s.exceptions:
        raise AssertionError(f"{where}: {s.exceptions[0]}")


async def page_load(base_url: str, index: int, args, rng: random.Random) -> None:
    """A fresh session opens one view (every `upload_every`-th uploads its own list and trains), then leaves."""
    view = VIEWS[index % len(VIEWS)]
    path = f"/{view}" + (f"?word={word(rng)}" if view == "breakdown" else "")
    async with Session(base_url, path, timeout=args.timeout) as s:
        if index % args.upload_every == args.upload_every - 1:
            await s.upload("upload", f"list-{index}.txt", word_list(args.upload_words, index))
            await s.navigate("training")
            await s.click("training_step")
        check(s, path)


async def rerun(sessions: dict[str, Session], index: int, rng: random.Random) -> None:
    """One widget change in one of the long-lived sessions."""
    view = list(sessions)[index % len(sessions)]
    s = sessions[view]
    if index % 5 == 4:
        await s.set("seed", rng.randrange(10_000))
    elif view == "breakdown":
        await (s.set("word", word(rng)) if index % 2 else s.set("k", rng.choice([0.5, 1, 2, 5])))
    elif view == "generator":
        await (s.set("n", rng.randint(1, 50)) if index % 2 else s.set("prefix", rng.choice(LETTERS)))
    elif view == "training":
        await s.click("training_step")
    else:
        await s.set("dataset_word", word(rng))
    check(s, view)


async def one_pass(server: Server, args, number: int, base: dict[str, float]) -> int:
    """`args.ops` loads and reruns, RSS printed every 50; returns the number of page loads."""
    rng = random.Random(number)
    sessions = {}
    for view in ("breakdown", "generator", "training", ""):  # one long-lived session per view with widgets
        sessions[view] = s = Session(server.base_url, f"/{view}", timeout=args.timeout)
        await s.open()
    loads = 0
    try:
        for i in range(1, args.ops + 1):
            if i % 3 == 0:
                await rerun(sessions, i // 3, rng)
            else:
                await page_load(server.base_url, number * 1_000_000 + loads, args, rng)
                loads += 1
            if i % 50 == 0:
                line(f"pass {number}: {i} ops ({loads} loads)", server, base)
    finally:
        for s in sessions.values():
            await s.close()
    return loads


async def warm_up(server: Server, timeout: float) -> None:
    for view in VIEWS:
        async with Session(server.base_url, f"/{view}", timeout=timeout) as s:
            check(s, view)


async def touch(base_url: str, timeout: float) -> None:
    """Open and close one session: a write to the session storage, which drops the expired sessions."""
    async with Session(base_url, "/", timeout=timeout):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=200, help="page loads and reruns per pass (200)")
    parser.add_argument(
        "--passes", type=int, default=3, help="passes; growth after the first is judged (3; at least 2)"
    )
    parser.add_argument("--upload-every", type=int, default=4, help="every n-th page load uploads a list (4)")
    parser.add_argument("--upload-words", type=int, default=5000, help="words in an uploaded list (5000)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="OPTION=VALUE",
        help="a Streamlit config option for the server, e.g. server.disconnectedSessionTTL=5",
    )
    parser.add_argument("--bound", type=float, default=10.0, help="allowed growth per 100 page loads, MB (10)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a run may take (60)")
    args = parser.parse_args()
    if args.passes < 2:
        parser.error("--passes must be at least 2: the first pass only fills the allocator")
    try:
        options = parse_options(args.set)
    except ValueError as e:
        parser.error(str(e))
    ttl = int(options.get(TTL, DEFAULT_TTL))
    results = []  # per pass: page loads, peak RSS, figures before and after
    with app_server(options=options, probe=True) as server:
        line("server started", server)
        try:
            asyncio.run(warm_up(server, args.timeout))
            before = start = line("before (every view opened once)", server)
            for number in range(1, args.passes + 1):
                with Sampler(server) as sampler:
                    loads = asyncio.run(one_pass(server, args, number, before))
                    line(f"pass {number}: all disconnected", server, before)
                print(
                    f"{'':>34}  waiting {ttl + 10} s: disconnected sessions are kept {ttl} s for a reconnect …",
                    flush=True,
                )
                time.sleep(ttl + 10)
                asyncio.run(touch(server.base_url, args.timeout))
                time.sleep(2)
                after = line(f"pass {number}: after the sessions expired", server, before)
                results.append((loads, sampler.peak, start, after))
                start = after
        except AssertionError as e:
            print(f"FAILED: a session received an exception: {e}")
            sys.exit(1)
        problems = server.log_problems()
    print()
    for number, (loads, peak, start, after) in enumerate(results, 1):
        print(
            f"Pass {number}: {loads} page loads and {args.ops - loads} reruns: live {start['live']:.1f} -> "
            f"{after['live']:.1f} MB ({after['live'] - start['live']:+.1f}); RSS {start['rss']:.1f} -> "
            f"{after['rss']:.1f} MB ({after['rss'] - start['rss']:+.1f}), peak {peak:.1f} MB with the 4 long-lived "
            f"sessions and up to {min(STORED_SESSIONS, loads)} closed ones kept for {ttl} s alive at once"
        )
    later = results[1:]  # pass 1 holds the first uses
    loads, start, after = sum(r[0] for r in later), later[0][2], later[-1][3]
    per_100 = {k: (after[k] - start[k]) / loads * 100 for k in ("live", "rss")}
    judged = "pass 2" if len(later) == 1 else f"passes 2 to {len(results)}"
    print(
        f"Growth per 100 page loads ({judged}, {loads} loads): live {per_100['live']:+.2f} MB (bound "
        f"{args.bound:g} MB), RSS {per_100['rss']:+.1f} MB; over the whole run: live "
        f"{after['live'] - before['live']:+.1f} MB, RSS {after['rss'] - before['rss']:+.1f} MB"
    )
    held = max(r[3]["uploads"] for r in results)
    print(
        f"Uploads held after the sessions expired: at most {held:.2f} MB over the passes (bound {UPLOADS_BOUND} MB; "
        f"{sum(r[0] for r in results) // args.upload_every} lists uploaded)"
    )
    for entry in problems[:5]:
        print(f"SERVER LOG: {entry}")
    failures = [
        what
        for what, bad in (
            ("memory grows past the bound", per_100["live"] > args.bound),
            ("uploads are still held", held > UPLOADS_BOUND),
            ("server log", problems),
        )
        if bad
    ]
    print("OK" if not failures else "FAILED: " + "; ".join(failures))
    ok = not failures
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
