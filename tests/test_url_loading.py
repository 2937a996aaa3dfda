"""Fetching a word list from an allowed address: against a local HTTP server on 127.0.0.1 that this test starts.

Each case is tried through bigram_core.fetch.fetch_url and, where it does not need a short timeout, through the
sidebar's Fetch button in AppTest, with the address allowed as `streamlit run app.py -- --allow-url URL` would.
"""

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bigram_core import BigramError, parse_text
from bigram_core.fetch import fetch_url
from tests.apptest import assert_clean, open_page
from ui.format import WORD_JOINER

LIST = "emma\nolivia\nzoë\n".encode()
CAP = 1000  # bytes: a small max_bytes keeps the "too big" cases small
SLOW = 1.0  # seconds the slow routes take; the timeouts given to fetch_url are well under it
TIMEOUT = 0.3


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass

    def send(self, status: int, body: bytes, length: int | None = None, **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        if path == "/names.txt":
            self.send(200, LIST)
        elif path == "/big-declared.txt":  # says how big it is: refused before its body is read
            self.send(200, b"a\n" * CAP)
        elif path == "/big-undeclared.txt":  # no Content-Length: read up to the cap + 1 and refused
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"a\n" * CAP)
            self.close_connection = True
        elif path == "/slow.txt":  # no answer at all for SLOW seconds
            time.sleep(SLOW)
            self.send(200, LIST)
        elif path == "/trickle.txt":  # answers at once, then a byte at a time: only a total deadline ends it
            self.send(200, b"", length=len(LIST))
            for byte in LIST:
                time.sleep(SLOW / len(LIST))
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        elif path == "/latin1.txt":
            self.send(200, "emma\nrené\n".encode("latin-1"))
        elif path == "/truncated.txt":  # announces 400,000 bytes, sends 10,000, then the connection drops
            self.send(200, b"ab\n" * 3333 + b"a", length=400_000)
            self.close_connection = True
        elif path == "/redirect.txt":
            self.send(302, b"", Location="/names.txt")
        else:
            self.send(404, b"not here")


