"""A classroom under load: many students use one Bigram Lab server at once, each with a word list of their own.

Starts the app (harness.browser.serve) and connects students at a steady rate: a few in headless Chromium (about
350 MB a tab), the rest as websocket clients of Streamlit's own protocol (harness/st_client.py). Every
student uploads a different word list through the sidebar's uploader, opens Training, clicks Step a few times,
then Start (the lecture's 100 steps, live), opens Breakdown and types one of their own words. Then all of them
keep working (a page switch and an interaction every --think seconds: a Step, another word, the dataset) for
--hold seconds while latency is measured.

Each student's words carry a marker character of their own (U+4E00 + student number, a CJK ideograph: no other
list, no text of the app and no name a model of another list can sample contains it), and the list's file name
carries it too. Asserted (exit status 1 if any fails):
- no exceptions: no exception element, compile error or unknown page in any ForwardMsg a student receives,
  no uncaught error in a browser's page (Streamlit's frontend failing blanks the tab) and no exception box in
  it, and no traceback or ERROR record in the server's log;
- no lost output: every full run reaches a websocket student with every container's slots 0, 1, 2, … filled; a
  gap means the server dropped messages, and a browser would then put later fragment output in the wrong place
  (st_client.Session.holes);
- isolation: no student ever receives another student's marker, in any frame (UTF-8 or a JSON \\u escape) or,
  in a browser, in the page's text; and every number a student is shown is their own: the sidebar's list name
  and word count, the dataset's word count, the step count and loss after each Step and after Start (computed
  here with bigram_core from the student's own words), the breakdown's mean NLL of the word;
- with a fixed size (no --find-max), every student completes every interaction (none times out or is dropped).

Reported: sessions held, p50/p95 interaction latency (a websocket client's rerun request to its
script_finished; a browser's click to the expected value drawn on the page), the server's RSS (process tree)
at start, peak and end, and its CPU use.

--find-max grows the class level by level (--levels) and stops at the first level where a student is dropped (a
timeout or a lost connection) or the p95 latency of the steady phase exceeds --max-p95 (1 s): the largest level
before it is what the machine sustains. A student stopped by an exception is not a capacity limit; it fails the
exceptions assertion instead. The clients run on the same two cores as the server, so their CPU use is reported
beside the server's.

Usage (from the project root):
    python -m benchmarks.classroom                          # 20 students, 2 of them in Chromium
    python -m benchmarks.classroom --sessions 5 --browsers 1 --hold 10      # a quick look
    python -m benchmarks.classroom --find-max --levels 20,30,40,60,80
    python -m benchmarks.classroom --find-max --levels 20,30,40,50,60 --replicas 1,2    # through HAProxy

--replicas N serves the class with `bigram-lab serve --replicas N` (HAProxy on one port, N Streamlit processes
behind it, sticky by cookie: websocket students carry the proxy's cookie as a browser does); a list such as 1,2
runs the whole lesson once per count, in one run, on a fresh server each time, and ends with a table of the
largest class each held. Server memory and CPU are then the sums over the serve's processes (HAProxy included).
"""

import argparse
import asyncio
import contextlib
import itertools
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import torch
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import WebSocketException

from bigram_core import breakdown, fit, parse_bytes, probabilities
from bigram_lab.haproxy import COOKIE
from harness.browser import CHROMIUM, CHROMIUM_ARGS
from harness.st_client import Interaction, ProtocolError, Session, exception_text, message_strings
from harness.st_server import Sampler, Server, app_server, class_server, cpu_seconds, tree
from ui.format import num

MARKER0 = 0x4E00  # student i's marker is chr(MARKER0 + i)
MAX_STUDENTS = 256  # markers U+4E00..U+4EFF
MARKER_BYTES = re.compile(rb"\xe4[\xb8-\xbb][\x80-\xbf]|\\u4[eE][0-9a-fA-F]{2}")  # UTF-8, or a JSON escape
MARKER_TEXT = re.compile("[\u4e00-\u4eff]")
SYLLABLES = (
    "ka",
    "ri",
    "mo",
    "le",
    "sa",
    "ti",
    "na",
    "do",
    "be",
    "lu",
    "ve",
    "zo",
    "pa",
    "gi",
    "ha",
    "ju",
    "el",
    "an",
    "is",
    "or",
)
START_STEPS = 100  # the training view's default Steps: what Start trains to
ERROR_ALERT = 1  # Alert.Format.ERROR


