"""A served app for the load benchmarks and the server tests: harness.browser.serve(), plus its process, memory and log.

    with app_server("--data", PATH, options={"runner.postScriptGC": "true"}) as server:
        server.base_url, server.pid, server.rss_mb(), server.log_problems(), server.metrics()

`options` are Streamlit config options for the server, passed as their environment variables
(STREAMLIT_RUNNER_POST_SCRIPT_GC …), which take precedence over .streamlit/config.toml.

serve() starts `streamlit run app.py` in its own process group and reads its stdout and stderr, line by line, into
the Server's log, where tracebacks are counted. The server is found as the child of this process with serve()'s
port on its command line.
Memory is the resident set size (VmRSS) of the server and all its descendants, from /proc (psutil is not a
dependency of the project).
"""

import contextlib
import json
import os
import re
import signal
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from streamlit.config import get_config_options

from harness.browser import serve, serve_class
from harness.st_client import http_request

PROBE_VARIABLE = "BIGRAM_PROBE"

# Log records at these levels, and Python tracebacks, are problems; Streamlit's format is "... LEVEL logger: ...".
PROBLEM = re.compile(r"Traceback \(most recent call last\)|\b(ERROR|CRITICAL)\b")


def children(pid: int) -> list[int]:
    """The process ids whose parent is `pid`."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children(p)
    return out


def rss_kb(pid: int) -> int:
    """VmRSS of one process in kB, 0 if it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pid(port: int) -> int:
    """The streamlit server this process started on `port`."""
    for pid in children(os.getpid()):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(argv) and str(port).encode() in argv:
            return pid
    raise RuntimeError(f"no streamlit child process on port {port}")


@dataclass
class Server:
    """A running app: where it is, its process, and what it has logged so far."""

    base_url: str
    pid: int
    startup: float
    log: list[str] = field(default_factory=list)
    probe: str | None = None  # where harness/probed_streamlit.py writes its snapshot

    def live(self, timeout: float = 30) -> dict[str, float]:
        """The probed server's snapshot of what it holds (harness/probed_streamlit.py), taken now."""
        path = Path(self.probe)
        path.unlink(missing_ok=True)
        os.kill(self.pid, signal.SIGUSR1)
        deadline = time.monotonic() + timeout
        while not path.exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the server wrote no memory snapshot")
            time.sleep(0.05)
        return json.loads(path.read_text())

    def rss_mb(self) -> float:
        """Resident memory of the server's process tree, in MB."""
        return sum(rss_kb(p) for p in tree(self.pid)) / 1024

    def cpu(self) -> float:
        """CPU seconds the server's process tree has used."""
        return sum(cpu_seconds(p) for p in tree(self.pid))

    def log_problems(self) -> list[str]:
        """Log lines that are tracebacks or records at level ERROR or CRITICAL, each with the lines after it."""
        lines = list(self.log)
        return ["\n".join(lines[i : i + 30]) for i, line in enumerate(lines) if PROBLEM.search(line)]

    def metrics(self) -> dict[str, float]:
        """Streamlit's own counters and gauges (/_stcore/metrics: bytes held per cache, session events, …),
        by name and labels."""
        text = http_request(self.base_url, "GET", "/_stcore/metrics").body.decode()
        out: dict[str, float] = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                out[name] = out.get(name, 0.0) + float(value)
        return out


def parse_options(pairs: list[str]) -> dict[str, str]:
    """["runner.postScriptGC=true", …] -> {"runner.postScriptGC": "true", …}, names checked against Streamlit's."""
    options = dict(pair.split("=", 1) for pair in pairs)
    if unknown := set(options) - set(get_config_options()):
        raise ValueError(f"not Streamlit config options: {', '.join(sorted(unknown))}")
    return options


@contextlib.contextmanager
def app_server(*app_args: str, options: dict[str, str] | None = None, probe: bool = False) -> Iterator[Server]:
    """serve(*app_args) with the server's process and log; `options` set Streamlit config options for it.
    With `probe`, the server runs under harness/probed_streamlit.py and Server.live() reads its memory."""
    env = {get_config_options()[k].env_var: str(v) for k, v in (options or {}).items()}
    probe_dir = tempfile.TemporaryDirectory(prefix="bigram-probe-") if probe else contextlib.nullcontext()
    saved = {k: os.environ.get(k) for k in [*env, PROBE_VARIABLE]}
    try:
        with probe_dir as directory:
            if directory:
                env[PROBE_VARIABLE] = str(Path(directory) / "probe.json")
            os.environ.update(env)
            log: list[str] = []
            module = "harness.probed_streamlit" if probe else "streamlit"
            with serve(*app_args, log=log, module=module) as (base_url, startup):
                yield Server(
                    base_url, server_pid(urllib.parse.urlsplit(base_url).port), startup, log, env.get(PROBE_VARIABLE)
                )
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def class_server(replicas: int) -> Iterator[Server]:
    """`bigram-lab serve --replicas N` on loopback: HAProxy in front of N Streamlit processes. The Server is the
    serve process, whose process tree holds them all (memory and CPU are their sums) and whose log is theirs."""
    log: list[str] = []
    with serve_class("--replicas", str(replicas), log=log) as (base_url, startup, proc):
        yield Server(base_url, proc.pid, startup, log)


class Sampler:
    """Samples the server's RSS every `every` seconds in a thread; `peak` is the largest seen."""

    def __init__(self, server: Server, every: float = 0.5):
        self.server, self.every = server, every
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_mb())
            self._stop.wait(self.every)
