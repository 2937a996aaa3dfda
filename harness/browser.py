"""Run the app on a free loopback port and drive Debian's chromium with playwright.

Used by the end-to-end tests, the benchmarks, and by hand to look at pages:
    python -m harness.browser [--data PATH] [--out DIR] /counts "/breakdown?word=andrej" …
saves one full-page screenshot per path.
"""

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Debian's chromium; BIGRAM_LAB_CHROMIUM names another (a path that does not exist: the browser tests skip).
CHROMIUM = os.environ.get("BIGRAM_LAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(*app_args: str, timeout: float = 60, log: list[str] | None = None, module: str = "streamlit"):
    """Start `streamlit run app.py -- app_args` on 127.0.0.1; yield (base url, seconds until healthy).

    `module` is the one `python -m` runs: streamlit, or a wrapper that takes the same arguments."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        module,
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    if app_args:
        cmd += ["--", *app_args]
    with running(cmd, port, timeout=timeout, log=log) as (base, seconds, _):
        yield base, seconds


@contextlib.contextmanager
def serve_class(
    *serve_args: str,
    timeout: float = 120,
    log: list[str] | None = None,
    command=None,
    cwd=ROOT,
    env: dict[str, str] | None = None,
):
    """Start `bigram-lab serve --host 127.0.0.1 --port P serve_args` (by default `python -m bigram_lab` from this
    checkout; `command` names another, e.g. an installed script); yield (base url, seconds until healthy, process)."""
    port = free_port()
    cmd = [
        *(command or [sys.executable, "-m", "bigram_lab"]),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *serve_args,
    ]
    with running(cmd, port, timeout=timeout, log=log, cwd=cwd, env=env) as started:
        yield started


@contextlib.contextmanager
def running(
    cmd: list[str],
    port: int,
    timeout: float = 60,
    log: list[str] | None = None,
    cwd=ROOT,
    env: dict[str, str] | None = None,
):
    """Run a server command in its own process group until /_stcore/health answers on 127.0.0.1:port; yield
    (base url, seconds until healthy, process), then stop it by its process id.

    A thread reads the server's stdout and stderr line by line into `log` (or, without one, keeps the last 200
    lines to explain a failed start), so that a chatty server never fills the pipe and blocks."""
    lines = collections.deque(maxlen=200) if log is None else log
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    drain = threading.Thread(
        target=lambda: lines.extend(line.decode(errors="replace").rstrip("\n") for line in proc.stdout), daemon=True
    )
    drain.start()
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never an http_proxy
    try:
        while True:
            try:
                opener.open(f"{base}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - start > timeout:
                    drain.join(timeout=1)
                    raise RuntimeError("the app did not start:\n" + "\n".join(list(lines)[-30:])) from None
                time.sleep(0.1)
        yield base, time.perf_counter() - start, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # stop the server (and anything it started) by its process id
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        drain.join(timeout=5)
        proc.stdout.close()


def run_coroutine(coro):
    """asyncio.run in a thread of its own: playwright's sync API may keep an event loop running in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@contextlib.contextmanager
def chromium(*extra_args: str):
    """A headless Debian chromium driven by playwright (never `playwright install`), with more launch args."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the app has rendered and its script is no longer running."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)  # every view has a title
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=timeout,
    )
    page.wait_for_timeout(300)  # let plotly finish drawing


def full_shot(page, path) -> None:
    """A screenshot of the whole view: Streamlit scrolls inside its own container, so grow the window to it."""
    width = page.viewport_size["width"]
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(900, min(height, 16000))})
    page.wait_for_timeout(500)  # plotly redraws on resize
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size({"width": width, "height": 900})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--data")
    parser.add_argument("--out", default="artifacts/screenshots")
    parser.add_argument("--width", type=int, default=1400)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with serve(*(["--data", args.data] if args.data else [])) as (base, _), chromium() as browser:
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        for path in args.paths:
            page.goto(base + path)
            wait_idle(page)
            name = path.strip("/").replace("?", "_").replace("=", "-").replace("&", "_") or "dataset"
            full_shot(page, out / f"{name}.png")
            print(out / f"{name}.png")


if __name__ == "__main__":
    main()


def metric_value(page, label: str) -> str:
    """The value of the st.metric whose label is exactly `label` (labels may begin alike: "Loss", "Loss on …")."""
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    )
    return metric.first.locator('[data-testid="stMetricValue"]').inner_text().strip()