def marker_char(match: bytes) -> str:
    """The character a MARKER_BYTES match stands for."""
    return match.decode("unicode_escape") if match.startswith(b"\\u") else match.decode()


@dataclass
class Student:
    """One student: their word list, the numbers they must be shown, and what went wrong for them."""

    index: int
    browser: bool
    problems: list[str] = field(default_factory=list)  # a check that failed: a wrong or foreign number or word
    exceptions: list[str] = field(default_factory=list)
    holes: list[str] = field(default_factory=list)  # full runs that reached a websocket student with a gap
    failure: str | None = None  # why the student could not go on (timeout, dropped connection)
    interactions: list[Interaction] = field(default_factory=list)
    own_seen: int = 0  # frames that carried the student's own marker
    steps: int = 0  # steps of training the student's net has had
    doing: str = ""  # the browser student's current action, for a failure message
    received: int = 0  # bytes a websocket student received
    auto_reruns: int = 0  # fragment reruns a websocket student sent on the server's timer
    replica: str = ""  # behind bigram-lab serve's proxy: the replica its cookie pinned a websocket student to

    def __post_init__(self):
        rng = random.Random(self.index)
        self.marker = chr(MARKER0 + self.index)
        words: set[str] = set()
        while len(words) < 40 + self.index:  # a different word count for every student
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
            cut = rng.randint(1, len(word) - 1)
            words.add(word[:cut] + self.marker + word[cut:])
        self.words = sorted(words)
        self.name = f"class-{self.index:03d}-{self.marker}.txt"
        self.data = "\n".join(self.words).encode()
        self.wordlist = parse_bytes(self.data, self.name)
        self._losses: list[float] = []
        self._P = probabilities(self.wordlist.counts, 1.0)  # the breakdown view's default model: counts, k = 1

    def loss(self, steps: int) -> str:
        """The Loss metric after `steps` steps of the lecture's training (seed, lr 50, λ 0.01) on these words."""
        if len(self._losses) < steps:
            self._losses = [r.loss for r in fit(self.wordlist.counts, steps=steps + 50)[1]]
        return f"{self._losses[steps - 1]:.4f}"

    def nll(self, word: str) -> str:
        """The breakdown's mean NLL of `word` under the counts model with k = 1, as the view prints it."""
        return num(breakdown(word, self._P, self.wordlist.counts, self.wordlist.vocab).nll)

    def scan(self, frame: bytes | str, parse: bool = False) -> None:
        """Look through one frame the student received for markers, and (`parse`: a browser's) for errors.

        The bytes are searched first (fast); a foreign marker found there is confirmed in the message's decoded
        strings, since the raw bytes of an Arrow table's numbers can look like one by chance."""
        data = frame.encode() if isinstance(frame, str) else frame
        chars = {marker_char(m) for m in MARKER_BYTES.findall(data)}
        self.own_seen += self.marker in chars
        if foreign := chars - {self.marker}:
            text = "\n".join(message_strings(ForwardMsg.FromString(data)))
            for char in sorted(foreign):
                if (at := text.find(char)) >= 0:
                    self.problems.append(
                        f"received student {ord(char) - MARKER0}'s marker {char!r}: {text[max(0, at - 60) : at + 60]!r}"
                    )
        if parse and isinstance(frame, bytes) and (error := exception_text(ForwardMsg.FromString(frame))):
            self.exceptions.append(error)

    def expect(self, what: str, shown, expected) -> None:
        if shown != expected:
            self.problems.append(f"{what}: shown {shown!r}, expected {expected!r}")

    @property
    def label(self) -> str:
        return f"student {self.index} ({'chromium' if self.browser else 'websocket'})"


@dataclass
class Config:
    """The command line's settings; `levels` are the class sizes to hold, one after the other."""

    browsers: int
    rate: float
    think: float
    hold: float
    steps: int
    timeout: float
    levels: list[int]
    find_max: bool
    max_p95: float


# --- websocket students ------------------------------------------------------------------------------------------


