"""`bigram-lab serve`: names allowed, security settings kept, one process or replicas behind HAProxy.

Everything stays on loopback: servers listen on free ports of 127.0.0.1, and chromium reaches the public names
through --host-resolver-rules, which map them to 127.0.0.1.
"""

import http.client
import os
import subprocess
import urllib.parse

import pytest

from bigram_core import fit, parse_bytes
from bigram_lab.haproxy import COOKIE, Backend, config, executable
from bigram_lab.serve import LOOPBACK_HOSTS, names
from harness.browser import CHROMIUM, ROOT, chromium, free_port, metric_value, run_coroutine, serve_class, wait_idle

HAPROXY = executable()
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
needs_haproxy = pytest.mark.skipif(HAPROXY is None, reason="Debian's haproxy is not installed")
LAB, OTHER = "lab.school.test", "other.school.test"
RESOLVE = f"--host-resolver-rules=MAP {LAB} 127.0.0.1, MAP {OTHER} 127.0.0.1"


def request(port: int, path: str, host: str, headers: dict | None = None) -> http.client.HTTPResponse:
    """A request to 127.0.0.1:port as if to http://host:port (http.client: no proxy)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": f"{host}:{port}", **(headers or {})})
    response = conn.getresponse()
    response.read() if response.status != 101 else None
    conn.close()
    return response


def websocket_status(port: int, host: str) -> int:
    """The status of a browser-like WebSocket handshake to Streamlit's stream, from the page's own origin."""
    return request(
        port,
        "/_stcore/stream",
        host,
        {
            "Upgrade": "websocket",
            "Connection": "Upgrade",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Protocol": "streamlit",
            "Origin": f"http://{host}:{port}",
        },
    ).status


# --- the command line ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--port", "70000"], "argument --port: 70000 is outside 1 to 65535"),
        (["--public-name", "lab school"], "argument --public-name: 'lab school' is not a host name or an address"),
        (["--public-name", "*"], "argument --public-name: '*' is not a host name or an address"),
        (["--backend", "10.0.0.5"], "argument --backend: '10.0.0.5' is not HOST:PORT"),
        (["--backend", "10.0.0.5:http"], "argument --backend: 'http' is not a port number"),
        (["--replicas", "99"], "argument --replicas: 99 is outside 0 to 16"),
        (["--replicas", "0"], "--replicas 0 needs a --backend HOST:PORT to send the class to."),
        (
            ["--host", "203.0.113.7"],
            "Port 8501 on 203.0.113.7 cannot be used (Cannot assign requested address); choose another with --port.",
        ),
        (["--host", "127.0.0.1", "--data", "missing.txt"], "No such file: missing.txt."),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(script, argv, message):
    code, out, err = script("serve", *argv)
    assert code == 2 and out == ""
    assert err.startswith(f"error: {message}") and err.count("\n") == 1, err


def test_a_taken_port_is_refused(script):
    port = free_port()
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", port))
        s.listen()
        code, _, err = script("serve", "--host", "127.0.0.1", "--port", str(port))
    assert (code, err) == (2, f"error: Port {port} on 127.0.0.1 is already in use; choose another with --port.\n")


def test_names_allowed():
    hosts, urls = names("127.0.0.1", 8600, [LAB])
    assert hosts == [*LOOPBACK_HOSTS, LAB] and urls == [f"http://{LAB}:8600/"]
    assert names("127.0.0.1", 8600, []) == ([*LOOPBACK_HOSTS], ["http://127.0.0.1:8600/"])
    hosts, urls = names("0.0.0.0", 8600, [LAB])  # beyond loopback: this machine's own name is allowed too
    assert hosts[:4] == [*LOOPBACK_HOSTS, LAB] and __import__("socket").gethostname().lower() in hosts
    assert urls[0] == f"http://{LAB}:8600/" and "http://127.0.0.1:8600/" not in urls
    assert names("0.0.0.0", 8600, [LAB], own=False) == ([*LOOPBACK_HOSTS, LAB], [f"http://{LAB}:8600/"])


# --- the proxy's configuration ---------------------------------------------------------------------------------


@needs_haproxy
def test_haproxy_config_is_sticky_by_cookie_and_valid(tmp_path):
    backends = [
        Backend("r1", "127.0.0.1", 9001),
        Backend("r2", "127.0.0.1", 9002),
        Backend("b1", "10.0.0.5", 8501),
        Backend("b2", "fd00::5", 8501),
    ]
    text = config("0.0.0.0", 8501, backends)
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    assert f"cookie {COOKIE} insert indirect nocache httponly" in lines
    assert "balance leastconn" in lines and not any("source" in line for line in lines)  # never by address
    for name in ("client", "server", "tunnel"):
        assert f"timeout {name} 8h" in lines
    assert "http-check send meth GET uri /_stcore/health" in lines and "bind 0.0.0.0:8501" in lines
    assert "server b1 10.0.0.5:8501 cookie b1" in lines and "server b2 [fd00::5]:8501 cookie b2" in lines
    (tmp_path / "haproxy.cfg").write_text(text)
    check = subprocess.run([HAPROXY, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


# --- one process, in a browser --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """serve --public-name lab.school.test, started from a directory whose own config and environment try to turn
    the app's protections off: the app's config must win."""
    cwd = tmp_path_factory.mktemp("elsewhere")
    (cwd / ".streamlit").mkdir()
    (cwd / ".streamlit" / "config.toml").write_text(
        '[server]\nenableXsrfProtection = false\nenableCORS = false\nallowedHosts = ["*"]\nmaxUploadSize = 2000\n'
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "false",
        "STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "full",
    }
    with serve_class("--public-name", LAB, cwd=cwd, env=env) as (base, _, proc):
        yield urllib.parse.urlsplit(base).port


@pytest.fixture(scope="module")
def browser():
    with chromium(RESOLVE, "--no-proxy-server") as b:
        yield b


@pytest.mark.slow
def test_security_settings_are_the_apps(lab):
    response = request(lab, "/_stcore/health", LAB, {"Origin": "http://evil.test"})
    assert any(v.startswith("_streamlit_xsrf=") for k, v in response.getheaders() if k.lower() == "set-cookie")
    assert response.getheader("Access-Control-Allow-Origin") in (None, f"http://{LAB}:{lab}")
    assert websocket_status(lab, LAB) == 101
    assert websocket_status(lab, "localhost") == 101
    assert websocket_status(lab, OTHER) == 403


@pytest.mark.browser
@needs_chromium
def test_the_public_name_loads_and_another_name_is_refused(lab, browser):
    page = browser.new_page()
    allowed = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: allowed.append(f)))
    page.goto(f"http://{LAB}:{lab}/")
    page.locator('[data-testid="stApp"]').wait_for(state="visible")
    wait_idle(page)
    assert page.locator('[data-testid="stSidebar"]').get_by_text("SSA 2017 names (bundled)").count() == 1
    assert allowed  # the same count is how the refused name is told apart
    page.close()

    page = browser.new_page()
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
    page.goto(f"http://{OTHER}:{lab}/")  # the page itself is static; its WebSocket is what the name gates
    page.wait_for_timeout(8000)
    assert page.locator('[data-testid="stMain"] h1').count() == 0 and frames == []
    page.close()


# --- replicas behind HAProxy, in a browser ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
@needs_chromium
@needs_haproxy
def test_upload_and_live_training_through_the_proxy(browser):
    words = b"ana\nbob\ncarla\ndora\nemil\nfrida\ngreta\nhanna\nivo\njana\n"
    expected_loss = f"{fit(parse_bytes(words).counts, steps=100)[1][99].loss:.4f}"
    log = []
    with serve_class("--replicas", "2", "--public-name", LAB, log=log) as (base, _, proc):
        port = urllib.parse.urlsplit(base).port
        contexts = [browser.new_context(viewport={"width": 1400, "height": 900}) for _ in range(2)]
        pages = [c.new_page() for c in contexts]
        for page in pages:  # two tabs, two browsers: the proxy may send them to different replicas
            page.goto(f"http://{LAB}:{port}/")
            wait_idle(page)
        page = pages[1]
        page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            {"name": "class.txt", "mimeType": "text/plain", "buffer": words}
        )
        page.locator('[data-testid="stSidebar"]').get_by_text("class.txt").first.wait_for()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes('10 words')"
        )
        page.locator('[data-testid="stSidebarNav"] a', has_text="Training").click()
        page.get_by_role("button", name="Start", exact=True).click()
        page.wait_for_function(METRIC, arg=["Step", "100"], timeout=60_000)
        assert metric_value(page, "Loss") == expected_loss
        assert page.locator('[data-testid="stException"]').count() == 0
        replicas = [next(c["value"] for c in ctx.cookies() if c["name"] == COOKIE) for ctx in contexts]
        assert set(replicas) <= {"r1", "r2"}
        assert "SSA 2017 names (bundled)" in pages[0].locator('[data-testid="stSidebar"]').inner_text()
        for c in contexts:
            c.close()
    assert not [line for line in log if "Traceback" in line or " ERROR " in line], log


METRIC = """([label, value]) => [...document.querySelectorAll('[data-testid="stMetric"]')].some(m =>
  m.querySelector('[data-testid="stMetricLabel"]')?.textContent.trim() === label
  && m.querySelector('[data-testid="stMetricValue"]').textContent.trim() === value)"""


@pytest.mark.slow
@needs_haproxy
def test_a_proxy_in_front_of_another_machines_serve():
    """--replicas 0 --backend HOST:PORT: HAProxy only, sending the class to a serve elsewhere (here on loopback)."""
    from harness.st_client import Session

    async def sidebar(base: str) -> tuple[dict, list[str]]:
        async with Session(base) as session:
            return session.cookies, [
                e.markdown.body for e in session.elements.values() if e.WhichOneof("type") == "markdown"
            ]

    with (
        serve_class() as (other, _, _),
        serve_class("--replicas", "0", "--backend", other.removeprefix("http://")) as (base, _, proc),
    ):
        cookies, texts = run_coroutine(sidebar(base))
        assert [c for c in children_of(proc.pid) if b"haproxy" in c] and not [
            c for c in children_of(proc.pid) if b"streamlit" in c
        ]
    assert cookies[COOKIE] == "b1" and any("SSA 2017 names (bundled)" in t for t in texts)


def children_of(pid: int) -> list[bytes]:
    from harness.st_server import children

    return [open(f"/proc/{c}/cmdline", "rb").read() for c in children(pid)]
