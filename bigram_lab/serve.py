"""`bigram-lab serve`: the dashboard for a class on a LAN, as one Streamlit process or N behind HAProxy.

Every option of the app's .streamlit/config.toml (XSRF, CORS, upload limit, error details, …) is passed on
Streamlit's command line, which outranks config files and STREAMLIT_* variables: a serve keeps the app's security
settings wherever it is started from. Only the address, the port and the allowed host names are serve's own.
"""

import argparse
import ctypes
import http.client
import ipaddress
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from bigram_core.cli import count_up_to
from bigram_core.data import load_path
from bigram_core.errors import BigramError

from .haproxy import Backend, config, executable

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
MAX_REPLICAS = 16
START_TIMEOUT = 120.0  # seconds for every process to answer its health check (a replica takes ~5 s alone)
HOST_NAME = re.compile(r"(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?", re.I)
# Streamlit's start-up banner names the process's own address, which behind the proxy is not the class's.
BANNER = re.compile(r"You can now view|URL: http|^\s*$")


def app_dir() -> Path:
    """Where app.py, views/, ui/ and .streamlit/ are: inside the installed package, or a checkout's root."""
    installed = Path(__file__).resolve().parent / "app"
    return installed if (installed / "app.py").is_file() else Path(__file__).resolve().parents[1]


# --- the command line ----------------------------------------------------------------------------------------


def port_number(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is outside 1 to 65535")
    return port


def public_name(text: str) -> str:
    """A host name (or *.domain) or an address that students type; '*' would turn the check off."""
    try:
        return str(ipaddress.ip_address(text.strip("[]")))
    except ValueError:
        pass
    if not HOST_NAME.fullmatch(text) or len(text) > 253:
        raise argparse.ArgumentTypeError(f"{text!r} is not a host name or an address")
    return text.lower().rstrip(".")


def backend(text: str) -> tuple[str, int]:
    """HOST:PORT, or [IPv6]:PORT, of a `bigram-lab serve` on another machine."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not host:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    if ":" not in host:
        public_name(host)  # the same check as a name students type
    else:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT") from None
    return host, port_number(port)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the dashboard to a class: one process, or --replicas N behind HAProxy",
        description="Serve the dashboard to a class. Students open one of the printed URLs. The app allows only "
        "the names given with --public-name, localhost and, when it listens beyond loopback, this "
        "machine's own names and addresses.",
    )
    p.add_argument(
        "--host",
        default="0.0.0.0",
        help="address to listen on (default 0.0.0.0: every interface; 127.0.0.1: this machine only)",
    )
    p.add_argument("--port", type=port_number, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--public-name",
        type=public_name,
        action="append",
        default=[],
        metavar="NAME",
        help="a host name or address students type, e.g. lab.school.org (repeat for more)",
    )
    p.add_argument(
        "--no-own-names",
        action="store_true",
        help="do not allow this machine's own host names and addresses, only --public-name and localhost",
    )
    p.add_argument("--data", metavar="PATH", help="the word list every session starts with (default: bundled)")
    p.add_argument(
        "--allow-url",
        action="append",
        default=[],
        metavar="URL",
        help="one more address for the sidebar's 'fetch from an allowed address' list",
    )
    p.add_argument(
        "--replicas",
        type=count_up_to(MAX_REPLICAS),
        default=None,
        metavar="N",
        help="run N Streamlit processes on loopback behind HAProxy, sticky by cookie",
    )
    p.add_argument(
        "--backend",
        type=backend,
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="also send students to a `bigram-lab serve` on another machine (implies the proxy)",
    )


# --- where to listen, and the names to allow -----------------------------------------------------------------


def resolve(host: str) -> list[str]:
    """The addresses a host name stands for ([] if it does not resolve)."""
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})
    except (socket.gaierror, UnicodeError):
        return []


def is_loopback(host: str) -> bool:
    addresses = resolve(host)
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


def check_free(host: str, port: int) -> None:
    """Refuse with a sentence an address this machine does not have, or a port already taken."""
    if not resolve(host):
        raise BigramError(f"--host {host} is not an address of this machine.")
    family = socket.AF_INET6 if ":" in resolve(host)[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will: TIME_WAIT is no conflict
        try:
            s.bind((host, port))
        except OSError as e:
            what = "is already in use" if e.errno == 98 else f"cannot be used ({e.strerror})"
            raise BigramError(f"Port {port} on {host} {what}; choose another with --port.") from None


def own_names(host: str) -> list[str]:
    """This machine's host names and addresses, which students may type when it listens beyond loopback."""
    names = {socket.gethostname(), socket.getfqdn()}
    addresses = {a for name in names for a in resolve(name)}
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # a UDP connect only picks the outgoing interface; nothing is sent
            addresses.add(s.getsockname()[0])
    except OSError:  # no route: an offline machine
        pass
    if host not in ("0.0.0.0", "::"):
        addresses.add(host)
    addresses = {a.split("%")[0] for a in addresses}
    not_loopback = [a for a in sorted(addresses) if not ipaddress.ip_address(a).is_loopback]
    return sorted(n.lower() for n in names if n and n != "localhost") + not_loopback


def url(name: str, port: int) -> str:
    return f"http://[{name}]:{port}/" if ":" in name else f"http://{name}:{port}/"


def names(host: str, port: int, public: list[str], own: bool = True) -> tuple[list[str], list[str]]:
    """The host names the app accepts (server.allowedHosts) and the URLs to give the class."""
    mine = own_names(host) if own and not is_loopback(host) else []
    hosts = list(dict.fromkeys([*LOOPBACK_HOSTS, *public, *mine]))
    urls = [url(n, port) for n in dict.fromkeys([*public, *mine])]
    return hosts, urls or [url(health_host(host), port)]


def health_host(host: str) -> str:
    """An address of this machine where a server bound to `host` answers."""
    if host == "0.0.0.0":
        return "127.0.0.1"
    return "::1" if host == "::" else host


# --- Streamlit and HAProxy processes ---------------------------------------------------------------------------


def shipped_options() -> dict[str, object]:
    """The app's .streamlit/config.toml as {"section.option": value}."""
    with open(app_dir() / ".streamlit" / "config.toml", "rb") as f:
        table = tomllib.load(f)
    return {f"{section}.{key}": value for section, options in table.items() for key, value in options.items()}


def flags(name: str, value) -> list[str]:
    if isinstance(value, list):
        return [x for v in value for x in flags(name, v)]
    return [f"--{name}", ("true" if value else "false") if isinstance(value, bool) else str(value)]


def streamlit_command(address: str, port: int, hosts: list[str], app_args: list[str]) -> list[str]:
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_dir() / "app.py")]
    for name, value in shipped_options().items():
        if name not in ("server.address", "server.port", "server.allowedHosts", "server.headless"):
            cmd += flags(name, value)
    cmd += ["--server.address", address, "--server.port", str(port), "--server.headless", "true"]
    cmd += flags("server.allowedHosts", hosts)
    return cmd + (["--", *app_args] if app_args else [])