def check_sidebar(st: Student, s: Session) -> None:
    text = "\n".join(s.texts(area=1))
    st.expect("sidebar list name", f"**{st.name}**" in text, True)
    st.expect("sidebar word count", f"{len(st.words):,} words" in text, True)
    st.expect("error messages", s.alerts(ERROR_ALERT), [])


async def ws_step(st: Student, s: Session) -> None:
    await s.click("training_step", "step")
    st.steps += 1
    st.expect("Step after a click on Step", s.metric("Step"), f"{st.steps:,}")
    st.expect(f"Loss after {st.steps} steps", s.metric("Loss"), st.loss(st.steps))


async def ws_word(st: Student, s: Session, word: str) -> None:
    before = st.own_seen
    await s.set("word", word, "word")
    st.expect(f"mean NLL of {word}", s.metric("Mean NLL (the loss)"), st.nll(word))
    st.expect(f"own words in the breakdown of {word}", st.own_seen > before, True)


async def ws_student(st: Student, base_url: str, cfg: Config, ready: asyncio.Event, stop: asyncio.Event) -> None:
    """Upload, Step, Start, Breakdown; then an interaction every `think` seconds until `stop`."""
    session = Session(base_url, "/", on_frame=st.scan, timeout=cfg.timeout)
    session.interactions, session.exceptions, session.holes = st.interactions, st.exceptions, st.holes  # live
    try:
        await session.open()
        st.replica = session.cookies.get(COOKIE, "")
        await session.upload("upload", st.name, st.data)
        check_sidebar(st, session)
        st.expect("dataset word count", session.metric("Words"), f"{len(st.words):,}")
        await session.navigate("training")
        for _ in range(cfg.steps):
            await ws_step(st, session)
        start = time.perf_counter()
        await session.click("training_start", "start")
        await session.settle()
        st.interactions.append(Interaction("train", time.perf_counter() - start, time.perf_counter()))
        st.steps = START_STEPS
        st.expect("Step after Start", session.metric("Step"), f"{START_STEPS:,}")
        st.expect(f"Loss after Start ({START_STEPS} steps)", session.metric("Loss"), st.loss(START_STEPS))
        await session.navigate("breakdown")
        await ws_word(st, session, st.words[0])
        check_sidebar(st, session)
        ready.set()
        rng = random.Random(st.index)
        words = itertools.cycle(st.words[1:])
        for page in itertools.cycle(("training", "", "breakdown")):
            if await pause(stop, rng.uniform(0.5, 1.5) * cfg.think):
                break
            await session.navigate(page)
            if page == "training":
                await ws_step(st, session)
            elif page == "breakdown":
                await ws_word(st, session, next(words))
            else:
                st.expect("dataset word count", session.metric("Words"), f"{len(st.words):,}")
            check_sidebar(st, session)
    except (ProtocolError, OSError, TimeoutError, WebSocketException) as e:  # dropped, refused, or too slow
        st.failure = f"{type(e).__name__}: {e}"
    finally:
        ready.set()
        await session.close()
        st.received, st.auto_reruns = session.bytes_received, session.auto_reruns


async def pause(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep `seconds` unless `stop` is set first; True if it was."""
    try:
        await asyncio.wait_for(stop.wait(), seconds)
        return True
    except TimeoutError:
        return False


# --- browser students --------------------------------------------------------------------------------------------

METRIC = """([label, value]) => {
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const l = m.querySelector('[data-testid="stMetricLabel"]');
    if (l && l.textContent.trim() === label)
      return m.querySelector('[data-testid="stMetricValue"]').textContent.trim() === value;
  }
  return false;
}"""
IDLE = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-testid="stSkeleton"]')"""
SIDEBAR = '[data-testid="stSidebar"]'


async def until(page, st: Student, kind: str, action, js: str, arg=None, timeout: float = 30) -> None:
    """Do `action`, then wait for `js` to hold and the app to be idle; the time between is the interaction's."""
    st.doing = f"{kind}: waiting for {arg!r}"
    start = time.perf_counter()
    await action()
    await page.wait_for_function(js, arg=arg, timeout=timeout * 1000, polling=50)
    await page.wait_for_function(IDLE, timeout=timeout * 1000, polling=50)
    end = time.perf_counter()
    st.interactions.append(Interaction(kind, end - start, end))