@pytest.fixture(scope="module")
def server():
    """The base address of a threaded HTTP server on 127.0.0.1, shut down after the module's tests."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True  # a handler still sleeping for a timed-out client does not hold up the end
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def fetch(server: str, path: str, also_allowed: tuple[str, ...] = (), **options):
    url = server + path
    return fetch_url(url, (url, *(server + p for p in also_allowed)), **options)


def test_an_allowed_list_is_fetched_and_validated(server):
    words = fetch(server, "/names.txt")
    assert words.words == ("emma", "olivia", "zoë") and words.name == "names.txt"
    assert words.digest == parse_text(LIST.decode()).digest and words.nbytes == len(LIST)


def test_only_allowed_http_addresses(server):
    with pytest.raises(BigramError, match="is not on the list of allowed addresses, so it was not fetched"):
        fetch_url(server + "/names.txt", allowed=(server + "/other.txt",))
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/names.txt", "javascript:alert(1)"):
        with pytest.raises(BigramError, match=r"Only http:// and https:// addresses can be loaded"):
            fetch_url(url, allowed=(url,))


def test_not_found(server):
    with pytest.raises(BigramError, match=r"^http://127\.0\.0\.1:\d+/missing\.txt answered 404 Not Found\.$"):
        fetch(server, "/missing.txt")


def test_too_big_with_and_without_a_content_length(server):
    started = time.perf_counter()
    for path in ("/big-declared.txt", "/big-undeclared.txt"):
        with pytest.raises(BigramError, match=r"is over the 1,000 bytes limit for a word list, so it was not loaded"):
            fetch(server, path, max_bytes=CAP)
    assert time.perf_counter() - started < 5
    assert len(fetch(server, "/big-declared.txt", max_bytes=2 * CAP).words) == CAP  # exactly at the cap: fine


@pytest.mark.parametrize("path", ["/slow.txt", "/trickle.txt"])
def test_a_slow_server_times_out(server, path):
    started = time.perf_counter()
    with pytest.raises(BigramError, match=r"did not send its word list within 0\.3 seconds, so it was not loaded"):
        fetch(server, path, timeout=TIMEOUT)
    assert time.perf_counter() - started < 2 * TIMEOUT + 0.3  # the deadline, plus at most one read's timeout
    assert fetch(server, path, timeout=5 * SLOW).words == ("emma", "olivia", "zoë")  # patient enough: fine


def test_a_redirect_must_stay_on_the_list(server):
    with pytest.raises(
        BigramError,
        match=r"/redirect\.txt redirects to http://127\.0\.0\.1:\d+/names\.txt, which "
        "is not on the list of allowed addresses, so it was not followed",
    ):
        fetch(server, "/redirect.txt")
    assert fetch(server, "/redirect.txt", also_allowed=("/names.txt",)).words == ("emma", "olivia", "zoë")


def test_content_is_validated_like_any_word_list(server):
    with pytest.raises(BigramError, match=r"latin1\.txt is not UTF-8: line 2, byte 4 is 0xe9"):
        fetch(server, "/latin1.txt")


def test_a_download_cut_short_is_not_loaded(server):
    with pytest.raises(BigramError, match="sent 10,000 of the 400,000 bytes it announced: the download was cut short"):
        fetch(server, "/truncated.txt", max_bytes=10**6)


def test_nothing_listening():
    with pytest.raises(BigramError, match=r"^Could not fetch http://127\.0\.0\.1:9/names\.txt: .*\.$"):
        fetch_url("http://127.0.0.1:9/names.txt", allowed=("http://127.0.0.1:9/names.txt",), timeout=TIMEOUT)


# --- through the sidebar ------------------------------------------------------------------------------------


@pytest.fixture
def allow(monkeypatch, server):
    """Start the app as `streamlit run app.py -- --allow-url URL …` would, for these paths of the server."""

    def allow_paths(*paths: str) -> list[str]:
        urls = [server + p for p in paths]
        monkeypatch.setattr(sys, "argv", ["app.py", *(arg for url in urls for arg in ("--allow-url", url))])
        return urls

    return allow_paths


def fetch_in_sidebar(url: str, words=None):
    at = open_page("dataset", words)
    at.sidebar.selectbox[0].set_value(url)
    at.sidebar.button[0].click().run()  # Fetch
    assert_clean(at)
    return at


def test_the_sidebar_offers_and_fetches_an_allowed_address(allow):
    (url,) = allow("/names.txt")
    at = open_page("dataset")
    assert at.sidebar.selectbox[0].options[-1] == url  # after the makemore list, the default entry
    at = fetch_in_sidebar(url)
    assert not at.sidebar.error
    assert at.session_state["words"].words == ("emma", "olivia", "zoë")
    assert "names.txt" in at.sidebar.markdown[1].value and "3 words" in at.sidebar.markdown[1].value


@pytest.mark.parametrize(
    "path, message",
    [
        ("/missing.txt", "answered 404 Not Found."),
        ("/redirect.txt", "which is not on the list of allowed addresses, so it was not followed."),
        ("/latin1.txt", "is not UTF-8: line 2, byte 4 is 0xe9."),
        ("/truncated.txt", "the download was cut short, so it was not loaded."),
    ],
)
def test_a_failed_fetch_says_why_and_keeps_the_list(allow, path, message):
    (url,) = allow(path)
    before = parse_text("anna\nbob\n", "mine.txt")
    at = fetch_in_sidebar(url, before)
    assert len(at.sidebar.error) == 1 and message in at.sidebar.error[0].value
    assert WORD_JOINER not in at.sidebar.error[0].value  # a copied address works
    assert at.session_state["words"].words == before.words and "mine.txt" in at.sidebar.markdown[1].value
    at.run()  # the message was for that click only; the list stays
    assert not at.sidebar.error and at.session_state["words"].words == before.words