PRCTL: Callable[..., int] | None
try:
    PRCTL = ctypes.CDLL(None).prctl  # looked up before any fork: the child only calls it
except (OSError, AttributeError):  # not Linux
    PRCTL = None


def die_with_parent() -> None:
    """In the child, before exec: Linux stops it if the serve is killed outright, so no server is left behind."""
    if PRCTL is not None:
        PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Processes:
    """The processes a serve started, each in its own process group, stopped by its pid when the serve ends."""

    def __init__(self):
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, label: str, cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        proc = subprocess.Popen(
            cmd,
            cwd=app_dir(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        threading.Thread(target=self._forward, args=(label, proc), daemon=True).start()
        self.running.append((label, proc))
        return proc

    @staticmethod
    def _forward(label: str, proc: subprocess.Popen) -> None:
        """Pass a process's log to stderr line by line (so it never blocks on a full pipe), labelled."""
        assert proc.stdout is not None  # started with stdout=PIPE
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            if not BANNER.search(line):
                print(f"[{label}] {line}", file=sys.stderr, flush=True)

    def ended(self) -> tuple[str, int] | None:
        """The first process that has stopped, and its exit code."""
        for label, proc in self.running:
            if proc.poll() is not None:
                return label, proc.returncode
        return None

    def stop(self) -> None:
        for _, proc in self.running:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _, proc in self.running:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def healthy(host: str, port: int) -> bool:
    """Whether a Streamlit server (or the proxy) answers its health check (http.client: never through a proxy)."""
    conn = http.client.HTTPConnection(host, port, timeout=2)
    try:
        conn.request("GET", "/_stcore/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def listening(host: str, port: int) -> bool:
    """Whether something accepts connections at host:port (the proxy: its backends may be other machines, down)."""
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


def wait_healthy(processes: Processes, where: list[tuple[str, int]], stop: threading.Event, ready=healthy) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    waiting = list(where)
    while waiting:
        if stop.is_set():
            raise BigramError("Stopped while starting.")
        if stopped := processes.ended():
            raise BigramError(f"{stopped[0]} stopped while starting (exit code {stopped[1]}); see its log above.")
        if time.monotonic() > deadline:
            raise BigramError(f"The app did not answer within {START_TIMEOUT:.0f} s; see the log above.")
        waiting = [w for w in waiting if not ready(*w)]
        time.sleep(0.2)


def free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- serve -----------------------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Start the app (and the proxy), print the URLs for the class, run until interrupted or terminated."""
    proxy = args.replicas is not None or bool(args.backend)
    replicas = (1 if args.replicas is None else args.replicas) if proxy else 1
    try:
        if args.replicas == 0 and not args.backend:
            raise BigramError("--replicas 0 needs a --backend HOST:PORT to send the class to.")
        if proxy and executable() is None:
            raise BigramError(
                "--replicas and --backend need HAProxy, which is not installed "
                "(on Debian or Ubuntu: apt-get install haproxy)."
            )
        check_free(args.host, args.port)
        app_args = []
        if args.data is not None:
            app_args += ["--data", str(Path(args.data).resolve())]
            load_path(args.data)  # a bad list is refused here, not in every student's sidebar
        app_args += [x for u in args.allow_url for x in ("--allow-url", u)]
    except BigramError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    hosts, class_urls = names(args.host, args.port, args.public_name, own=not args.no_own_names)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    processes = Processes()
    workdir = tempfile.TemporaryDirectory(prefix="bigram-lab-serve-")
    try:
        if not proxy:
            processes.start("streamlit", streamlit_command(args.host, args.port, hosts, app_args))
            wait_healthy(processes, [(health_host(args.host), args.port)], stop)
        else:
            # One cookie secret for every local replica: a token one of them set is valid at all of them.
            env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
            local = [Backend(f"r{i + 1}", "127.0.0.1", free_loopback_port()) for i in range(replicas)]
            for b in local:
                processes.start(b.name, streamlit_command(b.host, b.port, hosts, app_args), env)
            wait_healthy(processes, [(b.host, b.port) for b in local], stop)
            others = [Backend(f"b{i + 1}", host, port) for i, (host, port) in enumerate(args.backend)]
            cfg = Path(workdir.name) / "haproxy.cfg"
            cfg.write_text(config(args.host, args.port, local + others))
            haproxy = executable()
            assert haproxy is not None  # refused above when HAProxy is missing
            check = subprocess.run([haproxy, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
            if check.returncode != 0:
                raise BigramError(f"HAProxy refused its configuration: {check.stderr.strip() or check.stdout.strip()}")
            processes.start("haproxy", [haproxy, "-db", "-f", str(cfg)])
            wait_healthy(processes, [(health_host(args.host), args.port)], stop, ready=listening)
    except BigramError as e:
        processes.stop()
        workdir.cleanup()
        print(f"error: {e}", file=sys.stderr)
        return 1

    parts = []
    if replicas:
        parts.append(f"{replicas} Streamlit process" + ("es" if replicas != 1 else ""))
    if args.backend:
        parts.append(f"{len(args.backend)} other machine" + ("s" if len(args.backend) != 1 else ""))
    where = " and ".join(parts)
    print(f"Bigram Lab is serving on {args.host}:{args.port}" + (f" through HAProxy to {where}" if proxy else "") + ".")
    print("Give the class " + ("this address:" if len(class_urls) == 1 else "one of these addresses:"))
    for u in class_urls:
        print(f"  {u}")
    print("Stop with Ctrl+C.", flush=True)
    try:
        while not stop.wait(0.5):
            if stopped := processes.ended():
                print(f"error: {stopped[0]} stopped (exit code {stopped[1]}); stopping the rest.", file=sys.stderr)
                return 1
        return 0
    finally:
        processes.stop()
        workdir.cleanup()