async def browser_check(st: Student, page) -> None:
    """The page's text has no other student's marker, the sidebar shows the student's list, no exception box."""
    text = await page.evaluate("() => document.body.innerText")
    for char in set(MARKER_TEXT.findall(text)) - {st.marker}:
        st.problems.append(f"page text shows student {ord(char) - MARKER0}'s marker {char!r}")
    sidebar = await page.locator(SIDEBAR).inner_text()
    st.expect("sidebar list name", st.name in sidebar, True)
    st.expect("sidebar word count", f"{len(st.words):,} words" in sidebar, True)
    if await page.locator('[data-testid="stException"]').count():
        st.exceptions.append(await page.locator('[data-testid="stException"]').first.inner_text())


async def browser_nav(st: Student, page, title: str, timeout: float) -> None:
    link = page.locator('[data-testid="stSidebarNav"] a', has_text=title)
    await until(
        page,
        st,
        "navigate",
        link.click,
        "(t) => [...document.querySelectorAll('[data-testid=\"stMain\"] h1')].some(h => h.textContent.trim() === t)",
        title,
        timeout,
    )


async def browser_step(st: Student, page, timeout: float) -> None:
    st.steps += 1
    await until(
        page,
        st,
        "step",
        page.locator(".st-key-training_step button:visible").click,
        METRIC,
        ["Loss", st.loss(st.steps)],
        timeout,
    )
    await page.wait_for_function(METRIC, arg=["Step", f"{st.steps:,}"], timeout=timeout * 1000)


async def browser_word(st: Student, page, word: str, timeout: float) -> None:
    box = page.locator(".st-key-word input")

    async def type_word():
        await box.fill(word)
        await box.press("Enter")

    await until(page, st, "word", type_word, METRIC, ["Mean NLL (the loss)", st.nll(word)], timeout)


async def browser_student(
    st: Student, browser, base_url: str, cfg: Config, ready: asyncio.Event, stop: asyncio.Event
) -> None:
    """The same lesson as ws_student, clicked and typed in a Chromium tab."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    sockets = []
    page.on("websocket", lambda ws: (sockets.append(ws), ws.on("framereceived", lambda f: st.scan(f, parse=True))))
    # An uncaught error in Streamlit's frontend: the app is gone from the tab (a blank page).
    page.on("pageerror", lambda e: st.exceptions.append(f"in the browser: {e.message}\n{e.stack}"))
    timeout = cfg.timeout
    try:
        start = time.perf_counter()
        await page.goto(base_url)
        await page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout * 1000)
        await page.wait_for_function(IDLE, timeout=timeout * 1000)
        st.interactions.append(Interaction("load", time.perf_counter() - start, time.perf_counter()))
        uploader = page.locator(f'{SIDEBAR} [data-testid="stFileUploaderDropzoneInput"]')
        await until(
            page,
            st,
            "upload",
            lambda: uploader.set_input_files({"name": st.name, "mimeType": "text/plain", "buffer": st.data}),
            "(name) => document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes(name)"
            ' && !document.querySelector(\'[data-testid="stFileUploaderFile"] [role="progressbar"]\')',
            f"{st.name}",
            timeout,
        )
        await browser_check(st, page)
        await browser_nav(st, page, "Training", timeout)
        for _ in range(cfg.steps):
            await browser_step(st, page, timeout)
        st.steps = START_STEPS
        await until(
            page,
            st,
            "train",
            page.locator(".st-key-training_start button:visible").click,
            METRIC,
            ["Loss", st.loss(START_STEPS)],
            timeout,
        )
        await page.wait_for_function(METRIC, arg=["Step", f"{START_STEPS:,}"], timeout=timeout * 1000)
        await browser_nav(st, page, "Breakdown", timeout)
        await browser_word(st, page, st.words[0], timeout)
        await browser_check(st, page)
        ready.set()
        rng = random.Random(st.index)
        words = itertools.cycle(st.words[1:])
        for title in itertools.cycle(("Training", "Breakdown")):
            if await pause(stop, rng.uniform(0.5, 1.5) * cfg.think):
                break
            await browser_nav(st, page, title, timeout)
            if title == "Training":
                await browser_step(st, page, timeout)
            else:
                await browser_word(st, page, next(words), timeout)
            await browser_check(st, page)
    except PlaywrightError as e:  # a timeout, or the page went away: the student could not go on
        shot, text = Path(tempfile.gettempdir()) / f"classroom-student-{st.index}.png", None
        with contextlib.suppress(PlaywrightError):
            await page.screenshot(path=shot, full_page=True)
            text = await page.evaluate("() => document.body.innerText.slice(0, 200)")
        st.failure = (
            f"{type(e).__name__} ({st.doing}): {str(e).splitlines()[0]}\n    at {page.url}, "
            f"{len(sockets)} websocket(s) opened ({sum(ws.is_closed() for ws in sockets)} closed), "
            f"screenshot {shot}, text {text!r}"
        )
    finally:
        ready.set()
        await context.close()


# --- the class ---------------------------------------------------------------------------------------------------


def client_cpu_seconds(server: Server) -> float:
    """CPU seconds used by this process and its children (playwright, Chromium), the server's tree excepted."""
    return sum(cpu_seconds(p) for p in tree(os.getpid()) if p not in set(tree(server.pid)))


def percentile(xs: list[float], p: float) -> float:
    """The p-th percentile (0-100) by the nearest-rank method."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs) + 0.5) - 1))] if xs else float("nan")


def latency_line(xs: list[float]) -> str:
    if not xs:
        return "n=0"
    return (
        f"n={len(xs)}  p50 {percentile(xs, 50) * 1000:.0f} ms  p95 {percentile(xs, 95) * 1000:.0f} ms  "
        f"max {max(xs) * 1000:.0f} ms"
    )


@dataclass
class Level:
    """The steady phase at one class size."""

    size: int
    dropped: int  # students that stopped on a timeout or a lost connection: the server did not keep up
    crashed: int  # students that stopped after an exception (counted with the exceptions)
    latencies: list[float]
    browser_latencies: list[float]
    cpu_percent: float
    client_cpu_percent: float
    rss_mb: float

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 95)

    @property
    def held(self) -> int:
        return self.size - self.dropped - self.crashed

    def sustained(self, max_p95: float) -> bool:
        return not self.dropped and self.p95 <= max_p95


async def lesson(server: Server, cfg: Config) -> tuple[list[Student], list[Level]]:
    """Connect students level by level at `rate`; after each level is connected, hold it for `hold` seconds."""

    students: list[Student] = []
    tasks: list[asyncio.Task] = []
    levels: list[Level] = []
    stop = asyncio.Event()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS) if cfg.browsers else None
        try:
            for size in cfg.levels:
                readies = []
                while len(students) < size:
                    st = Student(len(students), browser=len(students) < cfg.browsers)
                    ready = asyncio.Event()
                    students.append(st)
                    readies.append(ready)
                    lesson_of = (
                        browser_student(st, browser, server.base_url, cfg, ready, stop)
                        if st.browser
                        else ws_student(st, server.base_url, cfg, ready, stop)
                    )
                    tasks.append(asyncio.create_task(lesson_of))
                    await asyncio.sleep(1 / cfg.rate)
                for ready in readies:  # everyone has done the lesson's first part (or failed)
                    await ready.wait()
                window = time.perf_counter()
                cpu, client_cpu = server.cpu(), client_cpu_seconds(server)
                await asyncio.sleep(cfg.hold)
                now = time.perf_counter()
                level = Level(
                    size=size,
                    dropped=sum(bool(st.failure) and not st.exceptions for st in students),
                    crashed=sum(bool(st.failure) and bool(st.exceptions) for st in students),
                    latencies=[
                        i.seconds for st in students if not st.browser for i in st.interactions if i.end >= window
                    ],
                    browser_latencies=[
                        i.seconds for st in students if st.browser for i in st.interactions if i.end >= window
                    ],
                    cpu_percent=100 * (server.cpu() - cpu) / (now - window),
                    client_cpu_percent=100 * (client_cpu_seconds(server) - client_cpu) / (now - window),
                    rss_mb=server.rss_mb(),
                )
                levels.append(level)
                print(
                    f"  {size} students: held {level.held}; steady phase {latency_line(level.latencies)}; "
                    f"browsers {latency_line(level.browser_latencies)}; CPU: server {level.cpu_percent:.0f} %, "
                    f"clients {level.client_cpu_percent:.0f} %; RSS {level.rss_mb:.0f} MB",
                    flush=True,
                )
                if cfg.find_max and not level.sustained(cfg.max_p95):
                    break
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)
            if browser is not None:
                await browser.close()
    return students, levels


def report(server: Server, cfg: Config, students: list[Student], levels: list[Level], rss: dict) -> bool:
    """Print the figures and every failed check; True if all assertions hold."""
    ws = [i for st in students if not st.browser for i in st.interactions]
    received, auto_reruns = sum(st.received for st in students), sum(st.auto_reruns for st in students)
    br = [i for st in students if st.browser for i in st.interactions]
    print(
        f"\nClassroom: {len(students)} students ({sum(st.browser for st in students)} in Chromium), connected "
        f"{cfg.rate:g}/s, think {cfg.think:g} s, steady phase {cfg.hold:g} s per level; server up in "
        f"{server.startup:.1f} s; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(
        f"Server RSS (process tree): start {rss['start']:.0f} MB, peak {rss['peak']:.0f} MB, "
        f"end {rss['end']:.0f} MB (students disconnected; Streamlit keeps a closed session "
        f"server.disconnectedSessionTTL = 120 s for a reconnect)"
    )
    print("Latency, websocket students (rerun sent -> script_finished), whole run:")
    for kind in ("load", "upload", "navigate", "step", "start", "word"):
        print(f"  {kind:9} {latency_line([i.seconds for i in ws if i.kind == kind])}")
    print(f"  {'all':9} {latency_line([i.seconds for i in ws if i.kind != 'train'])}")
    print(
        f"  {'train':9} {latency_line([i.seconds for i in ws if i.kind == 'train'])}  (Start until step "
        f"{START_STEPS} is drawn: the click's run, then {auto_reruns} fragment reruns on the server's timer "
        f"in all)"
    )
    if replicas := Counter(st.replica for st in students if st.replica):
        print(
            "Websocket students per replica (by the proxy's cookie): "
            + ", ".join(f"{name} {n}" for name, n in sorted(replicas.items()))
        )
    print(
        f"Traffic to the websocket students: {received / 2**20:.0f} MB, "
        f"{received / max(1, len(ws)) / 1024:.0f} KB per interaction"
    )
    if br:
        print("Latency, Chromium students (action -> expected value drawn, app idle), whole run:")
        for kind in ("load", "upload", "navigate", "step", "train", "word"):
            print(f"  {kind:9} {latency_line([i.seconds for i in br if i.kind == kind])}")
    print("Steady phase per level:")
    for level in levels:
        print(
            f"  {level.size:4} students: held {level.held:4} ({level.dropped} dropped, {level.crashed} stopped by "
            f"an error)  {latency_line(level.latencies)}  "
            f"CPU server {level.cpu_percent:.0f} % clients {level.client_cpu_percent:.0f} %  "
            f"RSS {level.rss_mb:.0f} MB"
        )
    print("  (CPU in % of one core: the server's process tree; this script with its Chromium)")
    if cfg.find_max:
        good, last = [lv for lv in levels if lv.sustained(cfg.max_p95)], levels[-1]
        print(
            f"Sustained: {f'{good[-1].size} students' if good else 'none of the levels tried'} (the largest level "
            f"with no student dropped and a steady-phase p95 <= {cfg.max_p95:g} s)"
        )
        if last not in good:
            print(f"  at {last.size} students: {last.dropped} dropped, p95 {last.p95:.2f} s")
        elif len(levels) == len(cfg.levels):
            print("  that is the largest level tried: the machine may sustain more")
    failed = [st for st in students if st.failure]
    problems = [(st, p) for st in students for p in st.problems]
    exceptions = [(st, e) for st in students for e in st.exceptions]
    holes = [(st, h) for st in students for h in st.holes]
    log = server.log_problems()
    checks = sum(1 for st in students for i in st.interactions)
    print(
        f"Checks: {checks} interactions; exceptions received {len(exceptions)}, full runs with lost output "
        f"{len(holes)}, server log problems {len(log)}, isolation or number failures {len(problems)}, students "
        f"that could not go on {len(failed)}"
    )
    for st, e in exceptions[:10]:
        print(f"  EXCEPTION {st.label}: {e}")
    for st, h in holes[:10]:
        print(f"  LOST OUTPUT {st.label}: {h}")
    for entry in log[:5]:
        print(f"  SERVER LOG: {entry}")
    for st, p in problems[:20]:
        print(f"  WRONG {st.label}: {p}")
    for st in failed[:20]:
        print(f"  STOPPED {st.label}: {st.failure}")
    return not exceptions and not holes and not log and not problems and (cfg.find_max or not failed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20, help="students in all, browsers included (20)")
    parser.add_argument("--browsers", type=int, default=2, help="of them in headless Chromium (2)")
    parser.add_argument("--rate", type=float, default=1.0, help="students connecting per second (1)")
    parser.add_argument("--think", type=float, default=3.0, help="mean seconds between a student's actions (3)")
    parser.add_argument("--hold", type=float, default=30.0, help="seconds of the steady phase per level (30)")
    parser.add_argument("--steps", type=int, default=5, help="clicks on Step before Start (5)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds an interaction may take (30)")
    parser.add_argument("--find-max", action="store_true", help="grow the class level by level until it breaks")
    parser.add_argument(
        "--levels", default="20,30,40,60,80,120", help="class sizes for --find-max (20,30,40,60,80,120)"
    )
    parser.add_argument(
        "--max-p95",
        type=float,
        default=1.0,
        help="steady-phase p95 latency a level may have to count as sustained, seconds (1)",
    )
    parser.add_argument(
        "--replicas",
        default=None,
        help="serve through `bigram-lab serve --replicas N` (HAProxy); a list such as 1,2 measures "
        "each count in turn (default: one Streamlit process, no proxy)",
    )
    args = parser.parse_args()
    try:
        counts = [None] if args.replicas is None else [int(x) for x in args.replicas.split(",")]
    except ValueError:
        parser.error(f"--replicas takes whole numbers separated by commas, not {args.replicas!r}")
    levels = sorted(int(x) for x in args.levels.split(",")) if args.find_max else [args.sessions]
    if max(levels) > MAX_STUDENTS or args.browsers > min(levels):
        parser.error(f"at most {MAX_STUDENTS} students, and no more browsers than students")
    cfg = Config(
        args.browsers, args.rate, args.think, args.hold, args.steps, args.timeout, levels, args.find_max, args.max_p95
    )
    torch.set_num_threads(1)  # the checks' arithmetic must not take a core from the server
    ok, results = True, []
    for count in counts:
        if count is not None:
            print(f"\n=== bigram-lab serve --replicas {count} (through HAProxy) ===", flush=True)
        with app_server() if count is None else class_server(count) as server:
            rss = {"start": server.rss_mb()}
            with Sampler(server) as sampler:
                students, levels_done = asyncio.run(lesson(server, cfg))
                time.sleep(2)  # the server ends the closed sessions' script runs
                rss["end"] = server.rss_mb()
            rss["peak"] = sampler.peak
            ok = report(server, cfg, students, levels_done, rss) and ok
        results.append((count, levels_done))
    if args.replicas is not None and cfg.find_max:
        replicas_table(results, cfg)
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


def replicas_table(results: list[tuple[int, list[Level]]], cfg: Config) -> None:
    """The largest class each replica count held, as a markdown table."""
    print(f"\nLargest class held (no student dropped, steady-phase p95 <= {cfg.max_p95:g} s), {os.cpu_count()} CPUs:")
    print("| replicas | students held | p50 | p95 | server CPU | server RSS | next level |")
    print("|---|---|---|---|---|---|---|")
    for count, levels in results:
        good = [lv for lv in levels if lv.sustained(cfg.max_p95)]
        nxt = next((lv for lv in levels if not lv.sustained(cfg.max_p95)), None)
        after = f"{nxt.size}: p95 {nxt.p95:.2f} s, {nxt.dropped} dropped" if nxt else "not reached (largest tried)"
        if good:
            g = good[-1]
            print(
                f"| {count} | {g.size} | {percentile(g.latencies, 50) * 1000:.0f} ms | {g.p95 * 1000:.0f} ms | "
                f"{g.cpu_percent:.0f} % | {g.rss_mb:.0f} MB | {after} |"
            )
        else:
            print(f"| {count} | none of {cfg.levels} | | | | | {after} |")


if __name__ == "__main__":
    main()
